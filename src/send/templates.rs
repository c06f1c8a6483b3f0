//! Provider templates: realistic sample webhooks, stored as data files in
//! `templates/` and embedded at build time (see `build.rs`), so adding one is
//! adding a file.
//!
//! A template file is one JSON object:
//!
//! ```json
//! {
//!   "description": "GitHub push: commits were pushed to a branch",
//!   "provider": "github",
//!   "docs": "https://docs.github.com/…#push",
//!   "headers": { "User-Agent": "GitHub-Hookshot/…", "X-GitHub-Event": "push",
//!                "X-GitHub-Delivery": "{{uuid}}" },
//!   "content_type": "application/json",
//!   "pretty": false,
//!   "body": { … }
//! }
//! ```
//!
//! - `provider` names the signature scheme (`--secret` signs with it).
//! - `headers` are sent in order; a `User-Agent` or `Accept` replaces hookcap's default.
//! - `content_type` `application/x-www-form-urlencoded` makes `body` (an object of
//!   strings) a form; anything else sends `body` as JSON, compact unless `pretty`.
//! - Placeholders, fresh for every request, in header values and body strings:
//!   `{{uuid}}` (a v4 UUID), `{{id}}` (24 random letters and digits), `{{unix}}`
//!   (seconds; a body string that is exactly `{{unix}}` becomes a number) and
//!   `{{rfc3339}}` (the current UTC time). Each occurrence gets its own value.

use serde::Deserialize;
use serde_json::Value;

use super::BuildError;
use super::fresh::Fresh;
use crate::model::Header;
use crate::sign::ProviderKind;

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The form content type: templates with it carry form fields, not JSON.
const FORM: &str = "application/x-www-form-urlencoded";

/// A template file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    description: String,
    provider: String,
    docs: String,
    headers: serde_json::Map<String, Value>,
    content_type: String,
    #[serde(default)]
    pretty: bool,
    body: Value,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The name, from the file name (`github.push`).
    pub name: &'static str,
    /// One line for `--list-templates`.
    pub description: String,
    /// The scheme that signs it.
    pub provider: ProviderKind,
    /// Where the provider documents this payload.
    pub docs: String,
    /// Headers in order, values possibly with placeholders.
    pub headers: Vec<(String, String)>,
    /// The `Content-Type` sent.
    pub content_type: String,
    /// The payload.
    pub body: TemplateBody,
}

/// A template's payload.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateBody {
    /// A JSON document, written compactly or pretty-printed (2 spaces).
    Json {
        /// The document.
        value: Value,
        /// Pretty-print (as Stripe sends events).
        pretty: bool,
    },
    /// Form fields in order.
    Form(Vec<(String, String)>),
}

/// One `--set /pointer=value` edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOp {
    /// An RFC 6901 JSON pointer (`/data/object/amount`).
    pub pointer: String,
    /// The value text: JSON if it parses as JSON, otherwise a string.
    pub value: String,
}

impl std::str::FromStr for SetOp {
    type Err = BuildError;

    /// Splits at the first `=`; the pointer must be empty or start with `/`.
    fn from_str(arg: &str) -> Result<Self, BuildError> {
        let (pointer, value) = arg.split_once('=').ok_or_else(|| {
            BuildError::Invalid(format!("--set {arg:?}: expected /POINTER=VALUE"))
        })?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(BuildError::Invalid(format!(
                "--set {arg:?}: a JSON pointer starts with '/' (e.g. /data/object/id)"
            )));
        }
        Ok(Self {
            pointer: pointer.to_owned(),
            value: value.to_owned(),
        })
    }
}

/// A template filled in for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The template's headers with placeholders replaced.
    pub headers: Vec<Header>,
    /// The `Content-Type` to send.
    pub content_type: String,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

/// Names of every embedded template, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    TEMPLATE_FILES.iter().map(|(name, _)| *name)
}

/// Every template, parsed (an error names the broken file).
pub fn all() -> Result<Vec<Template>, BuildError> {
    TEMPLATE_FILES
        .iter()
        .map(|(name, text)| parse(name, text))
        .collect()
}

/// The template called `name`, or an error listing the known ones.
pub fn load(name: &str) -> Result<Template, BuildError> {
    let (name, text) = TEMPLATE_FILES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            BuildError::Invalid(format!(
                "unknown template {name:?}; known: {} (see --list-templates)",
                names().collect::<Vec<_>>().join(", ")
            ))
        })?;
    parse(name, text)
}

fn parse(name: &'static str, text: &str) -> Result<Template, BuildError> {
    let bad = |e: String| BuildError::Invalid(format!("template {name} is broken: {e}"));
    let file: TemplateFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let provider = file.provider.parse().map_err(|e| bad(format!("{e}")))?;
    let headers = file
        .headers
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(bad(format!("header {k} is not a string: {other}"))),
        })
        .collect::<Result<_, _>>()?;
    let body = if is_form(&file.content_type) {
        TemplateBody::Form(form_fields(file.body).map_err(bad)?)
    } else {
        TemplateBody::Json {
            value: file.body,
            pretty: file.pretty,
        }
    };
    Ok(Template {
        name,
        description: file.description,
        provider,
        docs: file.docs,
        headers,
        content_type: file.content_type,
        body,
    })
}

fn is_form(content_type: &str) -> bool {
    content_type.to_ascii_lowercase().starts_with(FORM)
}

fn form_fields(body: Value) -> Result<Vec<(String, String)>, String> {
    let Value::Object(map) = body else {
        return Err("a form body must be an object of strings".into());
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(format!("form field {k} is not a string: {other}")),
        })
        .collect()
}

impl Template {
    /// Applies `sets`, replaces placeholders with fresh values and encodes the body.
    pub fn render(&self, sets: &[SetOp], fresh: &mut dyn Fresh) -> Result<Rendered, BuildError> {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| Header::new(n.as_str(), expand(v, fresh)))
            .collect();
        let body = match &self.body {
            TemplateBody::Json { value, pretty } => {
                let mut value = value.clone();
                for s in sets {
                    set_json(&mut value, s).map_err(|e| self.set_error(s, e))?;
                }
                expand_json(&mut value, fresh);
                let bytes = if *pretty {
                    serde_json::to_vec_pretty(&value)
                } else {
                    serde_json::to_vec(&value)
                };
                bytes.expect("a JSON value serializes")
            }
            TemplateBody::Form(fields) => {
                let mut fields = fields.clone();
                for s in sets {
                    set_form(&mut fields, s).map_err(|e| self.set_error(s, e))?;
                }
                let expanded: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), expand(v, fresh)))
                    .collect();
                form_encode(&expanded).into_bytes()
            }
        };
        Ok(Rendered {
            headers,
            content_type: self.content_type.clone(),
            body,
        })
    }

    fn set_error(&self, s: &SetOp, e: String) -> BuildError {
        BuildError::Invalid(format!(
            "--set {}: {e} in template {}",
            s.pointer, self.name
        ))
    }
}

/// Sets the value at `s.pointer`, adding a missing last key (or `-` to append to
/// an array); every parent must exist.
fn set_json(doc: &mut Value, s: &SetOp) -> Result<(), String> {
    let new = serde_json::from_str(&s.value).unwrap_or_else(|_| Value::String(s.value.clone()));
    let Some((parent, last)) = s.pointer.rsplit_once('/') else {
        *doc = new;
        return Ok(());
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, new);
            Ok(())
        }
        Some(Value::Array(items)) => set_index(items, &key, new),
        Some(_) => Err(format!("{parent} is neither an object nor an array")),
        None => Err(format!("{parent} does not exist")),
    }
}

fn set_index(items: &mut Vec<Value>, key: &str, new: Value) -> Result<(), String> {
    if key == "-" {
        items.push(new);
        return Ok(());
    }
    let i: usize = key
        .parse()
        .map_err(|_| format!("{key:?} is not an array index"))?;
    match i.cmp(&items.len()) {
        std::cmp::Ordering::Less => items[i] = new,
        std::cmp::Ordering::Equal => items.push(new),
        std::cmp::Ordering::Greater => {
            return Err(format!("index {i} is past the end ({} items)", items.len()));
        }
    }
    Ok(())
}

/// Form templates are flat: `/Name` sets (or adds) field `Name`, as text.
fn set_form(fields: &mut Vec<(String, String)>, s: &SetOp) -> Result<(), String> {
    let name = s
        .pointer
        .strip_prefix('/')
        .filter(|n| !n.contains('/'))
        .ok_or("a form template only has top-level fields (/Name)")?
        .replace("~1", "/")
        .replace("~0", "~");
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some((_, v)) => *v = s.value.clone(),
        None => fields.push((name, s.value.clone())),
    }
    Ok(())
}

/// `application/x-www-form-urlencoded`: unreserved characters kept, space as `+`.
pub fn form_encode(fields: &[(String, String)]) -> String {
    let enc = super::url::form_component;
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k.as_bytes()), enc(v.as_bytes())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces placeholders in every string of `value`; `"{{unix}}"` alone becomes a number.
fn expand_json(value: &mut Value, fresh: &mut dyn Fresh) {
    match value {
        Value::String(s) if s == "{{unix}}" => *value = fresh.now().unix_seconds().into(),
        Value::String(s) if s.contains("{{") => *s = expand(s, fresh),
        Value::Array(items) => items.iter_mut().for_each(|v| expand_json(v, fresh)),
        Value::Object(map) => map.values_mut().for_each(|v| expand_json(v, fresh)),
        _ => {}
    }
}

/// Replaces each known placeholder occurrence with a fresh value; unknown
/// `{{…}}` text is left as it is.
pub fn expand(text: &str, fresh: &mut dyn Fresh) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match placeholder(&after[..end], fresh) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn placeholder(name: &str, fresh: &mut dyn Fresh) -> Option<String> {
    Some(match name {
        "uuid" => fresh.uuid().to_string(),
        "id" => random_id(fresh),
        "unix" => fresh.now().unix_seconds().to_string(),
        "rfc3339" => humantime::format_rfc3339_seconds(fresh.now().to_system_time()).to_string(),
        _ => return None,
    })
}

/// 24 letters and digits, like the ids Stripe and others put after `evt_`.
fn random_id(fresh: &mut dyn Fresh) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = fresh.random();
    let mut out = String::with_capacity(24);
    for i in 0..24 {
        if i == 12 {
            n = fresh.random();
        }
        out.push(char::from(ALPHABET[(n % 62) as usize]));
        n /= 62;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::fresh::testing::FixedFresh;

    fn set(pointer: &str, value: &str) -> SetOp {
        format!("{pointer}={value}").parse().unwrap()
    }

    #[test]
    fn every_template_parses_and_renders() {
        let all = all().unwrap();
        assert!(all.len() >= 11, "{} templates", all.len());
        for t in &all {
            assert!(
                !t.description.is_empty() && t.docs.starts_with("https://"),
                "{}",
                t.name
            );
            let r = t.render(&[], &mut FixedFresh::default()).unwrap();
            assert!(!r.body.is_empty(), "{}", t.name);
            assert!(
                !r.headers.iter().any(|h| h.value_str().contains("{{")),
                "{}",
                t.name
            );
            assert!(
                t.headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("user-agent")),
                "{} has no User-Agent",
                t.name
            );
        }
    }

    #[test]
    fn the_issue_templates_exist() {
        for name in [
            "github.push",
            "github.pull_request",
            "github.ping",
            "gitlab.push",
            "stripe.payment_intent.succeeded",
            "stripe.checkout.session.completed",
            "slack.event_callback",
            "slack.url_verification",
            "shopify.orders.create",
            "twilio.sms",
            "standard.example",
        ] {
            load(name).unwrap();
        }
        assert!(
            load("nope")
                .unwrap_err()
                .to_string()
                .contains("github.push")
        );
    }

    #[test]
    fn placeholders_are_fresh_per_occurrence() {
        let mut f = FixedFresh::default();
        let out = expand(
            "{{uuid}} {{uuid}} {{unix}} {{rfc3339}} {{other}} {{",
            &mut f,
        );
        let parts: Vec<&str> = out.split(' ').collect();
        assert_ne!(parts[0], parts[1]);
        assert_eq!(parts[0].len(), 36);
        assert_eq!(parts[2], "1700000000");
        assert_eq!(parts[3], "2023-11-14T22:13:20Z");
        assert_eq!(&parts[4..], ["{{other}}", "{{"]);
        assert_eq!(random_id(&mut f).len(), 24);
    }

    #[test]
    fn set_edits_json_by_pointer() {
        let mut doc: Value = serde_json::json!({"a": {"b/c": 1, "list": [1, 2]}, "s": "x"});
        set_json(&mut doc, &set("/a/b~1c", "2")).unwrap();
        set_json(&mut doc, &set("/a/new", "text")).unwrap();
        set_json(&mut doc, &set("/a/list/0", "{\"k\":true}")).unwrap();
        set_json(&mut doc, &set("/a/list/-", "null")).unwrap();
        set_json(&mut doc, &set("/s", "\"2000\"")).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({"a": {"b/c": 2, "list": [{"k": true}, 2, null], "new": "text"}, "s": "2000"})
        );
        assert!(
            set_json(&mut doc, &set("/missing/x", "1"))
                .unwrap_err()
                .contains("/missing")
        );
        assert!(set_json(&mut doc, &set("/a/list/9", "1")).is_err());
        assert!(set_json(&mut doc, &set("/s/x", "1")).is_err());
        set_json(&mut doc, &set("", "[]")).unwrap();
        assert_eq!(doc, serde_json::json!([]));
        assert!("nopointer=1".parse::<SetOp>().is_err());
        assert!("noequals".parse::<SetOp>().is_err());
    }

    #[test]
    fn form_templates_render_encoded_fields() {
        let t = load("twilio.sms").unwrap();
        let r = t
            .render(
                &[set("/Body", "hi there & more"), set("/Extra", "1")],
                &mut FixedFresh::default(),
            )
            .unwrap();
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("&Body=hi+there+%26+more&"), "{body}");
        assert!(body.ends_with("&Extra=1"), "{body}");
        assert!(r.content_type.starts_with(FORM));
        assert!(
            t.render(&[set("/a/b", "1")], &mut FixedFresh::default())
                .is_err()
        );
    }

    #[test]
    fn unix_alone_becomes_a_number() {
        let mut v = serde_json::json!({"t": "{{unix}}", "s": "at {{unix}}"});
        expand_json(&mut v, &mut FixedFresh::default());
        assert_eq!(
            v,
            serde_json::json!({"t": 1_700_000_000, "s": "at 1700000000"})
        );
    }
}
