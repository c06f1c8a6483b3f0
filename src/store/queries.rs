//! Reads on a [`Store`]: listings, single requests, counts; and imports
//! (requests stored in one transaction, outside the capture path).

use rusqlite::{OptionalExtension, params};

use super::rows::{FULL_COLUMNS, REQUESTS, SUMMARY_COLUMNS, duration_of, full_row, summary_row};
use super::select::Scan;
use super::spans::{self, Spans};
use super::{Store, StoreError, delivery_index};
use crate::filter::Filter;
use crate::model::{CapturedRequest, DeliveryBrief, DeliveryKind, NewRequest, RequestSummary};

/// Which page of a listing to read: newest first, at most `limit` rows,
/// optionally only ids below `before_id` (to page further back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    /// At most this many rows.
    pub limit: u32,
    /// Only rows with an id lower than this.
    pub before_id: Option<i64>,
}

impl Store {
    /// Requests matching `filter`, newest first, one page at a time. Terms SQL
    /// cannot decide are checked in Rust, and still up to `limit` rows come back.
    pub fn list(
        &self,
        filter: &Filter,
        page: ListQuery,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let scan = Scan {
            before_id: page.before_id,
            ..Scan::newest(page.limit)
        };
        self.summaries(filter, scan)
    }

    /// Summaries of the requests matching every term of `filter` in `scan`'s
    /// window: read as summaries when SQL decides the whole filter, otherwise
    /// as full rows that Rust finishes checking.
    pub fn summaries(
        &self,
        filter: &Filter,
        scan: Scan,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let mut rows = if filter.is_pushable() {
            self.select_rows(filter, scan, SUMMARY_COLUMNS, summary_row)?
        } else {
            let rows = self.requests(filter, scan)?;
            rows.iter().map(RequestSummary::of).collect()
        };
        self.add_deliveries(&mut rows)?;
        Ok(rows)
    }

    /// Requests of one session with ids above `after_id`, oldest first:
    /// what a live view has not shown yet.
    pub fn session_requests_after(
        &self,
        session_id: i64,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let Some((lo, hi)) = spans::id_hull(&self.conn, Spans::Session(session_id))? else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {REQUESTS} \
             WHERE session_id = ?1 AND id > ?2 AND id <= ?3 ORDER BY id LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let after = after_id.max(lo.saturating_sub(1));
        let rows = stmt.query_map(params![session_id, after, hi, limit], summary_row)?;
        let mut rows = rows.collect::<Result<Vec<_>, _>>()?;
        self.add_deliveries(&mut rows)?;
        Ok(rows)
    }

    /// The summaries of these requests (those that exist), oldest first: how a
    /// live view re-reads forwarded requests it saw pending.
    pub fn summaries_of(&self, ids: &[i64]) -> Result<Vec<RequestSummary>, StoreError> {
        // Every chunk is padded to the same width (repeating an id is harmless
        // in IN), so one cached statement serves all calls.
        const WIDTH: usize = 64;
        let marks = vec!["?"; WIDTH].join(", ");
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM {REQUESTS} WHERE id IN ({marks}) ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(WIDTH) {
            let padded = chunk.iter().chain(std::iter::repeat(&chunk[0])).take(WIDTH);
            let rows = stmt.query_map(rusqlite::params_from_iter(padded), summary_row)?;
            for row in rows {
                out.push(row?);
            }
        }
        self.add_deliveries(&mut out)?;
        Ok(out)
    }

    /// Fills in each summary's newest delivery (one indexed lookup per row:
    /// `deliveries_by_request`).
    fn add_deliveries(&self, rows: &mut [RequestSummary]) -> Result<(), StoreError> {
        let sql = "SELECT kind, status, duration_us, error FROM deliveries \
                   WHERE request_id = ?1 ORDER BY id DESC LIMIT 1";
        let mut stmt = self.conn.prepare_cached(sql)?;
        for row in rows {
            row.delivery = stmt
                .query_row([row.id], |r| {
                    Ok(DeliveryBrief {
                        kind: DeliveryKind::parse(&r.get::<_, String>(0)?),
                        status: r.get(1)?,
                        duration: duration_of(r.get(2)?),
                        error: r.get(3)?,
                    })
                })
                .optional()?;
        }
        Ok(())
    }

    /// Stores `requests` in one transaction (an import), then brings the
    /// delivery index up to date; returns their ids.
    pub fn insert_requests(&self, requests: &[NewRequest]) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let ids = super::insert::insert_all(&tx, requests.iter())?;
        super::spans::cover_closed(&tx, super::writer::covered(requests.iter(), &ids))?;
        tx.commit()?;
        self.tail.borrow_mut().forget();
        delivery_index::catch_up(&self.conn, || true)?;
        Ok(ids)
    }

    /// One full request by id.
    pub fn get(&self, id: i64) -> Result<Option<CapturedRequest>, StoreError> {
        let sql = format!("SELECT {FULL_COLUMNS} FROM {REQUESTS} WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], full_row).optional()?)
    }

    /// The id of the newest request, if any.
    pub fn last_id(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT max(id) FROM requests", [], |r| r.get(0))?)
    }

    /// How many requests are stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResponseRecord, SessionMode};
    use crate::store::testing::{delivery, request};

    #[test]
    fn listings_carry_the_newest_delivery() {
        let store = Store::open_in_memory().unwrap();
        let session = store
            .create_session(SessionMode::Forward, "http://x", Some("http://app"))
            .unwrap();
        let id = store
            .insert_requests(&[request(session.id, "POST", "/hook", b"{}")])
            .unwrap()[0];
        let page = ListQuery {
            limit: 10,
            before_id: None,
        };
        let filter = Filter::default();
        assert_eq!(store.list(&filter, page).unwrap()[0].delivery, None);
        store.insert_delivery(&delivery(id, None)).unwrap();
        let ok = ResponseRecord {
            status: 200,
            headers: vec![],
            body: vec![],
        };
        store.insert_delivery(&delivery(id, Some(ok))).unwrap();
        let newest = store.list(&filter, page).unwrap()[0]
            .delivery
            .clone()
            .unwrap();
        assert_eq!((newest.status, newest.error), (Some(200), None));
        let again = store.summaries_of(&[id, id + 100]).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].delivery.as_ref().unwrap().status, Some(200));
    }
}
