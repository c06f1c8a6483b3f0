//! Reads and small writes on a [`Store`]: sessions, listings, single requests.

use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, params};

use super::codec::decode_headers;
use super::{Store, StoreError};
use crate::filter::{Filter, SessionSel};
use crate::model::{
    CapturedRequest, NewRequest, RequestSummary, ResponseRecord, Session, SessionMode, Timestamp,
};

/// Which page of a listing to read: newest first, at most `limit` rows,
/// optionally only ids below `before_id` (to page further back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    /// At most this many rows.
    pub limit: u32,
    /// Only rows with an id lower than this.
    pub before_id: Option<i64>,
}

/// Conditions joined with AND, and the values of their `?` placeholders in order.
#[derive(Default)]
pub(super) struct Where {
    pub(super) clauses: Vec<String>,
    pub(super) args: Vec<Box<dyn ToSql>>,
}

impl Where {
    /// Adds a condition with one placeholder.
    pub(super) fn push(&mut self, clause: impl Into<String>, arg: impl ToSql + 'static) {
        self.clauses.push(clause.into());
        self.args.push(Box::new(arg));
    }

    /// `WHERE a AND b`, or nothing when there are no conditions.
    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// The placeholder values, as rusqlite takes them.
    pub(super) fn params(&self) -> Vec<&dyn ToSql> {
        self.args.iter().map(|a| a.as_ref()).collect()
    }
}

/// A session as named on the command line, resolved against the store.
pub type SessionRef = SessionSel;

pub(super) const SUMMARY_COLUMNS: &str =
    "id, session_id, received_at, method, target, status, body_size, truncated, content_type";

impl Store {
    /// Records the start of a session and returns it.
    pub fn create_session(
        &self,
        mode: SessionMode,
        url: &str,
        target: Option<&str>,
    ) -> Result<Session, StoreError> {
        let started_at = Timestamp::now();
        self.conn.execute(
            "INSERT INTO sessions (started_at, url, mode, target) VALUES (?1, ?2, ?3, ?4)",
            params![started_at.0, url, mode.as_str(), target],
        )?;
        Ok(Session {
            id: self.conn.last_insert_rowid(),
            started_at,
            url: url.to_owned(),
            mode,
            target: target.map(str::to_owned),
        })
    }

    /// A session by id.
    pub fn session(&self, id: i64) -> Result<Option<Session>, StoreError> {
        let sql = "SELECT id, started_at, url, mode, target FROM sessions WHERE id = ?1";
        Ok(self.conn.query_row(sql, [id], session_row).optional()?)
    }

    /// The newest session, if any.
    pub fn latest_session(&self) -> Result<Option<Session>, StoreError> {
        let sql = "SELECT id, started_at, url, mode, target FROM sessions ORDER BY id DESC LIMIT 1";
        Ok(self.conn.query_row(sql, [], session_row).optional()?)
    }

    /// Resolves a session selector to an id; `Latest` on an empty store is `None`.
    pub fn resolve_session(&self, sel: SessionSel) -> Result<Option<i64>, StoreError> {
        match sel {
            SessionSel::Id(id) => Ok(Some(id)),
            SessionSel::Latest => Ok(self.latest_session()?.map(|s| s.id)),
        }
    }

    /// Requests matching `filter`, newest first, one page at a time.
    pub fn list(
        &self,
        filter: &Filter,
        page: ListQuery,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let mut w = self.filter_where(filter)?;
        if let Some(before) = page.before_id {
            w.push("id < ?", before);
        }
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM requests {} ORDER BY id DESC LIMIT ?",
            w.sql()
        );
        w.args.push(Box::new(page.limit));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(w.params().as_slice(), summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The conditions of `filter` as a WHERE clause (the one translation of a
    /// [`Filter`] into SQL, shared by every listing).
    pub(super) fn filter_where(&self, filter: &Filter) -> Result<Where, StoreError> {
        let mut w = Where::default();
        if let Some(m) = &filter.method {
            w.push("method = ? COLLATE NOCASE", m.clone());
        }
        if let Some(g) = &filter.path_glob {
            w.push("path GLOB ?", g.clone());
        }
        if let Some(sel) = filter.session {
            w.push("session_id = ?", self.resolve_session(sel)?.unwrap_or(-1));
        }
        if let Some(since) = filter.since {
            w.push("received_at >= ?", since.0);
        }
        Ok(w)
    }

    /// Requests of one session with ids above `after_id`, oldest first:
    /// what a live view has not shown yet.
    pub fn session_requests_after(
        &self,
        session_id: i64,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM requests WHERE session_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![session_id, after_id, limit], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One full request by id.
    pub fn get(&self, id: i64) -> Result<Option<CapturedRequest>, StoreError> {
        let sql = "SELECT id, session_id, received_at, method, target, http_version, remote_addr, \
                   headers, body, truncated, status, response_headers, response_body \
                   FROM requests WHERE id = ?1";
        Ok(self.conn.query_row(sql, [id], full_row).optional()?)
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

fn session_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        started_at: Timestamp(r.get(1)?),
        url: r.get(2)?,
        mode: SessionMode::parse(&r.get::<_, String>(3)?),
        target: r.get(4)?,
    })
}

pub(super) fn summary_row(r: &Row<'_>) -> rusqlite::Result<RequestSummary> {
    Ok(RequestSummary {
        id: r.get(0)?,
        session_id: r.get(1)?,
        received_at: Timestamp(r.get(2)?),
        method: r.get(3)?,
        target: r.get(4)?,
        status: r.get(5)?,
        body_size: r.get::<_, i64>(6)?.max(0) as u64,
        truncated: r.get(7)?,
        content_type: r.get(8)?,
    })
}

fn full_row(r: &Row<'_>) -> rusqlite::Result<CapturedRequest> {
    let request = NewRequest {
        session_id: r.get(1)?,
        received_at: Timestamp(r.get(2)?),
        method: r.get(3)?,
        target: r.get(4)?,
        http_version: r.get(5)?,
        remote_addr: r.get(6)?,
        headers: decode_headers(&r.get::<_, Vec<u8>>(7)?),
        body: r.get(8)?,
        truncated: r.get(9)?,
        response: ResponseRecord {
            status: r.get(10)?,
            headers: decode_headers(&r.get::<_, Vec<u8>>(11)?),
            body: r.get(12)?,
        },
    };
    Ok(CapturedRequest {
        id: r.get(0)?,
        request,
    })
}
