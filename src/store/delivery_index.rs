//! The delivery index: which requests are attempts of which delivery, kept
//! off the capture path.
//!
//! A capture writes its provider and delivery id into its own row and nothing
//! else: an index entry per capture would cost every commit one more B-tree
//! insert and page (`migrations/006_hook_columns.sql`). Instead
//! `delivery_index` holds `(delivery, provider, request_id)` for every
//! request up to a watermark (`delivery_watermark.upto`), and is brought up
//! to date in batches by [`index_batch`]:
//!
//! - by the writer, once it has had nothing to write for [`IDLE`] (and, under
//!   a light load that never pauses that long, a batch after a commit of one
//!   or two requests once [`LIGHT_TAIL`] requests are waiting; never under a
//!   heavy load, which is what commits of more requests at once mean);
//! - by an import, at its end.
//!
//! Readers combine the index (up to the watermark) with the tail: the
//! requests after the watermark, read into a temporary table of their own
//! connection ([`Tail`]) inside the same read transaction, so an answer is
//! exact whatever the index has caught up with. Its cost is proportional to
//! the tail, which the writer keeps short except while it is busy.
//!
//! What stays true: every request with `id <= upto` that has a provider and
//! a delivery id has its entry, and every entry is of a stored request (a
//! trigger removes a deleted request's entry). Ids are given out again after
//! the newest requests are deleted, so deleting lowers the watermark to the
//! newest id left ([`lower_watermark`]).

use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

/// The writer indexes once it has had no request for this long.
pub const IDLE: Duration = Duration::from_secs(1);
/// Requests indexed per transaction while idle: a request that arrives
/// meanwhile waits for one batch at most (a few milliseconds).
pub const BATCH: i64 = 4096;
/// Under a light load, the writer indexes once this many requests wait.
pub const LIGHT_TAIL: u64 = 1024;
/// A commit of at most this many requests counts as a light load.
const LIGHT_BATCH: usize = 2;

/// The watermark: every request up to this id is indexed.
pub(super) fn watermark(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT coalesce((SELECT upto FROM delivery_watermark), 0)")?
        .query_row([], |r| r.get(0))
}

/// Indexes at most `rows` requests past the watermark in one write
/// transaction; returns how many it went past (0 once caught up).
pub(super) fn index_batch(conn: &Connection, rows: i64) -> rusqlite::Result<u64> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let from = watermark(&tx)?;
    let (to, walked): (Option<i64>, i64) = tx
        .prepare_cached(
            "SELECT max(id), count(*) FROM \
             (SELECT id FROM requests WHERE id > ?1 ORDER BY id LIMIT ?2)",
        )?
        .query_row(params![from, rows], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let Some(to) = to else {
        return Ok(0);
    };
    tx.prepare_cached(
        "INSERT OR IGNORE INTO delivery_index (delivery, provider, request_id) \
         SELECT delivery, provider, id FROM requests \
         WHERE id > ?1 AND id <= ?2 AND delivery IS NOT NULL AND provider IS NOT NULL",
    )?
    .execute(params![from, to])?;
    tx.prepare_cached("UPDATE delivery_watermark SET upto = ?1")?
        .execute([to])?;
    tx.commit()?;
    Ok(walked.unsigned_abs())
}

/// Indexes everything past the watermark, a batch per transaction, while
/// `go_on` says so; returns how many requests it went past.
pub(super) fn catch_up(conn: &Connection, go_on: impl Fn() -> bool) -> rusqlite::Result<u64> {
    let mut total = 0;
    while go_on() {
        let walked = index_batch(conn, BATCH)?;
        total += walked;
        if walked < BATCH.unsigned_abs() {
            break;
        }
    }
    Ok(total)
}

/// After a delete, inside its transaction: the next request gets the id after
/// the newest one left, which must not be at or below the watermark.
pub(super) fn lower_watermark(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE delivery_watermark SET upto = (SELECT coalesce(max(id), 0) FROM requests) \
         WHERE upto > (SELECT coalesce(max(id), 0) FROM requests)",
    )?
    .execute([])?;
    Ok(())
}

/// When the writer indexes (see the module doc).
#[derive(Debug)]
pub(super) struct Lazy {
    /// Requests committed since the index last caught up (an estimate of the tail).
    waiting: u64,
    /// When the newest request was committed.
    last_insert: Instant,
}

impl Default for Lazy {
    fn default() -> Self {
        Self {
            // Whatever a stopped or killed listener left is indexed at the first idle moment.
            waiting: 1,
            last_insert: Instant::now(),
        }
    }
}

impl Lazy {
    /// After a commit of `inserted` requests: under a light load (a commit
    /// of one or two) with enough requests waiting, indexes one batch.
    pub(super) fn committed(&mut self, conn: &Connection, inserted: usize) {
        if inserted == 0 {
            return;
        }
        self.waiting += inserted as u64;
        self.last_insert = Instant::now();
        if inserted <= LIGHT_BATCH && self.waiting >= LIGHT_TAIL {
            match index_batch(conn, LIGHT_TAIL as i64) {
                Ok(walked) => self.waiting = self.waiting.saturating_sub(walked),
                Err(e) => tracing::debug!("the delivery index stays behind for now: {e}"),
            }
        }
    }

    /// On the writer's idle tick: once there was no request for [`IDLE`],
    /// indexes everything waiting, batch by batch, while nothing is queued.
    pub(super) fn tick(&mut self, conn: &Connection, idle: impl Fn() -> bool) {
        if self.waiting == 0 || self.last_insert.elapsed() < IDLE {
            return;
        }
        match catch_up(conn, &idle) {
            Ok(_) if idle() => self.waiting = 0,
            Ok(_) => {}
            Err(e) => tracing::debug!("the delivery index stays behind for now: {e}"),
        }
    }
}

/// The requests after the watermark that have a delivery id, as
/// `temp.delivery_tail(delivery, provider, request_id)` of one connection,
/// read again only when the database changed.
#[derive(Debug, Default)]
pub(super) struct Tail {
    /// What the table was read from: `data_version`, the watermark and the newest id.
    read_at: Option<(i64, i64, i64)>,
}

impl Tail {
    /// Makes `temp.delivery_tail` hold the tail of the database as `conn`
    /// sees it now (call it inside the read transaction that uses it);
    /// returns the watermark it starts after.
    pub(super) fn refresh(&mut self, conn: &Connection) -> rusqlite::Result<i64> {
        let version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        let upto = watermark(conn)?;
        let last: i64 = conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM requests")?
            .query_row([], |r| r.get(0))?;
        let key = (version, upto, last);
        if self.read_at == Some(key) {
            return Ok(upto);
        }
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS delivery_tail (delivery TEXT NOT NULL, \
             provider TEXT NOT NULL, request_id INTEGER NOT NULL, \
             PRIMARY KEY (delivery, provider, request_id)) WITHOUT ROWID;
             DELETE FROM temp.delivery_tail;",
        )?;
        conn.prepare_cached(
            "INSERT INTO temp.delivery_tail (delivery, provider, request_id) \
             SELECT delivery, provider, id FROM main.requests \
             WHERE id > ?1 AND delivery IS NOT NULL AND provider IS NOT NULL",
        )?
        .execute([upto])?;
        self.read_at = Some(key);
        Ok(upto)
    }

    /// Forgets what was read: the caller's own connection changed the
    /// requests (which `data_version` does not count).
    pub(super) fn forget(&mut self) {
        self.read_at = None;
    }
}
