//! The inspector's replays and deliveries: `r` (to the session's forward
//! target), `R` (to a URL typed in the prompt line), their outcomes as they
//! finish, and the rows on screen read again whenever a delivery is recorded.
//!
//! An `impl App` of the app room, like the other jobs;
//! the sending itself is [`crate::tui::data::replays`]'s.

use super::action::Action;
use super::state::{App, Result};
use crate::http::Target;
use crate::model::CapturedRequest;
use crate::replay::default_destination;
use crate::tui::data::replays::no_destination;
use crate::tui::pane::status::ReplayPrompt;

/// What `R` prefills when the request's session has no forward target.
const PREFILL: &str = "http://localhost:";

impl App {
    /// Starts replaying the selected request to its session's forward target;
    /// the outcome arrives later ([`App::tick`]).
    pub(super) fn replay(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        let id = d.request.id;
        let Some(dest) = default_destination(d.session.as_ref()) else {
            let text = no_destination(id, d.session.as_ref());
            self.status.say_error(text);
            return Ok(());
        };
        let request = d.full_request();
        self.start_replay(&request, &dest);
        Ok(())
    }

    /// Opens the `R` prompt for the selected request, prefilled with its
    /// session's forward target when it has one.
    pub(super) fn ask_replay_to(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        let input = default_destination(d.session.as_ref())
            .map_or_else(|| PREFILL.to_owned(), |t| t.to_string());
        self.view.replay_to = Some(ReplayPrompt {
            request_id: d.request.id,
            input,
        });
        // The prompt line appears, changing the list's height.
        self.resize(self.view.size);
        Ok(())
    }

    /// Typing in the `R` prompt (the `/` prompt's keys): Enter sends, Esc
    /// cancels.
    pub(super) fn edit_replay_to(&mut self, action: Action) -> Result<()> {
        let Some(prompt) = self.view.replay_to.as_mut() else {
            return Ok(());
        };
        match action {
            _ if action.type_into(&mut prompt.input) => {}
            Action::FilterClear => self.view.replay_to = None,
            Action::FilterAccept => self.accept_replay_to()?,
            _ => {}
        }
        self.resize(self.view.size);
        Ok(())
    }

    /// Sends the prompt's request to the URL typed; a URL that does not parse
    /// is said so, and the prompt stays open to fix it.
    fn accept_replay_to(&mut self) -> Result<()> {
        let Some(prompt) = self.view.replay_to.as_ref() else {
            return Ok(());
        };
        let dest = match Target::parse(prompt.input.trim()) {
            Ok(dest) => dest,
            Err(e) => {
                self.status.say_error(e.to_string());
                return Ok(());
            }
        };
        let id = prompt.request_id;
        self.view.replay_to = None;
        match self.requests.store().get(id)? {
            Some(request) => self.start_replay(&request, &dest),
            None => self.status.say_error(format!("request #{id} is gone")),
        }
        Ok(())
    }

    /// Starts sending `request` to `dest` and says so.
    fn start_replay(&mut self, request: &CapturedRequest, dest: &Target) {
        let note = match request.truncated {
            true => " (its body was truncated at capture)",
            false => "",
        };
        match self.replays.start(request, dest) {
            Ok(url) => self
                .status
                .say(format!("replaying #{} → {url}{note}", request.id)),
            Err(e) => self.status.say_error(e.to_string()),
        }
    }

    /// Replays started from here that are still running.
    pub fn replays_in_flight(&self) -> usize {
        self.replays.in_flight()
    }

    /// Uses `replays` for `r` (a shorter timeout).
    #[cfg(test)]
    pub(crate) fn set_replays(&mut self, replays: crate::tui::data::replays::Replays) {
        self.replays = replays;
    }

    /// Says how each finished replay went, and shows its delivery.
    pub(super) fn collect_replays(&mut self) -> Result<bool> {
        let mut any = false;
        while let Some(done) = self.replays.finished() {
            any = true;
            match done.is_error() {
                true => self.status.say_error(done.message()),
                false => self.status.say(done.message()),
            }
            if done.recorded.is_ok() {
                self.refresh_rows(Some(done.request_id))?;
            }
        }
        Ok(any)
    }

    /// Reads the rows on screen again after a delivery was recorded
    /// ([`Requests::refresh_rows`](super::requests::Requests::refresh_rows)).
    pub(super) fn refresh_rows(&mut self, replayed: Option<i64>) -> Result<bool> {
        let height = self.view.list_height();
        self.requests.refresh_rows(height, replayed)
    }
}
