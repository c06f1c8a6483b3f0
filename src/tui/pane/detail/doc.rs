//! What the detail pane shows: a document of lines, most of them made only
//! when they scroll into view.
//!
//! Short views (headers, pretty JSON up to a size cap) are kept as ready
//! lines. Text and hex dumps of large bodies are kept as bytes plus an index,
//! and [`Doc::lines`] formats just the rows asked for, so a 16 MiB body costs
//! one pass to index it and then only what is on screen.

use bytes::Bytes;
use ratatui::text::{Line, Span};

use crate::render::body::{hex_row, hex_row_count};
use crate::render::styled::{Role, StyledLine};
use crate::sanitize::sanitize_bytes_multiline;
use crate::tui::pane::theme;

/// Text lines longer than this many bytes are cut into several rows.
pub const MAX_LINE_BYTES: usize = 4096;
/// Text beyond this many rows is not indexed (a note says so).
pub const MAX_TEXT_ROWS: usize = 1_000_000;
/// Tab stops in text views.
const TAB_WIDTH: usize = 4;

/// A document of rows: ready lines, indexed text and hex dumps, in order.
#[derive(Debug, Default)]
pub struct Doc {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Lines(Vec<Line<'static>>),
    /// Shared with the request (a body is held once, however many views).
    Text {
        data: Bytes,
        starts: Vec<usize>,
    },
    Hex(Bytes),
}

impl Part {
    fn len(&self) -> usize {
        match self {
            Self::Lines(lines) => lines.len(),
            Self::Text { starts, .. } => starts.len() - 1,
            Self::Hex(data) => hex_row_count(data.len()),
        }
    }

    fn line(&self, i: usize) -> Line<'static> {
        match self {
            Self::Lines(lines) => lines[i].clone(),
            Self::Text { data, starts } => text_line(&data[starts[i]..starts[i + 1]]),
            Self::Hex(data) => hex_line(hex_row(data, i)),
        }
    }
}

/// Every row of `doc` as plain text, for tests that read what a view says.
#[cfg(test)]
pub fn texts(doc: &Doc) -> Vec<String> {
    doc.lines(0, doc.len())
        .iter()
        .map(|l| l.to_string())
        .collect()
}

impl Doc {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends ready lines.
    pub fn push_lines(&mut self, lines: impl IntoIterator<Item = Line<'static>>) {
        match self.parts.last_mut() {
            Some(Part::Lines(existing)) => existing.extend(lines),
            _ => self.parts.push(Part::Lines(lines.into_iter().collect())),
        }
    }

    /// Appends one ready line.
    pub fn push_line(&mut self, line: Line<'static>) {
        self.push_lines([line]);
    }

    /// Appends a dimmed note from hookcap (not captured data).
    pub fn push_note(&mut self, text: impl Into<String>) {
        self.push_line(Line::styled(text.into(), theme::role(Role::Note)));
    }

    /// Appends styled lines from the core's views.
    pub fn push_styled(&mut self, lines: Vec<StyledLine>) {
        self.push_lines(lines.into_iter().map(styled_line));
    }

    /// Appends `data` as text, indexed now and formatted when shown.
    pub fn push_text(&mut self, data: impl Into<Bytes>) {
        let data = data.into();
        let (starts, complete) = index_rows(&data);
        self.parts.push(Part::Text { data, starts });
        if !complete {
            self.push_note(format!(
                "… more text not shown ({MAX_TEXT_ROWS} rows at most)"
            ));
        }
    }

    /// Appends a hex dump of `data`, formatted when shown.
    pub fn push_hex(&mut self, data: impl Into<Bytes>) {
        self.parts.push(Part::Hex(data.into()));
    }

    /// Appends every row of `other`.
    pub fn append(&mut self, other: Doc) {
        self.parts.extend(other.parts);
    }

    /// How many rows the document has.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Part::len).sum()
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `start..start + count` (fewer at the end), formatted now.
    pub fn lines(&self, start: usize, count: usize) -> Vec<Line<'static>> {
        let mut out = Vec::with_capacity(count);
        let mut skip = start;
        for part in &self.parts {
            let len = part.len();
            if skip >= len {
                skip -= len;
                continue;
            }
            for i in skip..len {
                if out.len() == count {
                    return out;
                }
                out.push(part.line(i));
            }
            skip = 0;
        }
        out
    }
}

/// A line of the core's styled segments in the inspector's colors.
pub fn styled_line(line: StyledLine) -> Line<'static> {
    Line::from(
        line.into_iter()
            .map(|s| Span::styled(s.text, theme::role(s.role)))
            .collect::<Vec<_>>(),
    )
}

/// Row start offsets of `data` (plus its end), splitting at newlines and
/// every [`MAX_LINE_BYTES`]; false when it stopped at [`MAX_TEXT_ROWS`].
fn index_rows(data: &[u8]) -> (Vec<usize>, bool) {
    let mut starts = vec![0];
    let mut pos = 0;
    while pos < data.len() {
        let line_end = data[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| pos + i + 1);
        while pos < line_end {
            if starts.len() > MAX_TEXT_ROWS {
                return (starts, false);
            }
            pos = row_end(data, pos, line_end);
            starts.push(pos);
        }
    }
    (starts, true)
}

/// Where a row starting at `pos` ends: at `line_end`, or after at most
/// [`MAX_LINE_BYTES`], backing off so no UTF-8 character is split.
fn row_end(data: &[u8], pos: usize, line_end: usize) -> usize {
    let max = pos + MAX_LINE_BYTES;
    if line_end <= max {
        return line_end;
    }
    let mut end = max;
    while end > max - 3 && (data[end] & 0xc0) == 0x80 {
        end -= 1;
    }
    end
}

/// One row of text: sanitized, tabs expanded, the newline dropped.
fn text_line(row: &[u8]) -> Line<'static> {
    let row = row.strip_suffix(b"\n").unwrap_or(row);
    let text = sanitize_bytes_multiline(row);
    Line::raw(expand_tabs(&text))
}

/// `text` with tabs replaced by spaces up to the next tab stop.
fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut col = 0;
    for c in text.chars() {
        if c == '\t' {
            let n = TAB_WIDTH - col % TAB_WIDTH;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// A hex dump row with its offset dimmed.
fn hex_line(row: String) -> Line<'static> {
    match row.split_at_checked(10) {
        Some((offset, rest)) => Line::from(vec![
            Span::styled(offset.to_owned(), theme::dim()),
            Span::raw(rest.to_owned()),
        ]),
        None => Line::raw(row),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn parts_are_read_as_one_run_of_rows() {
        let mut doc = Doc::new();
        doc.push_note("note");
        doc.push_text(b"a\n\tb\nc".to_vec());
        doc.push_hex(vec![0x41; 20]);
        assert_eq!(doc.len(), 1 + 3 + 2);
        assert_eq!(texts(&doc.lines(1, 3)), ["a", "    b", "c"]);
        assert_eq!(doc.lines(4, 10).len(), 2);
        assert!(doc.lines(6, 10).is_empty());
    }

    #[test]
    fn text_rows_are_sanitized() {
        let mut doc = Doc::new();
        doc.push_text(b"\x1b[2J\r\x9b\xff ok\n".to_vec());
        assert_eq!(texts(&doc.lines(0, 5)), ["\\x1b[2J\\r\\x9b\\xff ok"]);
    }

    #[test]
    fn long_lines_are_cut_without_splitting_characters() {
        let data = "é".repeat(MAX_LINE_BYTES);
        let mut doc = Doc::new();
        doc.push_text(data.clone().into_bytes());
        assert_eq!(doc.len(), 2);
        assert_eq!(texts(&doc.lines(0, 2)).concat(), data);
    }

    #[test]
    fn a_huge_body_is_indexed_quickly_and_only_visible_rows_are_made() {
        let data = vec![b'x'; 16 * 1024 * 1024];
        let started = std::time::Instant::now();
        let mut doc = Doc::new();
        doc.push_text(data.clone());
        doc.push_hex(data);
        let rows = doc.lines(doc.len() - 30, 30);
        assert_eq!(rows.len(), 30);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
