//! Spans: where each session's requests lie in id order, and when they arrived.
//!
//! Requests carry no index on their session or receive time: each would cost
//! every commit one more page written, and the two together ~12 % of capture
//! throughput. Instead the writer records a span row about once per
//! [`SPAN_ROWS`] requests or [`SPAN_AGE`] of a session (two small writes per
//! span, none on most commits), closes it after [`SPAN_IDLE`] without
//! requests and when it stops, and queries turn `session:` and `since:` into
//! rowid ranges with [`id_hull`], and pruning by age into the [`id_ranges`]
//! worth scanning. Only a writer killed while busy leaves a span open, which
//! costs later queries a longer walk, never a wrong answer.
//!
//! What every query relies on (see `migrations/004_spans.sql`): each request
//! is covered by a span of its session with `first_id <= id`, and either the
//! span is open (`last_id` NULL: its writer may still add to it, or was killed
//! before closing it) or `id <= last_id` and `min_at <= received_at <= max_at`.
//! Deleting requests keeps that true; the bounds only get looser.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

/// A writer closes a span once it covers this many requests.
pub const SPAN_ROWS: u64 = 4096;
/// A writer closes a span at its first commit after it has been open this long.
pub const SPAN_AGE: Duration = Duration::from_secs(60);
/// A writer closes a span that has had no request for this long, so a
/// listener stopped while idle, even by `SIGKILL`, leaves every span closed.
pub const SPAN_IDLE: Duration = Duration::from_secs(2);

/// One request as the spans see it: `(session_id, id, received_at)`.
pub(super) type Covered = (i64, i64, i64);

/// The spans a writer has open, one per session it writes (a listener: one).
#[derive(Debug, Clone, Default)]
pub(super) struct OpenSpans {
    open: HashMap<i64, OpenSpan>,
}

#[derive(Debug, Clone)]
struct OpenSpan {
    /// The span's row in `spans`; 0 until it is written.
    row: i64,
    first_id: i64,
    last_id: i64,
    min_at: i64,
    max_at: i64,
    rows: u64,
    opened: Instant,
    /// When the newest request joined it.
    touched: Instant,
    /// `first_id` went down since the row was written (ids reused after a delete).
    moved: bool,
}

impl OpenSpan {
    fn new((_, id, at): Covered) -> Self {
        Self {
            row: 0,
            first_id: id,
            last_id: id,
            min_at: at,
            max_at: at,
            rows: 1,
            opened: Instant::now(),
            touched: Instant::now(),
            moved: false,
        }
    }

    fn widen(&mut self, (_, id, at): Covered) {
        if id < self.first_id {
            self.first_id = id;
            self.moved = true;
        }
        self.last_id = self.last_id.max(id);
        self.min_at = self.min_at.min(at);
        self.max_at = self.max_at.max(at);
        self.rows += 1;
        self.touched = Instant::now();
    }

    fn is_done(&self) -> bool {
        self.rows >= SPAN_ROWS || self.opened.elapsed() >= SPAN_AGE
    }

    fn close(&self, conn: &Connection) -> rusqlite::Result<()> {
        let sql =
            "UPDATE spans SET first_id = ?1, last_id = ?2, min_at = ?3, max_at = ?4 WHERE id = ?5";
        conn.prepare_cached(sql)?.execute(params![
            self.first_id,
            self.last_id,
            self.min_at,
            self.max_at,
            self.row
        ])?;
        Ok(())
    }
}

impl OpenSpans {
    /// Covers requests just inserted in the caller's transaction: opens a span
    /// for a session without one, widens it, and closes it once it is full or
    /// old. Returns the state to keep once that transaction commits (`self` is
    /// left as it was, for when it does not).
    pub(super) fn cover(
        &self,
        tx: &Connection,
        inserted: impl IntoIterator<Item = Covered>,
    ) -> rusqlite::Result<Self> {
        let mut next = self.clone();
        let mut touched: Vec<i64> = Vec::with_capacity(1);
        for request in inserted {
            let session = request.0;
            match next.open.get_mut(&session) {
                Some(span) => span.widen(request),
                None => drop(next.open.insert(session, OpenSpan::new(request))),
            }
            if !touched.contains(&session) {
                touched.push(session);
            }
        }
        for session in touched {
            let Some(span) = next.open.get_mut(&session) else {
                continue;
            };
            if span.row == 0 {
                let sql = "INSERT INTO spans (session_id, first_id) VALUES (?1, ?2)";
                tx.prepare_cached(sql)?
                    .execute(params![session, span.first_id])?;
                span.row = tx.last_insert_rowid();
            } else if span.moved {
                let sql = "UPDATE spans SET first_id = ?1 WHERE id = ?2";
                tx.prepare_cached(sql)?
                    .execute(params![span.first_id, span.row])?;
                span.moved = false;
            }
            if span.is_done() {
                span.close(tx)?;
                next.open.remove(&session);
            }
        }
        Ok(next)
    }

    /// Closes every open span (when the writer stops), so later queries can
    /// bound its requests.
    pub(super) fn close_all(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.close_where(conn, |_| true)
    }

    /// Closes the spans that have had no request for `idle`; nothing is
    /// written while every open span is busy.
    pub(super) fn close_idle(&mut self, conn: &Connection, idle: Duration) -> rusqlite::Result<()> {
        self.close_where(conn, |span| span.touched.elapsed() >= idle)
    }

    fn close_where(
        &mut self,
        conn: &Connection,
        done: impl Fn(&OpenSpan) -> bool,
    ) -> rusqlite::Result<()> {
        let closing: Vec<i64> = self
            .open
            .iter()
            .filter(|(_, span)| done(span))
            .map(|(session, _)| *session)
            .collect();
        if closing.is_empty() {
            return Ok(());
        }
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
        for session in &closing {
            self.open[session].close(&tx)?;
        }
        tx.commit()?;
        for session in &closing {
            self.open.remove(session);
        }
        Ok(())
    }
}

/// Records closed spans for requests inserted all at once (an import), one
/// per session, with their exact bounds.
pub(super) fn cover_closed(
    tx: &Connection,
    inserted: impl IntoIterator<Item = Covered>,
) -> rusqlite::Result<()> {
    let mut spans = OpenSpans::default();
    for request in inserted {
        match spans.open.get_mut(&request.0) {
            Some(span) => span.widen(request),
            None => drop(spans.open.insert(request.0, OpenSpan::new(request))),
        }
    }
    let sql = "INSERT INTO spans (session_id, first_id, last_id, min_at, max_at) \
               VALUES (?1, ?2, ?3, ?4, ?5)";
    for (session, span) in &spans.open {
        tx.prepare_cached(sql)?.execute(params![
            session,
            span.first_id,
            span.last_id,
            span.min_at,
            span.max_at
        ])?;
    }
    Ok(())
}

/// Which spans a query needs: the requests it can match lie in them.
#[derive(Debug, Clone, Copy)]
pub(super) enum Spans {
    /// The spans of one session.
    Session(i64),
    /// Spans that may hold requests received at or after this time.
    ReceivedSince(i64),
    /// Spans that may hold requests received before this time.
    ReceivedBefore(i64),
}

impl Spans {
    /// The `WHERE` condition on `spans` (its one argument is [`Spans::arg`]).
    fn condition(self) -> &'static str {
        match self {
            Self::Session(_) => "session_id = ?1",
            Self::ReceivedSince(_) => "(last_id IS NULL OR max_at >= ?1)",
            Self::ReceivedBefore(_) => "(last_id IS NULL OR min_at < ?1)",
        }
    }

    fn arg(self) -> i64 {
        match self {
            Self::Session(n) | Self::ReceivedSince(n) | Self::ReceivedBefore(n) => n,
        }
    }
}

/// The one id range that holds every request `which` can match (an open span
/// reaches to `i64::MAX`); `None` when no request can match.
pub(super) fn id_hull(conn: &Connection, which: Spans) -> rusqlite::Result<Option<(i64, i64)>> {
    let sql = format!(
        "SELECT min(first_id), max(coalesce(last_id, {})) FROM spans WHERE {}",
        i64::MAX,
        which.condition()
    );
    let (lo, hi): (Option<i64>, Option<i64>) = conn
        .prepare_cached(&sql)?
        .query_row([which.arg()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(lo.zip(hi))
}

/// The id ranges, in order and not overlapping, that hold every request
/// `which` can match: tighter than [`id_hull`] when the spans are far apart.
pub(super) fn id_ranges(conn: &Connection, which: Spans) -> rusqlite::Result<Vec<(i64, i64)>> {
    let sql = format!(
        "SELECT first_id, coalesce(last_id, {}) FROM spans WHERE {} ORDER BY first_id",
        i64::MAX,
        which.condition()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([which.arg()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    for row in rows {
        let (lo, hi) = row?;
        match ranges.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => ranges.push((lo, hi)),
        }
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE spans (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, \
             first_id INTEGER NOT NULL, last_id INTEGER, min_at INTEGER, max_at INTEGER);",
        )
        .unwrap();
        conn
    }

    /// A span row: session, first id, last id, earliest and latest receive time.
    type Row = (i64, i64, Option<i64>, Option<i64>, Option<i64>);

    fn rows(conn: &Connection) -> Vec<Row> {
        let mut stmt = conn
            .prepare("SELECT session_id, first_id, last_id, min_at, max_at FROM spans ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn a_span_opens_at_its_first_request_and_closes_with_its_bounds() {
        let conn = db();
        let spans = OpenSpans::default();
        let spans = spans.cover(&conn, [(1, 10, 500), (1, 11, 400)]).unwrap();
        assert_eq!(rows(&conn), [(1, 10, None, None, None)]);
        let mut spans = spans.cover(&conn, [(1, 12, 900)]).unwrap();
        assert_eq!(rows(&conn), [(1, 10, None, None, None)], "one row per span");
        spans.close_all(&conn).unwrap();
        assert_eq!(rows(&conn), [(1, 10, Some(12), Some(400), Some(900))]);
    }

    #[test]
    fn a_full_span_is_closed_and_the_next_request_opens_another() {
        let conn = db();
        let batch: Vec<Covered> = (1..=SPAN_ROWS as i64).map(|id| (7, id, id)).collect();
        let spans = OpenSpans::default().cover(&conn, batch).unwrap();
        let last = SPAN_ROWS as i64;
        assert_eq!(rows(&conn), [(7, 1, Some(last), Some(1), Some(last))]);
        spans.cover(&conn, [(7, last + 1, 1)]).unwrap();
        assert_eq!(rows(&conn)[1], (7, last + 1, None, None, None));
    }

    #[test]
    fn a_reused_lower_id_moves_the_open_span_down() {
        let conn = db();
        let spans = OpenSpans::default().cover(&conn, [(1, 50, 5)]).unwrap();
        spans.cover(&conn, [(1, 20, 6)]).unwrap();
        assert_eq!(rows(&conn), [(1, 20, None, None, None)]);
    }

    #[test]
    fn state_is_only_kept_from_a_committed_cover() {
        let conn = db();
        let spans = OpenSpans::default();
        let _uncommitted = spans.cover(&conn, [(1, 5, 5)]).unwrap();
        assert!(spans.open.is_empty(), "the caller's state is untouched");
    }

    #[test]
    fn hulls_and_ranges_follow_the_spans() {
        let conn = db();
        conn.execute_batch(
            "INSERT INTO spans (session_id, first_id, last_id, min_at, max_at) VALUES \
               (1, 1, 100, 1000, 2000), (2, 101, 200, 2000, 3000), (1, 201, 300, 3000, 4000);
             INSERT INTO spans (session_id, first_id) VALUES (3, 301);",
        )
        .unwrap();
        assert_eq!(id_hull(&conn, Spans::Session(1)).unwrap(), Some((1, 300)));
        assert_eq!(
            id_hull(&conn, Spans::Session(3)).unwrap(),
            Some((301, i64::MAX))
        );
        assert_eq!(id_hull(&conn, Spans::Session(9)).unwrap(), None);
        assert_eq!(
            id_hull(&conn, Spans::ReceivedSince(3500)).unwrap(),
            Some((201, i64::MAX))
        );
        assert_eq!(
            id_ranges(&conn, Spans::ReceivedBefore(2500)).unwrap(),
            [(1, 200), (301, i64::MAX)]
        );
        assert_eq!(
            id_ranges(&conn, Spans::Session(1)).unwrap(),
            [(1, 100), (201, 300)]
        );
    }
}
