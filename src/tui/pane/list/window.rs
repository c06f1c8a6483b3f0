//! The request list as a window onto the store.
//!
//! The window holds a run of consecutive matching rows around the selection,
//! at most [`MAX_ROWS`]. Moving past either end fetches the next page from the
//! [`Pager`] and trims the far side, so memory never depends on how many
//! requests are stored. Each end remembers whether more rows lie beyond it
//! ([`Edge`]); the newer end being [`Edge::End`] means the window reaches the
//! live end, where new arrivals are appended.
//!
//! Rows are kept oldest first: the newest request is at the bottom.

use crate::model::RequestSummary;
use crate::store::{Direction, StoreError};
use crate::tui::data::source::{Edge, Pager};

/// The most rows kept in memory.
pub const MAX_ROWS: usize = 1024;
/// The smallest page fetched at a time.
pub const MIN_PAGE: usize = 64;

/// A bounded window of list rows with a selection and a scroll offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListWindow {
    rows: Vec<RequestSummary>,
    older: Edge,
    newer: Edge,
    selected: usize,
    offset: usize,
}

impl Default for ListWindow {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            older: Edge::End,
            newer: Edge::End,
            selected: 0,
            offset: 0,
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

impl ListWindow {
    /// The rows held, oldest first.
    pub fn rows(&self) -> &[RequestSummary] {
        &self.rows
    }

    /// The selected row, if there are any rows.
    pub fn selected(&self) -> Option<&RequestSummary> {
        self.rows.get(self.selected)
    }

    /// The index of the selected row within [`ListWindow::rows`].
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// The index of the first row on screen.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The rows on a screen `height` rows tall.
    pub fn visible(&self, height: usize) -> &[RequestSummary] {
        let start = self.offset.min(self.rows.len());
        &self.rows[start..self.rows.len().min(start + height)]
    }

    /// The row just before `index` (older), if held.
    pub fn before(&self, index: usize) -> Option<&RequestSummary> {
        index.checked_sub(1).and_then(|i| self.rows.get(i))
    }

    /// True when no newer matching row exists beyond the window.
    pub fn at_live_end(&self) -> bool {
        self.newer == Edge::End
    }

    /// True when the selection is on the newest row there is.
    pub fn on_newest(&self) -> bool {
        self.at_live_end() && self.selected + 1 >= self.rows.len()
    }

    /// True while a page stopped early and the screen is not full yet.
    pub fn wants_more(&self, height: usize) -> bool {
        self.rows.len() < height && (self.older != Edge::End || self.newer != Edge::End)
    }

    /// Replaces the window with the newest page and selects the newest row.
    pub fn load_newest(&mut self, p: &mut impl Pager, height: usize) -> Result<()> {
        let page = p.page(Direction::Older, None, page_size(height))?;
        *self = Self {
            selected: page.rows.len().saturating_sub(1),
            rows: page.rows,
            older: page.edge,
            ..Self::default()
        };
        self.keep_visible(height);
        Ok(())
    }

    /// Replaces the window with the oldest page and selects the oldest row.
    pub fn load_oldest(&mut self, p: &mut impl Pager, height: usize) -> Result<()> {
        let page = p.page(Direction::Newer, None, page_size(height))?;
        *self = Self {
            rows: page.rows,
            newer: page.edge,
            ..Self::default()
        };
        self.keep_visible(height);
        Ok(())
    }

    /// Moves the selection by `delta` rows (negative: older), fetching pages
    /// past either end of the window as needed; stops at the first and last row.
    pub fn move_by(&mut self, p: &mut impl Pager, delta: isize, height: usize) -> Result<()> {
        let len = self.rows.len() as isize;
        let mut target = self.selected as isize + delta;
        if target >= len {
            self.extend_newer(p, (target - len) as usize + page_size(height))?;
        } else if target < 0 {
            target += self.extend_older(p, target.unsigned_abs() + page_size(height))? as isize;
        }
        self.select(target.max(0) as usize, height);
        Ok(())
    }

    /// Selects row `index` of the window (clamped to the rows held).
    pub fn select(&mut self, index: usize, height: usize) {
        self.selected = index.min(self.rows.len().saturating_sub(1));
        self.trim();
        self.keep_visible(height);
    }

    /// Appends requests newer than `after` when the window reaches the live
    /// end; with `follow` (or an empty window) the newest is selected.
    /// Returns how many rows were appended.
    pub fn append_arrivals(
        &mut self,
        p: &mut impl Pager,
        after: i64,
        height: usize,
        follow: bool,
    ) -> Result<usize> {
        if !self.at_live_end() {
            return Ok(0);
        }
        let from = self.rows.last().map_or(after, |last| last.id.max(after));
        let page = p.page(Direction::Newer, Some(from), MAX_ROWS)?;
        let was_empty = self.rows.is_empty();
        let added = page.rows.len();
        self.newer = page.edge;
        self.rows.extend(page.rows);
        let index = if follow || was_empty {
            self.rows.len().saturating_sub(1)
        } else {
            self.selected
        };
        self.select(index, height);
        Ok(added)
    }

    /// Continues pages that stopped early until the screen is full; true
    /// when it fetched anything.
    pub fn fill(&mut self, p: &mut impl Pager, height: usize) -> Result<bool> {
        if !self.wants_more(height) {
            return Ok(false);
        }
        let was_empty = self.rows.is_empty();
        if self.older != Edge::End {
            self.extend_older(p, page_size(height))?;
        } else {
            self.extend_newer(p, page_size(height))?;
        }
        let index = if was_empty {
            self.rows.len().saturating_sub(1)
        } else {
            self.selected
        };
        self.select(index, height);
        Ok(true)
    }

    /// Puts fresher summaries of held rows in their place (a forward was
    /// answered, a delivery recorded); rows not held are ignored. Returns the
    /// ids of the rows that changed.
    pub fn refresh(&mut self, fresh: Vec<RequestSummary>) -> Vec<i64> {
        let mut changed = Vec::new();
        for new in fresh {
            let Ok(i) = self.rows.binary_search_by_key(&new.id, |r| r.id) else {
                continue;
            };
            if self.rows[i] != new {
                changed.push(new.id);
                self.rows[i] = new;
            }
        }
        changed
    }

    /// Drops the row with `id` (after a delete); the selection stays in place.
    pub fn remove(&mut self, id: i64, height: usize) -> bool {
        let Some(i) = self.rows.iter().position(|r| r.id == id) else {
            return false;
        };
        self.rows.remove(i);
        let index = if self.selected > i {
            self.selected - 1
        } else {
            self.selected
        };
        self.select(index, height);
        true
    }

    fn extend_newer(&mut self, p: &mut impl Pager, want: usize) -> Result<usize> {
        let Edge::More(from) = self.newer else {
            return Ok(0);
        };
        let page = p.page(Direction::Newer, Some(from), want)?;
        self.newer = page.edge;
        let added = page.rows.len();
        self.rows.extend(page.rows);
        Ok(added)
    }

    fn extend_older(&mut self, p: &mut impl Pager, want: usize) -> Result<usize> {
        let Edge::More(from) = self.older else {
            return Ok(0);
        };
        let page = p.page(Direction::Older, Some(from), want)?;
        self.older = page.edge;
        let added = page.rows.len();
        self.rows.splice(0..0, page.rows);
        self.selected += added;
        self.offset += added;
        Ok(added)
    }

    /// Keeps at most [`MAX_ROWS`] rows, centred on the selection; what is
    /// dropped becomes [`Edge::More`] again.
    fn trim(&mut self) {
        let len = self.rows.len();
        if len <= MAX_ROWS {
            return;
        }
        let lo = self
            .selected
            .saturating_sub(MAX_ROWS / 2)
            .min(len - MAX_ROWS);
        let hi = lo + MAX_ROWS;
        if hi < len {
            self.newer = Edge::More(self.rows[hi - 1].id);
            self.rows.truncate(hi);
        }
        if lo > 0 {
            self.older = Edge::More(self.rows[lo].id);
            self.rows.drain(..lo);
            self.selected -= lo;
            self.offset = self.offset.saturating_sub(lo);
        }
    }

    /// Scrolls as little as possible to show the selection, without leaving
    /// empty rows below the last one.
    fn keep_visible(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(height));
    }
}

/// How many rows to fetch for a screen `height` rows tall.
fn page_size(height: usize) -> usize {
    (height * 2).max(MIN_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Direction;
    use crate::tui::pane::testing::summary;

    /// Pages over the ids `1..=n` (minus deleted ones), at most `per_call`
    /// rows per page, like a time-limited search.
    struct FakePager {
        ids: Vec<i64>,
        per_call: usize,
        calls: usize,
    }

    impl FakePager {
        fn new(n: i64) -> Self {
            Self {
                ids: (1..=n).collect(),
                per_call: usize::MAX,
                calls: 0,
            }
        }
    }

    impl Pager for FakePager {
        fn page(&mut self, dir: Direction, from: Option<i64>, want: usize) -> Result<Page> {
            self.calls += 1;
            let take = want.min(self.per_call);
            let mut ids: Vec<i64> = match dir {
                Direction::Older => {
                    let below = from.unwrap_or(i64::MAX);
                    self.ids
                        .iter()
                        .rev()
                        .filter(|&&i| i < below)
                        .copied()
                        .collect()
                }
                Direction::Newer => {
                    let above = from.unwrap_or(i64::MIN);
                    self.ids.iter().filter(|&&i| i > above).copied().collect()
                }
            };
            let more = ids.len() > take;
            ids.truncate(take);
            let edge = match (more, ids.last()) {
                (true, Some(&last)) => Edge::More(last),
                _ => Edge::End,
            };
            if dir == Direction::Older {
                ids.reverse();
            }
            Ok(Page {
                rows: ids.into_iter().map(summary).collect(),
                edge,
            })
        }
    }

    use crate::tui::data::source::Page;

    fn selected_id(w: &ListWindow) -> Option<i64> {
        w.selected().map(|r| r.id)
    }

    #[test]
    fn the_newest_page_is_loaded_with_the_newest_selected_at_the_bottom() {
        let mut p = FakePager::new(1000);
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 10).unwrap();
        assert_eq!(selected_id(&w), Some(1000));
        assert_eq!(w.visible(10).first().map(|r| r.id), Some(991));
        assert!(w.on_newest());
    }

    #[test]
    fn moving_past_the_window_fetches_pages_and_memory_stays_bounded() {
        let mut p = FakePager::new(100_000);
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 20).unwrap();
        for _ in 0..3000 {
            w.move_by(&mut p, -20, 20).unwrap();
        }
        assert_eq!(selected_id(&w), Some(100_000 - 60_000));
        assert!(w.rows().len() <= MAX_ROWS);
        for _ in 0..3000 {
            w.move_by(&mut p, 20, 20).unwrap();
        }
        assert_eq!(selected_id(&w), Some(100_000));
        assert!(w.rows().len() <= MAX_ROWS && w.at_live_end());
    }

    #[test]
    fn first_and_last_jump_to_either_end() {
        let mut p = FakePager::new(5000);
        let mut w = ListWindow::default();
        w.load_oldest(&mut p, 10).unwrap();
        assert_eq!((selected_id(&w), w.offset()), (Some(1), 0));
        w.move_by(&mut p, -1, 10).unwrap();
        assert_eq!(selected_id(&w), Some(1), "stops at the first row");
        w.load_newest(&mut p, 10).unwrap();
        w.move_by(&mut p, 5, 10).unwrap();
        assert_eq!(selected_id(&w), Some(5000), "stops at the last row");
    }

    #[test]
    fn arrivals_are_appended_and_followed_only_when_asked() {
        let mut p = FakePager::new(10);
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 5).unwrap();
        p.ids.extend([11, 12]);
        assert_eq!(w.append_arrivals(&mut p, 10, 5, false).unwrap(), 2);
        assert_eq!(selected_id(&w), Some(10));
        p.ids.push(13);
        w.append_arrivals(&mut p, 12, 5, true).unwrap();
        assert_eq!(selected_id(&w), Some(13));
        assert_eq!(w.visible(5).first().map(|r| r.id), Some(9));
    }

    #[test]
    fn arrivals_are_not_appended_away_from_the_live_end() {
        let mut p = FakePager::new(5000);
        let mut w = ListWindow::default();
        w.load_oldest(&mut p, 10).unwrap();
        p.ids.push(5001);
        assert_eq!(w.append_arrivals(&mut p, 5000, 10, true).unwrap(), 0);
        assert_eq!(selected_id(&w), Some(1));
    }

    #[test]
    fn pages_that_stop_early_are_filled_on_later_ticks() {
        let mut p = FakePager::new(100);
        p.per_call = 3;
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 10).unwrap();
        assert_eq!(w.rows().len(), 3);
        while w.fill(&mut p, 10).unwrap() {}
        assert!(w.rows().len() >= 10);
        assert_eq!(selected_id(&w), Some(100));
    }

    #[test]
    fn removing_a_row_keeps_the_selection_nearby() {
        let mut p = FakePager::new(3);
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 10).unwrap();
        assert!(w.remove(3, 10));
        assert_eq!(selected_id(&w), Some(2));
        assert!(w.remove(1, 10));
        assert_eq!(selected_id(&w), Some(2));
        assert!(!w.remove(99, 10));
    }

    #[test]
    fn refreshing_replaces_only_held_rows_that_changed() {
        let mut p = FakePager::new(3);
        let mut w = ListWindow::default();
        w.load_newest(&mut p, 10).unwrap();
        let mut answered = summary(2);
        answered.status = 502;
        let changed = w.refresh(vec![summary(1), answered.clone(), summary(9)]);
        assert_eq!(changed, [2]);
        assert_eq!(w.rows()[1], answered);
        assert_eq!(w.rows().len(), 3);
    }
}
