//! The bottom lines: the prompt line (the `/` filter, or where `R` replays
//! to) and the status/help line.

use std::time::Instant;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::layout::MAX_STATUS_ROWS;
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

/// The `v` prompt: the secret to check one request's signature with, typed
/// masked (only `•` are drawn; the secret stays in memory, never stored).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretPrompt {
    /// The request to check.
    pub request_id: i64,
    /// The secret typed so far.
    pub input: String,
}

impl std::fmt::Debug for SecretPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretPrompt")
            .field("request_id", &self.request_id)
            .field("input", &"(hidden)")
            .finish()
    }
}

/// The prompt open on the prompt line instead of the `/` filter.
#[derive(Debug, Clone, Copy)]
pub enum Prompt<'a> {
    /// `R`: where to replay to.
    ReplayTo(&'a ReplayPrompt),
    /// `v`: the secret.
    Secret(&'a SecretPrompt),
    /// `/` on the Body tab: the word to search for.
    Search(&'a str),
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
/// the `R` or `v` prompt instead while one is open.
pub fn filter_line(frame: &mut Frame<'_>, area: Rect, f: &FilterBar, open: Option<Prompt<'_>>) {
    match open {
        Some(Prompt::ReplayTo(p)) => return replay_to_line(frame, area, p),
        Some(Prompt::Secret(p)) => return secret_line(frame, area, p),
        Some(Prompt::Search(s)) => return search_line(frame, area, s),
        None => {}
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
    let label = format!(" replay #{} to: ", p.request_id);
    let typed = sanitize(&p.input).into_owned();
    prompt_line(frame, area, (label, typed), "Enter sends · Esc cancels ");
}

/// `search body: amount▏`, with the keys that end it.
fn search_line(frame: &mut Frame<'_>, area: Rect, input: &str) {
    let typed = sanitize(input).into_owned();
    let keys = "Enter finds · n/N next/previous · Esc closes ";
    prompt_line(frame, area, (" search body: ".to_owned(), typed), keys);
}

/// `secret to check #12: •••••▏`, with the keys that end it.
fn secret_line(frame: &mut Frame<'_>, area: Rect, p: &SecretPrompt) {
    let label = format!(" secret to check #{}: ", p.request_id);
    let masked = "•".repeat(p.input.chars().count());
    prompt_line(frame, area, (label, masked), "Enter checks · Esc cancels ");
}

/// A prompt: its label, what was typed (sanitized or masked) and a cursor on
/// the left, the keys that end it on the right.
fn prompt_line(frame: &mut Frame<'_>, area: Rect, (label, typed): (String, String), keys: &str) {
    let spans = vec![
        Span::styled(label, theme::key()),
        Span::raw(typed),
        Span::styled("▏", theme::key()),
    ];
    let note = Span::styled(keys.to_owned(), theme::dim());
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(note.width() as u16)])
            .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(note)), right);
}

/// The status line: what is wrong with the filter being typed (carets under
/// the bad part of the filter line above, the reason wrapped over the rows
/// of `area`), else the latest message, else the main keys.
pub fn status_line(frame: &mut Frame<'_>, area: Rect, f: &FilterBar, message: Option<&Message>) {
    let lines = match (&f.error, message) {
        (Some(e), _) if f.editing => filter_error_lines(e, f.editing, area.width),
        (_, Some(m)) => {
            let style = if m.is_error {
                theme::error()
            } else {
                theme::ok()
            };
            vec![Line::from(Span::styled(
                format!(" {}", sanitize(&m.text)),
                style,
            ))]
        }
        (Some(e), None) => filter_error_lines(e, f.editing, area.width),
        (None, None) => vec![hints()],
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// `   ^^^^ why`: the caret line of [`FilterError::pointer`], shifted past the
/// prompt so it stands under the filter line's bad term, then the reason,
/// wrapped at word boundaries to `width` columns (continuation rows start
/// where the reason starts, or at the left edge when that is too far right);
/// at most [`MAX_STATUS_ROWS`] rows, the last cut with `…` if need be.
pub fn filter_error_lines(e: &FilterError, editing: bool, width: u16) -> Vec<Line<'static>> {
    let pointer = e.pointer();
    let carets = pointer.lines().nth(1).unwrap_or("^");
    let lead = " ".repeat(prompt(editing).chars().count());
    let head = format!("{lead}{carets} ");
    let width = usize::from(width).max(1);
    let start = head.chars().count();
    let indent = if start * 2 < width { start } else { 1 };
    let reason = sanitize(&e.reason).into_owned();
    let mut rows: Vec<String> = vec![head];
    for word in reason.split(' ') {
        let row = rows.last_mut().expect("one row at least");
        let used = row.chars().count();
        let fits = used + word.chars().count() <= width;
        if fits || used <= indent {
            row.push_str(word);
            row.push(' ');
        } else {
            rows.push(format!("{}{word} ", " ".repeat(indent)));
        }
    }
    let max = usize::from(MAX_STATUS_ROWS);
    if rows.len() > max {
        rows.truncate(max);
        let last = &mut rows[max - 1];
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    rows.into_iter()
        .map(|r| Line::styled(r.trim_end().to_owned(), theme::error()))
        .collect()
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
