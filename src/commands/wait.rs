//! `hookcap wait [FILTER...] --count N --timeout DURATION`: block until N
//! matching requests are in the store, for CI scripts.
//!
//! It polls its own read connection every [`POLL_INTERVAL`]: one cheap
//! `max(id)` query, and only when that moved, a filtered query over the new
//! rows. So it works beside a `listen` in another process, and it counts
//! requests that arrived before it started (by default the whole latest
//! session), so a fast sender cannot slip past it. A database that does not
//! exist yet is waited for too.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::Context;
use crate::cli::WaitArgs;
use crate::document::RequestDoc;
use crate::error::{CliError, Exit};
use crate::filter::{Cmp, Filter, SessionSel, Term};
use crate::model::{CapturedRequest, RequestSummary, Timestamp};
use crate::render::summary::summary_line;
use crate::sanitize::json;
use crate::store::{Scan, Store};

/// How often the store is polled.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Runs `hookcap wait`.
pub fn run(args: WaitArgs, ctx: &Context) -> anyhow::Result<Exit> {
    if args.count == 0 {
        return Err(CliError::Usage("--count must be at least 1".into()).into());
    }
    let filter = Filter::parse_args(&args.terms.terms, Timestamp::now())?;
    let deadline = Instant::now() + args.timeout;
    let matched = match wait_for_store(&ctx.db, deadline) {
        Some(store) => Waiter::new(store, filter, args.new)?.run(args.count, deadline)?,
        None => Vec::new(),
    };
    if (matched.len() as u64) < args.count {
        eprintln!(
            "hookcap: timed out after {}: {} of {} matching requests",
            humantime::format_duration(args.timeout),
            matched.len(),
            args.count
        );
        return Ok(Exit::Negative);
    }
    print(&matched, args.json, ctx)?;
    Ok(Exit::Success)
}

/// Opens the database once a listener has created it, or `None` at the deadline.
fn wait_for_store(db: &Path, deadline: Instant) -> Option<Store> {
    loop {
        if Store::is_initialized(db) {
            // A listener may still be creating it: try again on any failure.
            if let Ok(store) = Store::open_existing(db) {
                return Some(store);
            }
        }
        if !sleep_until_next_poll(deadline) {
            return None;
        }
    }
}

/// Sleeps one poll interval (less near the deadline); false once it has passed.
fn sleep_until_next_poll(deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return false;
    }
    std::thread::sleep(left.min(POLL_INTERVAL));
    true
}

/// The polling state: what has been examined, what matched.
struct Waiter {
    store: Store,
    filter: Filter,
    /// Follow whichever session is newest (no `session:ID` given, no `--new`).
    follow_latest: bool,
    /// The session followed so far; when a newer one starts, counting restarts.
    session: Option<i64>,
    /// Ids up to this have been examined.
    seen: i64,
    /// Where `seen` starts again after a session change.
    floor: i64,
    matched: Vec<CapturedRequest>,
}

impl Waiter {
    fn new(store: Store, filter: Filter, new_only: bool) -> anyhow::Result<Self> {
        let floor = if new_only {
            store.last_id()?.unwrap_or(0)
        } else {
            0
        };
        let names_session = matches!(filter.session(), Some(SessionSel::Id(_)));
        Ok(Self {
            follow_latest: !new_only && !names_session,
            store,
            filter: filter.and(Term::Id(Cmp::Gt, floor)),
            session: None,
            seen: floor,
            floor,
            matched: Vec::new(),
        })
    }

    /// Polls until `count` requests matched or the deadline passed.
    fn run(mut self, count: u64, deadline: Instant) -> anyhow::Result<Vec<CapturedRequest>> {
        loop {
            self.poll(count)?;
            if self.matched.len() as u64 >= count || !sleep_until_next_poll(deadline) {
                return Ok(self.matched);
            }
        }
    }

    fn poll(&mut self, count: u64) -> anyhow::Result<()> {
        let latest = self.store.resolve_session(SessionSel::Latest)?;
        if latest != self.session {
            self.session = latest;
            if self.tracks_latest() {
                self.seen = self.floor;
                self.matched.clear();
            }
        }
        let Some(last) = self.store.last_id()? else {
            return Ok(());
        };
        if last <= self.seen {
            return Ok(());
        }
        let wanted = count.saturating_sub(self.matched.len() as u64);
        let scan = Scan {
            before_id: Some(last + 1),
            ..Scan::after(self.seen, u32::try_from(wanted).unwrap_or(u32::MAX))
        };
        let found = self.store.requests(&self.current_filter(), scan)?;
        // Fewer than asked means every row up to `last` was examined.
        self.seen = if (found.len() as u64) < wanted {
            last
        } else {
            found.last().map_or(last, |r| r.id)
        };
        self.matched.extend(found);
        Ok(())
    }

    fn tracks_latest(&self) -> bool {
        self.follow_latest || self.filter.session() == Some(SessionSel::Latest)
    }

    /// The filter with `session:latest` (explicit or implied) fixed to the
    /// session being followed.
    fn current_filter(&self) -> Filter {
        let session = Term::Session(SessionSel::Id(self.session.unwrap_or(-1)));
        let mut terms: Vec<Term> = self
            .filter
            .terms
            .iter()
            .map(|t| match t {
                Term::Session(SessionSel::Latest) => session.clone(),
                t => t.clone(),
            })
            .collect();
        if self.follow_latest && self.filter.session().is_none() {
            terms.push(session);
        }
        Filter::of(terms)
    }
}

fn print(matched: &[CapturedRequest], json: bool, ctx: &Context) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for r in matched {
        if json {
            json::write_line(&mut out, &RequestDoc::of(r))?;
        } else {
            writeln!(out, "{}", summary_line(&RequestSummary::of(r), &ctx.paint))?;
        }
    }
    out.flush()?;
    Ok(())
}
