//! The app room: the inspector's state and everything that changes it.
//!
//! Input becomes an [`Action`] ([`keys`]); [`App::execute_action`] is the one
//! place actions change state (`dispatch` hands each to the file that does
//! its job); [`App::tick`] brings in what happened outside (`updates`).
//! Drawing ([`crate::tui::screen`]) only reads an `App`. Side effects on the
//! terminal itself (the clipboard) are returned as
//! [`Effect`](crate::tui::term::effect::Effect)s for the event loop to
//! perform, so all of this runs in tests without a terminal.
//!
//! - The vocabulary: [`action`] (what a user can ask for), [`keys`] (keys and
//!   the mouse as actions).
//! - The state, as parts by job, each with its own methods: [`view`] (what
//!   is shown and how), [`requests`] (the data read: list rows, the selected
//!   request), [`live`] (counts, ids and rate kept current), [`status`] (the
//!   status line, log lines), all held by the [`App`] in [`state`] with the
//!   replays in flight and the effects asked for.
//! - The jobs, each an `impl App` over those parts: `selection` (the steps
//!   most actions share), `navigation`, `filtering`, `copying`,
//!   `deleting`, `replaying`, `verifying`, `comparing`, `updates`, and
//!   `dispatch` on top.

pub mod action;
mod comparing;
mod copying;
mod deleting;
mod dispatch;
mod filtering;
pub mod keys;
pub mod live;
mod navigation;
mod replaying;
pub mod requests;
mod searching;
pub mod secret;
mod selection;
pub mod state;
pub mod status;
mod updates;
mod verifying;
pub mod view;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use action::{Action, Focus, Overlay};
pub use state::{App, AppOptions};
