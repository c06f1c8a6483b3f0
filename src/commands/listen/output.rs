//! Printing what the listener captures, from a thread of its own.
//!
//! The writer broadcasts the summaries of each commit; this thread prints them
//! and counts them for `--exit-after`. If it falls behind (a slow pipe), the
//! broadcast lags and it catches up from its own store connection instead.
//! However slow stdout is, capture never waits for it.
//!
//! In forward mode a request is stored before the app has answered: its
//! summary arrives pending, and the writer broadcasts it again, with the
//! caller's status and the delivery's time, once the delivery is committed.
//! Only then is it printed, so lines come in the order requests were
//! answered, which can differ from id order.
//!
//! While the inspector shows requests ([`OutputMode::Tui`]) it prints nothing
//! and only counts.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use anyhow::Context as _;
use tokio::sync::{broadcast, watch};

use super::config::{ListenConfig, OutputMode};
use super::stdout::{self, Sink};
use crate::commands::Context;
use crate::document::SummaryDoc;
use crate::filter::{Cmp, Filter, SessionSel, Term};
use crate::model::{RequestSummary, Session};
use crate::render::color::Paint;
use crate::render::summary::summary_line;
use crate::sanitize::json;
use crate::store::{StartOvers, Store, StoredBatch};

/// The least time between two wake-ups of the output thread while requests
/// keep coming; a line is printed at most this much later than its commit.
const OUTPUT_PACE: std::time::Duration = std::time::Duration::from_millis(1);

/// What the output thread saw by the time it stopped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printed {
    /// Requests of this session seen.
    pub count: u64,
    /// Of those, the ones matching `--match` (all of them without it).
    pub matched: u64,
    /// True when `--exit-after` was reached.
    pub reached_exit_after: bool,
    /// True when stdout was closed (the listener stopped because of it).
    pub stdout_closed: bool,
}

/// The running output thread.
pub struct LiveOutput {
    thread: JoinHandle<Printed>,
    stdout_closed: Arc<AtomicBool>,
}

struct Follower {
    store: Store,
    session_id: i64,
    mode: OutputMode,
    paint: Paint,
    exit_after: Option<u64>,
    exit_filter: Option<Filter>,
    stop: watch::Sender<bool>,
    sink: Sink,
    /// The writer's start-overs in new database files, and how many were seen.
    start_overs: StartOvers,
    seen_start_overs: u32,
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
        (batches, start_overs): (broadcast::Receiver<StoredBatch>, StartOvers),
        stop: watch::Sender<bool>,
    ) -> anyhow::Result<Self> {
        let whereabouts = format!("listening on {url}, storing into {}", ctx.db.display());
        let mut sink = Sink::new(stop.clone(), whereabouts);
        print_listening(&mut sink, config.output, session, url, ctx);
        if config.output != OutputMode::Tui {
            stdout::watch_for_close(&sink);
        }
        let stdout_closed = sink.closed_flag();
        let follower = Follower {
            store: ctx.open_store()?,
            session_id: session.id,
            mode: config.output,
            paint: ctx.paint,
            exit_after: config.exit_after,
            exit_filter: config.exit_filter.clone(),
            stop,
            sink,
            seen_start_overs: start_overs.count(),
            start_overs,
            last_id: 0,
            pending: BTreeSet::new(),
            printed: Printed::default(),
        };
        let runtime = tokio::runtime::Handle::current();
        let thread = std::thread::Builder::new()
            .name("hookcap-output".into())
            .spawn(move || follower.run(runtime, batches))
            .context("starting the output thread")?;
        Ok(Self {
            thread,
            stdout_closed,
        })
    }

    /// Waits for the thread to print the last commits and stop.
    pub fn join(self) -> Printed {
        let mut printed = self.thread.join().unwrap_or_default();
        printed.stdout_closed |= self.stdout_closed.load(Ordering::SeqCst);
        printed
    }
}

fn print_listening(sink: &mut Sink, mode: OutputMode, session: &Session, url: &str, ctx: &Context) {
    match mode {
        OutputMode::Tui => {}
        OutputMode::Json => {
            let mut event = serde_json::json!({"event": "listening", "url": url, "session_id": session.id, "db": ctx.db});
            if let Some(target) = &session.target {
                event["target"] = serde_json::json!(target);
            }
            sink.write(|out| json::write_line(out, &event));
        }
        OutputMode::Lines => {
            sink.write(|out| writeln!(out, "Listening on {url}"));
            if let Some(target) = &session.target {
                stdout::say(&format!("forwarding to {target}"));
            }
            stdout::say(&format!(
                "session {} storing to {}",
                session.id,
                ctx.db.display()
            ));
        }
    }
}

impl Follower {
    fn run(
        mut self,
        runtime: tokio::runtime::Handle,
        mut batches: broadcast::Receiver<StoredBatch>,
    ) -> Printed {
        let mut next = runtime.block_on(batches.recv());
        loop {
            let (result, writer_running) = match next {
                Ok(batch) => (self.print_batch(&batch), true),
                // Fell behind the writer: catch up from the store, then follow again.
                Err(broadcast::error::RecvError::Lagged(_)) => (self.print_new(), true),
                Err(broadcast::error::RecvError::Closed) => (self.print_new(), false),
            };
            if let Err(e) = result {
                // The next batch or catch-up tries again; capture goes on.
                tracing::warn!("could not read what was stored, to print it: {e:#}");
            }
            if !writer_running || self.sink.is_closed() {
                self.printed.stdout_closed = self.sink.is_closed();
                return self.printed;
            }
            next = match batches.try_recv() {
                Err(broadcast::error::TryRecvError::Empty) => {
                    // Nothing more yet: let a busy writer commit a few batches
                    // before waking this thread again (one wake-up per commit
                    // cost the writer and this thread ~1 µs per request).
                    std::thread::sleep(OUTPUT_PACE);
                    runtime.block_on(batches.recv())
                }
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    Err(broadcast::error::RecvError::Lagged(n))
                }
                Err(broadcast::error::TryRecvError::Closed) => {
                    Err(broadcast::error::RecvError::Closed)
                }
                Ok(batch) => Ok(batch),
            };
        }
    }

    fn print_batch(&mut self, batch: &[RequestSummary]) -> anyhow::Result<()> {
        self.take(batch)
    }

    /// Catches up from the store: the session's rows not seen yet, then the
    /// pending ones again, in case their delivery was committed meanwhile.
    fn print_new(&mut self) -> anyhow::Result<()> {
        const PAGE: u32 = 1000;
        loop {
            let rows = self
                .store
                .session_requests_after(self.session_id, self.last_id, PAGE)?;
            self.take(&rows)?;
            if rows.len() < PAGE as usize {
                break;
            }
        }
        if !self.pending.is_empty() {
            let ids: Vec<i64> = self.pending.iter().copied().collect();
            let rows = self.store.summaries_of(&ids)?;
            self.take(&rows)?;
        }
        Ok(())
    }

    /// Prints the rows that are answered: new ones (above `last_id`) and
    /// pending ones that have settled since. New pending rows are remembered;
    /// anything else was printed before.
    fn take(&mut self, rows: &[RequestSummary]) -> anyhow::Result<()> {
        let start_overs = self.start_overs.count();
        if start_overs != self.seen_start_overs
            && let Some(first) = rows.first()
        {
            self.seen_start_overs = start_overs;
            self.follow_new_session(first.session_id);
        }
        let before = self.last_id;
        let mut ready = Vec::with_capacity(rows.len());
        let mut whole_window = true;
        for row in rows {
            if row.id > self.last_id {
                self.last_id = row.id;
                if row.is_pending() {
                    self.pending.insert(row.id);
                    whole_window = false;
                } else {
                    ready.push(row);
                }
            } else if !row.is_pending() && self.pending.remove(&row.id) {
                ready.push(row);
                whole_window = false;
            }
        }
        if ready.is_empty() {
            return Ok(());
        }
        let matched = if whole_window {
            self.count_in_window(before, self.last_id)?
        } else {
            self.count_each(&ready)?
        };
        self.print_rows(&ready, matched)
    }

    /// The writer started over in a new database file (the old one was
    /// deleted or replaced): follow its new session there, from its start.
    fn follow_new_session(&mut self, session_id: i64) {
        self.session_id = session_id;
        self.last_id = 0;
        self.pending.clear();
        match Store::open_existing(self.store.path()) {
            Ok(store) => self.store = store,
            Err(e) => tracing::warn!("could not open the new database to print from it: {e}"),
        }
    }

    /// How many of the session's rows in `(after, last]` match `--match`:
    /// one query for a run of rows that are all printed now.
    fn count_in_window(&self, after: i64, last: i64) -> anyhow::Result<Option<u64>> {
        let Some(filter) = &self.exit_filter else {
            return Ok(None);
        };
        let window = filter
            .clone()
            .and(Term::Session(SessionSel::Id(self.session_id)))
            .and(Term::Id(Cmp::Gt, after))
            .and(Term::Id(Cmp::Le, last));
        Ok(Some(self.store.count_matching(&window)?))
    }

    /// How many of `rows` match `--match`, one by one (forwarded rows settle
    /// out of id order, so no window covers exactly them).
    fn count_each(&self, rows: &[&RequestSummary]) -> anyhow::Result<Option<u64>> {
        let Some(filter) = &self.exit_filter else {
            return Ok(None);
        };
        let mut n = 0;
        for row in rows {
            let one = filter.clone().and(Term::Id(Cmp::Eq, row.id));
            n += self.store.count_matching(&one)?;
        }
        Ok(Some(n))
    }

    fn print_rows(&mut self, rows: &[&RequestSummary], matched: Option<u64>) -> anyhow::Result<()> {
        let (mode, paint) = (self.mode, &self.paint);
        if mode != OutputMode::Tui {
            // stdout is line-buffered: one write for the batch, not one per line.
            self.sink.write(|out| {
                for row in rows {
                    match mode {
                        OutputMode::Json => json::write_line(&mut *out, &SummaryDoc::of(row))?,
                        _ => writeln!(out, "{}", summary_line(row, paint))?,
                    }
                }
                Ok(())
            });
        }
        self.printed.count += rows.len() as u64;
        self.printed.matched += matched.unwrap_or(rows.len() as u64);
        if let Some(n) = self.exit_after
            && self.printed.matched >= n
            && !self.printed.reached_exit_after
        {
            self.printed.reached_exit_after = true;
            let _ = self.stop.send(true);
        }
        Ok(())
    }
}
