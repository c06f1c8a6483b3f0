//! Views of captured data as lines of styled segments, for renderers that
//! draw colors themselves (the TUI) rather than writing ANSI codes.
//!
//! These are the same views as [`super::body`] and [`super::headers`] — pretty
//! JSON, form tables, aligned headers — with each piece tagged by a [`Role`]
//! instead of painted. Every segment's text is already sanitized: no control,
//! C1, bidi or invisible character, no line break, no tab.

use serde_json::Value;

use super::form::{json_value, name_width};
use super::headers::MAX_NAME_PAD;
use crate::model::Header;
use crate::model::parse_form;
use crate::sanitize::{json, sanitize, sanitize_bytes};

/// What a piece of text is, which decides its color.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Ordinary text.
    Plain,
    /// A JSON object key.
    Key,
    /// A JSON string value.
    Str,
    /// A JSON number.
    Number,
    /// `true`, `false` or `null`.
    Literal,
    /// Brackets, braces, commas and colons.
    Punct,
    /// A header or form field name.
    Name,
    /// A note from hookcap about the data (dimmed).
    Note,
}

/// A run of sanitized text with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The role, which decides the style.
    pub role: Role,
    /// The sanitized text.
    pub text: String,
}

/// One line of segments.
pub type StyledLine = Vec<Segment>;

/// A segment of already-sanitized text.
fn seg(role: Role, text: impl Into<String>) -> Segment {
    Segment {
        role,
        text: text.into(),
    }
}

/// A one-segment line: `text` is sanitized here.
pub fn line(role: Role, text: &str) -> StyledLine {
    vec![seg(role, sanitize(text))]
}

/// `value` pretty-printed with two-space indents, keys in the order sent.
pub fn json_lines(value: &Value) -> Vec<StyledLine> {
    let mut w = JsonWriter::default();
    w.value(value, 0);
    w.finish()
}

#[derive(Default)]
struct JsonWriter {
    lines: Vec<StyledLine>,
    current: StyledLine,
}

impl JsonWriter {
    fn push(&mut self, role: Role, text: impl Into<String>) {
        self.current.push(seg(role, text));
    }

    fn newline(&mut self, indent: usize) {
        self.lines.push(std::mem::take(&mut self.current));
        if indent > 0 {
            self.push(Role::Plain, "  ".repeat(indent));
        }
    }

    fn value(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.push(Role::Literal, "null"),
            Value::Bool(b) => self.push(Role::Literal, b.to_string()),
            Value::Number(n) => self.push(Role::Number, n.to_string()),
            Value::String(s) => self.push(Role::Str, quoted(s)),
            Value::Array(items) => {
                self.container(("[", "]"), indent, items.iter().map(|v| (None, v)))
            }
            Value::Object(map) => {
                let entries = map.iter().map(|(k, v)| (Some(k.as_str()), v));
                self.container(("{", "}"), indent, entries)
            }
        }
    }

    fn container<'a>(
        &mut self,
        (open, close): (&str, &str),
        indent: usize,
        entries: impl ExactSizeIterator<Item = (Option<&'a str>, &'a Value)>,
    ) {
        self.push(Role::Punct, open);
        let n = entries.len();
        for (i, (key, v)) in entries.enumerate() {
            self.newline(indent + 1);
            if let Some(key) = key {
                self.push(Role::Key, quoted(key));
                self.push(Role::Punct, ": ");
            }
            self.value(v, indent + 1);
            if i + 1 < n {
                self.push(Role::Punct, ",");
            }
        }
        if n > 0 {
            self.newline(indent);
        }
        self.push(Role::Punct, close);
    }

    fn finish(mut self) -> Vec<StyledLine> {
        self.lines.push(self.current);
        self.lines
    }
}

/// A JSON string literal with every terminal-dangerous character escaped.
fn quoted(s: &str) -> String {
    json::to_string(s).unwrap_or_default()
}

/// The pairs of a form body as aligned `name  value` lines; a value that is
/// a JSON object or array (Slack's `payload=`) is pretty-printed, its lines
/// under the value column.
pub fn form_lines(body: &[u8]) -> Vec<StyledLine> {
    let pairs = parse_form(body);
    let names: Vec<String> = pairs.iter().map(|(k, _)| sanitize_bytes(k)).collect();
    let width = name_width(&names);
    let mut lines = Vec::new();
    for (name, (_, value)) in names.into_iter().zip(&pairs) {
        let pad = width.saturating_sub(name.chars().count()) + 2;
        let mut first = vec![seg(Role::Name, name), seg(Role::Plain, " ".repeat(pad))];
        let Some(json) = json_value(value) else {
            first.push(seg(Role::Plain, sanitize_bytes(value)));
            lines.push(first);
            continue;
        };
        let mut json = json_lines(&json).into_iter();
        first.extend(json.next().unwrap_or_default());
        lines.push(first);
        for rest in json {
            let mut line = vec![seg(Role::Plain, " ".repeat(width + 2))];
            line.extend(rest);
            lines.push(line);
        }
    }
    lines
}

/// One `Name: value` line per header, values in one column, order and
/// duplicates kept.
pub fn header_lines(headers: &[Header]) -> Vec<StyledLine> {
    let rows: Vec<(String, String)> = headers
        .iter()
        .map(|h| (format!("{}:", sanitize(&h.name)), sanitize_bytes(&h.value)))
        .collect();
    aligned(rows, 1)
}

/// Sanitized rows with names padded to the longest (capped like
/// [`super::headers::headers_block`]), then `gap` spaces, then the value.
fn aligned(rows: Vec<(String, String)>, gap: usize) -> Vec<StyledLine> {
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME_PAD + 1);
    rows.into_iter()
        .map(|(key, value)| {
            let pad = width.saturating_sub(key.chars().count()) + gap;
            vec![
                seg(Role::Name, key),
                seg(Role::Plain, " ".repeat(pad)),
                seg(Role::Plain, value),
            ]
        })
        .collect()
}

/// The plain text of a line.
#[cfg(test)]
pub fn plain_text(line: &StyledLine) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[StyledLine]) -> Vec<String> {
        lines.iter().map(plain_text).collect()
    }

    fn assert_inert(lines: &[StyledLine]) {
        for s in lines.iter().flatten() {
            assert!(
                !s.text.chars().any(crate::sanitize::is_dangerous),
                "{:?}",
                s.text
            );
        }
    }

    #[test]
    fn json_is_pretty_printed_like_serde_in_key_order() {
        let v: Value =
            serde_json::from_str(r#"{"z":[1,true,null],"a":{},"b":[],"c":"x"}"#).unwrap();
        let expected = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(texts(&json_lines(&v)).join("\n"), expected);
    }

    #[test]
    fn json_roles_tag_keys_strings_numbers_and_literals() {
        let v: Value = serde_json::from_str(r#"{"k":"v","n":1.5,"t":false}"#).unwrap();
        let lines = json_lines(&v);
        let roles: Vec<Role> = lines[1].iter().map(|s| s.role).collect();
        assert_eq!(
            roles,
            [Role::Plain, Role::Key, Role::Punct, Role::Str, Role::Punct]
        );
        assert_eq!(lines[2][3], seg(Role::Number, "1.5"));
        assert_eq!(lines[3][3], seg(Role::Literal, "false"));
    }

    #[test]
    fn hostile_json_strings_and_keys_stay_escaped() {
        let v: Value =
            serde_json::from_str(r#"{"\u202ek\u001b":"\u009b2J\u001b]0;pwned\u0007\r\n\t"}"#)
                .unwrap();
        let lines = json_lines(&v);
        assert_inert(&lines);
        assert_eq!(
            texts(&lines)[1],
            r#"  "\u202ek\u001b": "\u009b2J\u001b]0;pwned\u0007\r\n\t""#
        );
    }

    #[test]
    fn json_form_values_are_pretty_printed_in_place() {
        let lines = form_lines(b"a=1&payload=%7B%22k%22%3A%5B%22%5Cu001b%22%5D%7D");
        assert_eq!(
            texts(&lines),
            [
                "a        1",
                "payload  {",
                "           \"k\": [",
                "             \"\\u001b\"",
                "           ]",
                "         }",
            ]
        );
        assert_eq!(lines[3][2].role, Role::Str);
        assert_inert(&lines);
    }

    #[test]
    fn forms_and_headers_align_and_escape() {
        let form = form_lines(b"a=1&long=%1B%5B2J");
        assert_eq!(texts(&form), ["a     1", "long  \\x1b[2J"]);
        let headers = header_lines(&[
            Header::new("Host", "x"),
            Header::new("X-E", b"\x1b\xff".to_vec()),
        ]);
        assert_eq!(texts(&headers), ["Host: x", "X-E:  \\x1b\\xff"]);
        assert_eq!(headers[0][0].role, Role::Name);
        assert_inert(&headers);
    }
}
