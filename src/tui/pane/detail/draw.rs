//! Drawing the detail pane: tab titles, then the visible rows of the tab's document.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Tabs};

use super::Detail;
use super::tab::Tab;
use crate::sanitize::sanitize;
use crate::tui::pane::layout::Areas;
use crate::tui::pane::theme;

/// Draws the detail pane: `detail`, or a hint when no request is selected.
pub fn draw(frame: &mut Frame<'_>, areas: &Areas, detail: Option<&Detail>, focused: bool) {
    let mut block = Block::bordered()
        .border_type(theme::border_type(focused))
        .border_style(theme::border(focused));
    let Some(d) = detail else {
        let hint = Line::styled("The selected request is shown here.", theme::dim()).centered();
        frame.render_widget(Paragraph::new(hint).block(block), areas.detail);
        return;
    };
    block = block.title(title(d, areas.detail.width));
    frame.render_widget(block, areas.detail);
    tabs_line(frame, areas.detail_tabs, d);
    let body = areas.detail_body;
    let rows = d.doc.lines(d.scroll, usize::from(body.height));
    let width = usize::from(body.width);
    let found = d.search.as_ref().and_then(|s| s.row());
    let lines: Vec<Line<'static>> = rows
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let line = clip(l, d.hscroll, width);
            match found == Some(d.scroll + i) {
                true => line.style(theme::key().add_modifier(Modifier::REVERSED)),
                false => line,
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    scrollbar(frame, areas.detail, d, usize::from(body.height));
}

/// ` #12 POST /hook?x=1 `, cut to fit.
fn title(d: &Detail, width: u16) -> Line<'static> {
    let r = &d.request;
    let text = format!(
        " #{} {} {} ",
        r.id,
        sanitize(&r.method),
        sanitize(&r.target)
    );
    let max = usize::from(width.saturating_sub(4));
    let text: String = if text.chars().count() > max {
        text.chars()
            .take(max.saturating_sub(2))
            .chain(['…', ' '])
            .collect()
    } else {
        text
    };
    Line::styled(text, Style::new().add_modifier(Modifier::BOLD))
}

/// The tab titles, or while a diff is shown, which two it compares.
fn tabs_line(frame: &mut Frame<'_>, area: Rect, d: &Detail) {
    match &d.comparison {
        Some(c) => {
            let line = Line::from(vec![
                Span::styled(
                    format!(" = diff #{} → #{} ", c.a, c.b),
                    theme::key().add_modifier(Modifier::REVERSED),
                ),
                Span::styled(
                    format!("  Esc returns · = on #{} unmarks it", c.a),
                    theme::dim(),
                ),
            ]);
            frame.render_widget(line, area);
        }
        None => frame.render_widget(tabs(d), area),
    }
}

fn tabs(d: &Detail) -> Tabs<'static> {
    let titles = Tab::ALL.iter().enumerate().map(|(i, t)| {
        let mut title = format!("{} {}", i + 1, t.title());
        if *t == Tab::Body && d.raw {
            title.push_str(" (raw)");
        }
        if *t == Tab::Deliveries && d.deliveries.total > 0 {
            title.push_str(&format!(" ({})", d.deliveries.total));
        }
        Line::raw(title)
    });
    Tabs::new(titles)
        .select(d.tab.index())
        .style(theme::dim())
        .highlight_style(theme::key().add_modifier(Modifier::REVERSED))
        .divider(Span::styled("│", theme::dim()))
}

/// The part of `line` from column `skip`, at most `width` characters: only
/// what fits is kept, however long the line.
fn clip(line: Line<'static>, skip: usize, width: usize) -> Line<'static> {
    let mut to_skip = skip;
    let mut room = width;
    let mut spans = Vec::new();
    for span in line.spans {
        if room == 0 {
            break;
        }
        let text: String = span.content.chars().skip(to_skip).take(room).collect();
        to_skip = to_skip.saturating_sub(span.content.chars().count());
        room -= text.chars().count();
        if !text.is_empty() {
            spans.push(Span::styled(text, span.style));
        }
    }
    Line::from(spans).style(line.style)
}

fn scrollbar(frame: &mut Frame<'_>, area: Rect, d: &Detail, height: usize) {
    let len = d.doc.len();
    if len <= height {
        return;
    }
    let mut state = ScrollbarState::new(len.saturating_sub(height))
        .position(d.scroll)
        .viewport_content_length(height);
    let bar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None);
    frame.render_stateful_widget(bar, area.inner(Margin::new(0, 2)), &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_skips_and_cuts_across_spans() {
        let line = Line::from(vec![Span::raw("abc"), Span::raw("defgh")]);
        assert_eq!(clip(line.clone(), 2, 4).to_string(), "cdef");
        assert_eq!(clip(line.clone(), 0, 100).to_string(), "abcdefgh");
        assert_eq!(clip(line, 50, 4).to_string(), "");
    }
}
