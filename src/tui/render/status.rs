//! The bottom lines: the `/` filter prompt and the status/help line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::render::sanitize;
use crate::tui::app::App;
use crate::tui::theme;

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

/// The filter line: the prompt while typing, the filter in force otherwise.
pub fn filter_line(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let f = &app.filter;
    let mut spans = vec![
        Span::styled(if f.editing { " / " } else { " filter: " }, theme::key()),
        Span::raw(sanitize(&f.input).into_owned()),
    ];
    if f.editing {
        spans.push(Span::styled("▏", theme::key()));
    }
    let note = match &f.error {
        Some(e) => Span::styled(format!("{} ", sanitize(e)), theme::error()),
        None if f.editing => Span::styled("Enter keeps · Esc clears ", theme::dim()),
        None => Span::styled("/ edits · Esc clears ", theme::dim()),
    };
    let [left, right] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(note.width() as u16)])
            .areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(note)), right);
}

/// The status line: the latest message, or the main keys.
pub fn status_line(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let line = match &app.message {
        Some(m) => {
            let style = if m.is_error {
                theme::error()
            } else {
                theme::ok()
            };
            Line::from(Span::styled(format!(" {}", sanitize(&m.text)), style))
        }
        None => hints(),
    };
    frame.render_widget(Paragraph::new(line), area);
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
