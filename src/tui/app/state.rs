//! The [`App`]: the inspector's whole state, held as parts by job (what is
//! shown, the requests read, the live counts, replays in flight, the status
//! line, effects for the terminal). The files beside this one change it,
//! one job each.

use ratatui::layout::Size;
use tokio::sync::watch;

use super::live::Live;
use super::requests::Requests;
use super::secret::SecretMemory;
use super::status::Status;
use super::view::View;
use crate::filter::{Filter, SessionSel, Term};
use crate::store::StoreError;
use crate::tui::data::replays::{Recorder, Replays};
use crate::tui::data::source::LiveFeed;
use crate::tui::pane::top_bar::Origin;
use crate::tui::term::effect::Effect;

/// How an [`App`] starts.
pub struct AppOptions {
    /// Keep the newest request selected as requests arrive.
    pub follow: bool,
    /// An initial `/` filter.
    pub filter: Option<String>,
    /// How new requests are noticed.
    pub live: LiveFeed,
    /// Turns true when the inspector should close (the listener stopped).
    pub stop: Option<watch::Receiver<bool>>,
    /// The terminal size.
    pub size: Size,
    /// Where `r` records its replays.
    pub recorder: Recorder,
    /// The relay client's state line (`relay: connected`), under `--via`.
    pub relay: Option<watch::Receiver<String>>,
}

/// The whole state of the inspector.
pub struct App {
    /// What is being inspected.
    pub origin: Origin,
    /// How it is shown: focus, overlay, prompts, follow, tab, size.
    pub view: View,
    /// The requests read: the list's rows and the selected one in full.
    pub requests: Requests,
    /// Counts, ids and the arrival rate, kept current by the live feed.
    pub live: Live,
    /// The replays started here and still running.
    pub(super) replays: Replays,
    /// The secret `v` checks signatures with, once known.
    pub(crate) secret: SecretMemory,
    /// Turns true when the inspector should close.
    pub(super) stop: Option<watch::Receiver<bool>>,
    /// The status line's message and the log lines seen.
    pub status: Status,
    /// The relay client's state line, under `--via` (shown in the top bar).
    pub relay: Option<watch::Receiver<String>>,
    /// Effects asked for, not yet taken by the event loop.
    pub(super) effects: Vec<Effect>,
    /// Set once the user (or the stop signal) asked to quit.
    pub(super) quit: bool,
}

/// What changing the state can fail with: reading the store.
pub(super) type Result<T> = std::result::Result<T, StoreError>;

impl App {
    /// True once the user (or the stop signal) asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The side effects asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// True when the `/` filter narrows the list below what is inspected:
    /// any filter but the listened session's own `session:N` (which `listen`
    /// starts with, so a new session's empty list is "waiting", not "no match").
    pub fn narrowed(&self) -> bool {
        let filter = self.requests.filter();
        match &self.origin {
            Origin::Listening { session_id, .. } => {
                *filter != Filter::of([Term::Session(SessionSel::Id(*session_id))])
                    && !filter.is_empty()
            }
            Origin::Browsing { .. } => !filter.is_empty(),
        }
    }

    /// True while a search is still looking for rows to fill the screen.
    pub fn searching(&self) -> bool {
        self.requests.list.wants_more(self.view.list_height())
    }
}
