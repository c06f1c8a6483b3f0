//! `d`: deleting the selected request, after a confirmation.

use super::action::Overlay;
use super::state::{App, Result};

impl App {
    /// Asks whether to delete the selected request.
    pub(super) fn ask_delete(&mut self) {
        if let Some(row) = self.requests.list.selected() {
            self.view.overlay = Overlay::ConfirmDelete(row.id);
        }
    }

    /// Deletes the request named in the confirmation.
    pub(super) fn delete(&mut self) -> Result<()> {
        let Overlay::ConfirmDelete(id) = self.view.overlay else {
            return Ok(());
        };
        self.view.overlay = Overlay::None;
        if self.requests.store().delete_request(id)? {
            self.live.deleted_one(self.requests.store())?;
            if self.view.marked == Some(id) {
                self.view.marked = None;
            }
            self.status.say(format!("deleted request #{id}"));
        }
        let height = self.view.list_height();
        self.requests.list.remove(id, height);
        self.requests.attempts_changed()?;
        self.sync_detail()?;
        Ok(())
    }
}
