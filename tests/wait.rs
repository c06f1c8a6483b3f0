//! `hookcap wait` end to end: a listener process, a `wait` process, and the
//! test as the sender.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Listener, hookcap, run};

/// Starts `hookcap wait ARGS --db DB` in the background.
fn spawn_wait(db: &std::path::Path, args: &[&str]) -> Child {
    hookcap()
        .arg("wait")
        .args(args)
        .arg("--db")
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookcap wait starts")
}

/// Waits for the child to exit; returns (code, stdout, stderr).
fn finish(child: Child) -> (Option<i32>, String, String) {
    let out = child.wait_with_output().expect("wait output");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn still_running(child: &mut Child) -> bool {
    child.try_wait().expect("try_wait").is_none()
}

#[test]
fn requests_sent_before_wait_started_count() {
    let l = Listener::start(&[]);
    l.post("/early", &["Content-Type: application/json"], br#"{"n":1}"#);
    let out = run(&l.db, &["wait", "json:/n=1", "--timeout", "10s", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (doc["target"].as_str(), doc["body"]["data"].as_str()),
        (Some("/early"), Some(r#"{"n":1}"#))
    );
}

#[test]
fn wait_blocks_until_enough_matching_requests_arrive() {
    let l = Listener::start(&[]);
    let mut w = spawn_wait(
        &l.db,
        &["method:PUT", "--count", "2", "--timeout", "20s", "--json"],
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(still_running(&mut w), "nothing sent yet");
    l.post("/not-a-put", &[], b"x");
    l.send_raw(b"PUT /one HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nConnection: close\r\n\r\n1");
    std::thread::sleep(Duration::from_millis(300));
    assert!(still_running(&mut w), "one of two matched");
    l.send_raw(b"PUT /two HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nConnection: close\r\n\r\n2");
    let (code, stdout, stderr) = finish(w);
    assert_eq!(code, Some(0), "{stderr}");
    let targets: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["target"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(targets, ["/one", "/two"]);
}

#[test]
fn a_timeout_exits_1_and_says_how_many_matched() {
    let l = Listener::start(&[]);
    l.post("/a", &[], b"x");
    let started = Instant::now();
    let out = run(&l.db, &["wait", "--count", "3", "--timeout", "400ms"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() >= Duration::from_millis(400));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("timed out") && err.contains("1 of 3"), "{err}");
}

#[test]
fn new_counts_only_requests_after_wait_started() {
    let l = Listener::start(&[]);
    l.post("/before", &[], b"x");
    let out = run(&l.db, &["wait", "--new", "--timeout", "300ms"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the earlier request does not count"
    );
    let w = spawn_wait(&l.db, &["--new", "--timeout", "20s"]);
    std::thread::sleep(Duration::from_millis(1000));
    l.post("/after", &[], b"y");
    let (code, stdout, stderr) = finish(w);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("/after") && !stdout.contains("/before"),
        "{stdout}"
    );
}

#[test]
fn wait_follows_the_latest_session() {
    let mut first = Listener::start(&[]);
    first.post("/old-session", &[], b"x");
    first.terminate();
    let mut second = KillOnDrop(
        hookcap()
            .args(["listen", "--port", "0", "--no-tui", "--db"])
            .arg(&first.db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    let stdout = second.0.stdout.as_mut().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    assert!(line.starts_with("Listening on"), "{line}");
    let out = run(&first.db, &["wait", "--timeout", "300ms"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the old session's request must not count"
    );
    let out = run(&first.db, &["wait", "session:1", "--timeout", "5s"]);
    assert_eq!(out.status.code(), Some(0), "unless its session is named");
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_database_that_does_not_exist_yet_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hookcap.db");
    let w = spawn_wait(&db, &["path:/late", "--timeout", "20s"]);
    std::thread::sleep(Duration::from_millis(400));
    let l = Listener::start_in(dir, &[]);
    assert_eq!(l.db, db);
    l.post("/late", &[], b"z");
    let (code, stdout, stderr) = finish(w);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("/late"), "{stdout}");
}

#[test]
fn a_database_that_never_appears_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("none.db"), &["wait", "--timeout", "200ms"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 of 1"));
    assert!(
        !dir.path().join("none.db").exists(),
        "wait never creates a database"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    assert_eq!(run(&db, &["wait", "--count", "0"]).status.code(), Some(2));
    let out = run(&db, &["wait", "status:2yx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("status:2yx"));
}

/// A second `listen` on `db` (a newer session), killed when dropped.
fn second_listener(db: &std::path::Path) -> (KillOnDrop, std::net::SocketAddr) {
    let mut child = KillOnDrop(
        hookcap()
            .args(["listen", "--port", "0", "--no-tui", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    let stdout = child.0.stdout.as_mut().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    let addr = crate::util::listening_addr(line.trim_end()).expect("the listening line");
    (child, addr)
}

#[test]
fn a_timeout_names_the_session_watched_and_the_matches_elsewhere() {
    let first = Listener::start(&[]);
    first.post("/pay", &[], b"x");
    first.post("/pay", &[], b"y");
    let (_second, _) = second_listener(&first.db);
    let out = run(&first.db, &["wait", "path:/pay", "--timeout", "300ms"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "0 of 1 matching requests in session 2 (the latest); \
             2 more in other sessions (--session any counts them)"
        ),
        "{err}"
    );
    let out = run(
        &first.db,
        &["wait", "path:/pay", "--session", "2", "--timeout", "200ms"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in session 2; 2 more in other"), "{err}");
}

#[test]
fn session_any_counts_every_session_and_an_id_one() {
    let first = Listener::start(&[]);
    first.post("/pay", &[], b"x");
    let (_second, addr) = second_listener(&first.db);
    let later = b"POST /pay HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nConnection: close\r\n\r\nz";
    assert_eq!(crate::util::send_raw(addr, later).status, 200);
    let out = run(
        &first.db,
        &[
            "wait",
            "path:/pay",
            "--session",
            "any",
            "--count",
            "2",
            "--timeout",
            "5s",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    let out = run(
        &first.db,
        &[
            "wait",
            "--session",
            "1",
            "--count",
            "2",
            "--timeout",
            "200ms",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 of 2 matching requests in session 1; 1 more in another session"),
        "{err}"
    );
    let out = run(
        &first.db,
        &["wait", "--session", "latest", "--timeout", "5s"],
    );
    assert_eq!(out.status.code(), Some(0), "session 2 has one");
}

#[test]
fn session_flag_errors_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let out = run(&db, &["wait", "--session", "first"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("any, latest or a session id"));
    let out = run(&db, &["wait", "session:1", "--session", "any"]);
    assert_eq!(out.status.code(), Some(2));
}
