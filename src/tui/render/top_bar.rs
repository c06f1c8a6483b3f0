//! The top bar: what is inspected, how many requests, how fast they arrive.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::thousands;
use crate::render::sanitize;
use crate::tui::app::{App, Origin};
use crate::tui::theme;

/// The most seconds shown in the sparkline.
const SPARK_SECONDS: u16 = 30;
/// Fewer columns than this left over, and the sparkline is not drawn.
const MIN_SPARK: u16 = 8;

/// Draws the top bar into `area` (one row).
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    frame.render_widget(Paragraph::new("").style(theme::bar()), area);
    let right = right_side(app);
    let left = left_side(app, usize::from(area.width).saturating_sub(right.width()));
    let room = area
        .width
        .saturating_sub((left.width() + right.width() + 1) as u16);
    let spark_width = if room >= MIN_SPARK {
        room.min(SPARK_SECONDS)
    } else {
        0
    };
    let [left_area, spark_area, right_area] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(spark_width),
        Constraint::Length(right.width() as u16),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(left).style(theme::bar()), left_area);
    let data = app.rate.recent(usize::from(spark_width));
    let spark = Sparkline::default()
        .data(&data)
        .style(theme::bar().fg(Color::Green));
    frame.render_widget(spark, spark_area);
    frame.render_widget(Paragraph::new(right).style(theme::bar()), right_area);
}

/// Who, where and how many, in the longest wording that fits `width`.
fn left_side(app: &App, width: usize) -> Line<'static> {
    let sep = || Span::styled(" │ ", theme::bar().fg(Color::DarkGray));
    let (long, short) = match &app.origin {
        Origin::Listening { url, session_id } => {
            let url = sanitize(url);
            (
                format!("listening on {url} · session {session_id}"),
                url.into_owned(),
            )
        }
        Origin::Browsing { db } => {
            let db = sanitize(&db.display().to_string()).into_owned();
            (format!("browsing {db}"), db)
        }
    };
    let count = match app.total {
        Some(1) => "1 request".to_owned(),
        Some(n) => format!("{} requests", thousands(n)),
        None => "counting…".to_owned(),
    };
    let relay = app
        .relay
        .as_ref()
        .map(|r| sanitize(&r.borrow()).into_owned());
    let line = |origin: String| {
        let mut spans = vec![
            Span::styled(" hookcap", Style::new().add_modifier(Modifier::BOLD)),
            sep(),
            Span::raw(origin),
            sep(),
            Span::raw(count.clone()),
        ];
        if let Some(relay) = relay.as_ref().filter(|r| !r.is_empty()) {
            spans.extend([sep(), Span::raw(relay.clone())]);
        }
        Line::from(spans)
    };
    let full = line(long);
    if full.width() <= width {
        full
    } else {
        line(short)
    }
}

fn right_side(app: &App) -> Line<'static> {
    let mut spans = vec![Span::raw(format!(" {}/s ", app.rate.last_second()))];
    let badge = if app.following() {
        Some(("FOLLOW", Color::Green))
    } else if app.follow {
        Some(("PAUSED", Color::Yellow))
    } else {
        None
    };
    if let Some((text, color)) = badge {
        spans.push(Span::styled(
            format!(" {text} "),
            Style::new()
                .bg(color)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}
