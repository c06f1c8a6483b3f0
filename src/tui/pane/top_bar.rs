//! The top bar: what is inspected, how many requests, how fast they arrive.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::theme;
use crate::sanitize::sanitize;
use crate::tui::data::rate::Rate;

/// What the inspector is looking at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `hookcap listen` (or `forward`): this process captures into session
    /// `session_id`.
    Listening {
        /// The URL requests are captured at.
        url: String,
        /// The session being captured.
        session_id: i64,
        /// Where `forward` passes requests on (None for `listen`).
        target: Option<String>,
    },
    /// `hookcap ui`: a database, maybe written by another process.
    Browsing {
        /// The database file.
        db: PathBuf,
    },
}

/// The most seconds shown in the sparkline.
const SPARK_SECONDS: u16 = 30;
/// Fewer columns than this left over, and the sparkline is not drawn.
const MIN_SPARK: u16 = 8;

/// What the top bar shows.
pub struct TopBar<'a> {
    /// What is inspected.
    pub origin: &'a Origin,
    /// Requests stored (None while the first count runs).
    pub total: Option<u64>,
    /// Arrivals per second.
    pub rate: &'a Rate,
    /// Follow mode is on.
    pub follow: bool,
    /// Follow is on and not paused.
    pub following: bool,
    /// The relay client's state line, under `--via`.
    pub relay: Option<String>,
}

/// Draws the top bar into `area` (one row).
pub fn draw(frame: &mut Frame<'_>, area: Rect, bar: &TopBar<'_>) {
    frame.render_widget(Paragraph::new("").style(theme::bar()), area);
    let right = right_side(bar);
    let left = left_side(bar, usize::from(area.width).saturating_sub(right.width()));
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
    let data = bar.rate.recent(usize::from(spark_width));
    let spark = Sparkline::default()
        .data(&data)
        .style(theme::bar().fg(Color::Green));
    frame.render_widget(spark, spark_area);
    frame.render_widget(Paragraph::new(right).style(theme::bar()), right_area);
}

/// Who, where and how many, in the longest wording that fits `width`.
fn left_side(bar: &TopBar<'_>, width: usize) -> Line<'static> {
    let sep = || Span::styled(" │ ", theme::bar().fg(Color::DarkGray));
    let (long, short) = match bar.origin {
        Origin::Listening {
            url,
            session_id,
            target,
        } => {
            let url = sanitize(url);
            let to = target
                .as_deref()
                .map(|t| format!(" → {}", sanitize(t)))
                .unwrap_or_default();
            (
                format!("listening on {url}{to} · session {session_id}"),
                format!("{url}{to}"),
            )
        }
        Origin::Browsing { db } => {
            let db = sanitize(&db.display().to_string()).into_owned();
            (format!("browsing {db}"), db)
        }
    };
    let count = match bar.total {
        Some(1) => "1 request".to_owned(),
        Some(n) => format!("{} requests", thousands(n)),
        None => "counting…".to_owned(),
    };
    let relay = bar.relay.as_deref().map(|r| sanitize(r).into_owned());
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

fn right_side(bar: &TopBar<'_>) -> Line<'static> {
    let mut spans = vec![Span::raw(format!(" {}/s ", bar.rate.last_second()))];
    let badge = if bar.following {
        Some(("FOLLOW", Color::Green))
    } else if bar.follow {
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

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
