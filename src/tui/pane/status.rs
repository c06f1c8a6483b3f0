//! The bottom lines: the prompt line (the `/` filter, or where `R` replays
//! to) and the status/help line.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::filter::FilterError;
use crate::sanitize::sanitize;

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What to say (written by hookcap; sanitized again when drawn).
    pub text: String,
    /// True for errors.
    pub is_error: bool,
    /// When it was said, for expiry.
    pub at: Instant,
}

/// The `/` prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterBar {
    /// What has been typed.
    pub input: String,
    /// Whether the prompt has the keys.
    pub editing: bool,
    /// Why the input does not parse (the previous filter stays in force);
    /// drawn with a caret under the bad part of the input.
    pub error: Option<FilterError>,
}

/// The `R` prompt: where to send one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayPrompt {
    /// The request to send.
    pub request_id: i64,
    /// The destination typed so far (a base URL, as `hookcap replay --to`
    /// takes: the stored path is appended).
    pub input: String,
}

/// The main keys, shown when there is no message.
const HINTS: &[(&str, &str)] = &[
    ("j/k", "move"),
    ("Enter", "detail"),
    ("Tab", "tabs"),
    ("/", "filter"),
    ("f", "follow"),
    ("c", "curl"),
    ("y", "body"),
    ("d", "delete"),
    ("?", "help"),
    ("q", "quit"),
];

/// Where the typed filter starts on the filter line (after the prompt).
fn prompt(editing: bool) -> &'static str {
    if editing { " / " } else { " filter: " }
}

/// The filter line: the prompt while typing, the filter in force otherwise;
/// the `R` prompt instead while it is open.
pub fn filter_line(
    frame: &mut Frame<'_>,
    area: Rect,
    f: &FilterBar,
    replay_to: Option<&ReplayPrompt>,
) {
    if let Some(p) = replay_to {
        return replay_to_line(frame, area, p);
    }
    let mut spans = vec![
        Span::styled(prompt(f.editing), theme::key()),
        Span::raw(sanitize(&f.input).into_owned()),
    ];
    if f.editing {
        spans.push(Span::styled("▏", theme::key()));
    }
    let note = match &f.error {
        Some(_) => Span::styled("not applied: see below ", theme::error()),
        None if f.editing => Span::styled("Enter keeps · Esc clears ", theme::dim()),
        None => Span::styled("/ edits · Esc clears ", theme::dim()),
    };
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(note.width() as u16)])
            .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(note)), right);
}

/// `replay #12 to: http://localhost:3000▏`, with the keys that end it.
fn replay_to_line(frame: &mut Frame<'_>, area: Rect, p: &ReplayPrompt) {
    let spans = vec![
        Span::styled(format!(" replay #{} to: ", p.request_id), theme::key()),
        Span::raw(sanitize(&p.input).into_owned()),
        Span::styled("▏", theme::key()),
    ];
    let note = Span::styled("Enter sends · Esc cancels ", theme::dim());
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(note.width() as u16)])
            .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(note)), right);
}

/// The status line: what is wrong with the filter being typed (carets under
/// the bad part of the filter line above), else the latest message, else the
/// main keys.
pub fn status_line(frame: &mut Frame<'_>, area: Rect, f: &FilterBar, message: Option<&Message>) {
    let line = match (&f.error, message) {
        (Some(e), _) if f.editing => filter_error(e, f.editing),
        (_, Some(m)) => {
            let style = if m.is_error {
                theme::error()
            } else {
                theme::ok()
            };
            Line::from(Span::styled(format!(" {}", sanitize(&m.text)), style))
        }
        (Some(e), None) => filter_error(e, f.editing),
        (None, None) => hints(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// `   ^^^^ why`: the caret line of [`FilterError::pointer`], shifted past the
/// prompt so it stands under the filter line's bad term, then the reason.
fn filter_error(e: &FilterError, editing: bool) -> Line<'static> {
    let pointer = e.pointer();
    let carets = pointer.lines().nth(1).unwrap_or("^");
    let lead = " ".repeat(prompt(editing).chars().count());
    Line::from(vec![
        Span::styled(format!("{lead}{carets} "), theme::error()),
        Span::styled(sanitize(&e.reason).into_owned(), theme::error()),
    ])
}

fn hints() -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in HINTS.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme::dim()));
        }
        spans.push(Span::styled(*key, theme::key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}
