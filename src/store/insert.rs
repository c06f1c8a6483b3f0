//! The one `INSERT` of requests, shared by the writer's batches and imports:
//! a request row with its webhook facts, and its live checks if any.
//!
//! The statement is prepared once and held ([`Inserts`]) rather than taken
//! from rusqlite's statement cache for every row: the cache hashes the SQL
//! text to find it and again to put it back, and clears its bindings, ~2,750
//! instructions a capture (docs/performance.md). Every parameter is bound
//! for every row, NULLs too, since a held statement keeps the previous
//! row's values.

use rusqlite::{Connection, Statement, params};

use crate::model::{CaptureNotes, HeaderList, NewRequest, encode_headers, fill_id, path_of};

const INSERT_SQL: &str = "INSERT INTO requests (session_id, received_at, method, target, path, \
    status, body_size, truncated, content_type, http_version, remote_addr, provider, event, \
    delivery, retry, rule, step, answer, headers, response_headers, response_body, body) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
    ?19, ?20, ?21, ?22)";

/// A `{{id}}` answer, completed once the id is known (same transaction).
const FILL_ID_SQL: &str = "UPDATE requests SET response_body = ?2 WHERE id = ?1";

const INSERT_CHECK_SQL: &str = "INSERT INTO checks (request_id, sig_provider, sig_outcome, sig_reason, rejected) \
    VALUES (?1, ?2, ?3, ?4, ?5)";

/// The prepared `INSERT` of one connection (and, for the writer's batches,
/// `BEGIN` and `COMMIT`), held for as long as it is used.
pub(super) struct Inserts<'c> {
    conn: &'c Connection,
    request: Statement<'c>,
    begin: Statement<'c>,
    commit: Statement<'c>,
}

impl<'c> Inserts<'c> {
    /// Prepares the statements on `conn`.
    pub(super) fn prepare(conn: &'c Connection) -> rusqlite::Result<Self> {
        Ok(Self {
            conn,
            request: conn.prepare(INSERT_SQL)?,
            begin: conn.prepare("BEGIN")?,
            commit: conn.prepare("COMMIT")?,
        })
    }

    /// Begins a (deferred) transaction.
    pub(super) fn begin(&mut self) -> rusqlite::Result<()> {
        self.begin.raw_execute().map(drop)
    }

    /// Commits the transaction begun.
    pub(super) fn commit(&mut self) -> rusqlite::Result<()> {
        self.commit.raw_execute().map(drop)
    }

    /// Rolls back the transaction begun, if it is still open (a failed
    /// statement or commit leaves it so).
    pub(super) fn rollback(&self) {
        if !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::warn!("could not roll back a failed batch: {e}");
        }
    }

    /// Inserts one request inside the caller's transaction on the same
    /// connection; returns its id. Without `notes`, the request's webhook
    /// identity is found here.
    pub(super) fn insert(
        &mut self,
        r: &NewRequest,
        notes: Option<&CaptureNotes>,
    ) -> rusqlite::Result<i64> {
        let found;
        let (identity, answer) = match notes {
            Some(n) => (n.identity.as_ref(), n.answer.as_ref()),
            None => {
                found = crate::sign::identity::identify(&r.headers, &r.body);
                (found.as_ref(), None)
            }
        };
        let stmt = &mut self.request;
        stmt.raw_bind_parameter(1, r.session_id)?;
        stmt.raw_bind_parameter(2, r.received_at.0)?;
        stmt.raw_bind_parameter(3, &r.method)?;
        stmt.raw_bind_parameter(4, &r.target)?;
        stmt.raw_bind_parameter(5, path_of(&r.target))?;
        stmt.raw_bind_parameter(6, r.response.status)?;
        stmt.raw_bind_parameter(7, r.body.len() as i64)?;
        stmt.raw_bind_parameter(8, r.truncated)?;
        stmt.raw_bind_parameter(9, r.headers.find("content-type").map(|h| h.value_str()))?;
        stmt.raw_bind_parameter(10, &r.http_version)?;
        stmt.raw_bind_parameter(11, &r.remote_addr)?;
        stmt.raw_bind_parameter(12, identity.map(|i| i.provider.as_str()))?;
        stmt.raw_bind_parameter(13, identity.and_then(|i| i.event.as_deref()))?;
        stmt.raw_bind_parameter(14, identity.and_then(|i| i.delivery.as_deref()))?;
        stmt.raw_bind_parameter(15, identity.and_then(|i| i.retry.as_deref()))?;
        stmt.raw_bind_parameter(16, answer.map(|a| a.rule))?;
        stmt.raw_bind_parameter(17, answer.map(|a| a.step))?;
        stmt.raw_bind_parameter(18, answer.map(|a| &*a.answer))?;
        stmt.raw_bind_parameter(19, encode_headers(&r.headers))?;
        stmt.raw_bind_parameter(20, encode_headers(&r.response.headers))?;
        stmt.raw_bind_parameter(21, &r.response.body)?;
        stmt.raw_bind_parameter(22, &r.body)?;
        stmt.raw_execute()?;
        let id = self.conn.last_insert_rowid();
        if r.signature.is_some() || r.rejected.is_some() {
            let sig = r.signature.as_ref();
            self.conn
                .prepare_cached(INSERT_CHECK_SQL)?
                .execute(params![
                    id,
                    sig.map(|s| s.provider.as_str()),
                    sig.map(|s| s.outcome.as_str()),
                    sig.map(|s| s.reason.as_str()),
                    r.rejected,
                ])?;
        }
        if let Some(n) = notes.filter(|n| !n.response_id_at.is_empty()) {
            let body = fill_id(&r.response.body, &n.response_id_at, id);
            self.conn
                .prepare_cached(FILL_ID_SQL)?
                .execute(params![id, body])?;
        }
        Ok(id)
    }
}

/// Inserts requests inside the caller's transaction (an import); returns
/// their ids in order.
pub(super) fn insert_all<'a>(
    conn: &Connection,
    requests: impl Iterator<Item = &'a NewRequest>,
) -> rusqlite::Result<Vec<i64>> {
    let mut inserts = Inserts::prepare(conn)?;
    requests.map(|r| inserts.insert(r, None)).collect()
}
