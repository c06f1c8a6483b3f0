//! Printing what the listener captures, from a thread of its own.
//!
//! The writer broadcasts the summaries of each commit; this thread prints them
//! and counts them for `--exit-after`. If it falls behind (a slow pipe), the
//! broadcast lags and it catches up from its own store connection instead.
//! However slow stdout is, capture never waits for it. While the inspector
//! shows requests ([`OutputMode::Tui`]) it prints nothing and only counts.

use std::io::Write;
use std::thread::JoinHandle;

use anyhow::Context as _;
use serde_json::json;
use tokio::sync::{broadcast, watch};

use super::config::{ListenConfig, OutputMode};
use crate::commands::Context;
use crate::document::SummaryDoc;
use crate::filter::{Cmp, Filter, SessionSel, Term};
use crate::model::{RequestSummary, Session};
use crate::render::color::Paint;
use crate::render::summary::summary_line;
use crate::store::{Store, StoredBatch};

/// What the output thread saw by the time it stopped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printed {
    /// Requests of this session seen.
    pub count: u64,
    /// Of those, the ones matching `--match` (all of them without it).
    pub matched: u64,
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
    exit_filter: Option<Filter>,
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
        batches: broadcast::Receiver<StoredBatch>,
        stop: watch::Sender<bool>,
    ) -> anyhow::Result<Self> {
        print_listening(config.output, session, url, ctx)?;
        let follower = Follower {
            store: ctx.open_store()?,
            session_id: session.id,
            mode: config.output,
            paint: ctx.paint,
            exit_after: config.exit_after,
            exit_filter: config.exit_filter.clone(),
            stop,
            last_id: 0,
            printed: Printed::default(),
        };
        let runtime = tokio::runtime::Handle::current();
        let thread = std::thread::Builder::new()
            .name("hookcap-output".into())
            .spawn(move || follower.run(runtime, batches))
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
        mut batches: broadcast::Receiver<StoredBatch>,
    ) -> Printed {
        loop {
            let (result, writer_running) = match runtime.block_on(batches.recv()) {
                Ok(batch) => (self.print_batch(&batch), true),
                // Fell behind the writer: catch up from the store, then follow again.
                Err(broadcast::error::RecvError::Lagged(_)) => (self.print_new(), true),
                Err(broadcast::error::RecvError::Closed) => (self.print_new(), false),
            };
            if let Err(e) = result {
                tracing::warn!("output stopped: {e:#}");
                let _ = self.stop.send(true);
                return self.printed;
            }
            if !writer_running {
                return self.printed;
            }
        }
    }

    fn print_batch(&mut self, batch: &[RequestSummary]) -> anyhow::Result<()> {
        let start = batch.partition_point(|r| r.id <= self.last_id);
        let fresh = &batch[start..];
        if let Some(last) = fresh.last().map(|r| r.id) {
            let matched = self.count_matching(last)?;
            self.last_id = last;
            self.print_rows(fresh, matched)?;
        }
        Ok(())
    }

    fn print_new(&mut self) -> anyhow::Result<()> {
        const PAGE: u32 = 1000;
        loop {
            let rows = self
                .store
                .session_requests_after(self.session_id, self.last_id, PAGE)?;
            let Some(last) = rows.last().map(|r| r.id) else {
                return Ok(());
            };
            let matched = self.count_matching(last)?;
            self.last_id = last;
            self.print_rows(&rows, matched)?;
            if rows.len() < PAGE as usize {
                return Ok(());
            }
        }
    }

    /// How many of the rows after `self.last_id` up to `last` match `--match`.
    fn count_matching(&self, last: i64) -> anyhow::Result<Option<u64>> {
        let Some(filter) = &self.exit_filter else {
            return Ok(None);
        };
        let window = filter
            .clone()
            .and(Term::Session(SessionSel::Id(self.session_id)))
            .and(Term::Id(Cmp::Gt, self.last_id))
            .and(Term::Id(Cmp::Le, last));
        Ok(Some(self.store.count_matching(&window)?))
    }

    fn print_rows(&mut self, rows: &[RequestSummary], matched: Option<u64>) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        for row in rows {
            match self.mode {
                OutputMode::Tui => {}
                OutputMode::Json => {
                    writeln!(out, "{}", serde_json::to_string(&SummaryDoc::of(row))?)?
                }
                OutputMode::Lines => writeln!(out, "{}", summary_line(row, &self.paint))?,
            }
            self.printed.count += 1;
        }
        self.printed.matched += matched.unwrap_or(rows.len() as u64);
        if let Some(n) = self.exit_after
            && self.printed.matched >= n
            && !self.printed.reached_exit_after
        {
            self.printed.reached_exit_after = true;
            let _ = self.stop.send(true);
        }
        out.flush()?;
        Ok(())
    }
}
