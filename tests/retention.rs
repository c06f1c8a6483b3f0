//! `rm`, `prune` and `listen --keep` delete exactly what they say, also while a
//! listener writes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::util::{Listener, run, run_ok, send_raw};

fn count(db: &std::path::Path) -> usize {
    String::from_utf8(run_ok(db, &["ls", "--json", "-n", "100000"]))
        .unwrap()
        .lines()
        .count()
}

fn filled(n: usize) -> Listener {
    let l = Listener::start(&[]);
    for i in 0..n {
        if i % 2 == 0 {
            l.post(&format!("/p/{i}"), &[], b"x");
        } else {
            l.send_raw(
                format!("GET /g/{i} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes(),
            );
        }
    }
    l
}

#[test]
fn rm_deletes_ids_and_says_when_one_did_not_exist() {
    let l = filled(5);
    let out = String::from_utf8(run_ok(&l.db, &["rm", "1", "2"])).unwrap();
    assert!(out.starts_with("deleted 2 requests"), "{out}");
    assert_eq!(count(&l.db), 3);
    let out = run(&l.db, &["rm", "3", "99"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of the 2 ids"));
    assert_eq!(count(&l.db), 2);
    assert_eq!(run(&l.db, &["rm", "abc"]).status.code(), Some(2));
}

#[test]
fn rm_all_needs_confirmation_off_a_terminal() {
    let l = filled(6);
    let out = run(&l.db, &["rm", "--all", "method:GET"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(count(&l.db), 6, "nothing deleted");
    let out = String::from_utf8(run_ok(&l.db, &["rm", "--all", "method:GET", "--yes"])).unwrap();
    assert!(out.starts_with("deleted 3 requests"), "{out}");
    assert_eq!(count(&l.db), 3);
    run_ok(&l.db, &["rm", "--all", "--yes"]);
    assert_eq!(count(&l.db), 0);
}

#[test]
fn rm_all_gives_the_space_back() {
    let l = Listener::start(&[]);
    let big = vec![b'x'; 200_000];
    for _ in 0..10 {
        l.post("/big", &[], &big);
    }
    let out = String::from_utf8(run_ok(&l.db, &["rm", "--all", "--yes"])).unwrap();
    assert!(
        out.contains("reclaimed 1.") || out.contains("reclaimed 2."),
        "{out}"
    );
}

#[test]
fn prune_deletes_only_what_is_older() {
    let l = filled(4);
    // Import two requests received in 2020 next to the four fresh ones.
    let old: Vec<String> = String::from_utf8(run_ok(&l.db, &["export", "id:<=2"]))
        .unwrap()
        .lines()
        .map(|line| {
            let mut doc: serde_json::Value = serde_json::from_str(line).unwrap();
            doc["received_at"] = "2020-01-01T00:00:00.000000Z".into();
            doc.to_string()
        })
        .collect();
    let file = l.dir.path().join("old.ndjson");
    std::fs::write(&file, old.join("\n")).unwrap();
    run_ok(&l.db, &["import", file.to_str().unwrap()]);
    assert_eq!(count(&l.db), 6);
    let out = String::from_utf8(run_ok(&l.db, &["prune", "--older-than", "7d"])).unwrap();
    assert!(
        out.starts_with("deleted 2 requests received before"),
        "{out}"
    );
    assert_eq!(count(&l.db), 4);
    run_ok(&l.db, &["prune", "--older-than", "1h"]);
    assert_eq!(count(&l.db), 4);
}

#[test]
fn listen_keep_keeps_only_the_newest() {
    let mut l = Listener::start(&["--keep", "3"]);
    for i in 0..10 {
        l.post(&format!("/k/{i}"), &[], b"x");
    }
    assert_eq!(l.terminate().code(), Some(0));
    let ids: Vec<i64> = String::from_utf8(run_ok(&l.db, &["ls", "--json"]))
        .unwrap()
        .lines()
        .map(|s| {
            serde_json::from_str::<serde_json::Value>(s).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [10, 9, 8]);
}

#[test]
fn deleting_while_a_listener_writes_loses_no_acknowledged_request() {
    let l = Listener::start(&[]);
    let addr = l.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut statuses = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let req = b"POST /w HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
                statuses.push(send_raw(addr, req).status);
            }
            statuses
        })
    };
    for _ in 0..5 {
        run_ok(&l.db, &["rm", "--all", "--yes"]);
        run_ok(&l.db, &["prune", "--older-than", "0s"]);
    }
    stop.store(true, Ordering::SeqCst);
    let statuses = sender.join().unwrap();
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|&s| s == 200),
        "every request answered 200"
    );
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

/// Runs `hookcap ARGS` on a pseudo-terminal (util-linux `script`), typing `input`.
fn on_a_terminal(db: &std::path::Path, args: &str, input: &str) -> Option<std::process::Output> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let available = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("skipped: needs util-linux script");
        return None;
    }
    let bin = env!("CARGO_BIN_EXE_hookcap");
    let cmd = format!("{bin} {args} --db {}", db.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("HOOKCAP_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

#[test]
fn rm_all_asks_on_a_terminal_and_respects_the_answer() {
    let l = filled(4);
    let Some(no) = on_a_terminal(&l.db, "rm --all method:GET", "n\n") else {
        return;
    };
    let said = String::from_utf8_lossy(&no.stdout);
    assert!(said.contains("Delete 2 requests? [y/N]"), "{said}");
    assert_eq!(no.status.code(), Some(1));
    assert_eq!(count(&l.db), 4);
    let yes = on_a_terminal(&l.db, "rm --all method:GET", "y\n").unwrap();
    assert_eq!(
        yes.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&yes.stdout)
    );
    assert_eq!(count(&l.db), 2);
}
