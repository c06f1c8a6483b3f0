//! Deleting requests and giving the space back, safely while a listener writes.
//!
//! Every delete runs as a series of short statements of at most
//! [`DELETE_CHUNK`] rows, each its own transaction, so a listener's writer
//! (which waits up to the busy timeout for the write lock) is never held up by
//! more than one chunk. Freed pages stay in the file and later captures reuse
//! them; [`Store::reclaim`] gives them back to the file system by rewriting the
//! file (`VACUUM`) when that is quick or asked for. (Databases created by
//! earlier builds use incremental auto-vacuum and are trimmed in small steps
//! instead; new ones do not, because its bookkeeping slows every capture.)
//!
//! [`Store::delete_chunk`] is the one place requests are deleted. The tables
//! that reference them (`checks`, `deliveries`) declare `ON DELETE CASCADE`,
//! and every connection turns `foreign_keys` on, so their rows go too; a
//! trigger takes them out of the delivery index.

use rusqlite::types::Value;

use super::select::Scan;
use super::spans::{self, Spans};
use super::{Store, StoreError, delivery_index};
use crate::filter::{Cmp, Filter, SessionSel, Term};
use crate::model::Timestamp;

/// Rows deleted per statement (one short write transaction each).
const DELETE_CHUNK: u32 = 2000;
/// Pages freed per incremental-vacuum step.
const VACUUM_STEP: i64 = 2048;

/// A database with at most this much data left is rewritten by
/// [`Reclaim::Auto`]: `VACUUM` copies it in well under the busy timeout, so a
/// listener writing meanwhile waits rather than failing.
pub const QUICK_REWRITE_BYTES: u64 = 64 * 1024 * 1024;

/// How far [`Store::reclaim`] may go to give freed pages back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reclaim {
    /// Only small steps that never hold the write lock for long (`listen --keep`).
    Trim,
    /// Also rewrite the file when little data is left ([`QUICK_REWRITE_BYTES`]).
    Auto,
    /// Rewrite the file whatever its size (`--vacuum`).
    Rewrite,
}

/// Space given back by [`Store::reclaim`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reclaimed {
    /// Bytes of free pages returned to the file system.
    pub bytes: u64,
    /// True when the whole file was rewritten (`VACUUM`) rather than trimmed.
    pub rewrote: bool,
    /// Bytes of free pages left in the file, for later captures to reuse.
    pub kept: u64,
}

impl Store {
    /// `filter` with `session:latest` replaced by the session it means now,
    /// and limited to requests stored so far: what `rm` confirms is what it deletes,
    /// however many requests a listener adds meanwhile.
    pub fn pinned(&self, filter: &Filter) -> Result<Filter, StoreError> {
        let latest = self.resolve_session(SessionSel::Latest)?.unwrap_or(-1);
        let mut terms: Vec<Term> = filter
            .terms
            .iter()
            .map(|t| match t {
                Term::Session(SessionSel::Latest) => Term::Session(SessionSel::Id(latest)),
                t => t.clone(),
            })
            .collect();
        terms.push(Term::Id(Cmp::Le, self.last_id()?.unwrap_or(0)));
        Ok(Filter::of(terms))
    }

    /// How many requests match `filter` (every term).
    pub fn count_matching(&self, filter: &Filter) -> Result<u64, StoreError> {
        if !filter.is_pushable() {
            return Ok(self.matching_ids(filter)?.len() as u64);
        }
        self.reading(filter, |upto| {
            let w = self.where_for(filter, upto)?;
            let sql = format!("SELECT count(*) FROM requests {}", w.sql());
            let n: i64 =
                self.conn
                    .query_row(&sql, rusqlite::params_from_iter(w.args.iter()), |r| {
                        r.get(0)
                    })?;
            Ok(n.max(0) as u64)
        })
    }

    /// Deletes the requests matching `filter`; returns how many were deleted.
    pub fn delete_matching(&self, filter: &Filter) -> Result<u64, StoreError> {
        if !filter.is_pushable() {
            return self.delete_ids(&self.matching_ids(filter)?);
        }
        let mut deleted = 0;
        loop {
            let ids: Vec<i64> =
                self.select_rows(filter, Scan::after(0, DELETE_CHUNK), "id", |r| r.get(0))?;
            if ids.is_empty() {
                return Ok(deleted);
            }
            deleted += self.delete_chunk(&ids)?;
        }
    }

    /// Deletes these requests (unknown ids are ignored); returns how many were deleted.
    pub fn delete_ids(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let mut deleted = 0;
        for chunk in ids.chunks(DELETE_CHUNK as usize) {
            deleted += self.delete_chunk(chunk)?;
        }
        Ok(deleted)
    }

    /// Keeps the newest `keep` requests and deletes the rest; returns how many went.
    pub fn keep_newest(&self, keep: u64) -> Result<u64, StoreError> {
        let sql = "SELECT id FROM requests ORDER BY id DESC LIMIT 1 OFFSET ?1";
        let offset = i64::try_from(keep).unwrap_or(i64::MAX);
        let boundary: Option<i64> =
            rusqlite::OptionalExtension::optional(
                self.conn.query_row(sql, [offset], |r| r.get(0)),
            )?;
        match boundary {
            Some(b) => self.delete_matching(&Filter::of([Term::Id(Cmp::Le, b)])),
            None => Ok(0),
        }
    }

    /// Deletes requests received before `cutoff`; returns how many went.
    /// Only the id ranges of spans that reach back before `cutoff` are read.
    pub fn delete_received_before(&self, cutoff: Timestamp) -> Result<u64, StoreError> {
        let mut deleted = 0;
        let sql = "SELECT id FROM requests WHERE id > ?1 AND id <= ?2 AND received_at < ?3 \
                   ORDER BY id LIMIT ?4";
        for (lo, hi) in spans::id_ranges(&self.conn, Spans::ReceivedBefore(cutoff.0))? {
            let mut after = lo.saturating_sub(1);
            loop {
                let ids: Vec<i64> = {
                    let mut stmt = self.conn.prepare_cached(sql)?;
                    let args = rusqlite::params![after, hi, cutoff.0, DELETE_CHUNK];
                    let rows = stmt.query_map(args, |r| r.get(0))?;
                    rows.collect::<Result<_, _>>()?
                };
                let Some(&last) = ids.last() else {
                    break;
                };
                deleted += self.delete_chunk(&ids)?;
                after = last;
            }
        }
        Ok(deleted)
    }

    /// The one statement that deletes requests: these ids, in one
    /// transaction that also keeps the delivery index's watermark below the
    /// next id to be given out.
    fn delete_chunk(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let list = Value::Text(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
        let tx = self.conn.unchecked_transaction()?;
        let n = tx.execute(
            "DELETE FROM requests WHERE id IN (SELECT value FROM json_each(?1))",
            [list],
        )?;
        delivery_index::lower_watermark(&tx)?;
        tx.commit()?;
        self.tail.borrow_mut().forget();
        Ok(n as u64)
    }

    /// Returns free pages to the file system as far as `how` allows: an
    /// incremental database is trimmed in small steps; any other is rewritten
    /// with `VACUUM` (holding the write lock while it copies) when `how` says so.
    pub fn reclaim(&self, how: Reclaim) -> Result<Reclaimed, StoreError> {
        let page_size = self.pragma_int("page_size")?;
        let free_before = self.pragma_int("freelist_count")?;
        if free_before == 0 {
            return Ok(Reclaimed::default());
        }
        let rewrote = if self.pragma_int("auto_vacuum")? == 2 {
            self.trim_incrementally(free_before)?;
            false
        } else if self.worth_rewriting(how, free_before, page_size)? {
            self.conn.execute_batch("VACUUM")?;
            true
        } else {
            false
        };
        let free_after = self.pragma_int("freelist_count")?;
        // In WAL mode the file shrinks when the WAL is checkpointed.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        Ok(Reclaimed {
            bytes: ((free_before - free_after).max(0) * page_size) as u64,
            rewrote,
            kept: (free_after.max(0) * page_size) as u64,
        })
    }

    fn trim_incrementally(&self, mut left: i64) -> Result<(), StoreError> {
        while left > 0 {
            self.conn
                .execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_STEP})"))?;
            let now = self.pragma_int("freelist_count")?;
            if now >= left {
                break;
            }
            left = now;
        }
        Ok(())
    }

    fn worth_rewriting(&self, how: Reclaim, free: i64, page_size: i64) -> Result<bool, StoreError> {
        let data = (self.pragma_int("page_count")? - free).max(0) * page_size;
        Ok(rewrite_wanted(how, data as u64))
    }

    fn pragma_int(&self, name: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
    }
}

/// Whether `how` rewrites a file holding `data` bytes that are still in use.
fn rewrite_wanted(how: Reclaim, data: u64) -> bool {
    match how {
        Reclaim::Trim => false,
        Reclaim::Rewrite => true,
        Reclaim::Auto => data <= QUICK_REWRITE_BYTES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionMode;
    use crate::store::testing::request;

    /// A file database holding `n` requests of 64 KiB each, all deleted.
    fn emptied(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_or_create(&dir.path().join("r.db")).unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let big: Vec<_> = (0..n)
            .map(|_| request(s.id, "POST", "/big", &[b'x'; 64 * 1024]))
            .collect();
        store.insert_requests(&big).unwrap();
        assert_eq!(
            store.delete_received_before(Timestamp(i64::MAX)).unwrap(),
            n as u64
        );
        (dir, store)
    }

    #[test]
    fn trimming_keeps_the_freed_pages_for_reuse() {
        let (_dir, store) = emptied(8);
        let r = store.reclaim(Reclaim::Trim).unwrap();
        assert_eq!((r.bytes, r.rewrote), (0, false));
        assert!(r.kept >= 8 * 64 * 1024, "{r:?}");
    }

    #[test]
    fn a_small_database_is_rewritten_and_the_file_shrinks() {
        let (dir, store) = emptied(8);
        let file_len = || std::fs::metadata(dir.path().join("r.db")).unwrap().len();
        // Trimming checkpoints the WAL, so the file holds the freed pages.
        store.reclaim(Reclaim::Trim).unwrap();
        let before = file_len();
        let r = store.reclaim(Reclaim::Auto).unwrap();
        assert!(
            r.rewrote && r.bytes >= 8 * 64 * 1024 && r.kept == 0,
            "{r:?}"
        );
        let after = file_len();
        assert!(after + 8 * 64 * 1024 <= before, "{before} → {after} bytes");
    }

    #[test]
    fn only_a_quick_rewrite_is_automatic() {
        let mib = 1024 * 1024;
        assert!(rewrite_wanted(Reclaim::Auto, QUICK_REWRITE_BYTES));
        assert!(!rewrite_wanted(Reclaim::Auto, QUICK_REWRITE_BYTES + mib));
        assert!(rewrite_wanted(Reclaim::Rewrite, 100 * QUICK_REWRITE_BYTES));
        assert!(!rewrite_wanted(Reclaim::Trim, 0));
    }
}
