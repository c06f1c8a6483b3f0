//! Where each pane goes, as a pure function of the terminal size, shared by
//! drawing and by mouse handling.

use ratatui::layout::{Constraint, Layout, Rect, Size};

/// Narrower than this, the inspector shows a "too small" message.
pub const MIN_WIDTH: u16 = 40;
/// Shorter than this, the inspector shows a "too small" message.
pub const MIN_HEIGHT: u16 = 12;

/// The screen areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The top bar.
    pub top: Rect,
    /// The list pane with its border.
    pub list: Rect,
    /// The list's data rows (inside the border, below the column titles).
    pub list_rows: Rect,
    /// The detail pane with its border.
    pub detail: Rect,
    /// The detail's tab titles.
    pub detail_tabs: Rect,
    /// The detail's content.
    pub detail_body: Rect,
    /// The filter line, when shown.
    pub filter: Option<Rect>,
    /// The status line.
    pub status: Rect,
}

/// Rows the status line may take at most (a long filter error, wrapped).
pub const MAX_STATUS_ROWS: u16 = 3;

/// The areas for a terminal of `size` with the filter line shown or not and
/// `status_rows` rows of status (1, up to [`MAX_STATUS_ROWS`], fewer on a
/// terminal too short to spare them), or `None` when it is too small.
pub fn areas(size: Size, filter_bar: bool, status_rows: u16) -> Option<Areas> {
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        return None;
    }
    let screen = Rect::new(0, 0, size.width, size.height);
    let [top, main, filter, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(u16::from(filter_bar)),
        Constraint::Length(
            status_rows
                .clamp(1, MAX_STATUS_ROWS)
                .min(1 + size.height - MIN_HEIGHT),
        ),
    ])
    .areas(screen);
    let list_height = (main.height * 2 / 5).max(5);
    let [list, detail] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Fill(1)]).areas(main);
    // Inside the borders; the detail also keeps a column of padding each side.
    let inner = |r: Rect, pad: u16| {
        Rect::new(
            r.x + 1 + pad,
            r.y + 1,
            r.width - 2 - 2 * pad,
            r.height.saturating_sub(2),
        )
    };
    let (list_inner, detail_inner) = (inner(list, 0), inner(detail, 1));
    Some(Areas {
        top,
        list,
        list_rows: below_first_row(list_inner),
        detail,
        detail_tabs: Rect {
            height: 1,
            ..detail_inner
        },
        detail_body: below_first_row(detail_inner),
        filter: filter_bar.then_some(filter),
        status,
    })
}

fn below_first_row(r: Rect) -> Rect {
    Rect::new(r.x, r.y + 1, r.width, r.height.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_terminal_has_no_layout() {
        assert_eq!(areas(Size::new(20, 6), false, 1), None);
        assert_eq!(areas(Size::new(0, 0), true, 1), None);
    }

    #[test]
    fn the_smallest_terminal_still_shows_rows_in_both_panes() {
        for filter in [false, true] {
            let a = areas(Size::new(MIN_WIDTH, MIN_HEIGHT), filter, MAX_STATUS_ROWS).expect("fits");
            assert!(a.list_rows.height >= 2, "{a:?}");
            assert!(a.detail_body.height >= 1, "{a:?}");
            assert_eq!(a.status.bottom(), MIN_HEIGHT);
            assert_eq!(a.status.height, 1, "no rows to spare");
            let taller = Size::new(MIN_WIDTH, MIN_HEIGHT + 2);
            let a = areas(taller, filter, MAX_STATUS_ROWS).expect("fits");
            assert_eq!(a.status.height, MAX_STATUS_ROWS);
            assert!(a.detail_body.height >= 1, "{a:?}");
        }
    }

    #[test]
    fn panes_stack_without_overlapping() {
        let a = areas(Size::new(120, 40), true, 1).expect("fits");
        assert_eq!(a.top.y, 0);
        assert_eq!(a.list.y, 1);
        assert_eq!(a.detail.y, a.list.bottom());
        assert_eq!(a.filter.map(|f| f.y), Some(a.detail.bottom()));
        assert_eq!(a.status.y, 39);
    }
}
