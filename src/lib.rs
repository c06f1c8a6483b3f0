//! hookcap: capture, inspect, verify, replay and send webhooks.
//!
//! Data flows one way: `capture` → `store` (one writer) → readers
//! (`ls`, `show`, the TUI, `wait`). The capture path never waits on a reader.
//! In forward mode the capture path also passes each stored request on to
//! the app and records the app's answer as a delivery through the same
//! writer; `replay` sends stored requests again. Everything sent to
//! another server goes through `http`.
//!
//! Every room is private to the crate; the few names below are public because
//! the binary, the integration tests and the benches use them. Keeping the rest
//! private lets the compiler report dead code.

#![forbid(unsafe_code)]

pub(crate) mod capture;
pub(crate) mod cli;
pub(crate) mod clock;
pub(crate) mod commands;
pub(crate) mod diff;
pub(crate) mod document;
pub(crate) mod error;
pub(crate) mod export;
pub(crate) mod filter;
pub(crate) mod http;
pub(crate) mod model;
pub(crate) mod relay;
pub(crate) mod render;
pub(crate) mod replay;
pub(crate) mod rules;
pub(crate) mod sanitize;
pub(crate) mod send;
pub(crate) mod sign;
pub(crate) mod store;
pub(crate) mod tui;

// What the binary needs: parse, dispatch, map the outcome to an exit code.
pub use cli::Cli;
pub use commands::{dispatch, generated_files};
pub use error::exit_code;
pub use sanitize::sanitize;
pub use tui::LogRouter;

// The records, the signers and the store, for tests and benches that build
// requests and databases the way hookcap does.
pub use model::{CapturedRequest, Header, NewRequest, ResponseRecord, SessionMode, Timestamp};
pub use sign::{Algo, Encoding, HmacSpec, ProviderKind, Secret, SignInput, provider};
pub use store::{Checkpointer, GroupCommitWriter, Store, WriterHandle};

/// hookcap's outgoing HTTP client, for the forward bench's client comparison.
pub mod outgoing {
    pub use crate::http::{Client, ConnectOptions, Request, Target};
}

/// The inspector's state and drawing without a terminal, for
/// `cargo bench --bench tui` and the key-table test.
pub mod inspector {
    pub use crate::tui::app::keys::HELP;
    pub use crate::tui::app::{Action, App, AppOptions};
    pub use crate::tui::pane::detail::{Detail, Tab};
    pub use crate::tui::screen::draw;
    pub use crate::tui::{LiveFeed, Origin, Recorder};
}
