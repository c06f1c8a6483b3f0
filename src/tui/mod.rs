//! The interactive inspector: what `hookcap listen` shows on a terminal, and
//! `hookcap ui`.
//!
//! # Structure
//!
//! - [`app`]: the state ([`app::App`]) and the one place it changes
//!   ([`app::App::execute_action`]), plus [`app::App::tick`] for what happens
//!   outside (new requests, the stop signal).
//! - [`keys`]: key and mouse events → [`app::Action`]s.
//! - [`render`]: pure draw functions, one per pane, from an `App` to a frame.
//! - [`event`]: the one event loop, and the guard that always restores the
//!   terminal (quit, Ctrl-C, error, panic).
//! - [`source`] and [`list`]: the data side. The list is a bounded window of
//!   rows fetched page by page with keyset queries, so a database of millions
//!   of requests opens as fast as an empty one.
//! - [`detail`] (with the private `doc` and `body` modules, and
//!   [`deliveries`] for the Deliveries tab): the detail pane's tabs; large
//!   bodies are formatted only where visible.
//! - [`replay`]: `r` and `R`, sending in the background and recording each
//!   attempt as a delivery (the app's side of them is in `app_replay.rs`).
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
//! Everything captured is passed through [`crate::render::sanitize`] (or a
//! view built on it) before it reaches a frame; log lines are kept off the
//! screen by [`log_sink`] while the inspector runs.

pub mod app;
mod body;
pub mod clipboard;
pub mod deliveries;
pub mod detail;
mod doc;
pub mod event;
pub mod keys;
pub mod list;
pub mod log_sink;
pub mod rate;
pub mod render;
pub mod replay;
pub mod source;
#[cfg(test)]
mod testing;
mod theme;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Size;
use tokio::sync::watch;

use app::{App, AppOptions, Origin};
use event::{LoopIo, TerminalGuard, TerminalInput};
pub use replay::Recorder;
use source::LiveFeed;

use crate::render::sanitize;
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
    app.expect_total(count_in_background(opts.db));
    let result = run_on_terminal(&mut app, started);
    for line in app.logs.iter().cloned().chain(log_sink::drain()) {
        eprintln!("{}", sanitize(&line));
    }
    result
}

fn run_on_terminal(app: &mut App, started: Instant) -> anyhow::Result<()> {
    let guard = TerminalGuard::enter().context("setting up the terminal")?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut io = LoopIo {
        input: TerminalInput,
        perform: event::perform,
        logs: log_sink::drain,
        started,
    };
    let result = event::run_loop(&mut terminal, app, &mut io);
    drop(terminal);
    drop(guard);
    result
}

/// Counts the requests on a thread of its own (a cold count of a million rows
/// can take a second, and the first frame should not wait for it).
fn count_in_background(db: PathBuf) -> mpsc::Receiver<(u64, i64)> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("hookcap-count".into())
        .spawn(
            move || match Store::open_existing(&db).and_then(|s| s.count_and_last_id()) {
                Ok(counted) => {
                    let _ = tx.send(counted);
                }
                Err(e) => tracing::warn!("counting requests failed: {e}"),
            },
        );
    if let Err(e) = spawned {
        tracing::warn!("counting requests failed: {e}");
    }
    rx
}
