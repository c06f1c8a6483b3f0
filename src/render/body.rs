//! Body views: detect what a body is, undo its content-encoding and render it
//! (pretty JSON, a form table, text, or a hex dump), bounded in size.
//!
//! An empty body renders as the empty string, so callers decide whether to print
//! a heading or a placeholder for it.

use std::borrow::Cow;

use super::color::{Paint, Style};
use super::hex::{hex_rows, truncation_note};
use super::multipart::{MAX_PARTS, Multipart, parse_multipart, table};
use crate::model::{Header, HeaderList};
use crate::sanitize::{sanitize, sanitize_bytes_multiline};

pub use super::encoding::decode_content_encoding;
pub use super::form::form_table;
pub use super::hex::{hex_row, hex_row_count};
pub use super::json::json_pretty;

/// How much of a body is rendered unless asked otherwise (64 KiB).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024;

/// What a body is, which decides how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No bytes at all.
    Empty,
    /// A JSON document.
    Json,
    /// `application/x-www-form-urlencoded` pairs.
    Form,
    /// `multipart/*` parts (uploads, forms with files).
    Multipart,
    /// Human-readable text.
    Text,
    /// Anything else.
    Binary,
}

/// Limits for [`render_body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyOptions {
    /// At most this many (decoded) bytes are rendered; a note says how many more
    /// there are. Bigger JSON documents are shown as text, not pretty-printed.
    pub max_bytes: usize,
}

impl Default for BodyOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// The kind of `body`: from `Content-Type` when it names one hookcap knows,
/// otherwise sniffed (see [`sniff`]).
pub fn detect(headers: &[Header], body: &[u8]) -> BodyKind {
    if body.is_empty() {
        return BodyKind::Empty;
    }
    headers
        .get_str("content-type")
        .and_then(|ct| kind_of_content_type(&ct))
        .unwrap_or_else(|| sniff(body))
}

/// The kind a media type declares, if hookcap knows it.
fn kind_of_content_type(content_type: &str) -> Option<BodyKind> {
    let mime = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let (top, sub) = mime.split_once('/')?;
    if sub == "json" || sub.ends_with("+json") {
        Some(BodyKind::Json)
    } else if top == "application" && sub == "x-www-form-urlencoded" {
        Some(BodyKind::Form)
    } else if top == "multipart" {
        Some(BodyKind::Multipart)
    } else if is_text_media_type(top, sub) {
        Some(BodyKind::Text)
    } else {
        None
    }
}

/// `text/*`, XML, and the `application/*` types that are text in practice.
fn is_text_media_type(top: &str, sub: &str) -> bool {
    let text_apps = [
        "javascript",
        "ecmascript",
        "yaml",
        "x-yaml",
        "graphql",
        "x-ndjson",
    ];
    top == "text"
        || sub == "xml"
        || sub.ends_with("+xml")
        || (top == "application" && text_apps.contains(&sub))
}

/// The kind of a non-empty body judged by its bytes alone: a JSON object or
/// array is `Json`, mostly-printable UTF-8 ([`looks_like_text`]) is `Text`, the
/// rest `Binary`.
pub fn sniff(body: &[u8]) -> BodyKind {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let structured = matches!(first, Some(b'{' | b'['));
    if structured && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        BodyKind::Json
    } else if looks_like_text(body) {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// Valid UTF-8 without NUL in which at most one character in ten is a
/// control other than `\n`, `\r`, `\t` (colored logs have some ESCs).
pub fn looks_like_text(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in text.chars() {
        chars += 1;
        if c == '\0' {
            return false;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            controls += 1;
        }
    }
    controls * 10 <= chars
}

/// The body as it should appear on a terminal; empty for an empty body.
///
/// Content-encoding is undone first; when that fails, a one-line note says why
/// and the raw bytes are shown (as their sniffed kind). Then JSON is
/// pretty-printed, forms become a table, text is shown as is and anything else
/// as a hex dump, limited to `opts.max_bytes`. Everything captured is sanitized;
/// the output ends with a newline unless empty.
pub fn render_body(headers: &[Header], body: &[u8], paint: &Paint, opts: BodyOptions) -> String {
    if body.is_empty() {
        return String::new();
    }
    let (data, kind, mut out) = match decode_content_encoding(headers, body) {
        Ok(data) => {
            let kind = detect(headers, &data);
            (data, kind, String::new())
        }
        Err(err) => {
            let note = format!("(content-encoding not decoded: {err}; showing raw bytes)");
            let note = paint.paint(&sanitize(&note), Style::Dim) + "\n";
            (Cow::Borrowed(body), sniff(body), note)
        }
    };
    let view = match kind {
        BodyKind::Multipart => match parse_multipart(headers, &data) {
            Some(m) => multipart_view(&m, &data, paint, opts.max_bytes),
            None => render_kind(sniff(&data), &data, paint, opts.max_bytes),
        },
        kind => render_kind(kind, &data, paint, opts.max_bytes),
    };
    out.push_str(&view);
    out
}

/// A table of the parts (number, name, file name, type, size), then each
/// part under its title, rendered by its own type; at most `max` bytes of
/// part bodies in all, a note naming the parts left out.
fn multipart_view(m: &Multipart, data: &[u8], paint: &Paint, max: usize) -> String {
    let mut out = String::new();
    for (i, line) in table(m).into_iter().enumerate() {
        match i {
            0 => out.push_str(&paint.paint(&line, Style::Bold)),
            _ => out.push_str(&line),
        }
        out.push('\n');
    }
    let mut left = max;
    for (i, part) in m.parts.iter().enumerate() {
        if left == 0 {
            let note = format!("({} more parts not shown)", m.parts.len() - i);
            out.push_str(&paint.paint(&note, Style::Dim));
            out.push('\n');
            break;
        }
        let bytes = &data[part.body.clone()];
        out.push('\n');
        out.push_str(&paint.paint(&part.title(i + 1), Style::Dim));
        out.push('\n');
        let kind = match detect(&part.headers, bytes) {
            BodyKind::Multipart => sniff(bytes),
            kind => kind,
        };
        out.push_str(&render_kind(kind, bytes, paint, left));
        left = left.saturating_sub(bytes.len());
    }
    if m.more {
        let note = format!("(parts after the first {MAX_PARTS} not shown)");
        out.push_str(&paint.paint(&note, Style::Dim));
        out.push('\n');
    }
    out
}

/// `data` rendered as `kind`, falling back to text or hex when JSON won't do.
fn render_kind(kind: BodyKind, data: &[u8], paint: &Paint, max: usize) -> String {
    match kind {
        BodyKind::Empty => String::new(),
        BodyKind::Json => render_json(data, paint, max),
        // Parts need the headers: render_body reads them; nested, as text.
        BodyKind::Multipart => truncated(data, char_cut(data, max), paint, text_view),
        BodyKind::Form => truncated(data, char_cut(data, max), paint, |d| form_table(d, paint)),
        BodyKind::Text => truncated(data, char_cut(data, max), paint, text_view),
        BodyKind::Binary => truncated(data, max.min(data.len()), paint, hex_rows),
    }
}

fn render_json(data: &[u8], paint: &Paint, max: usize) -> String {
    let pretty = (data.len() <= max)
        .then(|| json_pretty(data, paint))
        .flatten();
    match pretty {
        Some(text) => text + "\n",
        None if looks_like_text(data) => render_kind(BodyKind::Text, data, paint, max),
        None => render_kind(BodyKind::Binary, data, paint, max),
    }
}

/// `view` of the first `cut` bytes of `data` (`cut <= data.len()`), plus a
/// dimmed note when something was left out.
fn truncated(data: &[u8], cut: usize, paint: &Paint, view: impl Fn(&[u8]) -> String) -> String {
    let mut out = view(&data[..cut]);
    if let Some(note) = truncation_note(data.len() - cut) {
        out.push_str(&paint.paint(&note, Style::Dim));
        out.push('\n');
    }
    out
}

/// Text with only `\n` and `\t` kept as layout, ending in a newline.
fn text_view(data: &[u8]) -> String {
    let mut out = sanitize_bytes_multiline(data);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The largest length `<= max` that does not split a UTF-8 character
/// (backing off at most three continuation bytes).
fn char_cut(data: &[u8], max: usize) -> usize {
    if data.len() <= max {
        return data.len();
    }
    let mut cut = max;
    while cut > 0 && max - cut < 3 && (data[cut] & 0xc0) == 0x80 {
        cut -= 1;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::{assert_terminal_safe, strip_sgr};
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    const PLAIN: Paint = Paint { enabled: false };
    const COLOR: Paint = Paint { enabled: true };
    const HOSTILE_JSON: &[u8] = br#"{"x":"\u009b2J\u001b]0;pwned\u0007"}"#;

    fn ct(value: &str) -> Vec<Header> {
        vec![Header::new("Content-Type", value)]
    }

    fn render(headers: &[Header], body: &[u8], paint: &Paint) -> String {
        render_body(headers, body, paint, BodyOptions::default())
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write to Vec");
        e.finish().expect("finish gzip")
    }

    #[test]
    fn multipart_shows_a_table_of_parts_then_each_by_its_type() {
        let body: &[u8] = b"--b\r\nContent-Disposition: form-data; name=\"payload\"\r\n\
            Content-Type: application/json\r\n\r\n{\"a\":1}\r\n\
            --b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\r\n\
            \x00\x01\r\n--b--\r\n";
        let out = render(&ct("multipart/form-data; boundary=b"), body, &PLAIN);
        assert_eq!(
            out,
            "#  NAME     FILENAME  TYPE              SIZE\n\
             1  payload  -         application/json   7 B\n\
             2  f        x.bin     -                  2 B\n\
             \n\
             ── 1 payload · application/json · 7 B\n\
             {\n  \"a\": 1\n}\n\
             \n\
             ── 2 f (x.bin) · 2 B\n\
             00000000: 0001                                     ..\n"
        );
        assert_terminal_safe(
            &render(&ct("multipart/form-data; boundary=b"), body, &COLOR),
            true,
        );
    }

    #[test]
    fn content_type_decides_the_kind() {
        let cases = [
            ("application/json; charset=utf-8", BodyKind::Json),
            ("application/vnd.github+json", BodyKind::Json),
            ("Application/X-WWW-Form-Urlencoded", BodyKind::Form),
            ("text/plain", BodyKind::Text),
            ("application/xml", BodyKind::Text),
            ("application/atom+xml", BodyKind::Text),
            ("application/x-ndjson", BodyKind::Text),
        ];
        for (content_type, kind) in cases {
            assert_eq!(
                detect(&ct(content_type), b"\x00\x01"),
                kind,
                "{content_type}"
            );
        }
    }

    #[test]
    fn unknown_or_missing_content_type_falls_back_to_sniffing() {
        assert_eq!(
            detect(&ct("application/octet-stream"), b"{}"),
            BodyKind::Json
        );
        assert_eq!(detect(&ct("nonsense"), b"hello"), BodyKind::Text);
        assert_eq!(detect(&[], b"\x00\x01\x02"), BodyKind::Binary);
    }

    #[test]
    fn empty_body_is_empty_whatever_the_content_type() {
        assert_eq!(detect(&ct("application/json"), b""), BodyKind::Empty);
    }

    #[test]
    fn sniffing_tells_json_text_and_binary_apart() {
        assert_eq!(sniff(b" [1, 2]\n"), BodyKind::Json);
        assert_eq!(sniff(b"42"), BodyKind::Text);
        assert_eq!(sniff(b"{not json"), BodyKind::Text);
        assert_eq!(
            sniff(b"\x1b[1mbold\x1b[0m text of a log line"),
            BodyKind::Text
        );
        assert_eq!(sniff(b"text\0with nul"), BodyKind::Binary);
        assert_eq!(sniff(b"\x1b\x1b\x1bab"), BodyKind::Binary);
        assert_eq!(sniff(b"caf\xe9"), BodyKind::Binary);
    }

    #[test]
    fn empty_body_renders_as_nothing() {
        assert_eq!(render(&ct("application/json"), b"", &COLOR), "");
    }

    #[test]
    fn json_is_pretty_printed_in_key_order() {
        let out = render(&ct("application/json"), br#"{"b":1,"a":2}"#, &PLAIN);
        assert_eq!(out, "{\n  \"b\": 1,\n  \"a\": 2\n}\n");
    }

    #[test]
    fn hostile_json_is_inert_with_and_without_color() {
        for paint in [PLAIN, COLOR] {
            let out = render(&ct("application/json"), HOSTILE_JSON, &paint);
            assert_terminal_safe(&out, true);
            assert!(strip_sgr(&out).contains(r#"\u009b2J\u001b]0;pwned\u0007"#));
        }
    }

    #[test]
    fn invalid_json_with_a_json_content_type_is_shown_as_text() {
        let out = render(&ct("application/json"), b"{\"broken\":\x1b[2J", &PLAIN);
        assert_eq!(out, "{\"broken\":\\x1b[2J\n");
    }

    #[test]
    fn gzipped_json_is_decoded_then_pretty_printed() {
        let headers = [
            Header::new("Content-Type", "application/json"),
            Header::new("Content-Encoding", "gzip"),
        ];
        let out = render(&headers, &gzip(br#"{"a":1}"#), &PLAIN);
        assert_eq!(out, "{\n  \"a\": 1\n}\n");
    }

    #[test]
    fn undecodable_body_gets_a_note_and_a_raw_hex_dump() {
        let headers = [
            Header::new("Content-Type", "text/plain"),
            Header::new("Content-Encoding", "gzip"),
        ];
        let out = render(&headers, b"\x1f\x8b\x08garbage", &PLAIN);
        let mut lines = out.lines();
        let note = lines.next().unwrap_or_default();
        assert!(note.starts_with("(content-encoding not decoded: invalid gzip data"));
        assert!(note.ends_with("showing raw bytes)"));
        assert!(
            lines
                .next()
                .unwrap_or_default()
                .starts_with("00000000: 1f8b 0867")
        );
    }

    #[test]
    fn unsupported_coding_note_is_sanitized_and_dimmed() {
        let headers = [Header::new("Content-Encoding", "x\x1b]0;pwned\x07")];
        let out = render(&headers, b"hello", &COLOR);
        assert_terminal_safe(&out, true);
        assert!(out.starts_with("\x1b[2m(content-encoding not decoded: unsupported"));
        assert!(out.ends_with("hello\n"));
    }

    #[test]
    fn form_bodies_become_a_table() {
        let out = render(
            &ct("application/x-www-form-urlencoded"),
            b"a=1+2&bb=%0D",
            &PLAIN,
        );
        assert_eq!(out, "a   1 2\nbb  \\r\n");
    }

    #[test]
    fn hostile_text_keeps_newlines_and_escapes_the_rest() {
        let body = b"ok\n\x1b[2J\x1b]0;pwned\x07\rEVIL\t\xc2\x9b31m\xe2\x80\xae\n";
        let out = render(&ct("text/plain"), body, &COLOR);
        assert_eq!(
            out,
            "ok\n\\x1b[2J\\x1b]0;pwned\\x07\\rEVIL\t\\u{9b}31m\\u{202e}\n"
        );
    }

    #[test]
    fn binary_bodies_become_a_hex_dump() {
        let out = render(&[], b"\x00\x01\x1b\x9b", &PLAIN);
        assert_eq!(
            out,
            format!("00000000: 0001 1b9b{}  ....\n", " ".repeat(30))
        );
    }

    #[test]
    fn hostile_bytes_are_inert_in_every_view() {
        let body: Vec<u8> = (0u8..=255)
            .chain("\u{9b}\u{202e}\u{2066}".bytes())
            .collect();
        let types = [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
        ];
        for (content_type, paint) in types.iter().flat_map(|t| [(t, PLAIN), (t, COLOR)]) {
            let out = render(&ct(content_type), &body, &paint);
            assert_terminal_safe(&out, true);
        }
    }

    #[test]
    fn huge_text_is_cut_with_a_note() {
        let body = vec![b'a'; 16 * 1024 * 1024];
        let out = render(&ct("text/plain"), &body, &PLAIN);
        assert!(out.len() < DEFAULT_MAX_BYTES + 100);
        assert!(
            out.ends_with("\n… 15.9 MiB more (use --raw)\n"),
            "{}",
            &out[out.len() - 60..]
        );
    }

    #[test]
    fn huge_binary_is_cut_with_a_note() {
        let body = vec![0u8; 16 * 1024 * 1024];
        let out = render(&[], &body, &PLAIN);
        assert_eq!(out.lines().count(), DEFAULT_MAX_BYTES / 16 + 1);
        assert!(out.ends_with("… 15.9 MiB more (use --raw)\n"));
    }

    #[test]
    fn json_over_the_limit_is_shown_as_cut_text() {
        let opts = BodyOptions { max_bytes: 8 };
        let out = render_body(&ct("application/json"), br#"{"a":"bcdefgh"}"#, &PLAIN, opts);
        assert_eq!(out, "{\"a\":\"bc\n… 7 B more (use --raw)\n");
    }

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        let opts = BodyOptions { max_bytes: 3 };
        let out = render_body(&ct("text/plain"), "ééé".as_bytes(), &PLAIN, opts);
        assert_eq!(out, "é\n… 4 B more (use --raw)\n");
    }

    #[test]
    fn binary_is_cut_at_exactly_max_bytes() {
        let opts = BodyOptions { max_bytes: 16 };
        let out = render_body(&[], &[0x80; 40], &PLAIN, opts);
        assert_eq!(out.lines().count(), 2);
        assert!(out.ends_with("\n… 24 B more (use --raw)\n"));
    }

    #[test]
    fn truncation_note_is_dimmed_when_color_is_on() {
        let opts = BodyOptions { max_bytes: 1 };
        let out = render_body(&ct("text/plain"), b"abc", &COLOR, opts);
        assert_eq!(out, "a\n\x1b[2m… 2 B more (use --raw)\x1b[0m\n");
    }
}
