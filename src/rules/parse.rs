//! Reading rules: `FILTER => ANSWER` on the command line, and the same fields
//! in a TOML file. Every error is one line that names the rule.
//!
//! An answer is `[p=RATE] STEP[, STEP…]`, and a step is made of, in any order
//! before the body: a status (`503`), headers (`Retry-After:30`, no spaces),
//! `delay 3s`, `drop` or `hang`; then a body: `@FILE` or the rest of the step
//! as a template (`{{json:/challenge}}`). A comma starts a new step only when
//! a status, `delay`, `drop` or `hang` follows it, so JSON bodies keep theirs.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::template::Template;
use super::{Fault, Rule, Step};
use crate::filter::Filter;
use crate::model::{Header, Timestamp};

/// A rule that cannot be used, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct RuleError {
    /// `--respond #2 'json:x => 200'` or `rules.toml rule 3`.
    pub origin: String,
    /// What is wrong.
    pub reason: String,
}

/// Parses `--respond` number `number` (from 1): `FILTER => ANSWER`. Bodies
/// given as `@FILE` are read relative to `dir`.
pub fn parse_rule(number: u32, text: &str, dir: &Path) -> Result<Rule, RuleError> {
    let origin = format!("--respond #{number} {text:?}");
    let err = |reason: String| RuleError {
        origin: origin.clone(),
        reason,
    };
    let (filter, answer) = text
        .split_once("=>")
        .ok_or_else(|| err("expected 'FILTER => ANSWER', e.g. 'method:POST => 503, 200'".into()))?;
    let filter =
        Filter::parse_line(filter.trim(), Timestamp::now()).map_err(|e| err(e.to_string()))?;
    let (rate, steps) = answer_steps(answer, dir).map_err(err)?;
    Ok(Rule {
        number,
        filter,
        rate,
        steps,
    })
}

/// The rate and steps of an answer: `[p=RATE] STEP[, STEP…]`.
fn answer_steps(answer: &str, dir: &Path) -> Result<(Option<f64>, Vec<Step>), String> {
    let answer = answer.trim();
    let (rate, rest) = match answer.strip_prefix("p=") {
        Some(after) => {
            let (p, rest) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
            (Some(rate(p)?), rest.trim())
        }
        None => (None, answer),
    };
    let steps = split_steps(rest)
        .into_iter()
        .map(|s| step(s, dir))
        .collect::<Result<Vec<_>, _>>()?;
    if steps.is_empty() {
        return Err("no answer after =>: give a status (=> 200), drop, hang or delay 3s".into());
    }
    Ok((rate, steps))
}

fn rate(p: &str) -> Result<f64, String> {
    match p.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(format!(
            "p={p}: the rate is a number above 0 and at most 1, e.g. p=0.2"
        )),
    }
}

/// Splits at commas that are followed by the start of a step.
fn split_steps(text: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(',') {
        let next = text[i + 1..].trim_start();
        let word = next
            .split(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or("");
        if starts_step(word) {
            steps.push(text[start..i].trim());
            start = i + 1;
        }
    }
    steps.push(text[start..].trim());
    steps.retain(|s| !s.is_empty());
    steps
}

fn starts_step(word: &str) -> bool {
    status(word).is_some() || matches!(word, "delay" | "drop" | "hang")
}

fn status(word: &str) -> Option<u16> {
    (word.len() == 3)
        .then(|| word.parse::<u16>().ok())
        .flatten()
        .filter(|s| (100..=999).contains(s))
}

/// One step: status, headers, `delay D`, `drop`/`hang`, then the body.
fn step(text: &str, dir: &Path) -> Result<Step, String> {
    let mut s = Step {
        text: text.into(),
        status: None,
        headers: Vec::new(),
        body: None,
        delay: Duration::ZERO,
        fault: None,
    };
    let mut rest = text.trim_start();
    while let Some(word) = rest.split_whitespace().next() {
        let after = rest[word.len()..].trim_start();
        match word {
            "drop" => s.fault = Some(Fault::Drop),
            "hang" => s.fault = Some(Fault::Hang),
            "delay" => {
                let d = after.split_whitespace().next().unwrap_or("");
                s.delay = humantime::parse_duration(d)
                    .map_err(|_| format!("delay {d:?}: expected a duration like 3s or 250ms"))?;
                rest = after[d.len()..].trim_start();
                continue;
            }
            w if s.status.is_none() && s.headers.is_empty() && status(w).is_some() => {
                s.status = status(w);
            }
            w if header_token(w).is_some() => s.headers.push(header_token(w).expect("checked")),
            w if w.starts_with('@') && after.is_empty() => {
                let path = dir.join(&w[1..]);
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("cannot read the body file {}: {e}", path.display()))?;
                s.body = Some(Template::literal(bytes));
            }
            _ => {
                s.body = Some(Template::parse(rest)?);
                break;
            }
        }
        rest = after;
    }
    if s.fault.is_some() && (s.status.is_some() || s.body.is_some()) {
        return Err(format!(
            "{text:?}: drop and hang send no answer, so they take no status or body"
        ));
    }
    Ok(s)
}

/// `Name:value` with a valid header name and value, else `None`.
fn header_token(word: &str) -> Option<Header> {
    let (name, value) = word.split_once(':')?;
    if name.is_empty() || value.is_empty() {
        return None;
    }
    hyper::header::HeaderName::from_bytes(name.as_bytes()).ok()?;
    hyper::header::HeaderValue::from_str(value).ok()?;
    Some(Header::new(name, value))
}

/// The rules file: `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<FileRule>,
}

/// One `[[rule]]`: `match` and an `answer` (as after `=>`, or a list of
/// steps), or the fields of one step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRule {
    #[serde(rename = "match", default)]
    filter: String,
    answer: Option<AnswerField>,
    p: Option<f64>,
    status: Option<u16>,
    #[serde(default)]
    headers: toml::Table,
    body: Option<String>,
    body_file: Option<String>,
    delay: Option<String>,
    fault: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AnswerField {
    One(String),
    Steps(Vec<String>),
}

/// Reads a rules file; the rules are numbered from `first`. A bad file or
/// rule is one line naming the file and the rule.
pub fn parse_file(path: &Path, first: u32) -> Result<Vec<Rule>, RuleError> {
    let shown = path.display().to_string();
    let whole = |reason: String| RuleError {
        origin: shown.clone(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| whole(format!("cannot read it: {e}")))?;
    let file: RulesFile = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map_or(0, |s| text[..s.start].lines().count().max(1));
        whole(format!("line {line}: {}", e.message()))
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    file.rule
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let number = first + i as u32;
            file_rule(number, r, dir).map_err(|reason| RuleError {
                origin: format!("{shown} rule {} (--respond #{number})", i + 1),
                reason,
            })
        })
        .collect()
}

fn file_rule(number: u32, r: FileRule, dir: &Path) -> Result<Rule, String> {
    let filter = Filter::parse_line(&r.filter, Timestamp::now()).map_err(|e| e.to_string())?;
    let structured = r.status.is_some()
        || !r.headers.is_empty()
        || r.body.is_some()
        || r.body_file.is_some()
        || r.delay.is_some()
        || r.fault.is_some();
    let (rate, steps) = match (&r.answer, structured) {
        (Some(_), true) => {
            return Err(
                "give either answer = \"…\" or status/headers/body/delay/fault, not both".into(),
            );
        }
        (Some(AnswerField::One(a)), false) => answer_steps(a, dir)?,
        (Some(AnswerField::Steps(list)), false) => {
            let steps = list
                .iter()
                .map(|s| step(s, dir))
                .collect::<Result<Vec<_>, _>>()?;
            if steps.is_empty() {
                return Err("answer = [] has no steps".into());
            }
            (None, steps)
        }
        (None, _) => (None, vec![structured_step(&r, dir)?]),
    };
    let rate = match r.p {
        Some(p) => Some(self::rate(&p.to_string())?),
        None => rate,
    };
    Ok(Rule {
        number,
        filter,
        rate,
        steps,
    })
}

/// The step the fields `status`, `headers`, `body`/`body_file`, `delay`,
/// `fault` describe.
fn structured_step(r: &FileRule, dir: &Path) -> Result<Step, String> {
    let mut words = Vec::new();
    if let Some(s) = r.status {
        if status(&s.to_string()).is_none() {
            return Err(format!("status = {s}: use a code from 100 to 999"));
        }
        words.push(s.to_string());
    }
    if let Some(d) = &r.delay {
        words.push(format!("delay {d}"));
    }
    if let Some(f) = &r.fault {
        if !matches!(f.as_str(), "drop" | "hang") {
            return Err(format!("fault = {f:?}: use \"drop\" or \"hang\""));
        }
        words.push(f.clone());
    }
    let mut s = step(&words.join(" "), dir)?;
    let mut text = s.text.to_string();
    for (name, value) in &r.headers {
        let value = match (value.as_str(), value.as_integer()) {
            (Some(text), _) => text.to_owned(),
            (None, Some(n)) => n.to_string(),
            _ => {
                return Err(format!(
                    "headers: the value of {name} is not text or a number"
                ));
            }
        };
        hyper::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("headers: {name:?} is not a header name"))?;
        hyper::header::HeaderValue::from_str(&value)
            .map_err(|_| format!("headers: the value of {name} is not a header value"))?;
        text.push_str(&format!(" {name}:{value}"));
        s.headers.push(Header::new(name.as_str(), value));
    }
    match (&r.body, &r.body_file) {
        (Some(_), Some(_)) => return Err("give body or body_file, not both".into()),
        (Some(b), None) => {
            s.body = Some(Template::parse(b)?);
            text.push_str(&format!(" {b}"));
        }
        (None, Some(f)) => {
            let path = dir.join(f);
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("cannot read the body file {}: {e}", path.display()))?;
            s.body = Some(Template::literal(bytes));
            text.push_str(&format!(" @{f}"));
        }
        (None, None) => {}
    }
    if s.fault.is_some() && s.body.is_some() {
        return Err("drop and hang send no answer, so they take no body".into());
    }
    s.text = text.trim().into();
    Ok(s)
}
