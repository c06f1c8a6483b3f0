//! The delivery index: which requests are attempts of which delivery, kept
//! off the capture path.
//!
//! A capture writes its provider and delivery id into its own row and nothing
//! else: an index entry per capture would cost every commit one more B-tree
//! insert and page (`migrations/007_hook_columns.sql`). Instead
//! `delivery_index` holds `(delivery, provider, request_id)` for every
//! request up to a watermark (`delivery_watermark.upto`), and is brought up
//! to date in batches by [`index_batch`]:
//!
//! - by the writer, once it has had nothing to write for [`IDLE`]; under a
//!   light load that never pauses that long (commits more than 10 ms apart),
//!   after a commit once [`LIGHT_TAIL`] requests wait; and under a heavy load
//!   only once [`HEAVY_TAIL`] requests wait, so bursts of captures never pay
//!   for it;
//! - by an import, at its end.
//!
//! Readers combine the index (up to the watermark) with the tail: the
//! requests after the watermark, read in the same read transaction (for the
//! attempts of a few deliveries, in one pass; for filters, into a temporary
//! table of their own connection, [`Tail`]), so an answer is exact whatever
//! the index has caught up with. Their cost grows with the tail, which the
//! writer keeps short except while it is busy.
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
/// A commit that starts this long after the previous one ended is under a
/// light load (fewer than ~100 commits a second).
const LIGHT_GAP: Duration = Duration::from_millis(10);
/// Under any load, the writer indexes once this many requests wait: what a
/// reader may have to read past the watermark (~30 ms for this many).
pub const HEAVY_TAIL: u64 = 262_144;

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
    /// When the writer last finished a commit (and what followed it).
    last_done: Instant,
}

impl Default for Lazy {
    fn default() -> Self {
        Self {
            // Whatever a stopped or killed listener left is indexed at the first idle moment.
            waiting: 1,
            last_insert: Instant::now(),
            last_done: Instant::now(),
        }
    }
}

impl Lazy {
    /// After a commit of `inserted` requests whose first arrived at
    /// `started`: indexes one batch under a light load once [`LIGHT_TAIL`]
    /// requests wait, and under any load once [`HEAVY_TAIL`] do.
    pub(super) fn committed(&mut self, conn: &Connection, inserted: usize, started: Instant) {
        if inserted > 0 {
            self.waiting += inserted as u64;
            self.last_insert = Instant::now();
            let light = started.saturating_duration_since(self.last_done) >= LIGHT_GAP;
            if (light && self.waiting >= LIGHT_TAIL) || self.waiting >= HEAVY_TAIL {
                self.index(conn);
            }
        }
        self.last_done = Instant::now();
    }

    fn index(&mut self, conn: &Connection) {
        match index_batch(conn, BATCH) {
            Ok(walked) if walked < BATCH.unsigned_abs() => self.waiting = 0,
            Ok(walked) => self.waiting = self.waiting.saturating_sub(walked),
            Err(e) => tracing::debug!("the delivery index stays behind for now: {e}"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;
    use crate::store::Store;
    use crate::store::testing::request;

    /// A store with `n` GitHub deliveries stored the way a listener's writer
    /// stores them (nothing indexed).
    fn stored(n: usize) -> Store {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(crate::model::SessionMode::Listen, "http://x", None)
            .unwrap();
        let requests: Vec<_> = (0..n)
            .map(|i| {
                let mut r = request(s.id, "POST", "/gh", b"{}");
                r.headers = vec![
                    Header::new("X-GitHub-Event", "push"),
                    Header::new("X-GitHub-Delivery", format!("d{}", i % 7)),
                ];
                r
            })
            .collect();
        let tx = store.conn.unchecked_transaction().unwrap();
        crate::store::insert::insert_all(&tx, requests.iter()).unwrap();
        tx.commit().unwrap();
        store
    }

    #[test]
    fn a_batch_indexes_up_to_its_size_and_catching_up_indexes_the_rest() {
        let store = stored(10);
        assert_eq!(watermark(&store.conn).unwrap(), 0);
        assert_eq!(index_batch(&store.conn, 4).unwrap(), 4);
        assert_eq!(watermark(&store.conn).unwrap(), 4);
        assert_eq!(catch_up(&store.conn, || true).unwrap(), 6);
        assert_eq!(watermark(&store.conn).unwrap(), 10);
        assert_eq!(index_batch(&store.conn, 4).unwrap(), 0, "nothing left");
        let entries: i64 = store
            .conn
            .query_row("SELECT count(*) FROM delivery_index", [], |r| r.get(0))
            .unwrap();
        assert_eq!(entries, 10);
    }

    /// Commits as a light load makes them (apart) and as a heavy one does
    /// (back to back): only the light load, or a long tail, is indexed.
    #[test]
    fn the_writer_indexes_under_a_light_load_and_only_a_long_tail_under_a_heavy_one() {
        let n = LIGHT_TAIL as usize + 10;
        let store = stored(n);
        let mut heavy = Lazy::default();
        for _ in 0..n {
            heavy.committed(&store.conn, 1, Instant::now());
        }
        assert_eq!(
            watermark(&store.conn).unwrap(),
            0,
            "back to back: not indexed"
        );
        heavy.waiting = HEAVY_TAIL - 1;
        heavy.committed(&store.conn, 1, Instant::now());
        assert_eq!(watermark(&store.conn).unwrap(), n as i64, "a long tail is");
        assert_eq!(heavy.waiting, 0);

        let store = stored(n);
        let mut light = Lazy::default();
        for _ in 0..n {
            // Each commit starts well after the previous one ended.
            let started = Instant::now() + LIGHT_GAP;
            light.committed(&store.conn, 1, started);
        }
        assert_eq!(watermark(&store.conn).unwrap(), n as i64);
    }
}
