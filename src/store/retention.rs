//! Deleting requests and giving the space back, safely while a listener writes.
//!
//! Every delete runs as a series of short statements of at most
//! [`DELETE_CHUNK`] rows, each its own transaction, so a listener's writer
//! (which waits up to the busy timeout for the write lock) is never held up by
//! more than one chunk. New databases use incremental auto-vacuum, so freed
//! pages are returned to the file system in small steps too.
//!
//! When another table references requests (deliveries, in a later migration),
//! its rows go in [`Store::delete_chunk`], the one place requests are deleted.

use rusqlite::types::Value;

use super::select::Scan;
use super::{Store, StoreError};
use crate::filter::{Cmp, Filter, Term};
use crate::model::Timestamp;

/// Rows deleted per statement (one short write transaction each).
const DELETE_CHUNK: u32 = 2000;
/// Pages freed per incremental-vacuum step.
const VACUUM_STEP: i64 = 2048;

/// Space given back by [`Store::reclaim`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reclaimed {
    /// Bytes of free pages returned to the file system.
    pub bytes: u64,
    /// True when the whole file was rewritten (`VACUUM`) rather than trimmed.
    pub rewrote: bool,
}

impl Store {
    /// How many requests match `filter` (every term).
    pub fn count_matching(&self, filter: &Filter) -> Result<u64, StoreError> {
        if !filter.is_pushable() {
            return Ok(self.matching_ids(filter)?.len() as u64);
        }
        let w = self.where_for(filter)?;
        let sql = format!("SELECT count(*) FROM requests {}", w.sql());
        let n: i64 = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(w.args.iter()), |r| {
                r.get(0)
            })?;
        Ok(n.max(0) as u64)
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
    pub fn delete_received_before(&self, cutoff: Timestamp) -> Result<u64, StoreError> {
        let mut deleted = 0;
        let sql = "SELECT id FROM requests WHERE received_at < ?1 ORDER BY received_at LIMIT ?2";
        loop {
            let ids: Vec<i64> = {
                let mut stmt = self.conn.prepare_cached(sql)?;
                let rows =
                    stmt.query_map(rusqlite::params![cutoff.0, DELETE_CHUNK], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            if ids.is_empty() {
                return Ok(deleted);
            }
            deleted += self.delete_chunk(&ids)?;
        }
    }

    /// The one statement that deletes requests: these ids, in one transaction.
    fn delete_chunk(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let list = Value::Text(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
        let n = self.conn.execute(
            "DELETE FROM requests WHERE id IN (SELECT value FROM json_each(?1))",
            [list],
        )?;
        Ok(n as u64)
    }

    /// Returns free pages to the file system. Databases made with incremental
    /// auto-vacuum are trimmed in small steps (safe beside a running listener);
    /// an older database is rewritten once with `VACUUM` (which also switches
    /// it to incremental) only when `allow_rewrite` is set, since that holds the
    /// write lock for as long as it takes.
    pub fn reclaim(&self, allow_rewrite: bool) -> Result<Reclaimed, StoreError> {
        let page_size: i64 = self.pragma_int("page_size")?;
        let free_before = self.pragma_int("freelist_count")?;
        if free_before == 0 {
            return Ok(Reclaimed::default());
        }
        let rewrote = if self.pragma_int("auto_vacuum")? == 2 {
            let mut left = free_before;
            while left > 0 {
                self.conn
                    .execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_STEP})"))?;
                let now = self.pragma_int("freelist_count")?;
                if now >= left {
                    break;
                }
                left = now;
            }
            false
        } else if allow_rewrite {
            self.conn
                .execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM")?;
            true
        } else {
            return Ok(Reclaimed::default());
        };
        let freed = free_before - self.pragma_int("freelist_count")?;
        // In WAL mode the file shrinks when the WAL is checkpointed.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        Ok(Reclaimed {
            bytes: (freed.max(0) * page_size) as u64,
            rewrote,
        })
    }

    fn pragma_int(&self, name: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
    }
}
