//! Drawing the request list: one row per request, newest at the bottom.
//!
//! Webhooks add two columns while one is on screen: EVENT (what happened,
//! e.g. `pull_request.opened`), whose width is taken from PATH (PATH keeps
//! what its paths on screen need, and at least 60 % of their space), and ATTEMPT (`attempt 2/3 (+31s)`, `dup`
//! for a repeat of a delivery already answered 2xx) for attempts of a
//! delivery stored more than once. When the path would be squeezed below
//! [`MIN_FILL`] columns, TYPE, TIME, SIZE, ATTEMPT and EVENT are dropped in
//! that order. The request `=` marked for a diff carries a `=` before its id.

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
use crate::model::{DeliveryBrief, HookFacts, RequestSummary};
use crate::render::color::{PENDING_MARK, Style as Paint};
use crate::render::summary::{attempt_text, badge_tags, short_duration};
use crate::sanitize::sanitize;
use crate::tui::data::facts::Facts;
use crate::tui::pane::theme;

/// The fewest columns PATH and EVENT share before columns are dropped to
/// make room for the webhook columns.
pub const MIN_FILL: u16 = 32;
/// EVENT takes at most this share of what PATH and EVENT share, in percent.
const EVENT_SHARE: u16 = 40;
/// Columns between two table columns (ratatui's default spacing).
const SPACING: u16 = 1;
/// The selection mark's column (`▶`).
const HIGHLIGHT: u16 = 1;

/// The columns of the list, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Time,
    Method,
    Path,
    /// The webhook event (or provider), from the facts.
    Event,
    /// `attempt 2/3 (+31s) dup`, for attempts of a delivery stored more than once.
    Attempt,
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
    /// The webhook facts of the rows on screen.
    pub facts: &'a Facts,
    /// The request `=` marked for a diff.
    pub marked: Option<i64>,
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
    let mut cells: Vec<Extra> = visible
        .iter()
        .map(|r| Extra::of(r, pane.facts.get(r.id)))
        .collect();
    let widths = Widths::of(visible, &cells, pane, inner.width);
    let columns = choose_columns(inner.width, &cells, &widths);
    let widths = widths.with_event_share(&columns, inner.width);
    for c in &mut cells {
        c.fit_event(widths.event);
    }
    let marked = pane.marked;
    let table = Table::new(
        visible
            .iter()
            .zip(cells)
            .map(|(r, extra)| row(r, extra, &columns, marked)),
        columns.iter().map(|&c| width(c, &widths)),
    )
    .header(header(&columns))
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

/// What a row shows beyond its summary: its webhook event and attempt,
/// and its badges, made once per frame.
struct Extra {
    event: Option<String>,
    /// The attempt's text, and whether it is a duplicate.
    attempt: Option<(String, bool)>,
    badges: Line<'static>,
}

impl Extra {
    fn of(r: &RequestSummary, facts: Option<&HookFacts>) -> Self {
        let event = facts
            .and_then(|f| f.identity.as_ref())
            .map(|i| sanitize(i.event.as_deref().unwrap_or(&i.provider)).into_owned());
        let attempt = facts
            .and_then(|f| f.attempt)
            .filter(|a| a.of > 1)
            .map(|a| (attempt_text(&a), a.dup));
        Self {
            event,
            attempt,
            badges: badges(r),
        }
    }

    /// Cuts the event to `width` columns, ending in `…` when cut.
    fn fit_event(&mut self, width: u16) {
        let width = usize::from(width);
        if let Some(e) = self.event.as_mut().filter(|e| e.chars().count() > width) {
            *e = e
                .chars()
                .take(width.saturating_sub(1))
                .chain(['…'])
                .collect();
        }
    }
}

/// The widths that depend on the rows shown.
#[derive(Debug, Clone, Copy)]
struct Widths {
    id: u16,
    badge: u16,
    /// The widest event on screen (at least the title's).
    event: u16,
    attempt: u16,
    /// The widest path on screen.
    path: u16,
}

impl Widths {
    fn of(
        visible: &[RequestSummary],
        cells: &[Extra],
        pane: &ListPane<'_>,
        list_width: u16,
    ) -> Self {
        let mark = visible.iter().any(|r| pane.marked == Some(r.id));
        let id = visible
            .iter()
            .map(|r| r.id.to_string().len())
            .max()
            .unwrap_or(2)
            .max(2)
            + usize::from(mark);
        let widest = |text: fn(&Extra) -> Option<&str>, title: &str| {
            let w = cells
                .iter()
                .filter_map(|c| text(c).map(|t| t.chars().count()))
                .max()
                .unwrap_or(0)
                .max(title.len());
            u16::try_from(w).unwrap_or(u16::MAX)
        };
        let badges: Vec<&Line<'_>> = cells.iter().map(|c| &c.badges).collect();
        Self {
            id: u16::try_from(id).unwrap_or(u16::MAX),
            badge: badge_width(&badges, list_width),
            event: widest(|c| c.event.as_deref(), "EVENT"),
            attempt: widest(|c| c.attempt.as_ref().map(|a| a.0.as_str()), "ATTEMPT"),
            path: visible
                .iter()
                .map(|r| u16::try_from(sanitize(&r.target).chars().count()).unwrap_or(u16::MAX))
                .max()
                .unwrap_or(0),
        }
    }

    /// EVENT as wide as its widest value, but at most what PATH and EVENT
    /// share less the widest path on screen, or [`EVENT_SHARE`] % of it when
    /// the paths are long.
    fn with_event_share(mut self, columns: &[Column], list_width: u16) -> Self {
        if columns.contains(&Column::Event) {
            let shared = fill_width(columns, &self, list_width);
            let room = shared
                .saturating_sub(self.path)
                .max(shared * EVENT_SHARE / 100);
            self.event = self.event.min(room);
        }
        self
    }
}

/// The tier's columns, with EVENT and ATTEMPT after PATH when a row on
/// screen has one; then, while PATH and EVENT would share fewer than
/// [`MIN_FILL`] columns, TYPE, TIME, SIZE, ATTEMPT and EVENT are dropped.
fn choose_columns(list_width: u16, cells: &[Extra], widths: &Widths) -> Vec<Column> {
    let event = cells.iter().any(|c| c.event.is_some());
    let attempt = cells.iter().any(|c| c.attempt.is_some());
    let mut columns = Vec::with_capacity(10);
    for &c in columns_for(list_width) {
        columns.push(c);
        if c == Column::Path {
            columns.extend(event.then_some(Column::Event));
            columns.extend(attempt.then_some(Column::Attempt));
        }
    }
    if event || attempt {
        for dropped in [
            Column::Type,
            Column::Time,
            Column::Size,
            Column::Attempt,
            Column::Event,
        ] {
            if fill_width(&columns, widths, list_width) >= MIN_FILL {
                break;
            }
            columns.retain(|&c| c != dropped);
        }
    }
    columns
}

/// What PATH and EVENT share: the list's width less the other columns, the
/// spacing and the selection mark.
fn fill_width(columns: &[Column], widths: &Widths, list_width: u16) -> u16 {
    let fixed: u16 = columns
        .iter()
        .filter(|&&c| c != Column::Event)
        .map(|&c| match width(c, widths) {
            Constraint::Length(n) => n,
            _ => 0,
        })
        .sum();
    let gaps = SPACING * u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    list_width.saturating_sub(fixed + gaps + HIGHLIGHT)
}

/// Wide enough for the widest badge on screen, but at most a quarter of the
/// list (the path keeps the rest); 2 when no row has one.
fn badge_width(badges: &[&Line<'_>], list_width: u16) -> u16 {
    let widest = badges.iter().map(|l| l.width()).max().unwrap_or(0);
    let widest = u16::try_from(widest).unwrap_or(u16::MAX);
    widest.min(list_width / 4).max(2)
}

fn width(c: Column, widths: &Widths) -> Constraint {
    match c {
        Column::Id => Constraint::Length(widths.id),
        Column::Time => Constraint::Length(12),
        Column::Method => Constraint::Length(7),
        Column::Path => Constraint::Fill(1),
        Column::Event => Constraint::Length(widths.event),
        Column::Attempt => Constraint::Length(widths.attempt),
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
        Column::Event => Cell::from("EVENT"),
        Column::Attempt => Cell::from("ATTEMPT"),
        Column::Status => Cell::from("ST"),
        Column::Size => Cell::from(Line::from("SIZE").right_aligned()),
        Column::Type => Cell::from("TYPE"),
        Column::Badge => Cell::from(""),
    };
    Row::new(columns.iter().map(title)).style(theme::dim().add_modifier(Modifier::BOLD))
}

/// One request's cells; everything captured is sanitized here (the event
/// in [`Extra::of`]).
fn row(r: &RequestSummary, extra: Extra, columns: &[Column], marked: Option<i64>) -> Row<'static> {
    let Extra {
        event,
        attempt,
        badges,
    } = extra;
    let cell = |c: &Column| match c {
        Column::Id => Cell::from(id_cell(r.id, marked == Some(r.id))),
        Column::Time => Cell::from(Span::styled(clock::clock(r.received_at), theme::dim())),
        Column::Method => Cell::from(Span::styled(
            sanitize(&r.method).into_owned(),
            theme::method(&r.method),
        )),
        Column::Path => Cell::from(sanitize(&r.target).into_owned()),
        Column::Event => Cell::from(Span::styled(
            event.clone().unwrap_or_default(),
            theme::color_of(Paint::Cyan),
        )),
        Column::Attempt => match &attempt {
            Some((text, dup)) => Cell::from(Span::styled(text.clone(), attempt_style(*dup))),
            None => Cell::from(""),
        },
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

/// The id, right-aligned, after a `=` when it is marked for a diff.
fn id_cell(id: i64, marked: bool) -> Line<'static> {
    let id = Span::raw(id.to_string());
    let line = match marked {
        true => Line::from(vec![Span::styled("=", theme::key()), id]),
        false => Line::from(id),
    };
    line.right_aligned()
}

/// Attempts dimmed, duplicates yellow, as `ls` shows them.
fn attempt_style(dup: bool) -> Style {
    match dup {
        true => theme::color_of(Paint::Yellow),
        false => theme::dim(),
    }
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
