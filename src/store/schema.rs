//! Schema versions and migrations, tracked in `PRAGMA user_version`.
//!
//! Each migration is a numbered `.sql` file in `migrations/`, applied in one
//! transaction. A database newer than the last migration is refused, never touched.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// The migrations in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_checks.sql"),
    include_str!("migrations/003_deliveries.sql"),
    include_str!("migrations/004_spans.sql"),
    include_str!("migrations/005_hooks.sql"),
    include_str!("migrations/006_relay.sql"),
    include_str!("migrations/007_hook_columns.sql"),
];

/// The migrations (by number) that rewrite every request row: slow on a big
/// database, so a line on stderr says what is going on.
const REWRITES_REQUESTS: &[i64] = &[7];

/// From this many stored requests on, a rewrite is announced.
const BIG_DATABASE_ROWS: i64 = 100_000;

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

/// Applies every migration the database has not seen yet, in one transaction.
///
/// Foreign keys are off meanwhile (SQLite ignores the switch inside a
/// transaction): a migration that rebuilds `requests` drops the old table,
/// which with foreign keys on would delete every row that references it.
/// Before the commit `foreign_key_check` must find nothing amiss.
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
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let migrated = apply(conn, path);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    migrated
}

fn apply(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated meanwhile.
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    announce_rewrite(&tx, path, found)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    if let Some(table) = broken {
        // Dropping the transaction rolls every migration back.
        return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
            Some(format!(
                "migrating {}: {table} has rows without their parent",
                path.display()
            )),
        )));
    }
    tx.commit()?;
    Ok(())
}

/// Says on stderr (as a warning, so it shows by default) that the pending
/// migrations rewrite every request of a big database, before they start.
fn announce_rewrite(conn: &Connection, path: &Path, found: i64) -> rusqlite::Result<()> {
    if found < 1 || !REWRITES_REQUESTS.iter().any(|&n| n > found) {
        return Ok(());
    }
    let rows: i64 = conn.query_row("SELECT count(*) FROM requests", [], |r| r.get(0))?;
    if rows >= BIG_DATABASE_ROWS {
        tracing::warn!(
            "upgrading {}: rewriting its {rows} requests once to store webhook facts in their rows \
             (about {} s; nothing else can write to it meanwhile)",
            path.display(),
            rewrite_seconds(rows)
        );
    }
    Ok(())
}

/// A generous estimate of a rewrite's duration, from the 1,000,000-row
/// measurement in docs/performance.md.
fn rewrite_seconds(rows: i64) -> i64 {
    (rows / 50_000).max(1)
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

    /// A database of schema 6 (facts in the `hooks` side table, the relay's
    /// tables) with checks, deliveries and relayed requests: its facts move
    /// into the request rows, its deliveries are indexed, and nothing that
    /// references a request is lost, or left behind when the request is
    /// deleted afterwards.
    #[test]
    fn webhook_facts_move_into_the_requests_and_their_references_stay() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(
            "INSERT INTO sessions (id, started_at, url, mode) VALUES (1, 0, 'u', 'listen');
             INSERT INTO requests (id, session_id, received_at, method, target, path, status, body_size,
                 truncated, http_version, remote_addr, headers, response_headers, response_body, body)
             VALUES (1, 1, 10, 'POST', '/a', '/a', 503, 2, 0, 'HTTP/1.1', 'a', x'01', x'02', x'03', x'7b7d'),
                    (2, 1, 20, 'POST', '/a', '/a', 200, 2, 0, 'HTTP/1.1', 'a', x'', x'', x'', x'7b7d'),
                    (3, 1, 30, 'GET', '/b', '/b', 200, 0, 0, 'HTTP/1.1', 'a', x'', x'', x'', x'');
             INSERT INTO hooks (request_id, provider, event, delivery, retry, rule, step, answer)
             VALUES (1, 'github', 'push', 'd1', NULL, 1, 1, '503'),
                    (2, 'github', 'push', 'd1', 'again', 1, 2, '200'),
                    (3, NULL, NULL, NULL, NULL, 2, 1, '200');
             INSERT INTO checks (request_id, sig_provider, sig_outcome) VALUES (1, 'github', 'valid');
             INSERT INTO deliveries (request_id, kind, destination, started_at, duration_us,
                 response_truncated, response_headers, response_body)
             VALUES (2, 'replay', 'http://x', 0, 1, 0, x'', x'');
             INSERT INTO relayed (request_id, relay_url, relay_instance, relay_id, peer,
                 relay_received_at, sha256, raw_head)
             VALUES (1, 'https://r.test/c/gh', 'i1', 7, 'p', 5, x'00', x'01');
             INSERT INTO relay_queue (channel_id, request_id, raw_head, sha256)
             VALUES (1, 3, NULL, x'00');",
        )
        .unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let enforced: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(enforced, "foreign keys are on again");
        type Facts = (
            i64,
            Option<String>,
            Option<String>,
            Option<i64>,
            Vec<u8>,
            Vec<u8>,
        );
        let rows: Vec<Facts> = conn
            .prepare("SELECT id, delivery, retry, step, headers, body FROM requests ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, Some("d1".into()), None, Some(1), vec![1], b"{}".to_vec()),
                (
                    2,
                    Some("d1".into()),
                    Some("again".into()),
                    Some(2),
                    vec![],
                    b"{}".to_vec()
                ),
                (3, None, None, Some(1), vec![], vec![]),
            ]
        );
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT count(*) FROM sqlite_master WHERE name LIKE 'hooks%'"),
            0
        );
        assert_eq!(count("SELECT count(*) FROM delivery_index"), 2);
        assert_eq!(count("SELECT upto FROM delivery_watermark"), 3);
        assert_eq!(count("SELECT count(*) FROM checks"), 1);
        assert_eq!(count("SELECT count(*) FROM deliveries"), 1);
        assert_eq!(count("SELECT request_id FROM relayed"), 1);
        assert_eq!(count("SELECT request_id FROM relay_queue"), 3);
        // The references point at the new table: deleting cascades, and the
        // delete leaves the delivery index.
        conn.execute("DELETE FROM requests WHERE id IN (1, 2)", [])
            .unwrap();
        assert_eq!(count("SELECT count(*) FROM checks"), 0);
        assert_eq!(count("SELECT count(*) FROM deliveries"), 0);
        assert_eq!(count("SELECT count(*) FROM relayed"), 0);
        assert_eq!(count("SELECT count(*) FROM delivery_index"), 0);
        let orphan = conn.execute(
            "INSERT INTO checks (request_id, sig_outcome) VALUES (99, 'valid')",
            [],
        );
        assert!(orphan.is_err(), "a check of no request is refused");
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

    /// A database file as the previous release left it (schema 6, marked,
    /// facts in `hooks`) opens with this build's store, which reads the same
    /// facts and attempts from the rebuilt rows, and captures go on after them.
    #[test]
    fn a_database_of_the_previous_schema_opens_with_its_webhook_facts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..6] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 6).unwrap();
            mark(&conn).unwrap();
            conn.execute_batch(
                "INSERT INTO sessions (id, started_at, url, mode) VALUES (1, 0, 'u', 'listen');
                 INSERT INTO requests (id, session_id, received_at, method, target, path, status,
                     body_size, truncated, http_version, remote_addr, headers, response_headers,
                     response_body, body)
                 VALUES (1, 1, 1000000, 'POST', '/a', '/a', 503, 2, 0, 'HTTP/1.1', 'a', x'', x'', x'', x'7b7d'),
                        (2, 1, 3000000, 'POST', '/a', '/a', 200, 2, 0, 'HTTP/1.1', 'a', x'', x'', x'', x'7b7d');
                 INSERT INTO hooks (request_id, provider, event, delivery, retry, rule, step, answer)
                 VALUES (1, 'github', 'push', 'd1', NULL, 1, 1, '503'),
                        (2, 'github', 'push', 'd1', NULL, 1, 2, '200');",
            )
            .unwrap();
        }
        let store = crate::store::Store::open_existing(&path).unwrap();
        let facts = store.hook_facts(&[1, 2]).unwrap();
        let second = &facts[&2];
        let identity = second.identity.as_ref().unwrap();
        assert_eq!(
            (identity.provider.as_str(), identity.event.as_deref()),
            ("github", Some("push"))
        );
        assert_eq!(
            second.attempt,
            Some(crate::model::AttemptInfo {
                number: 2,
                of: 2,
                since_previous: Some(std::time::Duration::from_secs(2)),
                dup: false,
            })
        );
        let answer = second.answer.as_ref().unwrap();
        assert_eq!((answer.rule, answer.step, &*answer.answer), (1, 2, "200"));
        assert_eq!(facts[&1].attempt.map(|a| (a.number, a.of)), Some((1, 2)));
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, CURRENT_VERSION);
    }
}
