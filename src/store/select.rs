//! Filters into SQL, and scans that finish the job in Rust.
//!
//! Every term the filter module marks pushable becomes one `WHERE` condition
//! here (the only place filter SQL is written). Terms SQL cannot decide
//! exactly (JSON pointers, header value globs) are narrowed in SQL where it
//! can and then checked with
//! [`Filter::matches_residual`] on candidate rows, a page at a time, until the
//! caller's limit is met or the rows run out.
//!
//! Which condition uses which index (see `migrations/`):
//!
//! | term | SQL | index |
//! |------|-----|-------|
//! | `session:` | `session_id = ?` and the id range of its spans | the rowid (see `spans`) |
//! | `since:` | `received_at >= ?` and the ids of spans reaching that time | the rowid (see `spans`) |
//! | `id:` | `id > ?` … | the rowid |
//! | `path:` | `path GLOB ?` | none: a cheap check on the row walk |
//! | `method:`, `status:` | `=`, `BETWEEN` | none: cheap checks on the row walk |
//! | `header:`, `body:`, words | `LIKE`, `instr()` on blobs | none: a scan |
//! | `json:` | `json_type()`/`json_extract()` prefilter, then Rust | none: a scan |
//! | `sig:` | `id IN (SELECT request_id FROM checks WHERE sig_outcome = ?)` | `checks_by_outcome` |
//! | `provider:`, `event:` | `provider = ?`, `event GLOB ?` | none: cheap checks on the row walk |
//! | `attempt:` | a count of the delivery's attempts up to the request | `delivery_index` and its tail (see `delivery_index`) |
//! | `delivery:ID` | `id IN` the delivery's attempts | `delivery_index` and its tail |
//! | `delivery:5xx`, `error`, `none` | the newest of hookcap's deliveries (a subquery per row) | `deliveries_by_request` |
//! | `dup` | an earlier attempt of the delivery answered 2xx | `delivery_index` and its tail |
//!
//! A filter with `attempt:`, `delivery:ID` or `dup` runs in one read
//! transaction with the tail of the delivery index read first
//! (`Store::with_tail`).

use rusqlite::types::Value;

use super::rows::{FULL_COLUMNS, REQUESTS, full_row};
use super::spans::{self, Spans};
use super::{Store, StoreError, hooks};
use crate::filter::{DeliverySel, Filter, MatchContext, Pushdown, SessionSel, Term, json_path};
use crate::model::CapturedRequest;

/// The table that holds signature verdicts (the live-checks migration:
/// `checks(request_id, sig_outcome, …)`). Until it exists, `sig:` filters are
/// refused with a clear error.
pub const SIG_VERDICT_TABLE: &str = "checks";

/// Rows read per round when Rust has to finish the filtering.
const CANDIDATE_PAGE: u32 = 256;

/// A window over requests in id order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Only ids above this.
    pub after_id: Option<i64>,
    /// Only ids below this.
    pub before_id: Option<i64>,
    /// At most this many matches.
    pub limit: u32,
    /// Oldest first (ascending ids) instead of newest first.
    pub oldest_first: bool,
}

impl Scan {
    /// Newest first, at most `limit`.
    pub fn newest(limit: u32) -> Self {
        Self {
            after_id: None,
            before_id: None,
            limit,
            oldest_first: false,
        }
    }

    /// Oldest first after `after_id`, at most `limit`.
    pub fn after(after_id: i64, limit: u32) -> Self {
        Self {
            after_id: Some(after_id),
            before_id: None,
            limit,
            oldest_first: true,
        }
    }

    /// The same window moved past the row with id `last` (the last one read).
    fn past(self, last: i64) -> Self {
        if self.oldest_first {
            Self {
                after_id: Some(last),
                ..self
            }
        } else {
            Self {
                before_id: Some(last),
                ..self
            }
        }
    }
}

/// A `WHERE` clause under construction: conditions ANDed, with their arguments.
#[derive(Debug, Default)]
pub(super) struct Where {
    clauses: Vec<String>,
    pub(super) args: Vec<Value>,
}

impl Where {
    fn push(&mut self, clause: impl Into<String>, args: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.into());
        self.args.extend(args);
    }

    /// Adds the id bounds of a scan.
    pub(super) fn window(&mut self, scan: &Scan) {
        if let Some(a) = scan.after_id {
            self.push("id > ?", [Value::Integer(a)]);
        }
        if let Some(b) = scan.before_id {
            self.push("id < ?", [Value::Integer(b)]);
        }
    }

    /// Keeps ids within `hull` (from [`spans::id_hull`]); `None` matches nothing.
    /// Requests have no index on session or time: this bound is what lets the
    /// rowid find them.
    pub(super) fn within(&mut self, hull: Option<(i64, i64)>) {
        match hull {
            Some((lo, i64::MAX)) => self.push("id >= ?", [Value::Integer(lo)]),
            Some((lo, hi)) => self.push("id BETWEEN ? AND ?", [lo, hi].map(Value::Integer)),
            None => self.push("0", []),
        }
    }

    /// `WHERE a AND b …`, or nothing.
    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn blob(s: &str) -> Value {
    Value::Blob(s.as_bytes().to_vec())
}

/// A `LIKE` pattern for the literal `s`, escaping `%`, `_` and `\` with `\`.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A necessary condition for a `json:` term (Rust still checks it exactly):
/// the body is JSON with the path present, and, for a value, the value there
/// is one the Rust check could accept. Each row's JSON is parsed once
/// (`json_valid` and `json_extract` share SQLite's parse cache).
fn json_condition(path: String, value: Option<&str>) -> (String, Vec<Value>) {
    const DOC: &str = "CAST(body AS TEXT)";
    let guard = |expr: &str| format!("(CASE WHEN json_valid({DOC}) THEN {expr} END)");
    let kind = guard(&format!("json_type({DOC}, ?)"));
    let extracted = guard(&format!("json_extract({DOC}, ?)"));
    let present = (format!("{kind} IS NOT NULL"), vec![text(&path)]);
    let Some(v) = value else {
        return present;
    };
    // json_extract gives strings as text, numbers as numbers, true/false as 1/0.
    let also = match serde_json::from_str::<serde_json::Value>(v) {
        Err(_) => None,
        Ok(serde_json::Value::Number(n)) => Some(n.as_i64().map_or_else(
            || Value::Real(n.as_f64().unwrap_or(f64::NAN)),
            Value::Integer,
        )),
        Ok(serde_json::Value::String(s)) => Some(text(&s)),
        Ok(serde_json::Value::Bool(b)) => Some(Value::Integer(b.into())),
        Ok(serde_json::Value::Null) => {
            let clause = format!("({kind} = 'null' OR {extracted} = ?)");
            return (clause, vec![text(&path), text(&path), text(v)]);
        }
        // Arrays and objects: presence is all SQL can say cheaply.
        Ok(_) => return present,
    };
    match also {
        Some(alt) => (
            format!("{extracted} IN (?, ?)"),
            vec![text(&path), text(v), alt],
        ),
        None => (format!("{extracted} = ?"), vec![text(&path), text(v)]),
    }
}

/// A `delivery:` term: the newest delivery of the row's request (the highest
/// delivery id, found from `deliveries_by_request`) has this status, failed
/// without one, or there is none.
fn delivery_condition(sel: DeliverySel) -> (String, Vec<Value>) {
    const NEWEST: &str = "FROM deliveries WHERE request_id = requests.id ORDER BY id DESC LIMIT 1";
    match sel {
        DeliverySel::Status(s) => {
            let (lo, hi) = s.range();
            (
                format!("(SELECT status {NEWEST}) BETWEEN ? AND ?"),
                vec![lo.into(), hi.into()],
            )
        }
        // NULL (no delivery) is not 1: only a newest delivery without a status.
        DeliverySel::Failed => (format!("(SELECT status IS NULL {NEWEST}) = 1"), vec![]),
        DeliverySel::Never => (
            "NOT EXISTS (SELECT 1 FROM deliveries WHERE request_id = requests.id)".into(),
            vec![],
        ),
    }
}

impl Store {
    /// The pushable terms of `filter` as a `WHERE` clause; `upto` is the
    /// delivery index's watermark when the filter reads attempts (see
    /// [`Store::reading`]).
    pub(super) fn where_for(
        &self,
        filter: &Filter,
        upto: Option<i64>,
    ) -> Result<Where, StoreError> {
        let mut w = Where::default();
        for term in &filter.terms {
            if term.pushdown() != Pushdown::None {
                self.push_term(&mut w, term, upto)?;
            }
        }
        Ok(w)
    }

    /// Runs `f` with the watermark when `filter` reads the attempts of
    /// deliveries (in one read transaction, with the tail read first), else
    /// with `None`.
    pub(super) fn reading<T>(
        &self,
        filter: &Filter,
        f: impl FnOnce(Option<i64>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if filter.terms.iter().any(hooks::needs_tail) {
            self.with_tail(|upto| f(Some(upto)))
        } else {
            f(None)
        }
    }

    fn push_term(&self, w: &mut Where, term: &Term, upto: Option<i64>) -> Result<(), StoreError> {
        if let Some((clause, args)) = hooks::condition(term, upto.unwrap_or(0)) {
            w.push(clause, args);
            return Ok(());
        }
        match term {
            Term::Method(m) => w.push("method = ? COLLATE NOCASE", [text(m)]),
            Term::Path(g) => w.push("path GLOB ?", [text(g.as_str())]),
            Term::Status(s) => {
                let (lo, hi) = s.range();
                w.push("status BETWEEN ? AND ?", [lo, hi].map(|n| n.into()));
            }
            Term::DeliveryStatus(sel) => {
                let (clause, args) = delivery_condition(*sel);
                w.push(clause, args);
            }
            // Names are tokens and values never hold CR or LF, so "CRLF name:" in
            // the CRLF-prefixed header lines is exactly "this header is present".
            Term::Header { name, .. } => w.push(
                "(x'0d0a' || headers) LIKE ? ESCAPE '\\'",
                [text(&format!("%\r\n{}:%", like_literal(name)))],
            ),
            Term::Body(b) => w.push("instr(body, ?) > 0", [blob(b)]),
            Term::Text(t) => w.push(
                "(instr(target, ?) > 0 OR instr(headers, ?) > 0 OR instr(body, ?) > 0)",
                [text(t), blob(t), blob(t)],
            ),
            Term::Sig(v) => {
                self.require_sig_table()?;
                w.push(
                    format!(
                        "id IN (SELECT request_id FROM {SIG_VERDICT_TABLE} WHERE sig_outcome = ?)"
                    ),
                    [text(v.as_str())],
                );
            }
            Term::Since(t) => {
                w.push("received_at >= ?", [Value::Integer(t.0)]);
                w.within(spans::id_hull(&self.conn, Spans::ReceivedSince(t.0))?);
            }
            Term::Session(sel) => {
                let id = self.resolve_session(*sel)?.unwrap_or(-1);
                w.push("session_id = ?", [Value::Integer(id)]);
                w.within(spans::id_hull(&self.conn, Spans::Session(id))?);
            }
            Term::Id(cmp, n) => w.push(format!("id {} ?", cmp.symbol()), [Value::Integer(*n)]),
            Term::Via(g) => w.push(
                "id IN (SELECT request_id FROM relayed WHERE relay_url GLOB ?)",
                [text(g.as_str())],
            ),
            Term::Json { pointer, value } => {
                let path = json_path(pointer).expect("only translatable pointers are pushed");
                let (clause, args) = json_condition(path, value.as_deref());
                w.push(clause, args);
            }
            // Conditions of `hooks::condition`, above.
            Term::Provider(_)
            | Term::Event(_)
            | Term::Delivery(_)
            | Term::Attempt(..)
            | Term::Dup => {}
        }
        Ok(())
    }

    fn require_sig_table(&self) -> Result<(), StoreError> {
        let sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1";
        let n: i64 = self
            .conn
            .query_row(sql, [SIG_VERDICT_TABLE], |r| r.get(0))?;
        if n == 0 {
            return Err(StoreError::SignaturesNotRecorded);
        }
        Ok(())
    }

    /// What Rust needs to check the residual terms.
    pub(super) fn match_context(&self, filter: &Filter) -> Result<MatchContext, StoreError> {
        let latest = match filter.session() {
            Some(SessionSel::Latest) => self.resolve_session(SessionSel::Latest)?,
            _ => None,
        };
        Ok(MatchContext {
            latest_session: latest,
            attempt: None,
        })
    }

    /// Rows meeting the SQL part of `filter` in `scan`'s window, mapped by `row`.
    pub(super) fn select_rows<T>(
        &self,
        filter: &Filter,
        scan: Scan,
        columns: &str,
        row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        self.reading(filter, |upto| {
            let mut w = self.where_for(filter, upto)?;
            w.window(&scan);
            let order = if scan.oldest_first { "ASC" } else { "DESC" };
            let sql = format!(
                "SELECT {columns} FROM {REQUESTS} {} ORDER BY id {order} LIMIT ?",
                w.sql()
            );
            w.args.push(Value::Integer(scan.limit.into()));
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(w.args.iter()), row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Full requests matching every term of `filter` in `scan`'s window: SQL
    /// narrows, Rust checks the rest, page after page until `scan.limit` match.
    pub fn requests(
        &self,
        filter: &Filter,
        scan: Scan,
    ) -> Result<Vec<CapturedRequest>, StoreError> {
        if filter.is_pushable() {
            return self.select_rows(filter, scan, FULL_COLUMNS, full_row);
        }
        let cx = self.match_context(filter)?;
        let mut found = Vec::new();
        let mut window = scan;
        loop {
            let want = scan.limit.saturating_sub(found.len() as u32);
            let page_size = want.clamp(CANDIDATE_PAGE, 16 * CANDIDATE_PAGE);
            let page = self.select_rows(
                filter,
                Scan {
                    limit: page_size,
                    ..window
                },
                FULL_COLUMNS,
                full_row,
            )?;
            let Some(last) = page.last().map(|r| r.id) else {
                return Ok(found);
            };
            let short = page.len() < page_size as usize;
            found.extend(page.into_iter().filter(|r| filter.matches_residual(r, &cx)));
            if found.len() >= scan.limit as usize || short {
                found.truncate(scan.limit as usize);
                return Ok(found);
            }
            window = window.past(last);
        }
    }

    /// Calls `each` on every request matching `filter`, in `oldest_first` order,
    /// a page at a time (so an export of a million rows never holds them all).
    pub fn for_each_request<E: From<StoreError>>(
        &self,
        filter: &Filter,
        oldest_first: bool,
        mut each: impl FnMut(CapturedRequest) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut scan = Scan {
            after_id: None,
            before_id: None,
            limit: CANDIDATE_PAGE,
            oldest_first,
        };
        let mut n = 0;
        loop {
            let page = self.requests(filter, scan)?;
            let Some(last) = page.last().map(|r| r.id) else {
                return Ok(n);
            };
            for r in page {
                n += 1;
                each(r)?;
            }
            scan = scan.past(last);
        }
    }

    /// Ids of requests matching `filter` (all terms), oldest first.
    pub fn matching_ids(&self, filter: &Filter) -> Result<Vec<i64>, StoreError> {
        if filter.is_pushable() {
            return self.select_rows(filter, Scan::after(0, u32::MAX), "id", |r| r.get(0));
        }
        let mut ids = Vec::new();
        let mut scan = Scan::after(0, CANDIDATE_PAGE);
        loop {
            let page = self.requests(filter, scan)?;
            let Some(last) = page.last().map(|r| r.id) else {
                return Ok(ids);
            };
            ids.extend(page.iter().map(|r| r.id));
            scan = scan.past(last);
        }
    }
}
