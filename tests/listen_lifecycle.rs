//! Start-up, shutdown, durability and CI switches of `listen`.

use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::util::{Listener, run_ok, send_raw};

#[test]
fn exit_after_n_requests_exits_zero() {
    let mut l = Listener::start(&["--exit-after", "2", "--timeout", "20s"]);
    l.post("/1", &[], b"a");
    l.post("/2", &[], b"b");
    let status = l.wait_exit();
    assert_eq!(status.code(), Some(0));
    let ids = String::from_utf8(run_ok(&l.db, &["ls", "--json"])).unwrap();
    assert_eq!(ids.lines().count(), 2);
}

#[test]
fn a_timeout_before_exit_after_exits_124() {
    let mut l = Listener::start(&["--exit-after", "5", "--timeout", "300ms"]);
    l.post("/only-one", &[], b"a");
    assert_eq!(l.wait_exit().code(), Some(124));
    assert!(l.stderr().contains("timed out"));
}

#[test]
fn sigterm_flushes_and_exits_zero() {
    let mut l = Listener::start(&[]);
    for i in 0..20 {
        assert_eq!(l.post(&format!("/t/{i}"), &[], b"x").status, 200);
    }
    assert_eq!(l.terminate().code(), Some(0));
    let out = String::from_utf8(run_ok(&l.db, &["ls", "--json", "-n", "100"])).unwrap();
    assert_eq!(out.lines().count(), 20);
}

/// A closed terminal (SIGHUP) stops the listener as gracefully as SIGTERM:
/// everything stored, and the session's span closed with its bounds, so
/// later `session:`/`since:` queries stop at it.
#[test]
fn sighup_flushes_closes_the_span_and_exits_zero() {
    let mut l = Listener::start(&[]);
    for i in 0..5 {
        assert_eq!(l.post(&format!("/h/{i}"), &[], b"x").status, 200);
    }
    assert_eq!(l.signal("HUP").code(), Some(0));
    let out = String::from_utf8(run_ok(&l.db, &["ls", "--json", "--session", "latest"])).unwrap();
    assert_eq!(out.lines().count(), 5);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let spans: (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), min(first_id), max(last_id) FROM spans WHERE last_id IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(spans, (1, 1, 5));
    let open: i64 = conn
        .query_row(
            "SELECT count(*) FROM spans WHERE last_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 0);
}

#[test]
fn the_database_file_is_private() {
    let l = Listener::start(&[]);
    l.post("/p", &[], b"secret");
    for name in ["hookcap.db", "hookcap.db-wal"] {
        let mode = std::fs::metadata(l.dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is readable by others: {mode:o}");
    }
}

#[test]
fn it_binds_loopback_by_default() {
    let l = Listener::start(&[]);
    assert!(l.addr.ip().is_loopback());
}

#[test]
fn every_request_answered_2xx_survives_sigkill() {
    let mut l = Listener::start(&[]);
    let addr = l.addr;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..4)
        .map(|t| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let path = format!("/burst/{t}/{i}");
                    let req = format!("POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
                    let ok = std::panic::catch_unwind(|| send_raw(addr, req.as_bytes()).status).unwrap_or(0);
                    if (200..300).contains(&ok) {
                        acked.lock().unwrap().push(path);
                    }
                }
            })
        })
        .collect();
    while acked.lock().unwrap().len() < 200 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    l.child.kill().unwrap();
    l.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for s in senders {
        s.join().unwrap();
    }
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let mut stmt = conn.prepare("SELECT target FROM requests").unwrap();
    let stored: std::collections::HashSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let acked = acked.lock().unwrap();
    let lost: Vec<_> = acked.iter().filter(|p| !stored.contains(*p)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged requests lost: {lost:?}",
        lost.len(),
        acked.len()
    );
}

/// Makes files immutable for the test and always undoes it.
struct Immutable(Vec<std::path::PathBuf>);

impl Drop for Immutable {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(p)
                .status();
        }
    }
}

#[test]
fn a_database_that_turns_read_only_gets_503_not_200() {
    let l = Listener::start(&[]);
    assert_eq!(l.post("/before", &[], b"x").status, 200);
    let files: Vec<_> = ["hookcap.db", "hookcap.db-wal"]
        .iter()
        .map(|f| l.dir.path().join(f))
        .collect();
    let guard = Immutable(files.clone());
    let made = files.iter().all(|f| {
        std::process::Command::new("chattr")
            .arg("+i")
            .arg(f)
            .status()
            .is_ok_and(|s| s.success())
    });
    if !made {
        eprintln!("skipped: chattr +i is not available here (needs root on ext4-like filesystems)");
        return;
    }
    let res = l.post("/during", &[], b"y");
    assert_eq!(res.status, 503);
    assert!(res.header("retry-after").is_some());
    drop(guard);
    assert_eq!(
        l.post("/after", &[], b"z").status,
        200,
        "the listener kept serving"
    );
}

#[test]
fn a_database_locked_too_long_gets_503() {
    let l = Listener::start(&[]);
    assert_eq!(l.post("/before", &[], b"x").status, 200);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let res = l.post("/locked", &[], b"y");
    assert_eq!(res.status, 503);
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(l.post("/after", &[], b"z").status, 200);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::run(
        &dir.path().join("h.db"),
        &["listen", "--no-tui", "--port", &port],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen on 127.0.0.1:") && err.lines().count() == 1,
        "{err}"
    );
    assert!(
        err.contains("already in use") && err.contains("--port 0 picks a free one"),
        "{err}"
    );
    if std::path::Path::new("/proc/net/tcp").exists() {
        let holder = format!("(pid {})", std::process::id());
        assert!(
            err.contains(&holder),
            "names this test as the holder: {err}"
        );
    }
}

#[test]
fn no_tui_prints_a_closing_summary_with_the_right_plural() {
    let mut l = Listener::start(&[]);
    l.post("/one", &[], b"x");
    // Its line printed: the listener is serving (and handles SIGTERM).
    assert!(l.next_line().contains("/one"));
    assert_eq!(l.terminate().code(), Some(0));
    let err = l.stderr();
    let want = format!(
        "hookcap: session 1 captured 1 request into {}",
        l.db.display()
    );
    assert!(err.lines().any(|line| line == want), "{err}");
}
