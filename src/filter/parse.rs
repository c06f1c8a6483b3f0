//! Reading terms: `key:value` or a bare word, one per argument or several on a
//! line. Every error says which term is wrong, where, and what would be right.

use std::fmt;
use std::ops::Range;

use super::{Cmp, DeliverySel, Glob, SessionSel, SigVerdict, StatusSel, Term, ago};
use crate::clock;
use crate::model::Timestamp;

/// The keys the language knows, in the order `--help` lists them.
pub const KEYS: &[&str] = &[
    "method", "path", "status", "header", "body", "json", "sig", "since", "session", "id",
    "provider", "event", "delivery", "attempt", "via", "text",
];

/// The one term that is a bare word: `dup` (search for the text with `text:dup`).
pub const DUP: &str = "dup";

/// A filter that could not be read: the input, where in it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// What was parsed: one argument, or a whole `--match` line.
    pub input: String,
    /// The byte range of the bad term in `input`.
    pub term: Range<usize>,
    /// The byte range of the bad part (inside `term`, or all of it).
    pub span: Range<usize>,
    /// What is wrong, worded for the person who typed it.
    pub reason: String,
}

impl FilterError {
    /// An error about a whole value given outside the language (a flag's value).
    pub fn value_of(key: &str, value: &str, reason: String) -> Self {
        let input = format!("{key}:{value}");
        let span = key.len() + 1..input.len();
        Self {
            term: 0..input.len(),
            span,
            input,
            reason,
        }
    }

    /// The bad term as typed.
    pub fn term_text(&self) -> &str {
        &self.input[self.term.clone()]
    }

    /// Two lines: the input, and carets under the bad part. For displays that
    /// can show more than one line (the TUI's `/` prompt, `--match` errors).
    pub fn pointer(&self) -> String {
        let lead = self.input[..self.span.start].chars().count();
        let width = self.input[self.span.clone()].chars().count().max(1);
        format!("{}\n{}{}", self.input, " ".repeat(lead), "^".repeat(width))
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter term {:?}", self.term_text())?;
        if self.term != (0..self.input.len()) {
            let column = self.input[..self.span.start].chars().count() + 1;
            write!(f, " at column {column} of {:?}", self.input)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for FilterError {}

/// An error inside one term: the byte range in the term text, and why.
struct TermError {
    span: Range<usize>,
    reason: String,
}

type TermResult<T> = Result<T, TermError>;

/// Parses one term given as its own argument.
pub(super) fn term(text: &str, now: Timestamp) -> Result<Term, FilterError> {
    parse_term(text, now).map_err(|e| FilterError {
        input: text.to_owned(),
        term: 0..text.len(),
        span: e.span,
        reason: e.reason,
    })
}

/// Parses a line of space-separated, optionally quoted terms.
pub(super) fn line(line: &str, now: Timestamp) -> Result<Vec<Term>, FilterError> {
    let tokens = tokenize(line)?;
    tokens
        .into_iter()
        .map(|tok| {
            // A term that opens with a quote is a word to search for, colon or not.
            if line[tok.raw.clone()].starts_with(['"', '\'']) && !tok.text.is_empty() {
                return Ok(Term::Text(tok.text));
            }
            parse_term(&tok.text, now).map_err(|e| {
                // Quotes shift offsets; then the whole term is pointed at.
                let span = if tok.quoted {
                    tok.raw.clone()
                } else {
                    tok.raw.start + e.span.start..tok.raw.start + e.span.end
                };
                FilterError {
                    input: line.to_owned(),
                    term: tok.raw,
                    span,
                    reason: e.reason,
                }
            })
        })
        .collect()
}

struct Token {
    text: String,
    raw: Range<usize>,
    quoted: bool,
}

/// Splits on unquoted whitespace; `"…"` allows `\"` and `\\`, `'…'` is literal.
fn tokenize(line: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return Ok(tokens);
        };
        let mut tok = Token {
            text: String::new(),
            raw: start..start,
            quoted: false,
        };
        while let Some((at, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
            match c {
                '"' | '\'' => {
                    tok.quoted = true;
                    read_quoted(&mut chars, c, &mut tok.text).ok_or_else(|| FilterError {
                        input: line.to_owned(),
                        term: start..line.len(),
                        span: at..line.len(),
                        reason: format!("the quote {c} is never closed"),
                    })?;
                }
                c => tok.text.push(c),
            }
        }
        tok.raw.end = chars.peek().map_or(line.len(), |&(i, _)| i);
        tokens.push(tok);
    }
}

fn read_quoted(
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
    quote: char,
    out: &mut String,
) -> Option<()> {
    loop {
        let (_, c) = chars.next()?;
        match c {
            c if c == quote => return Some(()),
            '\\' if quote == '"' => match chars.next()? {
                (_, e @ ('"' | '\\')) => out.push(e),
                (_, other) => {
                    out.push('\\');
                    out.push(other);
                }
            },
            c => out.push(c),
        }
    }
}

fn parse_term(text: &str, now: Timestamp) -> TermResult<Term> {
    if text.eq_ignore_ascii_case(DUP) {
        return Ok(Term::Dup);
    }
    let Some((key, value)) = split_key(text) else {
        return Ok(Term::Text(text.to_owned()));
    };
    let at = key.len() + 1;
    let lower = key.to_ascii_lowercase();
    if !KEYS.contains(&lower.as_str()) {
        return Err(TermError {
            span: 0..key.len(),
            reason: format!(
                "unknown key {key:?} (known: {}); to search for text with a colon, write text:{text}",
                KEYS.join(", ")
            ),
        });
    }
    if value.is_empty() {
        return Err(TermError {
            span: 0..text.len(),
            reason: format!("{lower}: needs a value, e.g. {}", example(&lower)),
        });
    }
    let shift = |e: TermError| TermError {
        span: at + e.span.start..at + e.span.end,
        reason: e.reason,
    };
    value_term(&lower, value, now).map_err(shift)
}

/// `key:value` when the part before the first colon looks like a key (letters
/// only); anything else, such as `10:30` or `/a:b`, is a bare word.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let (key, value) = text.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic())).then_some((key, value))
}

fn example(key: &str) -> &'static str {
    match key {
        "method" => "method:POST",
        "path" => "path:/hooks/*",
        "status" => "status:2xx or status:401",
        "header" => "header:X-GitHub-Event or header:X-GitHub-Event=push",
        "body" => "body:refs/heads/main",
        "json" => "json:/ref=refs/heads/main",
        "sig" => "sig:valid",
        "since" => "since:10m",
        "session" => "session:latest",
        "id" => "id:>100",
        "provider" => "provider:github",
        "event" => "event:pull_request.*",
        "delivery" => {
            "delivery:5xx, delivery:none or delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958"
        }
        "attempt" => "attempt:>1",
        "via" => "via:* (any relay) or via:*/c/github",
        _ => "text:word",
    }
}

/// Parses the value of a known key; spans are relative to the value.
fn value_term(key: &str, value: &str, now: Timestamp) -> TermResult<Term> {
    let whole = |reason: String| TermError {
        span: 0..value.len(),
        reason,
    };
    Ok(match key {
        "method" => Term::Method(method(value).map_err(whole)?),
        "path" => Term::Path(glob(value, 0)?),
        "status" => Term::Status(status(value).map_err(whole)?),
        "delivery" => delivery(value).map_err(whole)?,
        "header" => header(value)?,
        "body" => Term::Body(value.to_owned()),
        "json" => json(value)?,
        "sig" => Term::Sig(sig(value).map_err(whole)?),
        "since" => Term::Since(since(value, now).map_err(whole)?),
        "session" => Term::Session(session(value).map_err(whole)?),
        "id" => id(value)?,
        "provider" => Term::Provider(value.to_ascii_lowercase()),
        "event" => Term::Event(glob(value, 0)?),
        "attempt" => attempt(value)?,
        "via" => Term::Via(glob(value, 0)?),
        _ => Term::Text(value.to_owned()),
    })
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn method(value: &str) -> Result<String, String> {
    if is_token(value) {
        Ok(value.to_owned())
    } else {
        Err(format!("{value:?} is not an HTTP method"))
    }
}

fn glob(pattern: &str, offset: usize) -> TermResult<Glob> {
    Glob::new(pattern).map_err(|e| TermError {
        span: offset + e.at..offset + pattern.len(),
        reason: "the [ is never closed (to match a literal [, write [[])".to_owned(),
    })
}

fn status(value: &str) -> Result<StatusSel, String> {
    let bad = || format!("{value:?} is not a status: use a code like 404 or a class like 2xx");
    let b = value.as_bytes();
    if b.len() != 3 || !(b'1'..=b'9').contains(&b[0]) {
        return Err(bad());
    }
    let class = u16::from(b[0] - b'0');
    if value[1..].eq_ignore_ascii_case("xx") {
        return Ok(StatusSel::Class(class));
    }
    value.parse().map(StatusSel::Code).map_err(|_| bad())
}

/// `delivery:` is hookcap's newest delivery of the request when the value is
/// status-shaped: a code (`200`), a class (`5xx`), `error` (failed without an
/// answer) or `none` (never delivered); any other value is the provider's own
/// delivery id (`delivery:72d3162e-…`).
fn delivery(value: &str) -> Result<Term, String> {
    match value.to_ascii_lowercase().as_str() {
        "error" => return Ok(Term::DeliveryStatus(DeliverySel::Failed)),
        "none" => return Ok(Term::DeliveryStatus(DeliverySel::Never)),
        _ => {}
    }
    if is_status_shaped(value) {
        return status(value).map(|s| Term::DeliveryStatus(DeliverySel::Status(s)));
    }
    // The one place a value that is not status-shaped falls through.
    Ok(Term::Delivery(value.to_owned()))
}

/// Three characters, a digit first, then digits or `xx`: what [`status`] reads.
fn is_status_shaped(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && (b[1..].iter().all(u8::is_ascii_digit) || value[1..].eq_ignore_ascii_case("xx"))
}

fn header(value: &str) -> TermResult<Term> {
    let (name, glob_text) = match value.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (value, None),
    };
    if !is_token(name) {
        return Err(TermError {
            span: 0..name.len(),
            reason: format!("{name:?} is not a header name"),
        });
    }
    let value = glob_text.map(|g| glob(g, name.len() + 1)).transpose()?;
    Ok(Term::Header {
        name: name.to_owned(),
        value,
    })
}

fn json(value: &str) -> TermResult<Term> {
    let (pointer, wanted) = match value.split_once('=') {
        Some((p, v)) => (p, Some(v.to_owned())),
        None => (value, None),
    };
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(TermError {
            span: 0..pointer.len(),
            reason: format!(
                "{pointer:?} is not a JSON pointer: it starts with / (e.g. /repository/name)"
            ),
        });
    }
    if let Some(i) = bad_pointer_escape(pointer) {
        return Err(TermError {
            span: i..i + 2.min(pointer.len() - i),
            reason: "in a JSON pointer ~ must be followed by 0 (~) or 1 (/)".to_owned(),
        });
    }
    Ok(Term::Json {
        pointer: pointer.to_owned(),
        value: wanted,
    })
}

/// The byte offset of a `~` not followed by `0` or `1`.
fn bad_pointer_escape(pointer: &str) -> Option<usize> {
    let b = pointer.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'~' && !matches!(b.get(i + 1), Some(b'0' | b'1')))
}

fn sig(value: &str) -> Result<SigVerdict, String> {
    match value.to_ascii_lowercase().as_str() {
        "valid" => Ok(SigVerdict::Valid),
        "invalid" => Ok(SigVerdict::Invalid),
        "unsigned" => Ok(SigVerdict::Unsigned),
        _ => Err(format!(
            "{value:?} is not a signature verdict: use valid, invalid or unsigned"
        )),
    }
}

/// A duration ago, or a time: with a zone as given, without one in local
/// time ([`clock::parse`]).
pub(super) fn since(value: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Ok(d) = humantime::parse_duration(value) {
        return Ok(ago(now, d));
    }
    clock::parse(value).ok_or_else(|| {
        format!(
            "invalid time {value:?}: use a duration like 10m or 2h, a local time like \
             '2026-01-02 15:04', or a time with a zone like 2026-01-02T15:04:05Z"
        )
    })
}

/// `latest` or a session id.
pub(super) fn session(value: &str) -> Result<SessionSel, String> {
    if value.eq_ignore_ascii_case("latest") {
        return Ok(SessionSel::Latest);
    }
    match value.parse::<i64>() {
        Ok(id) if id > 0 => Ok(SessionSel::Id(id)),
        _ => Err(format!(
            "invalid session {value:?}: use latest or a session id"
        )),
    }
}

fn id(value: &str) -> TermResult<Term> {
    let (cmp, n) = comparison(value, "a request id")?;
    Ok(Term::Id(cmp, n))
}

fn attempt(value: &str) -> TermResult<Term> {
    let (cmp, n) = comparison(value, "an attempt number")?;
    Ok(Term::Attempt(cmp, n))
}

/// `>=N`, `<N`, `N`, …: an operator and a number.
fn comparison(value: &str, what: &str) -> TermResult<(Cmp, i64)> {
    let (cmp, rest) = [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
        ("=", Cmp::Eq),
    ]
    .iter()
    .find_map(|(op, cmp)| value.strip_prefix(op).map(|rest| (*cmp, rest)))
    .unwrap_or((Cmp::Eq, value));
    let at = value.len() - rest.len();
    rest.parse::<i64>()
        .map(|n| (cmp, n))
        .map_err(|_| TermError {
            span: at..value.len(),
            reason: format!(
                "{rest:?} is not {what}: use a number, optionally after >, >=, <, <= or ="
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::super::Filter;
    use super::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000_000);

    fn one(text: &str) -> Term {
        term(text, NOW).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> FilterError {
        term(text, NOW).expect_err(text)
    }

    fn g(p: &str) -> Glob {
        Glob::new(p).unwrap()
    }

    #[test]
    fn every_key_parses_to_its_term() {
        let table: Vec<(&str, Term)> = vec![
            ("method:POST", Term::Method("POST".into())),
            ("METHOD:get", Term::Method("get".into())),
            ("path:/hook*", Term::Path(g("/hook*"))),
            ("status:2xx", Term::Status(StatusSel::Class(2))),
            ("status:4XX", Term::Status(StatusSel::Class(4))),
            ("status:401", Term::Status(StatusSel::Code(401))),
            (
                "delivery:5xx",
                Term::DeliveryStatus(DeliverySel::Status(StatusSel::Class(5))),
            ),
            (
                "delivery:200",
                Term::DeliveryStatus(DeliverySel::Status(StatusSel::Code(200))),
            ),
            ("delivery:ERROR", Term::DeliveryStatus(DeliverySel::Failed)),
            ("delivery:none", Term::DeliveryStatus(DeliverySel::Never)),
            (
                "header:X-GitHub-Event",
                Term::Header {
                    name: "X-GitHub-Event".into(),
                    value: None,
                },
            ),
            (
                "header:X-GitHub-Event=push",
                Term::Header {
                    name: "X-GitHub-Event".into(),
                    value: Some(g("push")),
                },
            ),
            (
                "header:X-Empty=",
                Term::Header {
                    name: "X-Empty".into(),
                    value: Some(g("")),
                },
            ),
            ("body:a b:c", Term::Body("a b:c".into())),
            (
                "json:/ref=refs/heads/main",
                Term::Json {
                    pointer: "/ref".into(),
                    value: Some("refs/heads/main".into()),
                },
            ),
            (
                "json:/a/b",
                Term::Json {
                    pointer: "/a/b".into(),
                    value: None,
                },
            ),
            ("sig:valid", Term::Sig(SigVerdict::Valid)),
            ("sig:Invalid", Term::Sig(SigVerdict::Invalid)),
            ("sig:unsigned", Term::Sig(SigVerdict::Unsigned)),
            ("since:10m", Term::Since(Timestamp(NOW.0 - 600_000_000))),
            (
                "since:2026-01-02T03:04:05Z",
                Term::Since(Timestamp(1_767_323_045_000_000)),
            ),
            ("session:latest", Term::Session(SessionSel::Latest)),
            ("session:7", Term::Session(SessionSel::Id(7))),
            ("id:>100", Term::Id(Cmp::Gt, 100)),
            ("id:>=100", Term::Id(Cmp::Ge, 100)),
            ("id:<5", Term::Id(Cmp::Lt, 5)),
            ("id:<=5", Term::Id(Cmp::Le, 5)),
            ("id:=5", Term::Id(Cmp::Eq, 5)),
            ("id:5", Term::Id(Cmp::Eq, 5)),
            ("provider:GitHub", Term::Provider("github".into())),
            ("event:pull_request.*", Term::Event(g("pull_request.*"))),
            ("delivery:72d3-cc78", Term::Delivery("72d3-cc78".into())),
            ("attempt:>1", Term::Attempt(Cmp::Gt, 1)),
            ("attempt:2", Term::Attempt(Cmp::Eq, 2)),
            ("dup", Term::Dup),
            ("DUP", Term::Dup),
            ("text:dup", Term::Text("dup".into())),
            ("via:*", Term::Via(g("*"))),
            ("via:*/c/gh", Term::Via(g("*/c/gh"))),
            ("text:http://x", Term::Text("http://x".into())),
            ("push", Term::Text("push".into())),
            ("/a:b", Term::Text("/a:b".into())),
            ("10:30", Term::Text("10:30".into())),
        ];
        for (text, want) in table {
            assert_eq!(one(text), want, "{text}");
        }
    }

    #[test]
    fn every_bad_term_says_what_and_where() {
        // (term, the part pointed at, words the reason must contain)
        let table = [
            ("nope:x", "nope", "unknown key"),
            ("http://example.com", "http", "text:http://example.com"),
            ("method:", "method:", "needs a value"),
            ("method:PO/ST", "PO/ST", "not an HTTP method"),
            ("path:/a/[bc", "[bc", "never closed"),
            ("status:2yx", "2yx", "not a status"),
            ("status:20", "20", "not a status"),
            ("status:099", "099", "not a status"),
            ("delivery:099", "099", "not a status"),
            ("header:X A", "X A", "not a header name"),
            ("header:X-A=[", "[", "never closed"),
            ("json:ref", "ref", "JSON pointer"),
            ("json:/a~2b", "~2", "~ must be followed"),
            ("sig:maybe", "maybe", "valid, invalid or unsigned"),
            ("since:lately", "lately", "invalid time"),
            ("session:first", "first", "latest or a session id"),
            ("session:0", "0", "latest or a session id"),
            ("id:>x", "x", "not a request id"),
            ("id:", "id:", "needs a value"),
            ("attempt:>x", "x", "not an attempt number"),
            ("event:[a", "[a", "never closed"),
        ];
        for (text, part, words) in table {
            let e = err(text);
            assert_eq!(&e.input[e.span.clone()], part, "{text}");
            let msg = e.to_string();
            assert!(msg.contains(words), "{text}: {msg}");
            assert!(
                msg.starts_with(&format!("invalid filter term {text:?}")),
                "{msg}"
            );
        }
    }

    #[test]
    fn lines_split_on_spaces_and_honour_quotes() {
        let f = Filter::parse_line(
            r#"method:POST body:"two words" 'x y' body:"a\"b" "Event: push""#,
            NOW,
        )
        .unwrap();
        assert_eq!(
            f.terms,
            [
                Term::Method("POST".into()),
                Term::Body("two words".into()),
                Term::Text("x y".into()),
                Term::Body("a\"b".into()),
                Term::Text("Event: push".into()),
            ]
        );
        assert!(Filter::parse_line("   ", NOW).unwrap().is_empty());
    }

    #[test]
    fn line_errors_point_at_the_bad_part_with_a_column() {
        let e = Filter::parse_line("method:POST status:2yx", NOW).unwrap_err();
        assert_eq!(e.term_text(), "status:2yx");
        assert_eq!(
            e.pointer(),
            "method:POST status:2yx\n                   ^^^"
        );
        assert!(e.to_string().contains("at column 20"), "{e}");
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        let e = Filter::parse_line(r#"body:"open"#, NOW).unwrap_err();
        assert!(e.reason.contains("never closed"), "{e}");
        assert_eq!(e.span, 5..10);
    }

    #[test]
    fn a_quoted_bad_term_is_pointed_at_whole() {
        let e = Filter::parse_line(r#"a status:"x y""#, NOW).unwrap_err();
        assert_eq!(&e.input[e.span.clone()], r#"status:"x y""#);
    }

    #[test]
    fn arguments_are_one_term_each() {
        let f = Filter::parse_args(&["body:two words", "method:PUT"], NOW).unwrap();
        assert_eq!(f.terms[0], Term::Body("two words".into()));
        let e = Filter::parse_args(&["method:PUT", "id:x"], NOW).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid filter term \"id:x\": \"x\" is not a request id: use a number, optionally after >, >=, <, <= or ="
        );
    }
}
