//! Bodies in the detail pane: decoded and shown by kind, with bounded work.
//!
//! The views are the core's ([`crate::render`]): content-encoding undone
//! (bounded by [`crate::render::body::MAX_DECODED`]), JSON pretty-printed, forms as a table, text as
//! text, anything else as a hex dump. Pretty-printing is capped at
//! [`PRETTY_MAX`]; larger bodies are shown as text (or hex), which the
//! [`Doc`] formats only where visible, so even a 16 MiB body opens at once.

use std::borrow::Cow;

use bytes::Bytes;
use bytesize::ByteSize;
use serde_json::Value;

use super::doc::Doc;
use crate::model::{Header, HeaderList};
use crate::render::body::{BodyKind, decode_content_encoding, detect, looks_like_text};
use crate::render::multipart::{MAX_PARTS, Multipart, parse_multipart, table};
use crate::render::styled::{Role, form_lines, json_lines, line as line_of};
use crate::sanitize::sanitize;

/// Bodies up to this size are pretty-printed (JSON) or tabulated (forms).
pub const PRETTY_MAX: usize = 1024 * 1024;
/// JSON that would pretty-print to more rows than this is shown as text
/// (a 1 MiB array of small numbers would otherwise become half a million rows).
pub const PRETTY_MAX_ROWS: usize = 100_000;
/// How much of a large body is examined to tell text from binary.
const SNIFF_BYTES: usize = 64 * 1024;

/// The body as the Body tab shows it: formatted by kind, or with `raw` the
/// stored bytes (text when they look like text, else a hex dump). Text and
/// hex views share `body` rather than copy it.
pub fn body_doc(headers: &[Header], body: &Bytes, raw: bool) -> Doc {
    let mut doc = Doc::new();
    if body.is_empty() {
        doc.push_note("(no body)");
    } else if raw {
        doc.push_note(format!(
            "raw bytes as stored · {} · b: formatted view",
            size(body.len())
        ));
        push_raw(&mut doc, body.clone());
    } else {
        push_decoded(&mut doc, headers, body);
    }
    doc
}

/// Undoes the content-encoding, then formats; says so when it did or could not.
fn push_decoded(doc: &mut Doc, headers: &[Header], body: &Bytes) {
    match decode_content_encoding(headers, body) {
        Ok(Cow::Borrowed(_)) => push_formatted(doc, headers, body.clone(), String::new()),
        Ok(Cow::Owned(data)) => {
            let coding = headers.get_str("content-encoding").unwrap_or_default();
            let from = format!(" decoded from {} ({})", size(body.len()), sanitize(&coding));
            push_formatted(doc, headers, Bytes::from(data), from);
        }
        Err(e) => {
            let why = sanitize(&e.to_string()).into_owned();
            doc.push_note(format!(
                "content-encoding not decoded: {why}; raw bytes · b: raw view"
            ));
            push_raw(doc, body.clone());
        }
    }
}

/// `data` (decoded) formatted by its kind, under a one-line note naming it.
fn push_formatted(doc: &mut Doc, headers: &[Header], data: Bytes, decoded: String) {
    let kind = kind_of(headers, &data);
    let label = match kind {
        BodyKind::Empty => "empty",
        BodyKind::Json => "JSON",
        BodyKind::Form => "form",
        BodyKind::Multipart => "multipart",
        BodyKind::Text => "text",
        BodyKind::Binary => "binary",
    };
    doc.push_note(format!(
        "{label} · {}{decoded} · b: raw bytes",
        size(data.len())
    ));
    match kind {
        BodyKind::Empty => {}
        BodyKind::Json => push_json(doc, data),
        BodyKind::Form if data.len() <= PRETTY_MAX => doc.push_styled(form_lines(&data)),
        BodyKind::Form => {
            doc.push_note("form over 1 MiB: shown as text");
            doc.push_text(data);
        }
        BodyKind::Multipart => match parse_multipart(headers, &data) {
            Some(m) => push_multipart(doc, &m, &data),
            None => push_raw(doc, data),
        },
        BodyKind::Text => doc.push_text(data),
        BodyKind::Binary => doc.push_hex(data),
    }
}

/// A table of the parts (number, name, file name, type, size), then each
/// part under its title, shown by its own type (the bytes shared, not copied).
fn push_multipart(doc: &mut Doc, m: &Multipart, data: &Bytes) {
    for (i, line) in table(m).into_iter().enumerate() {
        let role = if i == 0 { Role::Name } else { Role::Plain };
        doc.push_styled(vec![line_of(role, &line)]);
    }
    for (i, part) in m.parts.iter().enumerate() {
        doc.push_line(ratatui::text::Line::default());
        doc.push_note(part.title(i + 1));
        let bytes = data.slice(part.body.clone());
        match kind_of(&part.headers, &bytes) {
            BodyKind::Empty => doc.push_note("(empty)"),
            BodyKind::Json => push_json(doc, bytes),
            BodyKind::Form if bytes.len() <= PRETTY_MAX => doc.push_styled(form_lines(&bytes)),
            BodyKind::Text => doc.push_text(bytes),
            BodyKind::Binary => doc.push_hex(bytes),
            BodyKind::Form | BodyKind::Multipart => push_raw(doc, bytes),
        }
    }
    if m.more {
        doc.push_note(format!("(parts after the first {MAX_PARTS} not shown)"));
    }
}

/// Pretty JSON up to [`PRETTY_MAX`]; otherwise (or when it does not parse)
/// the bytes as they are, with a note saying why.
fn push_json(doc: &mut Doc, data: Bytes) {
    if data.len() > PRETTY_MAX {
        doc.push_note("JSON over 1 MiB: shown as text, not pretty-printed");
        return push_raw(doc, data);
    }
    match serde_json::from_slice::<Value>(&data) {
        Ok(value) if rows_over(&value, PRETTY_MAX_ROWS) => {
            doc.push_note("JSON of over 100,000 values: shown as text, not pretty-printed");
            push_raw(doc, data);
        }
        Ok(value) => doc.push_styled(json_lines(&value)),
        Err(e) => {
            doc.push_note(format!(
                "not valid JSON ({}): shown as is",
                sanitize(&e.to_string())
            ));
            push_raw(doc, data);
        }
    }
}

/// True when pretty-printing `value` would take more than `max` rows
/// (counted without building them, stopping as soon as it is over).
fn rows_over(value: &Value, max: usize) -> bool {
    fn count(v: &Value, budget: &mut usize) -> bool {
        let Some(left) = budget.checked_sub(1) else {
            return true;
        };
        *budget = left;
        match v {
            Value::Array(items) => items.iter().any(|i| count(i, budget)),
            Value::Object(map) => map.values().any(|i| count(i, budget)),
            _ => false,
        }
    }
    let mut budget = max;
    count(value, &mut budget)
}

/// Text when the start of `data` looks like text, else a hex dump.
fn push_raw(doc: &mut Doc, data: Bytes) {
    if looks_like_text(utf8_prefix(&data)) {
        doc.push_text(data);
    } else {
        doc.push_hex(data);
    }
}

/// The kind of `data`; large bodies are sniffed by their first bytes only.
fn kind_of(headers: &[Header], data: &[u8]) -> BodyKind {
    if data.len() <= PRETTY_MAX {
        detect(headers, data)
    } else {
        detect(headers, utf8_prefix(data))
    }
}

/// At most [`SNIFF_BYTES`] of `data`, not ending inside a UTF-8 character.
fn utf8_prefix(data: &[u8]) -> &[u8] {
    let cut = &data[..data.len().min(SNIFF_BYTES)];
    match std::str::from_utf8(cut) {
        Err(e) if e.error_len().is_none() => &cut[..e.valid_up_to()],
        _ => cut,
    }
}

/// A byte count for people: `1.2 KiB`.
pub fn size(n: usize) -> String {
    ByteSize(n as u64).display().iec().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Doc) -> Vec<String> {
        doc.lines(0, doc.len())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    fn doc_of(headers: &[Header], body: &[u8], raw: bool) -> Doc {
        body_doc(headers, &Bytes::copy_from_slice(body), raw)
    }

    fn ct(value: &str) -> Vec<Header> {
        vec![Header::new("Content-Type", value)]
    }

    #[test]
    fn json_is_pretty_printed_under_a_note() {
        let doc = doc_of(&ct("application/json"), br#"{"a":[1]}"#, false);
        assert_eq!(
            texts(&doc),
            [
                "JSON · 9 B · b: raw bytes",
                "{",
                "  \"a\": [",
                "    1",
                "  ]",
                "}"
            ]
        );
    }

    #[test]
    fn raw_shows_the_stored_bytes() {
        let doc = doc_of(&ct("application/json"), br#"{"a":1}"#, true);
        assert_eq!(texts(&doc)[1], r#"{"a":1}"#);
    }

    #[test]
    fn invalid_json_says_so_and_shows_the_text() {
        let doc = doc_of(&ct("application/json"), b"{\"broken\": \x1b[2J", false);
        let lines = texts(&doc);
        assert!(lines[1].starts_with("not valid JSON ("), "{lines:?}");
        assert_eq!(lines[2], "{\"broken\": \\x1b[2J");
    }

    #[test]
    fn gzip_is_decoded_and_named() {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"hello").unwrap();
        let headers = vec![Header::new("Content-Encoding", "gzip")];
        let doc = doc_of(&headers, &e.finish().unwrap(), false);
        let lines = texts(&doc);
        assert!(
            lines[0].starts_with("text · 5 B decoded from "),
            "{lines:?}"
        );
        assert!(lines[0].contains("(gzip)"));
        assert_eq!(lines[1], "hello");
    }

    #[test]
    fn binary_is_a_hex_dump_and_forms_a_table() {
        let doc = doc_of(&[], b"\x00\x01\x02", false);
        assert!(texts(&doc)[1].starts_with("00000000: 0001 02"));
        let doc = doc_of(&ct("application/x-www-form-urlencoded"), b"a=1&bb=2", false);
        assert_eq!(texts(&doc)[1..], ["a   1", "bb  2"]);
    }

    #[test]
    fn json_with_too_many_values_is_shown_as_text() {
        let body = format!("[{}0]", "0,".repeat(PRETTY_MAX_ROWS));
        let doc = doc_of(&ct("application/json"), body.as_bytes(), false);
        let top: Vec<String> = doc.lines(0, 3).iter().map(|l| l.to_string()).collect();
        assert_eq!(
            top[1],
            "JSON of over 100,000 values: shown as text, not pretty-printed"
        );
        assert!(top[2].starts_with("[0,0,0,"));
        let small = doc_of(&ct("application/json"), b"[0,0,0]", false);
        assert_eq!(small.len(), 6);
    }

    #[test]
    fn a_16_mib_json_body_is_shown_as_text_without_parsing() {
        let mut body = b"[\"".to_vec();
        body.resize(16 * 1024 * 1024, b'a');
        body.extend_from_slice(b"\"]");
        let started = std::time::Instant::now();
        let doc = doc_of(&ct("application/json"), &body, false);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let top: Vec<String> = doc.lines(0, 2).iter().map(|l| l.to_string()).collect();
        assert_eq!(top[1], "JSON over 1 MiB: shown as text, not pretty-printed");
    }
}
