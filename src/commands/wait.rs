//! `hookcap wait [FILTER...] --count N --timeout DURATION`: block until N
//! matching requests are in the store, for CI scripts.
//!
//! It watches one session (`--session latest`, the default, follows whichever
//! is newest), every session (`--session any`) or a given one; a timeout says
//! which, and how many matches other sessions hold.
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
    let watch = Watch::resolve(args.session.as_deref(), &filter, args.new)?;
    let deadline = Instant::now() + args.timeout;
    let (matched, report) = match wait_for_store(&ctx.db, deadline) {
        Some(store) => {
            let mut waiter = Waiter::new(store, filter, watch, args.new)?;
            let matched = waiter.run(args.count, deadline)?;
            let report = match matched.len() as u64 >= args.count {
                true => String::new(),
                false => waiter.report()?,
            };
            (matched, report)
        }
        None => (
            Vec::new(),
            format!(" ({} was never created)", ctx.db.display()),
        ),
    };
    if (matched.len() as u64) < args.count {
        eprintln!(
            "hookcap: timed out after {}: {} of {} matching requests{report}",
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

/// Which session's requests count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Watch {
    /// Whichever session is newest; when a newer one starts, counting
    /// starts again in it.
    Latest,
    /// Every session.
    Any,
    /// This session.
    Session(i64),
}

impl Watch {
    /// `--session`, or the filter's `session:` term, or the default: the
    /// latest session (any session with `--new`, which counts only what
    /// arrives from now on).
    fn resolve(flag: Option<&str>, filter: &Filter, new_only: bool) -> Result<Self, CliError> {
        if let Some(value) = flag {
            if filter.session().is_some() {
                return Err(CliError::Usage(
                    "--session and a session: term both name a session: keep one".into(),
                ));
            }
            if value.eq_ignore_ascii_case("any") {
                return Ok(Self::Any);
            }
            if value.eq_ignore_ascii_case("latest") {
                return Ok(Self::Latest);
            }
            return match value.parse::<i64>() {
                Ok(id) if id > 0 => Ok(Self::Session(id)),
                _ => Err(CliError::Usage(format!(
                    "--session {value:?}: use any, latest or a session id"
                ))),
            };
        }
        Ok(match filter.session() {
            Some(SessionSel::Id(id)) => Self::Session(id),
            Some(SessionSel::Latest) => Self::Latest,
            None if new_only => Self::Any,
            None => Self::Latest,
        })
    }
}

/// The polling state: what has been examined, what matched.
struct Waiter {
    store: Store,
    /// The terms, without `session:` ones (the [`Watch`] says which session),
    /// limited to ids after `floor`.
    filter: Filter,
    watch: Watch,
    /// The newest session so far; with [`Watch::Latest`], when a newer one
    /// starts, counting restarts.
    latest: Option<i64>,
    /// Ids up to this have been examined.
    seen: i64,
    /// Where `seen` starts again after a session change.
    floor: i64,
    matched: Vec<CapturedRequest>,
}

impl Waiter {
    fn new(store: Store, filter: Filter, watch: Watch, new_only: bool) -> anyhow::Result<Self> {
        let floor = if new_only {
            store.last_id()?.unwrap_or(0)
        } else {
            0
        };
        let terms = filter
            .terms
            .into_iter()
            .filter(|t| !matches!(t, Term::Session(_)));
        Ok(Self {
            store,
            filter: Filter::of(terms).and(Term::Id(Cmp::Gt, floor)),
            watch,
            latest: None,
            seen: floor,
            floor,
            matched: Vec::new(),
        })
    }

    /// Polls until `count` requests matched or the deadline passed.
    fn run(&mut self, count: u64, deadline: Instant) -> anyhow::Result<Vec<CapturedRequest>> {
        loop {
            self.poll(count)?;
            if self.matched.len() as u64 >= count || !sleep_until_next_poll(deadline) {
                return Ok(std::mem::take(&mut self.matched));
            }
        }
    }

    fn poll(&mut self, count: u64) -> anyhow::Result<()> {
        let latest = self.store.resolve_session(SessionSel::Latest)?;
        if latest != self.latest {
            self.latest = latest;
            if self.watch == Watch::Latest {
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
        let found = self.store.requests(&self.watched(), scan)?;
        // Fewer than asked means every row up to `last` was examined.
        self.seen = if (found.len() as u64) < wanted {
            last
        } else {
            found.last().map_or(last, |r| r.id)
        };
        self.matched.extend(found);
        Ok(())
    }

    /// The filter with the session watched.
    fn watched(&self) -> Filter {
        let session = match self.watch {
            Watch::Any => return self.filter.clone(),
            Watch::Latest => self.latest.unwrap_or(-1),
            Watch::Session(id) => id,
        };
        self.filter
            .clone()
            .and(Term::Session(SessionSel::Id(session)))
    }

    /// After a timeout: the session watched, and how many requests of other
    /// sessions match (the usual surprise when `listen` and `forward` share
    /// a database), e.g. ` in session 4 (the latest); 2 more in other
    /// sessions (--session any counts them)`.
    fn report(&self) -> anyhow::Result<String> {
        let mut out = match (self.watch, self.latest) {
            (Watch::Any, _) => return Ok(" in any session".into()),
            (Watch::Latest, Some(id)) => format!(" in session {id} (the latest)"),
            (Watch::Latest, None) => " in the latest session (there is none yet)".into(),
            (Watch::Session(id), _) => format!(" in session {id}"),
        };
        let everywhere = self.store.count_matching(&self.filter)?;
        let here = self.store.count_matching(&self.watched())?;
        match everywhere.saturating_sub(here) {
            0 => {}
            1 => out.push_str("; 1 more in another session (--session any counts it)"),
            n => out.push_str(&format!(
                "; {n} more in other sessions (--session any counts them)"
            )),
        }
        Ok(out)
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
