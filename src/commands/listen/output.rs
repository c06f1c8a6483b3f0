//! Printing what the listener captures, from a thread of its own.
//!
//! The writer announces each commit; this thread wakes, reads the new rows of
//! its session from its own store connection, prints them and counts them for
//! `--exit-after`. However slow stdout is, capture never waits for it. Under
//! load, commits come far faster than anyone reads lines, so it reads the
//! store at most once per [`FOLLOW_PAUSE`] and prints what accumulated.
//!
//! In forward mode a request is stored before the app has answered: such a
//! row is pending, and is printed (with the app's status and time) once the
//! commit of its delivery wakes this thread again. So lines come in the order
//! requests were answered, which can differ from id order.

use std::collections::BTreeSet;
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

/// The shortest time between two reads of the store: short enough to look
/// instant, long enough that a burst of commits costs one read, not hundreds.
pub const FOLLOW_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

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
    /// Forwarded requests seen before the app answered them.
    pending: BTreeSet<i64>,
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
            pending: BTreeSet::new(),
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
        OutputMode::Json => {
            let mut event =
                json!({"event": "listening", "url": url, "session_id": session.id, "db": ctx.db});
            if let Some(target) = &session.target {
                event["target"] = json!(target);
            }
            writeln!(out, "{event}")?;
        }
        OutputMode::Lines => {
            writeln!(out, "Listening on {url}")?;
            if let Some(target) = &session.target {
                eprintln!("hookcap: forwarding to {target}");
            }
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
            std::thread::sleep(FOLLOW_PAUSE);
        }
    }

    fn print_new(&mut self) -> anyhow::Result<()> {
        loop {
            let rows = self
                .store
                .session_requests_after(self.session_id, self.last_id, 1000)?;
            let Some(last) = rows.last() else {
                break;
            };
            self.last_id = last.id;
            self.settle(rows)?;
        }
        if !self.pending.is_empty() {
            let ids: Vec<i64> = self.pending.iter().copied().collect();
            let rows = self.store.summaries_of(&ids)?;
            self.settle(rows)?;
        }
        Ok(())
    }

    /// Prints the rows that are answered and remembers the pending ones.
    fn settle(&mut self, rows: Vec<RequestSummary>) -> anyhow::Result<()> {
        let (pending, ready): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.is_pending());
        self.pending.extend(pending.iter().map(|r| r.id));
        for row in &ready {
            self.pending.remove(&row.id);
        }
        self.print_rows(&ready)
    }

    fn print_rows(&mut self, rows: &[RequestSummary]) -> anyhow::Result<()> {
        // stdout is line-buffered: one write for the batch, not one per line.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        for row in rows {
            match self.mode {
                OutputMode::Json => {
                    writeln!(out, "{}", serde_json::to_string(&SummaryDoc::of(row))?)?
                }
                OutputMode::Lines => writeln!(out, "{}", summary_line(row, &self.paint))?,
            }
            self.printed.count += 1;
            if self.exit_after == Some(self.printed.count) {
                self.printed.reached_exit_after = true;
                let _ = self.stop.send(true);
            }
        }
        out.flush()?;
        Ok(())
    }
}
