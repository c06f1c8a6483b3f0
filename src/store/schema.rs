//! Schema versions and migrations, tracked in `PRAGMA user_version`.
//!
//! Each migration is a numbered `.sql` file in `migrations/`, applied in one
//! transaction. A database newer than the last migration is refused, never touched.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// The migrations in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_checks.sql"),
    include_str!("migrations/003_deliveries.sql"),
    include_str!("migrations/004_spans.sql"),
    include_str!("migrations/005_hooks.sql"),
    include_str!("migrations/006_relay.sql"),
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// hookcap's mark in the database header (`PRAGMA application_id`, the field
/// SQLite reserves for telling which application a file belongs to): "hkcp".
pub const APPLICATION_ID: i64 = 0x686b_6370;

/// Whose database a file is, judged by reading only (before anything is
/// written to it, not even the switch to WAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// No tables and no marks yet: hookcap may create its schema.
    Empty,
    /// A hookcap database; `marked` is false for ones created before the
    /// [`APPLICATION_ID`] mark (recognised by their schema version and tables).
    Hookcap {
        /// The header carries [`APPLICATION_ID`].
        marked: bool,
    },
    /// Another application's database: never touched.
    Other,
}

/// Reads the marks and the table names of `conn`'s database.
pub(super) fn owner(conn: &Connection) -> rusqlite::Result<Owner> {
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id == APPLICATION_ID {
        return Ok(Owner::Hookcap { marked: true });
    }
    if app_id != 0 {
        return Ok(Owner::Other);
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let (objects, ours): (i64, i64) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name IN ('sessions', 'requests')) \
         FROM sqlite_master",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (version, objects, ours) {
        (0, 0, _) => Owner::Empty,
        (1.., _, 2) => Owner::Hookcap { marked: false },
        _ => Owner::Other,
    })
}

/// Puts hookcap's mark in the header of a database it created or migrated.
pub(super) fn mark(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "application_id", APPLICATION_ID)
}

/// Applies every migration the database has not seen yet.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > CURRENT_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            known: CURRENT_VERSION,
        });
    }
    if found == CURRENT_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_database_reaches_the_current_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, CURRENT_VERSION);
    }

    #[test]
    fn migrating_twice_is_harmless() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
    }

    #[test]
    fn requests_stored_before_spans_get_one_closed_span_per_session() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute_batch(
            "INSERT INTO sessions (id, started_at, url, mode) VALUES (1, 0, 'u', 'listen'), (2, 0, 'u', 'listen');
             INSERT INTO requests (id, session_id, received_at, method, target, path, status, body_size,
                 truncated, http_version, remote_addr, headers, response_headers, response_body, body)
             VALUES (1, 1, 30, 'GET', '/', '/', 200, 0, 0, 'HTTP/1.1', 'a', x'', x'', x'', x''),
                    (2, 2, 10, 'GET', '/', '/', 200, 0, 0, 'HTTP/1.1', 'a', x'', x'', x'', x''),
                    (3, 1, 20, 'GET', '/', '/', 200, 0, 0, 'HTTP/1.1', 'a', x'', x'', x'', x'');",
        )
        .unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let spans: Vec<(i64, i64, i64, i64, i64)> = conn
            .prepare("SELECT session_id, first_id, last_id, min_at, max_at FROM spans ORDER BY session_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(spans, [(1, 1, 3, 20, 30), (2, 2, 2, 10, 10)]);
        let indexes: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'requests_by_%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 0, "the per-request indexes are gone");
    }

    fn owner_of(sql: &str) -> Owner {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        owner(&conn).unwrap()
    }

    #[test]
    fn owners_are_told_apart_by_their_marks_and_tables() {
        assert_eq!(owner_of(""), Owner::Empty);
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(owner(&conn).unwrap(), Owner::Hookcap { marked: false });
        mark(&conn).unwrap();
        assert_eq!(owner(&conn).unwrap(), Owner::Hookcap { marked: true });
        for other in [
            "CREATE TABLE notes(x)",
            "PRAGMA user_version = 3; CREATE TABLE notes(x)",
            "PRAGMA application_id = 42",
            "PRAGMA user_version = 7",
            "PRAGMA user_version = 2; CREATE TABLE sessions(x)",
        ] {
            assert_eq!(owner_of(other), Owner::Other, "{other}");
        }
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 5)
            .unwrap();
        let err = migrate(&mut conn, Path::new("x.db")).unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found, .. } if found == CURRENT_VERSION + 5)
        );
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}
