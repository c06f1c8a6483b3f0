//! The diff of two requests, shown in the detail pane in place of the tabs
//! (`=` on a request marks it, `=` on another compares them): the text
//! `hookcap diff A B` prints, in the inspector's colors.
//!
//! The text comes from [`crate::diff::render::render`] uncolored, so the two
//! always say the same; every captured string in it is sanitized there. Its
//! lines are colored here by their shape: section titles bold, the change
//! marks (`+` added, `-` removed, `~` changed, `↕` moved, `Aa` case) in the
//! colors `diff` gives them.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::doc::Doc;
use crate::diff::RequestDiff;
use crate::diff::render::render;
use crate::render::color::{Paint, Style as Color};
use crate::sanitize::sanitize;
use crate::tui::pane::theme;

/// Which two requests the detail pane compares (A marked, B selected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The marked request.
    pub a: i64,
    /// The selected request.
    pub b: i64,
}

/// The diff of A (`a_label`) and B as `hookcap diff` prints it: `--- A`,
/// `+++ B`, then one section per part that differs.
pub fn diff_doc(a_label: &str, b_label: &str, diff: &RequestDiff) -> Doc {
    let mut doc = Doc::new();
    doc.push_line(Line::from(vec![
        Span::styled("--- ", theme::color_of(Color::Red)),
        Span::raw(sanitize(a_label).into_owned()),
    ]));
    doc.push_line(Line::from(vec![
        Span::styled("+++ ", theme::color_of(Color::Green)),
        Span::raw(sanitize(b_label).into_owned()),
    ]));
    let text = render(diff, &Paint::new(false));
    doc.push_lines(text.lines().map(diff_line));
    doc
}

/// One line of the uncolored diff, colored as `diff` colors it.
fn diff_line(text: &str) -> Line<'static> {
    let Some(change) = text.strip_prefix("  ") else {
        let style = if text.starts_with("identical") {
            theme::color_of(Color::Green)
        } else {
            theme::color_of(Color::Bold)
        };
        return Line::styled(text.to_owned(), style);
    };
    let (mark, rest) = change.split_once(' ').unwrap_or((change, ""));
    match mark_style(mark) {
        Some(style) => Line::from(vec![
            Span::raw("  "),
            Span::styled(mark.to_owned(), style),
            Span::raw(format!(" {rest}")),
        ]),
        None => Line::raw(text.to_owned()),
    }
}

/// The color of a change mark, as `diff` paints it; None for other lines
/// (`… 3 more`, `sha256 …`).
fn mark_style(mark: &str) -> Option<Style> {
    let color = match mark {
        "+" => Color::Green,
        "-" => Color::Red,
        "~" => Color::Yellow,
        "↕" | "Aa" => Color::Cyan,
        _ => return None,
    };
    Some(theme::color_of(color))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare;
    use crate::model::Header;
    use crate::store::testing::request;

    fn texts(doc: &Doc) -> Vec<String> {
        doc.lines(0, doc.len())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn the_doc_says_what_hookcap_diff_prints() {
        let a = request(1, "POST", "/hook", br#"{"title":"a","n":1}"#);
        let mut b = request(1, "POST", "/hook", br#"{"title":"b","n":1}"#);
        b.headers.push(Header::new("X-New", "1"));
        let diff = compare(&a, &b);
        let doc = diff_doc("#1 (session 1)", "#2 (session 1)", &diff);
        let printed = render(&diff, &Paint::new(false));
        let mut want = vec!["--- #1 (session 1)".to_owned(), "+++ #2 (session 1)".into()];
        want.extend(printed.lines().map(str::to_owned));
        assert_eq!(texts(&doc), want);
        assert!(want.iter().any(|l| l == "  + X-New: 1"), "{want:?}");
    }

    #[test]
    fn marks_are_colored_and_titles_bold() {
        let added = diff_line("  + X-New: 1");
        assert_eq!(added.spans[1].content, "+");
        assert_eq!(added.spans[1].style, theme::color_of(Color::Green));
        assert_eq!(added.to_string(), "  + X-New: 1");
        let title = diff_line("headers");
        assert_eq!(title.style, theme::color_of(Color::Bold));
        assert_eq!(diff_line("  … 3 more").spans.len(), 1);
    }
}
