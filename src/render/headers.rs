//! The header block of a request or response view.

use super::color::{Paint, Style};
use crate::model::Header;
use crate::sanitize::{sanitize, sanitize_bytes};

/// Names longer than this many characters don't push every value further right.
pub const MAX_NAME_PAD: usize = 40;

/// One `Name: value` line per header, in the given order with duplicates kept.
///
/// Values start in one column (names padded up to [`MAX_NAME_PAD`] characters),
/// names are cyan when `paint` is enabled, and both name and value are sanitized,
/// so no header can inject a line break or escape sequence. Each line ends in `\n`.
pub fn headers_block(headers: &[Header], paint: &Paint) -> String {
    let rows: Vec<(String, String)> = headers
        .iter()
        .map(|h| (format!("{}:", sanitize(&h.name)), sanitize_bytes(&h.value)))
        .collect();
    aligned_rows(&rows, 1, paint)
}

/// Already-sanitized `(key, value)` rows with values in one column: keys padded
/// to the longest (at most [`MAX_NAME_PAD`] + 1 characters), then `gap` spaces.
pub(super) fn aligned_rows(rows: &[(String, String)], gap: usize, paint: &Paint) -> String {
    let width = rows
        .iter()
        .map(|(key, _)| key.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME_PAD + 1);
    let mut out = String::new();
    for (key, value) in rows {
        let pad = width.saturating_sub(key.chars().count());
        out.push_str(&paint.paint(key, Style::Cyan));
        out.push_str(&" ".repeat(pad + gap));
        out.push_str(value);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(headers: &[Header]) -> String {
        headers_block(headers, &Paint::new(false))
    }

    #[test]
    fn values_are_aligned_after_the_longest_name() {
        let h = [Header::new("Host", "x"), Header::new("Content-Type", "y")];
        assert_eq!(plain(&h), "Host:         x\nContent-Type: y\n");
    }

    #[test]
    fn order_and_duplicates_are_kept() {
        let h = [
            Header::new("B", "1"),
            Header::new("A", "2"),
            Header::new("B", "3"),
        ];
        assert_eq!(plain(&h), "B: 1\nA: 2\nB: 3\n");
    }

    #[test]
    fn padding_is_capped_for_very_long_names() {
        let long = "X".repeat(100);
        let h = [Header::new("A", "1"), Header::new(long.clone(), "2")];
        let out = plain(&h);
        let first = out.lines().next().unwrap_or_default();
        assert_eq!(first, format!("A:{} 1", " ".repeat(MAX_NAME_PAD - 1)));
        assert!(out.contains(&format!("{long}: 2")));
    }

    #[test]
    fn hostile_names_and_values_are_escaped() {
        let h = [
            Header::new("X-\x1b]0;pwned\x07", "\x1b[2J\r\n\u{9b}31m"),
            Header::new("Y", b"\xff\x00\xc2\x9b".to_vec()),
        ];
        let out = plain(&h);
        let name = "X-\\x1b]0;pwned\\x07:";
        let expected = format!(
            "{name} \\x1b[2J\\r\\n\\u{{9b}}31m\nY:{} \\xff\\x00\\u{{9b}}\n",
            " ".repeat(name.len() - 2)
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn names_are_cyan_when_color_is_on() {
        let out = headers_block(&[Header::new("A", "1")], &Paint::new(true));
        assert_eq!(out, "\x1b[36mA:\x1b[0m 1\n");
    }

    #[test]
    fn no_headers_give_an_empty_block() {
        assert_eq!(plain(&[]), "");
    }
}
