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

/// A request whose body is still arriving: its head has `Expect:
/// 100-continue`, so the listener's `100 Continue` shows the request is in
/// flight (being read) before the test goes on.
fn slow_upload(addr: std::net::SocketAddr) -> std::net::TcpStream {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(crate::util::PATIENCE)).unwrap();
    s.write_all(
        b"POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n",
    )
    .unwrap();
    let mut continued = [0u8; 25];
    s.read_exact(&mut continued).unwrap();
    assert!(continued.starts_with(b"HTTP/1.1 100"), "{continued:?}");
    s.write_all(b"only the start").unwrap();
    s
}

/// Waits until the listener stops accepting (its first signal was handled).
fn wait_until_closed(addr: std::net::SocketAddr) {
    let deadline = std::time::Instant::now() + crate::util::PATIENCE;
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(std::time::Instant::now() < deadline, "still accepting");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Everything the client got before the listener went away: never a 2xx.
fn assert_no_2xx(mut s: std::net::TcpStream) {
    let mut got = Vec::new();
    let _ = std::io::Read::read_to_end(&mut s, &mut got);
    assert!(
        !got.starts_with(b"HTTP/1.1 2"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn a_second_signal_quits_at_once_with_a_request_in_flight() {
    let mut l = Listener::start(&["--drain-timeout", "10m"]);
    let upload = slow_upload(l.addr);
    let pid = l.child.id().to_string();
    let kill = |sig: &str| {
        std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap()
    };
    kill("-INT");
    wait_until_closed(l.addr);
    kill("-INT");
    assert_eq!(l.wait_exit().code(), Some(0));
    let err = l.stderr();
    assert!(
        err.contains("waiting for 1 in-flight request (Ctrl-C again to quit now)"),
        "{err}"
    );
    assert!(
        err.contains("quitting now: cut off 1 in-flight request"),
        "{err}"
    );
    assert_no_2xx(upload);
}

#[test]
fn the_drain_timeout_ends_the_process_with_a_request_in_flight() {
    let mut l = Listener::start(&["--drain-timeout", "1s"]);
    let upload = slow_upload(l.addr);
    // The client never finishes: only the deadline can end this.
    assert_eq!(l.terminate().code(), Some(0));
    let err = l.stderr();
    assert!(err.contains("waiting for 1 in-flight request"), "{err}");
    assert!(
        err.contains("--drain-timeout 1s passed: cut off 1 in-flight request"),
        "{err}"
    );
    assert_no_2xx(upload);
    assert_eq!(
        String::from_utf8(run_ok(&l.db, &["ls", "--json"])).unwrap(),
        "",
        "nothing was stored for the cut-off request"
    );
}

#[test]
fn a_request_in_flight_when_stopped_is_answered_before_the_exit() {
    use std::io::Write;
    let mut l = Listener::start(&["--delay", "1s"]);
    let mut s = std::net::TcpStream::connect(l.addr).unwrap();
    s.set_read_timeout(Some(crate::util::PATIENCE)).unwrap();
    s.write_all(
        b"POST /late HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
    )
    .unwrap();
    let mut continued = [0u8; 25];
    std::io::Read::read_exact(&mut s, &mut continued).unwrap();
    s.write_all(b"ok").unwrap();
    assert_eq!(l.terminate().code(), Some(0));
    let res = crate::util::read_response(&mut std::io::BufReader::new(s));
    assert_eq!(res.status, 200);
    assert!(l.stderr().contains("waiting for 1 in-flight request"));
}

/// `listen --json > /dev/full`: the listening line cannot be written, so
/// stderr says once that output is off (with the URL), and capture goes on.
#[test]
fn a_full_disk_turns_output_off_but_capture_goes_on() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = crate::util::hookcap()
        .args(["listen", "--json", "--port", "0", "--db"])
        .arg(&db)
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("output is off"), "{line}");
    let addr: std::net::SocketAddr = line
        .split("listening on http://")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    for i in 0..2 {
        let req = format!("POST /kept/{i} HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx");
        assert_eq!(send_raw(addr, req.as_bytes()).status, 200);
    }
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(!rest.contains("output is off"), "said once: {rest}");
    let out = String::from_utf8(run_ok(&db, &["ls", "--json"])).unwrap();
    assert_eq!(out.lines().count(), 2);
}

/// `listen --json | head -1`: once the reader is gone the listener stops at
/// once (no request needed to find out) and exits 3, never hanging its caller.
#[test]
fn a_closed_stdout_pipe_stops_the_listener_with_exit_3() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut child = crate::util::hookcap()
        .args(["listen", "--json", "--port", "0", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = crate::util::listening_addr(first.trim()).expect("the listening event");
    assert_eq!(
        send_raw(
            addr,
            b"POST /kept HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx"
        )
        .status,
        200
    );
    drop(stdout);
    let deadline = std::time::Instant::now() + crate::util::PATIENCE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(3));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("stdout was closed"), "{err}");
    let out = String::from_utf8(run_ok(&db, &["ls", "--json"])).unwrap();
    assert_eq!(out.lines().count(), 1, "what was answered is stored");
}

fn targets(db: &std::path::Path) -> Vec<String> {
    let out = String::from_utf8(run_ok(db, &["ls", "--json", "-n", "100"])).unwrap();
    let mut t: Vec<String> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["target"].as_str().unwrap().to_owned()
        })
        .collect();
    t.sort();
    t
}

fn remove_database(db: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}

/// Deleting the database under a running listener: the next request is
/// stored in a fresh database at the path (never a 2xx into the deleted one).
#[test]
fn a_deleted_database_is_started_over_and_nothing_answered_is_lost() {
    let mut l = Listener::start(&[]);
    assert_eq!(l.post("/before", &[], b"x").status, 200);
    remove_database(&l.db);
    for i in 0..3 {
        assert_eq!(l.post(&format!("/after/{i}"), &[], b"x").status, 200);
    }
    assert_eq!(targets(&l.db), ["/after/0", "/after/1", "/after/2"]);
    // The printed lines go on with the new session.
    let lines: Vec<String> = (0..4).map(|_| l.next_line()).collect();
    assert!(lines[3].contains("/after/2"), "{lines:?}");
    assert_eq!(l.terminate().code(), Some(0));
    let err = l.stderr();
    assert!(
        err.contains("was deleted while listening: started over"),
        "{err}"
    );
    assert_eq!(targets(&l.db).len(), 3, "still there after the stop");
}

/// Replacing the database file (`mv other.db hookcap.db`): the listener
/// goes on in the file put there, in a new session; the old file's log,
/// left at the path, is not read into it.
#[test]
fn a_replaced_database_is_written_from_then_on() {
    let l = Listener::start(&[]);
    assert_eq!(l.post("/before", &[], b"x").status, 200);
    let mut other = Listener::start(&[]);
    assert_eq!(other.post("/other", &[], b"x").status, 200);
    assert_eq!(other.terminate().code(), Some(0));
    std::fs::rename(&other.db, &l.db).unwrap();
    assert_eq!(l.post("/after", &[], b"x").status, 200);
    assert_eq!(targets(&l.db), ["/after", "/other"]);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let sessions: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 2, "a new session beside the other file's own");
}

/// A file that is not a database put in its place: 503 (never 200) until
/// the path can be used again.
#[test]
fn a_database_replaced_by_garbage_gets_503_until_it_can_start_over() {
    let l = Listener::start(&[]);
    assert_eq!(l.post("/before", &[], b"x").status, 200);
    let junk = l.dir.path().join("junk");
    std::fs::write(&junk, vec![0x42u8; 8192]).unwrap();
    std::fs::rename(&junk, &l.db).unwrap();
    let res = l.post("/refused", &[], b"x");
    assert_eq!(res.status, 503);
    assert!(res.header("retry-after").is_some());
    remove_database(&l.db);
    let deadline = std::time::Instant::now() + crate::util::PATIENCE;
    // It tries again at most once a second: 503 until then, never 200 early.
    loop {
        let status = l.post("/later", &[], b"x").status;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(std::time::Instant::now() < deadline, "never started over");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(targets(&l.db), ["/later"]);
}
