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
