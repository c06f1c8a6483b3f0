//! Queries for interactive browsing (the TUI): bounded keyset scans with the
//! filter language pushed into SQL, cheap counts for a live view, and deletes.
//!
//! Nothing here reads a whole table. A [`Store::scan`] walks a bounded range of
//! ids ([`ScanStep::span`]) from a starting id, so even a search that matches
//! almost nothing costs a bounded amount of work per call; the caller continues
//! from [`Scanned::next`] when it wants more.

use rusqlite::params;

use super::select::Scan;
use super::spans::{self, Spans};
use super::{Store, StoreError};
use crate::filter::Filter;
use crate::model::{RequestSummary, Timestamp};

/// Which way a scan walks from its starting id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards lower ids (earlier requests).
    Older,
    /// Towards higher ids (later requests).
    Newer,
}

/// One bounded step of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanStep {
    /// Which way to walk.
    pub dir: Direction,
    /// Start after this id (exclusive); `None` starts at the newest request
    /// for [`Direction::Older`] and at the oldest for [`Direction::Newer`].
    pub from: Option<i64>,
    /// At most this many rows.
    pub limit: u32,
    /// Examine at most this many ids (the work bound of one step).
    pub span: i64,
}

/// What one scan step found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// Matching rows in walking order (newest first for `Older`).
    pub rows: Vec<RequestSummary>,
    /// Where to continue (exclusive), or `None` when the scan reached the end
    /// of the table in its direction.
    pub next: Option<i64>,
}

impl Store {
    /// Requests matching `filter`, walking from `step.from` in `step.dir` over
    /// at most `step.span` ids.
    ///
    /// The filter goes through the same pushdown as every listing
    /// ([`Store::summaries`]): SQL decides what it can inside the id range and
    /// Rust checks the rest, so the TUI's `/` means exactly what `ls` means.
    pub fn scan(&self, filter: &Filter, step: ScanStep) -> Result<Scanned, StoreError> {
        let Some((min, max)) = self.id_bounds()? else {
            return Ok(Scanned {
                rows: Vec::new(),
                next: None,
            });
        };
        let (low, high) = scan_range(step, min, max);
        let window = Scan {
            after_id: Some(low.saturating_sub(1)),
            before_id: Some(high.saturating_add(1)),
            limit: step.limit,
            oldest_first: step.dir == Direction::Newer,
        };
        let rows = self.summaries(filter, window)?;
        let next = next_from(step, &rows, (low, high), (min, max));
        Ok(Scanned { rows, next })
    }

    /// The lowest and highest request ids, or `None` for an empty table.
    pub fn id_bounds(&self) -> Result<Option<(i64, i64)>, StoreError> {
        // Two subqueries: SQLite answers a lone min() or max() from the end of
        // the b-tree, but `SELECT min(id), max(id)` scans the whole table.
        let sql = "SELECT (SELECT min(id) FROM requests), (SELECT max(id) FROM requests)";
        let (min, max): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(min.zip(max))
    }

    /// How many requests are stored and the newest id, read in one snapshot
    /// (counting walks an index: tens of milliseconds per million rows).
    pub fn count_and_last_id(&self) -> Result<(u64, i64), StoreError> {
        let sql = "SELECT count(*), coalesce(max(id), 0) FROM requests";
        let (n, last): (i64, i64) = self
            .conn
            .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((n.max(0) as u64, last))
    }

    /// How many requests have ids in `after < id <= up_to` (cheap for a
    /// narrow range: it walks only that part of the table).
    pub fn count_between(&self, after: i64, up_to: i64) -> Result<u64, StoreError> {
        let sql = "SELECT count(*) FROM requests WHERE id > ?1 AND id <= ?2";
        let n: i64 = self
            .conn
            .query_row(sql, params![after, up_to], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Requests received per whole second since `since`, oldest second first,
    /// as `(unix second, count)`; seconds without requests are left out.
    pub fn arrivals_per_second(&self, since: Timestamp) -> Result<Vec<(i64, u64)>, StoreError> {
        let Some((lo, _)) = spans::id_hull(&self.conn, Spans::ReceivedSince(since.0))? else {
            return Ok(Vec::new());
        };
        let sql = "SELECT received_at / 1000000 AS s, count(*) FROM requests \
                   WHERE id >= ?2 AND received_at >= ?1 GROUP BY s ORDER BY s";
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([since.0, lo], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes one request (with its checks, through the one delete path);
    /// `false` when there was none with that id.
    pub fn delete_request(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.delete_ids(&[id])? > 0)
    }
}

/// The inclusive id range one step examines.
fn scan_range(step: ScanStep, min: i64, max: i64) -> (i64, i64) {
    let span = step.span.max(1);
    match step.dir {
        Direction::Older => {
            let high = step.from.map_or(max, |f| f.saturating_sub(1));
            (high.saturating_sub(span - 1).max(min), high)
        }
        Direction::Newer => {
            let low = step.from.map_or(min, |f| f.saturating_add(1));
            (low, low.saturating_add(span - 1).min(max))
        }
    }
}

/// Where the next step starts: after the last row when the page is full,
/// otherwise past the examined range, or `None` at the end of the table.
fn next_from(
    step: ScanStep,
    rows: &[RequestSummary],
    (low, high): (i64, i64),
    (min, max): (i64, i64),
) -> Option<i64> {
    if rows.len() as u64 >= u64::from(step.limit) {
        return rows.last().map(|r| r.id);
    }
    match step.dir {
        Direction::Older => (low > min).then_some(low),
        Direction::Newer => (high < max).then_some(high),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Term;
    use crate::model::Outcome;
    use crate::model::{NewRequest, SessionMode, SignatureCheck};
    use crate::store::testing::request;

    /// A store with `n` requests: even ids are `POST /even` with body
    /// `{"n":N,"even":[N]}`, odd ids `GET /odd` with a binary body.
    fn store_with(n: i64) -> Store {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let all: Vec<NewRequest> = (1..=n)
            .map(|i| match i % 2 {
                0 => request(
                    s.id,
                    "POST",
                    "/even",
                    format!(r#"{{"n":{i},"even":[{i}]}}"#).as_bytes(),
                ),
                _ => request(s.id, "GET", "/odd", b"\x00\xffbinary"),
            })
            .collect();
        store.insert_requests(&all).unwrap();
        store
    }

    fn step(dir: Direction, from: Option<i64>, limit: u32, span: i64) -> ScanStep {
        ScanStep {
            dir,
            from,
            limit,
            span,
        }
    }

    fn ids(s: &Scanned) -> Vec<i64> {
        s.rows.iter().map(|r| r.id).collect()
    }

    fn parse(line: &str) -> Filter {
        Filter::parse_line(line, Timestamp(1_700_000_000_000_000)).unwrap()
    }

    #[test]
    fn an_older_scan_from_the_end_pages_newest_first() {
        let store = store_with(10);
        let page = store
            .scan(&Filter::default(), step(Direction::Older, None, 3, 100))
            .unwrap();
        assert_eq!((ids(&page), page.next), (vec![10, 9, 8], Some(8)));
        let page = store
            .scan(&Filter::default(), step(Direction::Older, Some(3), 5, 100))
            .unwrap();
        assert_eq!((ids(&page), page.next), (vec![2, 1], None));
    }

    #[test]
    fn a_newer_scan_pages_oldest_first_and_ends() {
        let store = store_with(5);
        let page = store
            .scan(&Filter::default(), step(Direction::Newer, Some(2), 10, 100))
            .unwrap();
        assert_eq!((ids(&page), page.next), (vec![3, 4, 5], None));
    }

    #[test]
    fn a_scan_stops_at_its_span_and_says_where_to_go_on() {
        let store = store_with(100);
        let filter = Filter::of([Term::Method("post".into())]);
        let page = store
            .scan(&filter, step(Direction::Older, None, 50, 10))
            .unwrap();
        assert_eq!(
            (ids(&page), page.next),
            (vec![100, 98, 96, 94, 92], Some(91))
        );
    }

    #[test]
    fn words_and_terms_mean_what_they_mean_on_the_command_line() {
        let store = store_with(6);
        let find = |line: &str| {
            let s = store
                .scan(&parse(line), step(Direction::Older, None, 50, 100))
                .unwrap();
            ids(&s)
        };
        assert_eq!(find(r#"'"n":4'"#), vec![4], "a quoted word in the body");
        assert_eq!(find("/odd"), vec![5, 3, 1], "a word in the target");
        assert_eq!(find("Secret-Value").len(), 6, "a word in the headers");
        assert!(find("secret-value").is_empty(), "words are exact bytes");
        assert_eq!(find("binary"), vec![5, 3, 1], "bodies with NUL and 0xff");
        assert_eq!(find("method:post id:>2"), vec![6, 4]);
        assert_eq!(find("header:x-token=Secret-*").len(), 6);
        // Not pushable (an all-digit pointer segment): checked in Rust.
        assert_eq!(find("json:/even/0=4"), vec![4]);
        assert_eq!(find("path:/even json:/n"), vec![6, 4, 2]);
    }

    #[test]
    fn a_rust_checked_filter_still_stops_at_its_span_and_limit() {
        let store = store_with(40);
        let filter = parse("json:/even/0");
        let page = store
            .scan(&filter, step(Direction::Older, None, 3, 10))
            .unwrap();
        assert_eq!((ids(&page), page.next), (vec![40, 38, 36], Some(36)));
        let page = store
            .scan(&filter, step(Direction::Older, Some(36), 50, 10))
            .unwrap();
        assert_eq!(
            (ids(&page), page.next),
            (vec![34, 32, 30, 28, 26], Some(26))
        );
    }

    #[test]
    fn summaries_carry_the_live_checks() {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let mut checked = request(s.id, "POST", "/a", b"{}");
        checked.signature = Some(SignatureCheck {
            provider: "github".into(),
            outcome: Outcome::Invalid,
            reason: "signature mismatch".into(),
        });
        checked.rejected = Some("invalid signature".into());
        store
            .insert_requests(&[request(s.id, "GET", "/b", b""), checked])
            .unwrap();
        let page = store
            .scan(&Filter::default(), step(Direction::Older, None, 10, 10))
            .unwrap();
        let [newest, oldest] = &page.rows[..] else {
            panic!("two rows: {:?}", page.rows);
        };
        let sig = newest.signature.as_ref().expect("a verdict");
        assert_eq!(
            (sig.provider.as_str(), sig.outcome),
            ("github", Outcome::Invalid)
        );
        assert_eq!(newest.rejected.as_deref(), Some("invalid signature"));
        assert_eq!((&oldest.signature, &oldest.rejected), (&None, &None));
        let invalid = store
            .scan(&parse("sig:invalid"), step(Direction::Older, None, 10, 10))
            .unwrap();
        assert_eq!(ids(&invalid), vec![2]);
    }

    #[test]
    fn an_empty_store_scans_to_nothing() {
        let store = Store::open_in_memory().unwrap();
        let page = store
            .scan(&Filter::default(), step(Direction::Older, None, 5, 5))
            .unwrap();
        assert_eq!((page.rows.len(), page.next), (0, None));
        assert_eq!(store.count_and_last_id().unwrap(), (0, 0));
    }

    #[test]
    fn counts_deletes_and_arrivals_agree() {
        let store = store_with(10);
        assert_eq!(store.count_and_last_id().unwrap(), (10, 10));
        assert_eq!(store.count_between(7, 10).unwrap(), 3);
        assert!(store.delete_request(9).unwrap());
        assert!(!store.delete_request(9).unwrap());
        assert_eq!(store.count_between(7, 10).unwrap(), 2);
        let arrivals = store.arrivals_per_second(Timestamp(0)).unwrap();
        assert_eq!(arrivals, vec![(1_700_000_000, 9)]);
    }
}
