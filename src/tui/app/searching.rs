//! `/` on the Body tab (with the detail focused): a word searched for in the
//! body as shown, its match highlighted; `n`/`N` go to the next and previous.

use super::action::{Action, Focus};
use super::state::{App, Result};
use crate::tui::pane::detail::Tab;

impl App {
    /// True when `/` searches the body rather than filtering the list: the
    /// detail has the focus and shows the Body tab.
    pub(super) fn slash_searches_the_body(&self) -> bool {
        self.view.focus == Focus::Detail
            && self.view.tab == Tab::Body
            && self.requests.detail.is_some()
    }

    /// Opens the search prompt, with the last word searched for.
    pub(super) fn open_search(&mut self) {
        let last = self
            .requests
            .detail
            .as_ref()
            .and_then(|d| d.search.as_ref())
            .map(|s| s.needle.clone());
        self.view.search = Some(last.unwrap_or_default());
        // The prompt line appears, changing the list's height.
        self.resize(self.view.size);
    }

    /// Typing in the search prompt (the `/` prompt's keys): Enter searches,
    /// Esc closes it.
    pub(super) fn edit_search(&mut self, action: Action) -> Result<()> {
        let Some(input) = self.view.search.as_mut() else {
            return Ok(());
        };
        match action {
            Action::FilterChar(c) => input.push(c),
            Action::FilterBackspace => {
                input.pop();
            }
            Action::FilterClearInput => input.clear(),
            Action::FilterClear => self.view.search = None,
            Action::FilterAccept => {
                let needle = std::mem::take(input);
                self.view.search = None;
                self.search_body(&needle);
            }
            _ => {}
        }
        self.resize(self.view.size);
        Ok(())
    }

    fn search_body(&mut self, needle: &str) {
        if needle.is_empty() {
            return;
        }
        let height = self.view.detail_height();
        let Some(d) = self.requests.detail.as_mut() else {
            return;
        };
        d.search(needle, height);
        let said = d.search.as_ref().map(|s| (s.describe(), s.rows.is_empty()));
        match said {
            Some((text, true)) => self.status.say_error(text),
            Some((text, false)) => self.status.say(text),
            None => {}
        }
    }

    /// `n`/`N`: the next or previous match of the body search.
    pub(super) fn step_search(&mut self, forward: bool) {
        let height = self.view.detail_height();
        let Some(d) = self.requests.detail.as_mut() else {
            return;
        };
        if d.step_search(forward, height) {
            if let Some(s) = &d.search {
                self.status.say(s.describe());
            }
        } else {
            self.status
                .say_error("no search: / on the Body tab (Enter to focus the detail) searches it");
        }
    }
}
