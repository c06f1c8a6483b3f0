//! The byte-exact request writer: the request line and the header fields go
//! out exactly as given (order, case, duplicates, values byte for byte),
//! then the body. Nothing is added, removed, re-cased or regrouped here;
//! what a request needs beyond that (a `Content-Length`, a `Host`) is set by
//! its caller on the header list first ([`crate::model::set_header`], [`frame_body`]), so
//! what a caller shows (`send -v`, a delivery record) is what was sent.
//!
//! Callers pass valid field lines: names are tokens and values hold no CR or
//! LF (captured heads, `-H` and edited messages are checked where they are
//! read).

use crate::model::{Header, set_header};

/// A header field line as the writer puts it on the wire.
pub trait FieldLine {
    /// Appends the line without its line ending: the name, the colon, then
    /// whatever follows it.
    fn write_line(&self, out: &mut Vec<u8>);
}

/// The usual form: `Name: value`.
impl FieldLine for Header {
    fn write_line(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&self.value);
    }
}

/// A field with its own spacing after the colon, for a line that must go out
/// exactly as a user typed it: curl sends `-H 'X-A:v'` as `X-A:v`,
/// `-H 'X-A:   v'` with its three spaces and `-H 'X-A;'` as `X-A:`, and so
/// does `send`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spaced {
    /// The name and the value (without the spacing before it).
    pub header: Header,
    /// The spaces and tabs between the colon and the value.
    pub gap: String,
}

impl Spaced {
    /// `Name: value`, the usual spacing.
    pub fn usual(header: Header) -> Self {
        Self {
            header,
            gap: " ".to_owned(),
        }
    }
}

impl FieldLine for Spaced {
    fn write_line(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.header.name.as_bytes());
        out.push(b':');
        out.extend_from_slice(self.gap.as_bytes());
        out.extend_from_slice(&self.header.value);
    }
}

/// Appends `METHOD TARGET HTTP/1.1`, the header fields, `extra` (a proxy's
/// credentials) and the blank line.
pub fn write_head<F: FieldLine>(
    out: &mut Vec<u8>,
    method: &str,
    target: &str,
    fields: &[F],
    extra: Option<&Header>,
) {
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for field in fields {
        field.write_line(out);
        out.extend_from_slice(b"\r\n");
    }
    if let Some(field) = extra {
        field.write_line(out);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

/// True for a field the writer can put on the wire as it is (the rule
/// hyper applies when it reads a request): see [`is_valid_name`] and
/// [`is_valid_value`].
pub fn is_valid_field(field: &Header) -> bool {
    is_valid_name(&field.name) && is_valid_value(&field.value)
}

/// A field name: one or more token characters (RFC 9110 §5.6.2).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| TOKEN[usize::from(b)])
}

/// RFC 9110 `tchar`, by byte.
const TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// A field value: visible characters, spaces, tabs and obs-text; no CR, LF
/// or other controls.
pub fn is_valid_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

#[cfg(test)]
/// The whole request: head, then the body bytes.
pub fn request_bytes(method: &str, target: &str, headers: &[Header], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_head(&mut out, method, target, headers, None);
    out.extend_from_slice(body);
    out
}

/// Frames a body of `len` bytes the way `forward` and `replay` send every
/// body: with a `Content-Length` that matches it, set in place when the
/// request had one (or appended when the body is not empty). Call it after
/// the hop-by-hop fields (`Transfer-Encoding` among them) are gone.
pub fn frame_body(headers: &mut Vec<Header>, len: usize) {
    let has_length = headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-length"));
    if has_length || len > 0 {
        set_header(headers, Header::new("Content-Length", len.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_written_exactly_as_given() {
        let headers = vec![
            Header::new("host", "app:3000"),
            Header::new("X-Dup", "1"),
            Header::new("x-OTHER", "a  b"),
            Header::new("x-dup", "2"),
            Header::new("X-Empty", ""),
            Header::new("X-Bin", vec![0xff, b'\t', 0x80]),
        ];
        let bytes = request_bytes("PATCH", "/a/b?c=%20", &headers, b"\x00body");
        let mut want = b"PATCH /a/b?c=%20 HTTP/1.1\r\nhost: app:3000\r\nX-Dup: 1\r\n\
                         x-OTHER: a  b\r\nx-dup: 2\r\nX-Empty: \r\nX-Bin: "
            .to_vec();
        want.extend_from_slice(&[0xff, b'\t', 0x80]);
        want.extend_from_slice(b"\r\n\r\n\x00body");
        assert_eq!(bytes, want);
        assert_eq!(
            request_bytes("GET", "*", &[], b""),
            b"GET * HTTP/1.1\r\n\r\n"
        );
    }

    #[test]
    fn fields_the_writer_would_corrupt_are_invalid() {
        let valid = |n: &str, v: &[u8]| is_valid_field(&Header::new(n, v));
        assert!(valid("X-Ok", b"a b\tc \xff"));
        assert!(valid("x!#$%&'*+-.^_`|~9", b""));
        for (name, value) in [
            ("", &b"v"[..]),
            ("X Bad", b"v"),
            ("X-Bad:", b"v"),
            ("X-\u{e9}", b"v"),
            ("X-Ok", b"a\r\nX-Injected: 1"),
            ("X-Ok", b"nul\0"),
            ("X-Ok", b"del\x7f"),
        ] {
            assert!(!valid(name, value), "{name:?}: {value:?}");
        }
    }

    #[test]
    fn setting_a_field_keeps_the_first_in_place_and_drops_the_rest() {
        let mut headers = vec![
            Header::new("host", "a"),
            Header::new("X-Dup", "1"),
            Header::new("Other", "o"),
            Header::new("x-dup", "2"),
        ];
        set_header(&mut headers, Header::new("X-DUP", "3"));
        set_header(&mut headers, Header::new("X-New", "n"));
        let fields: Vec<String> = headers
            .iter()
            .map(|h| format!("{}={}", h.name, h.value_str()))
            .collect();
        assert_eq!(fields, ["host=a", "X-Dup=3", "Other=o", "X-New=n"]);
    }

    #[test]
    fn bodies_are_framed_by_a_matching_length() {
        let mut with = vec![Header::new("content-length", "99"), Header::new("A", "1")];
        frame_body(&mut with, 5);
        assert_eq!(with[0], Header::new("content-length", "5"));
        let mut without = vec![Header::new("A", "1")];
        frame_body(&mut without, 2);
        assert_eq!(without[1], Header::new("Content-Length", "2"));
        let mut empty = vec![Header::new("A", "1")];
        frame_body(&mut empty, 0);
        assert_eq!(empty.len(), 1, "no body, no length");
        let mut zero = vec![Header::new("Content-Length", "0")];
        frame_body(&mut zero, 0);
        assert_eq!(zero, [Header::new("Content-Length", "0")]);
    }
}
