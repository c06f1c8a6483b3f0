//! Boxes drawn over everything: key help, delete confirmation, and the
//! message shown instead of the inspector when the terminal is too small.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use super::theme;
use crate::model::RequestSummary;
use crate::sanitize::sanitize;

/// Width of the key column in the help.
const KEY_WIDTH: usize = 14;

/// The key help (`keys`: the keys and what they do), centered.
pub fn help(frame: &mut Frame<'_>, area: Rect, keys: &[(&str, &str)]) {
    let mut lines: Vec<Line<'_>> = keys
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<KEY_WIDTH$}"), theme::key()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(" Esc or ? closes this help", theme::dim()));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 3;
    let boxed = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, boxed);
    let block = Block::bordered()
        .title(Line::styled(
            " Keys ",
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .border_style(theme::key());
    frame.render_widget(Paragraph::new(lines).block(block), boxed);
}

/// "Delete request #N?", naming it when it is among `rows`.
pub fn confirm_delete(frame: &mut Frame<'_>, area: Rect, rows: &[RequestSummary], id: i64) {
    let what = rows
        .iter()
        .find(|r| r.id == id)
        .map(|r| format!(" ({} {})", sanitize(&r.method), sanitize(&r.target)))
        .unwrap_or_default();
    let text = Text::from(vec![
        Line::raw(format!("Delete request #{id}{what}?")),
        Line::styled("This cannot be undone.", theme::dim()),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme::key()),
            Span::raw(" delete   "),
            Span::styled("n", theme::key()),
            Span::raw(" keep"),
        ]),
    ]);
    let boxed = centered(area, 56, 6);
    frame.render_widget(Clear, boxed);
    let block = Block::bordered()
        .border_style(theme::error())
        .title(" Delete ");
    let body = Paragraph::new(text)
        .block(block)
        .wrap(Wrap { trim: false })
        .centered();
    frame.render_widget(body, boxed);
}

/// What a terminal smaller than the minimum shows instead of the inspector.
pub fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = format!(
        "Terminal too small ({}×{}): hookcap needs {MIN_WIDTH}×{MIN_HEIGHT}. q quits.",
        area.width, area.height
    );
    let para = Paragraph::new(text).wrap(Wrap { trim: true }).centered();
    frame.render_widget(para, area);
}

/// A `width`×`height` box in the middle of `area`, shrunk to fit.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    )
}
