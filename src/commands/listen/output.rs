//! Printing what the listener captures, from a thread of its own.
//!
//! The writer announces each commit; this thread wakes, reads the new rows of
//! its session from its own store connection, prints them and counts them for
//! `--exit-after`. However slow stdout is, capture never waits for it. While
//! the inspector shows requests ([`OutputMode::Tui`]) it prints nothing and
//! only counts.

use std::io::Write;
use std::thread::JoinHandle;

use anyhow::Context as _;
use serde_json::json;
use tokio::sync::watch;

use super::config::{ListenConfig, OutputMode};
use crate::commands::Context;
use crate::document::SummaryDoc;
use crate::model::{RequestSummary, Session};
use crate::render::color::Paint;
use crate::render::summary::summary_line;
use crate::store::{Store, StoredUpTo};

/// What the output thread saw by the time it stopped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printed {
    /// Requests of this session seen.
    pub count: u64,
    /// True when `--exit-after` was reached.
    pub reached_exit_after: bool,
}

/// The running output thread.
pub struct LiveOutput {
    thread: JoinHandle<Printed>,
}

struct Follower {
    store: Store,
    session_id: i64,
    mode: OutputMode,
    paint: Paint,
    exit_after: Option<u64>,
    stop: watch::Sender<bool>,
    last_id: i64,
    printed: Printed,
}

impl LiveOutput {
    /// Prints the "listening" line, then follows commits on a new thread until
    /// the writer stops.
    pub fn start(
        config: &ListenConfig,
        ctx: &Context,
        session: &Session,
        url: &str,
        stored: watch::Receiver<StoredUpTo>,
        stop: watch::Sender<bool>,
    ) -> anyhow::Result<Self> {
        print_listening(config.output, session, url, ctx)?;
        let follower = Follower {
            store: ctx.open_store()?,
            session_id: session.id,
            mode: config.output,
            paint: ctx.paint,
            exit_after: config.exit_after,
            stop,
            last_id: 0,
            printed: Printed::default(),
        };
        let runtime = tokio::runtime::Handle::current();
        let thread = std::thread::Builder::new()
            .name("hookcap-output".into())
            .spawn(move || follower.run(runtime, stored))
            .context("starting the output thread")?;
        Ok(Self { thread })
    }

    /// Waits for the thread to print the last commits and stop.
    pub fn join(self) -> Printed {
        self.thread.join().unwrap_or_default()
    }
}

fn print_listening(
    mode: OutputMode,
    session: &Session,
    url: &str,
    ctx: &Context,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match mode {
        OutputMode::Tui => return Ok(()),
        OutputMode::Json => {
            let event =
                json!({"event": "listening", "url": url, "session_id": session.id, "db": ctx.db});
            writeln!(out, "{event}")?;
        }
        OutputMode::Lines => {
            writeln!(out, "Listening on {url}")?;
            eprintln!(
                "hookcap: session {} storing to {}",
                session.id,
                ctx.db.display()
            );
        }
    }
    out.flush()?;
    Ok(())
}

impl Follower {
    fn run(
        mut self,
        runtime: tokio::runtime::Handle,
        mut stored: watch::Receiver<StoredUpTo>,
    ) -> Printed {
        loop {
            let writer_running = runtime.block_on(stored.changed()).is_ok();
            if let Err(e) = self.print_new() {
                tracing::warn!("output stopped: {e:#}");
                let _ = self.stop.send(true);
                return self.printed;
            }
            if !writer_running {
                return self.printed;
            }
        }
    }

    fn print_new(&mut self) -> anyhow::Result<()> {
        loop {
            let rows = self
                .store
                .session_requests_after(self.session_id, self.last_id, 1000)?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            self.last_id = last.id;
            self.print_rows(&rows)?;
        }
    }

    fn print_rows(&mut self, rows: &[RequestSummary]) -> anyhow::Result<()> {
        if self.mode == OutputMode::Tui {
            rows.iter().for_each(|_| self.count());
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        for row in rows {
            match self.mode {
                OutputMode::Json => {
                    writeln!(out, "{}", serde_json::to_string(&SummaryDoc::of(row))?)?
                }
                _ => writeln!(out, "{}", summary_line(row, &self.paint))?,
            }
            self.count();
        }
        out.flush()?;
        Ok(())
    }

    /// Counts one request towards `--exit-after`, stopping when it is reached.
    fn count(&mut self) {
        self.printed.count += 1;
        if self.exit_after == Some(self.printed.count) {
            self.printed.reached_exit_after = true;
            let _ = self.stop.send(true);
        }
    }
}
