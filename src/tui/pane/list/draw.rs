//! Drawing the request list: one row per request, newest at the bottom.

use bytesize::ByteSize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState,
    Table, TableState, Wrap,
};

use super::window::ListWindow;
use crate::clock;
use crate::model::{DeliveryBrief, RequestSummary};
use crate::render::color::PENDING_MARK;
use crate::render::summary::{badge_tags, short_duration};
use crate::sanitize::sanitize;
use crate::tui::pane::theme;

/// The columns of the list, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Time,
    Method,
    Path,
    Status,
    Size,
    Type,
    /// Live check results (signature verdict, rejection), then the newest
    /// delivery (forward or replay).
    Badge,
}

const WIDE: &[Column] = &[
    Column::Id,
    Column::Time,
    Column::Method,
    Column::Path,
    Column::Status,
    Column::Size,
    Column::Type,
    Column::Badge,
];
const MEDIUM: &[Column] = &[
    Column::Id,
    Column::Time,
    Column::Method,
    Column::Path,
    Column::Status,
    Column::Size,
    Column::Badge,
];
const NARROW: &[Column] = &[Column::Id, Column::Method, Column::Path, Column::Status];

/// What the list pane shows.
pub struct ListPane<'a> {
    /// The rows held, the selection and the scroll offset.
    pub window: &'a ListWindow,
    /// Whether the list has the focus.
    pub focused: bool,
    /// Whether a `/` filter narrows the list (beyond the listened session).
    pub filtered: bool,
    /// Whether a search is still looking for rows to fill the screen.
    pub searching: bool,
    /// Requests that arrived while the list was away from the newest.
    pub unseen: u64,
    /// Where requests are captured (`listen`), for the empty list's hint.
    pub listening_on: Option<&'a str>,
    /// The lowest id stored, for the scrollbar.
    pub first_id: i64,
    /// The newest id stored, for the scrollbar.
    pub newest_id: i64,
}

/// Draws the list pane into `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, pane: &ListPane<'_>) {
    let focused = pane.focused;
    let block = Block::bordered()
        .border_type(theme::border_type(focused))
        .border_style(theme::border(focused))
        .title(title(pane))
        .title_bottom(footer(pane).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.window.rows().is_empty() {
        return empty(frame, inner, pane);
    }
    let height = usize::from(inner.height.saturating_sub(1));
    let visible = pane.window.visible(height);
    let columns = columns_for(inner.width);
    let id_width = visible
        .iter()
        .map(|r| r.id.to_string().len())
        .max()
        .unwrap_or(2)
        .max(2);
    let badges: Vec<Line<'static>> = visible.iter().map(badges).collect();
    let widths = Widths {
        id: id_width as u16,
        badge: badge_width(&badges, inner.width),
    };
    let table = Table::new(
        visible.iter().zip(badges).map(|(r, b)| row(r, b, columns)),
        columns.iter().map(|&c| width(c, widths)),
    )
    .header(header(columns))
    .row_highlight_style(theme::selected(focused))
    .highlight_symbol("▶")
    .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(
        pane.window
            .selected_index()
            .saturating_sub(pane.window.offset()),
    ));
    frame.render_stateful_widget(table, inner, &mut state);
    scrollbar(frame, area, pane, height);
}

fn title(pane: &ListPane<'_>) -> Line<'static> {
    let mut spans = vec![Span::styled(
        " Requests ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if pane.filtered {
        spans.push(Span::styled("· filtered ", theme::key()));
    }
    Line::from(spans)
}

fn footer(pane: &ListPane<'_>) -> Line<'static> {
    if pane.searching {
        Line::styled(" searching… ", theme::dim())
    } else if pane.unseen > 0 {
        Line::styled(format!(" {} new below · G ", pane.unseen), theme::key())
    } else {
        Line::default()
    }
}

fn columns_for(width: u16) -> &'static [Column] {
    match width {
        90.. => WIDE,
        64.. => MEDIUM,
        _ => NARROW,
    }
}

/// The widths that depend on the rows shown.
#[derive(Debug, Clone, Copy)]
struct Widths {
    id: u16,
    badge: u16,
}

/// Wide enough for the widest badge on screen, but at most a quarter of the
/// list (the path keeps the rest); 2 when no row has one.
fn badge_width(badges: &[Line<'_>], list_width: u16) -> u16 {
    let widest = badges.iter().map(Line::width).max().unwrap_or(0);
    let widest = u16::try_from(widest).unwrap_or(u16::MAX);
    widest.min(list_width / 4).max(2)
}

fn width(c: Column, widths: Widths) -> Constraint {
    match c {
        Column::Id => Constraint::Length(widths.id),
        Column::Time => Constraint::Length(12),
        Column::Method => Constraint::Length(7),
        Column::Path => Constraint::Fill(1),
        Column::Status => Constraint::Length(3),
        Column::Size => Constraint::Length(10),
        Column::Type => Constraint::Length(16),
        Column::Badge => Constraint::Length(widths.badge),
    }
}

fn header(columns: &[Column]) -> Row<'static> {
    let title = |c: &Column| match c {
        Column::Id => Cell::from(Line::from("ID").right_aligned()),
        Column::Time => Cell::from(format!("TIME ({})", clock::zone_name())),
        Column::Method => Cell::from("METHOD"),
        Column::Path => Cell::from("PATH"),
        Column::Status => Cell::from("ST"),
        Column::Size => Cell::from(Line::from("SIZE").right_aligned()),
        Column::Type => Cell::from("TYPE"),
        Column::Badge => Cell::from(""),
    };
    Row::new(columns.iter().map(title)).style(theme::dim().add_modifier(Modifier::BOLD))
}

/// One request's cells; everything captured is sanitized here.
fn row(r: &RequestSummary, badges: Line<'static>, columns: &[Column]) -> Row<'static> {
    let cell = |c: &Column| match c {
        Column::Id => Cell::from(Line::from(r.id.to_string()).right_aligned()),
        Column::Time => Cell::from(Span::styled(clock::clock(r.received_at), theme::dim())),
        Column::Method => Cell::from(Span::styled(
            sanitize(&r.method).into_owned(),
            theme::method(&r.method),
        )),
        Column::Path => Cell::from(sanitize(&r.target).into_owned()),
        Column::Status if r.is_pending() => Cell::from(Span::styled(PENDING_MARK, theme::dim())),
        Column::Status => Cell::from(Span::styled(r.status.to_string(), theme::status(r.status))),
        Column::Size => Cell::from(Line::from(size(r)).right_aligned()),
        Column::Type => Cell::from(Span::styled(
            short_type(r.content_type.as_deref()),
            theme::dim(),
        )),
        Column::Badge => Cell::from(badges.clone()),
    };
    Row::new(columns.iter().map(cell))
}

fn size(r: &RequestSummary) -> String {
    let mut s = ByteSize(r.body_size).display().iec().to_string();
    if r.truncated {
        s.push('+');
    }
    s
}

/// `application/json; charset=utf-8` as `json`; forms as `form`.
fn short_type(content_type: Option<&str>) -> String {
    let Some(ct) = content_type else {
        return String::new();
    };
    let essence = ct.split(';').next().unwrap_or_default().trim();
    let short = match essence.strip_prefix("application/") {
        Some("x-www-form-urlencoded") => "form",
        Some(rest) => rest,
        None => essence,
    };
    sanitize(short).into_owned()
}

/// The badge column: the live checks, as `listen` prints them (`✓ github`
/// green, `✗ github: reason` red, `- unsigned: …` yellow, `rejected: …` red),
/// then the newest delivery, as the Deliveries tab lists it first.
fn badges(r: &RequestSummary) -> Line<'static> {
    let mut spans = Vec::new();
    for (text, style) in badge_tags(r) {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(text, theme::color_of(style)));
    }
    if let Some(d) = &r.delivery {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.extend(delivery_tag(d));
    }
    Line::from(spans)
}

/// `replay 200 14ms`: the kind, the status (red `✗` when nothing was
/// answered or something went wrong) and the time.
fn delivery_tag(d: &DeliveryBrief) -> [Span<'static>; 3] {
    let status = match (d.status, &d.error) {
        (Some(s), None) => Span::styled(format!(" {s}"), theme::status(s)),
        (Some(s), Some(_)) => Span::styled(format!(" {s}✗"), theme::error()),
        (None, _) => Span::styled(" ✗", theme::error()),
    };
    [
        Span::styled(d.kind.as_str(), theme::dim()),
        status,
        Span::styled(format!(" {}", short_duration(d.duration)), theme::dim()),
    ]
}

fn empty(frame: &mut Frame<'_>, area: Rect, pane: &ListPane<'_>) {
    let lines: Vec<Line<'static>> = if pane.searching {
        vec![Line::styled("Searching…", theme::dim())]
    } else if pane.filtered {
        vec![
            Line::raw("No requests match the filter."),
            Line::styled("Esc clears it.", theme::dim()),
        ]
    } else if let Some(url) = pane.listening_on {
        vec![
            Line::raw(format!("Waiting for requests on {}", sanitize(url))),
            Line::styled(
                format!(
                    "try: curl -d '{{\"hello\":\"world\"}}' {}/hook",
                    sanitize(url)
                ),
                theme::dim(),
            ),
        ]
    } else {
        vec![Line::raw("No requests in this database yet.")]
    };
    let text = Text::from(lines).centered();
    let top = area.height.saturating_sub(2) / 2;
    let area = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A scrollbar placing the selection between the first and newest id.
fn scrollbar(frame: &mut Frame<'_>, area: Rect, pane: &ListPane<'_>, height: usize) {
    let Some(selected) = pane.window.selected() else {
        return;
    };
    let span = (pane.newest_id - pane.first_id + 1).max(1) as usize;
    if span <= height {
        return;
    }
    let position = (selected.id - pane.first_id).max(0) as usize;
    let mut state = ScrollbarState::new(span)
        .position(position)
        .viewport_content_length(height);
    let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None);
    frame.render_stateful_widget(bar, area.inner(Margin::new(0, 2)), &mut state);
}
