//! Moving around: the movement keys by focus, tabs, raw bodies, follow
//! mode, and the mouse.

use ratatui::layout::Position;

use super::action::{Action, Focus};
use super::state::{App, Result};
use crate::tui::pane::detail::Tab;

/// Rows the mouse wheel scrolls per notch.
const WHEEL_ROWS: isize = 3;
/// Columns `h`/`l` scroll sideways.
const SIDEWAYS_COLUMNS: isize = 8;

impl App {
    /// Movement keys: the list's selection or the detail's scroll, by focus.
    pub(super) fn navigate(&mut self, action: Action) -> Result<()> {
        if self.view.focus == Focus::Detail && self.requests.detail.is_some() {
            self.scroll_detail(action);
            return Ok(());
        }
        let page = self.view.list_height() as isize;
        match action {
            Action::Up(n) => self.move_list(-(n as isize)),
            Action::Down(n) => self.move_list(n as isize),
            Action::PageUp => self.move_list(-page),
            Action::PageDown => self.move_list(page),
            Action::Top => self.first(),
            Action::Bottom => self.last(),
            _ => Ok(()),
        }
    }

    /// Movement keys while the detail has the focus.
    fn scroll_detail(&mut self, action: Action) {
        let height = self.view.detail_height();
        let Some(d) = self.requests.detail.as_mut() else {
            return;
        };
        match action {
            Action::Up(n) => d.scroll_by(-(n as isize), height),
            Action::Down(n) => d.scroll_by(n as isize, height),
            Action::PageUp => d.scroll_by(-(height as isize), height),
            Action::PageDown => d.scroll_by(height as isize, height),
            Action::Top => d.scroll = 0,
            Action::Bottom => d.scroll_by(isize::MAX, height),
            Action::Left => d.hscroll_by(-SIDEWAYS_COLUMNS),
            Action::Right => d.hscroll_by(SIDEWAYS_COLUMNS),
            _ => {}
        }
    }

    /// Enter: the focus to the detail (when a request is shown) and back.
    pub(super) fn toggle_focus(&mut self) -> Result<()> {
        self.sync_detail()?;
        self.view.focus = match self.view.focus {
            Focus::List if self.requests.detail.is_some() => Focus::Detail,
            _ => Focus::List,
        };
        Ok(())
    }

    /// Esc: from a diff back to the request's tab and the list, else back
    /// to the list, else the filter cleared.
    pub(super) fn back(&mut self) -> Result<()> {
        if let Some(d) = self
            .requests
            .detail
            .as_mut()
            .filter(|d| d.comparison.is_some())
        {
            d.close_comparison();
            self.view.focus = Focus::List;
        } else if self.view.focus == Focus::Detail {
            self.view.focus = Focus::List;
        } else if self.view.filter_bar_shown() {
            self.edit_filter(Action::FilterClear)?;
        }
        Ok(())
    }

    /// Shows `tab`, for this request and the next ones.
    pub(super) fn show_tab(&mut self, tab: Tab) {
        self.view.tab = tab;
        if let Some(d) = self.requests.detail.as_mut() {
            d.set_tab(tab);
        }
    }

    /// `b`: bodies as stored bytes or formatted; shows a tab with a body.
    pub(super) fn toggle_raw(&mut self) {
        self.view.raw = !self.view.raw;
        if let Some(d) = self.requests.detail.as_mut() {
            d.set_raw(self.view.raw);
        }
        if !matches!(self.view.tab, Tab::Body | Tab::Response | Tab::Deliveries) {
            self.show_tab(Tab::Body);
        }
    }

    /// `f`: follow the newest request on or off.
    pub(super) fn toggle_follow(&mut self) -> Result<()> {
        self.view.follow = !self.view.follow;
        self.view.paused = false;
        if self.view.follow {
            self.last()?;
            self.status
                .say("follow on: the newest request stays selected");
        } else {
            self.status.say("follow off");
        }
        Ok(())
    }

    /// The wheel scrolls the pane under the pointer.
    pub(super) fn wheel(&mut self, down: bool, at: Position) -> Result<()> {
        let delta = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
        let Some(a) = self.view.areas() else {
            return Ok(());
        };
        if a.detail.contains(at) {
            let height = self.view.detail_height();
            if let Some(d) = self.requests.detail.as_mut() {
                d.scroll_by(delta, height);
            }
        } else if a.list.contains(at) {
            self.move_list(delta)?;
        }
        Ok(())
    }

    /// A click selects a row, or focuses the pane clicked.
    pub(super) fn click(&mut self, at: Position) {
        let Some(a) = self.view.areas() else {
            return;
        };
        if a.list_rows.contains(at) {
            self.view.focus = Focus::List;
            let index = self.requests.list.offset() + usize::from(at.y - a.list_rows.y);
            if index < self.requests.list.rows().len() {
                let height = self.view.list_height();
                self.requests.list.select(index, height);
                self.view.paused = !self.requests.list.on_newest();
            }
        } else if a.detail.contains(at) && self.requests.detail.is_some() {
            self.view.focus = Focus::Detail;
        }
    }
}
