//! Sessions on a [`Store`]: recording one, looking one up, and resolving
//! `session:latest` (which filters, listings and deletes all need).

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError};
use crate::filter::SessionSel;
use crate::model::{Session, SessionMode, Timestamp};

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
