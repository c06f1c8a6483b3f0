//! The interactive inspector: what `hookcap listen` shows on a terminal, and
//! `hookcap ui`.
//!
//! # Structure: rooms, lowest first
//!
//! Each room imports only from the rooms below it, and no two files import
//! each other.
//!
//! ```text
//! tui/            run(): the inspector on a terminal; screen.rs draws an App
//!                 pane by pane and runs it as the loop's TerminalApp;
//!                 snapshot_tests.rs with snapshots/
//!   app/          the state (App, in parts by job) and what changes it:
//!                 actions, keys, one file per job (navigation, filtering,
//!                 copying, deleting, replaying, updates, dispatch)
//!   pane/         each part of the screen: its state, the rows it shows and
//!                 how it is drawn (top bar, list/, detail/, status lines,
//!                 overlays), the layout and the colors
//!   data/         what is read and sent: pages from the store, the live
//!                 feed, the count of the list, the arrival rate, replays
//!   term/         terminal plumbing: the event loop, the guard that restores
//!                 the terminal, effects (OSC 52 copies), the log sink
//! ```
//!
//! A new key is an [`app::Action`], a line in [`app::keys`] and the job that
//! carries it out in `app/`; what it shows lives in one pane's folder.
//!
//! # Live updates and the capture path
//!
//! In `listen`, the writer announces each commit on a watch channel (which
//! keeps only the latest value, so a slow or frozen inspector can never hold
//! up capture); `ui` polls the database's newest id every 50 ms (one indexed
//! `max(id)`). Either way the list re-reads the store from the id it last saw.
//! Deliveries (a forward answered, a replay) are heard the same way, from the
//! writer's delivery count or the newest delivery id, and the rows on screen
//! are read again, so their status and delivery badge stay current.
//!
//! # Safety
//!
//! Everything captured is passed through [`crate::sanitize::sanitize`] (or a
//! view built on it) before it reaches a frame; log lines are kept off the
//! screen by [`term::log_sink`] while the inspector runs.

pub mod app;
pub mod data;
pub mod pane;
pub mod screen;
#[cfg(test)]
mod snapshot_tests;
pub mod term;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Size;
use tokio::sync::watch;

use app::{App, AppOptions};
pub use data::replays::Recorder;
pub use data::source::LiveFeed;
pub use pane::top_bar::Origin;
use term::event_loop::{self, LoopIo, TerminalInput};
use term::guard::TerminalGuard;
pub use term::log_sink::LogRouter;
use term::{effect, log_sink};

use crate::sanitize::sanitize;
use crate::store::Store;

/// How to start the inspector.
pub struct Options {
    /// The database to read.
    pub db: PathBuf,
    /// What is inspected (shown in the top bar).
    pub origin: Origin,
    /// Start with follow mode on.
    pub follow: bool,
    /// An initial `/` filter.
    pub filter: Option<String>,
    /// How new requests are noticed.
    pub live: LiveFeed,
    /// Closes the inspector when it turns true.
    pub stop: Option<watch::Receiver<bool>>,
    /// Where `r` records its replays.
    pub recorder: Recorder,
    /// The relay client's state line, under `--via`.
    pub relay: Option<watch::Receiver<String>>,
}

/// Runs the inspector on this terminal until the user quits (or `stop`).
///
/// The terminal is restored however this ends; log lines written meanwhile
/// are printed on stderr afterwards.
pub fn run(opts: Options) -> anyhow::Result<()> {
    let started = Instant::now();
    let store =
        Store::open_existing(&opts.db).with_context(|| format!("opening {}", opts.db.display()))?;
    let (width, height) =
        ratatui::crossterm::terminal::size().context("reading the terminal size")?;
    let app_opts = AppOptions {
        follow: opts.follow,
        filter: opts.filter,
        live: opts.live,
        stop: opts.stop,
        size: Size::new(width, height),
        recorder: opts.recorder,
        relay: opts.relay,
    };
    let mut app = App::new(opts.origin, store, app_opts)?;
    let result = run_on_terminal(&mut app, started);
    for line in app.status.logs.iter().cloned().chain(log_sink::drain()) {
        eprintln!("{}", sanitize(&line));
    }
    result
}

fn run_on_terminal(app: &mut App, started: Instant) -> anyhow::Result<()> {
    let guard = TerminalGuard::enter().context("setting up the terminal")?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut io = LoopIo {
        input: TerminalInput::new(),
        perform: effect::perform,
        logs: log_sink::drain,
        started,
    };
    let result = event_loop::run_loop(&mut terminal, app, &mut io);
    drop(terminal);
    drop(guard);
    result
}
