//! `multipart/form-data` bodies read into their parts, for display: each
//! part's name, file name, type, size and where its bytes are, so views show
//! a table of parts and each part's body rendered by its own type.
//!
//! Display only, so reading is lenient (LF as well as CRLF line ends, a
//! missing closing delimiter) and bounded ([`MAX_PARTS`]); a body that has no
//! part at all is not multipart for display, and is shown as its bytes.

use std::ops::Range;

use bytesize::ByteSize;

use crate::model::{Header, HeaderList};
use crate::sanitize::sanitize;

/// Parts read at most; the rest of the body is left out (a note says so).
pub const MAX_PARTS: usize = 1000;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The part's own headers, as sent.
    pub headers: Vec<Header>,
    /// `name` of its `Content-Disposition`, if any.
    pub name: Option<String>,
    /// `filename` of its `Content-Disposition` (an upload), if any.
    pub filename: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Where its body is in the multipart body.
    pub body: Range<usize>,
}

/// The parts of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart {
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// True when parts were left out after [`MAX_PARTS`].
    pub more: bool,
}

impl Part {
    /// The part's table row, sanitized: number (from 1), name, file name,
    /// type and size (`-` for what it lacks).
    pub fn row(&self, number: usize) -> [String; 5] {
        let or_dash = |v: &Option<String>| match v {
            Some(v) => sanitize(v).into_owned(),
            None => "-".to_owned(),
        };
        [
            number.to_string(),
            or_dash(&self.name),
            or_dash(&self.filename),
            or_dash(&self.content_type),
            ByteSize(self.body.len() as u64).display().iec().to_string(),
        ]
    }

    /// The line above the part's body: `── 2 file (report.pdf) · application/pdf · 12.0 KiB`.
    pub fn title(&self, number: usize) -> String {
        let [n, name, filename, kind, size] = self.row(number);
        let mut title = format!("── {n} {name}");
        if filename != "-" {
            title.push_str(&format!(" ({filename})"));
        }
        if kind != "-" {
            title.push_str(&format!(" · {kind}"));
        }
        format!("{title} · {size}")
    }
}

/// The titles of the parts table, in the order of [`Part::row`].
pub const TABLE_TITLES: [&str; 5] = ["#", "NAME", "FILENAME", "TYPE", "SIZE"];

/// Rows padded into columns: two spaces between, the last column (sizes)
/// right-aligned. The cells must be sanitized.
pub fn columns(rows: &[[String; 5]]) -> Vec<String> {
    let mut widths = [0usize; 5];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                match i {
                    0 | 4 => line.push_str(&format!("{pad}{cell}")),
                    _ => line.push_str(&format!("{cell}{pad}")),
                }
                if i < 4 {
                    line.push_str("  ");
                }
            }
            line
        })
        .collect()
}

/// The table of parts with its title row, as lines.
pub fn table(m: &Multipart) -> Vec<String> {
    let mut rows = vec![TABLE_TITLES.map(str::to_owned)];
    rows.extend(m.parts.iter().enumerate().map(|(i, p)| p.row(i + 1)));
    columns(&rows)
}

/// The boundary a `multipart/*` content type names, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim().to_ascii_lowercase();
    if !mime.starts_with("multipart/") {
        return None;
    }
    params.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The parts of `body` when its `Content-Type` is multipart with a boundary
/// and at least one part is found.
pub fn parse_multipart(headers: &[Header], body: &[u8]) -> Option<Multipart> {
    let boundary = boundary(&headers.get_str("content-type")?)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut starts = find_all(body, &delimiter).into_iter().peekable();
    let mut parts = Vec::new();
    let mut more = false;
    while let Some(at) = starts.next() {
        let after = at + delimiter.len();
        if body[after..].starts_with(b"--") {
            break;
        }
        let Some(head_start) = line_end(body, after) else {
            break;
        };
        let end = starts.peek().copied().unwrap_or(body.len());
        if parts.len() == MAX_PARTS {
            more = true;
            break;
        }
        parts.push(read_part(body, head_start..end));
    }
    (!parts.is_empty()).then_some(Multipart { parts, more })
}

/// The part between a delimiter line and the next delimiter (`span`): its
/// headers up to the blank line, then its body, less the line break that
/// belongs to the next delimiter.
fn read_part(body: &[u8], span: Range<usize>) -> Part {
    let mut headers = Vec::new();
    let mut pos = span.start;
    while let Some(next) = line_end(body, pos).filter(|&n| n <= span.end) {
        let line = trim_eol(&body[pos..next]);
        pos = next;
        if line.is_empty() {
            break;
        }
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
            let value = trim_ascii(&line[colon + 1..]).to_vec();
            headers.push(Header::new(name, value));
        }
    }
    let mut end = span.end.max(pos);
    if body[pos..end].ends_with(b"\r\n") {
        end -= 2;
    } else if body[pos..end].ends_with(b"\n") {
        end -= 1;
    }
    let disposition = headers.get_str("content-disposition").unwrap_or_default();
    Part {
        name: disposition_param(&disposition, "name"),
        filename: disposition_param(&disposition, "filename"),
        content_type: headers.get_str("content-type"),
        headers,
        body: pos..end,
    }
}

/// A parameter of `Content-Disposition` (`form-data; name="a"; filename="b"`).
fn disposition_param(disposition: &str, key: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Where the line starting at `pos` ends (after its `\n`), if it does.
fn line_end(body: &[u8], pos: usize) -> Option<usize> {
    body.get(pos..)?
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| pos + i + 1)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// Every offset where `needle` starts a line of `body` (a delimiter is a line
/// of its own: at the start, or after `\n`).
fn find_all(body: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = body[from..].windows(needle.len()).position(|w| w == needle) {
        let at = from + i;
        if at == 0 || body[at - 1] == b'\n' {
            found.push(at);
        }
        from = at + needle.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(value: &str) -> Vec<Header> {
        vec![Header::new("Content-Type", value)]
    }

    const BODY: &[u8] = b"--XyZ\r\n\
        Content-Disposition: form-data; name=\"payload\"\r\n\
        Content-Type: application/json\r\n\
        \r\n\
        {\"a\":1}\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"r.bin\"\r\n\
        \r\n\
        \x00\x01\r\n\x02\r\n\
        --XyZ--\r\n";

    #[test]
    fn parts_have_names_types_and_exact_bodies() {
        let m = parse_multipart(&ct("multipart/form-data; boundary=XyZ"), BODY).unwrap();
        assert_eq!(m.parts.len(), 2);
        let p = &m.parts[0];
        assert_eq!(p.name.as_deref(), Some("payload"));
        assert_eq!(p.content_type.as_deref(), Some("application/json"));
        assert_eq!(&BODY[p.body.clone()], b"{\"a\":1}");
        let f = &m.parts[1];
        assert_eq!(
            (f.name.as_deref(), f.filename.as_deref()),
            (Some("file"), Some("r.bin"))
        );
        assert_eq!(&BODY[f.body.clone()], b"\x00\x01\r\n\x02");
        assert!(!m.more);
    }

    #[test]
    fn boundaries_quoted_and_lf_only_bodies_are_read() {
        assert_eq!(
            boundary("multipart/form-data; charset=x; Boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/json; boundary=x"), None);
        let lf = b"--b\nContent-Disposition: form-data; name=x\n\nhi\n--b--\n";
        let m = parse_multipart(&ct("multipart/form-data; boundary=b"), lf).unwrap();
        assert_eq!(&lf[m.parts[0].body.clone()], b"hi");
        assert_eq!(m.parts[0].name.as_deref(), Some("x"));
    }

    #[test]
    fn the_table_lines_up_and_titles_say_what_each_part_is() {
        let m = parse_multipart(&ct("multipart/form-data; boundary=XyZ"), BODY).unwrap();
        assert_eq!(
            table(&m),
            [
                "#  NAME     FILENAME  TYPE              SIZE",
                "1  payload  -         application/json   7 B",
                "2  file     r.bin     -                  5 B",
            ]
        );
        assert_eq!(m.parts[0].title(1), "── 1 payload · application/json · 7 B");
        assert_eq!(m.parts[1].title(2), "── 2 file (r.bin) · 5 B");
    }

    #[test]
    fn names_from_the_wire_are_sanitized() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"\x1b[2Jx\"\r\n\r\nv\r\n--b--";
        let m = parse_multipart(&ct("multipart/form-data; boundary=b"), body).unwrap();
        assert_eq!(m.parts[0].row(1)[1], "\\x1b[2Jx");
    }

    #[test]
    fn a_body_without_parts_is_not_multipart() {
        let headers = ct("multipart/form-data; boundary=nope");
        assert_eq!(parse_multipart(&headers, b"just text"), None);
        assert_eq!(parse_multipart(&[], BODY), None);
    }
}
