//! Moving the selection, and keeping the detail pane on the selected
//! request: the steps most actions are made of.

use ratatui::layout::Size;

use super::action::Focus;
use super::state::{App, Result};

impl App {
    /// Moves the selection; moving up pauses follow, reaching the newest resumes it.
    pub(super) fn move_list(&mut self, delta: isize) -> Result<()> {
        let height = self.view.list_height();
        self.requests.move_by(delta, height)?;
        if delta < 0 {
            self.view.paused = true;
        } else if self.requests.list.on_newest() {
            self.view.paused = false;
            self.live.unseen = 0;
        }
        Ok(())
    }

    /// To the oldest request; follow pauses.
    pub(super) fn first(&mut self) -> Result<()> {
        let height = self.view.list_height();
        self.requests.load_oldest(height)?;
        self.view.paused = true;
        Ok(())
    }

    /// To the newest request; follow resumes.
    pub(super) fn last(&mut self) -> Result<()> {
        let height = self.view.list_height();
        self.requests.load_newest(height)?;
        self.view.paused = false;
        self.live.unseen = 0;
        Ok(())
    }

    /// Loads the selected request in full when the selection changed (once
    /// per batch of events, so holding `j` does not load every request passed).
    pub(super) fn sync_detail(&mut self) -> Result<bool> {
        let changed = self.requests.sync_detail(self.view.tab, self.view.raw)?;
        if changed && self.requests.detail.is_none() {
            self.view.focus = Focus::List;
        }
        Ok(changed)
    }

    /// The terminal is now `size`: the selection stays on screen.
    pub(super) fn resize(&mut self, size: Size) {
        self.view.size = size;
        let height = self.view.list_height();
        self.requests
            .list
            .select(self.requests.list.selected_index(), height);
    }
}
