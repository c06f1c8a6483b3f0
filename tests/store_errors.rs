//! Databases hookcap cannot use give one clear line and exit code 2.

use crate::util::run;

#[test]
fn a_garbage_file_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("junk.db");
    std::fs::write(&db, vec![0x42u8; 8192]).unwrap();
    for args in [&["ls"][..], &["listen", "--port", "0", "--no-tui"]] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not a hookcap database") && err.lines().count() == 1,
            "{err}"
        );
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    // A newer hookcap's database carries hookcap's mark ("hkcp").
    conn.pragma_update(None, "application_id", 0x686b_6370)
        .unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    conn.execute_batch("CREATE TABLE t(x)").unwrap();
    drop(conn);
    let out = run(&db, &["ls"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("newer hookcap") && err.contains("999"),
        "{err}"
    );
}

#[test]
fn a_missing_database_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("none.db"), &["ls"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
}

/// An error's cause is said once: `--db` in a place that cannot hold a file
/// used to print the OS error twice ("…: No such file or directory (os error
/// 2): No such file or directory (os error 2)").
#[test]
fn a_database_that_cannot_be_created_names_its_cause_once() {
    let out = run(
        std::path::Path::new("/proc/hookcap-test/x.db"),
        &["listen", "--port", "0", "--no-tui"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot create /proc/hookcap-test/x.db"),
        "{err}"
    );
    assert_eq!(err.matches("(os error").count(), 1, "{err}");
}

/// `--db` pointing at another application's SQLite file is refused with one
/// line and exit 2, and the file is left exactly as it was: no hookcap
/// tables added, not switched to WAL.
#[test]
fn another_applications_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    for args in [&["listen", "--port", "0", "--no-tui"][..], &["ls"]] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("another application's SQLite database") && err.lines().count() == 1,
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is unchanged");
    let wal = dir.path().join("notes.db-wal");
    assert!(!wal.exists(), "not switched to WAL");
}

/// A database hookcap created gets its mark, and an empty SQLite file is
/// still taken as a fresh one.
#[test]
fn an_empty_sqlite_file_becomes_a_marked_hookcap_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    drop(rusqlite::Connection::open(&db).unwrap());
    let out = run(&db, &["ls"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mark: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mark, 0x686b_6370);
}
