//! The inspector's replays and deliveries: `r` (to the session's forward
//! target), `R` (to a URL typed in the prompt line), their outcomes as they
//! finish, and the rows on screen read again whenever a delivery is recorded.
//!
//! A child of [`super`] (the app module), so it changes [`App`] directly;
//! the sending itself is [`crate::tui::replay`]'s.

use super::{Action, App, Result};
use crate::http::Target;
use crate::model::CapturedRequest;
use crate::replay::default_destination;
use crate::tui::deliveries::Deliveries;
use crate::tui::replay::no_destination;

/// What `R` prefills when the request's session has no forward target.
const PREFILL: &str = "http://localhost:";

/// The `R` prompt: where to send one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayPrompt {
    /// The request to send.
    pub request_id: i64,
    /// The destination typed so far (a base URL, as `hookcap replay --to`
    /// takes: the stored path is appended).
    pub input: String,
}

impl App {
    /// Starts replaying the selected request to its session's forward target;
    /// the outcome arrives later ([`App::tick`]).
    pub(super) fn replay(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.current_detail() else {
            self.say_error("no request selected");
            return Ok(());
        };
        let id = d.request.id;
        let Some(dest) = default_destination(d.session.as_ref()) else {
            let text = no_destination(id, d.session.as_ref());
            self.say_error(text);
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
        let Some(d) = self.current_detail() else {
            self.say_error("no request selected");
            return Ok(());
        };
        let input = default_destination(d.session.as_ref())
            .map_or_else(|| PREFILL.to_owned(), |t| t.to_string());
        self.replay_to = Some(ReplayPrompt {
            request_id: d.request.id,
            input,
        });
        // The prompt line appears, changing the list's height.
        self.resize(self.size);
        Ok(())
    }

    /// Typing in the `R` prompt (the `/` prompt's keys): Enter sends, Esc
    /// cancels.
    pub(super) fn edit_replay_to(&mut self, action: Action) -> Result<()> {
        let Some(prompt) = self.replay_to.as_mut() else {
            return Ok(());
        };
        match action {
            Action::FilterChar(c) => prompt.input.push(c),
            Action::FilterBackspace => {
                prompt.input.pop();
            }
            Action::FilterClearInput => prompt.input.clear(),
            Action::FilterClear => self.replay_to = None,
            Action::FilterAccept => self.accept_replay_to()?,
            _ => {}
        }
        self.resize(self.size);
        Ok(())
    }

    /// Sends the prompt's request to the URL typed; a URL that does not parse
    /// is said so, and the prompt stays open to fix it.
    fn accept_replay_to(&mut self) -> Result<()> {
        let Some(prompt) = self.replay_to.as_ref() else {
            return Ok(());
        };
        let dest = match Target::parse(prompt.input.trim()) {
            Ok(dest) => dest,
            Err(e) => {
                self.say_error(e.to_string());
                return Ok(());
            }
        };
        let id = prompt.request_id;
        self.replay_to = None;
        match self.store().get(id)? {
            Some(request) => self.start_replay(&request, &dest),
            None => self.say_error(format!("request #{id} is gone")),
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
            Ok(url) => self.say(format!("replaying #{} → {url}{note}", request.id)),
            Err(e) => self.say_error(e.to_string()),
        }
    }

    /// Replays started from here that are still running.
    pub fn replays_in_flight(&self) -> usize {
        self.replays.in_flight()
    }

    /// Uses `replays` for `r` (a shorter timeout).
    #[cfg(test)]
    pub(crate) fn set_replays(&mut self, replays: crate::tui::replay::Replays) {
        self.replays = replays;
    }

    /// Says how each finished replay went, and shows its delivery.
    pub(super) fn collect_replays(&mut self) -> Result<bool> {
        let mut any = false;
        while let Some(done) = self.replays.finished() {
            any = true;
            match done.is_error() {
                true => self.say_error(done.message()),
                false => self.say(done.message()),
            }
            if done.recorded.is_ok() {
                self.refresh_rows(Some(done.request_id))?;
            }
        }
        Ok(any)
    }

    /// Reads the rows on screen again after a delivery was recorded (a
    /// forward answered, a replay), and the selected request's deliveries
    /// when its row changed or it is `replayed`; its whole detail when its
    /// status changed (a forward that was pending). True when anything changed.
    pub(super) fn refresh_rows(&mut self, replayed: Option<i64>) -> Result<bool> {
        let height = self.list_height();
        let ids: Vec<i64> = self.list.visible(height).iter().map(|r| r.id).collect();
        if ids.is_empty() {
            return Ok(false);
        }
        let status_before = self.list.selected().map(|r| r.status);
        let fresh = self.store().summaries_of(&ids)?;
        let changed = self.list.refresh(fresh);
        let Some((id, status)) = self.list.selected().map(|r| (r.id, r.status)) else {
            return Ok(!changed.is_empty());
        };
        if status_before != Some(status) {
            // Read again in full by the next sync.
            self.detail = None;
        } else if changed.contains(&id) || replayed == Some(id) {
            let deliveries = Deliveries::load(self.store(), id)?;
            if let Some(d) = self.detail.as_mut().filter(|d| d.request.id == id) {
                d.set_deliveries(deliveries);
            }
        }
        Ok(!changed.is_empty() || replayed == Some(id))
    }
}
