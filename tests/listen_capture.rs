//! What `listen` captures and answers, request by request.

use std::time::{Duration, Instant};

use crate::util::{Listener, run_ok, show_json};

fn header_pairs(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["headers"]
        .as_array()
        .expect("headers array")
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap_or("<binary>").to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_binary_body_round_trips_byte_exact() {
    let l = Listener::start(&[]);
    let body: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let res = l.post("/bin", &["Content-Type: application/octet-stream"], &body);
    assert_eq!(res.status, 200);
    assert_eq!(run_ok(&l.db, &["show", "last", "--raw"]), body);
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["body"]["encoding"], "base64");
    assert_eq!(doc["body"]["size"], 5000);
}

#[test]
fn header_order_case_and_duplicates_are_preserved() {
    let l = Listener::start(&[]);
    l.send_raw(b"POST /h HTTP/1.1\r\nhost: x\r\nX-Dup: 1\r\nx-MiXeD: m\r\nx-dup: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let doc = show_json(&l.db, "last");
    let pairs = header_pairs(&doc);
    let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "X-Dup",
            "x-MiXeD",
            "x-dup",
            "Content-Length",
            "Connection"
        ]
    );
    assert_eq!(pairs[3].1, "2");
}

#[test]
fn a_chunked_body_is_stored_de_chunked() {
    let l = Listener::start(&[]);
    let res = l.send_raw(b"POST /c?x=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    assert_eq!(res.status, 200);
    assert_eq!(run_ok(&l.db, &["show", "last", "--raw"]), b"hello world");
    assert_eq!(show_json(&l.db, "last")["target"], "/c?x=1");
}

#[test]
fn an_empty_body_is_stored_as_empty() {
    let l = Listener::start(&[]);
    let res = l.send_raw(b"GET /empty HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_eq!(res.status, 200);
    let doc = show_json(&l.db, "last");
    assert_eq!(
        (doc["method"].as_str(), doc["body"]["size"].as_u64()),
        (Some("GET"), Some(0))
    );
}

#[test]
fn an_oversized_body_gets_413_and_is_stored_truncated() {
    let l = Listener::start(&["--max-body", "1KiB"]);
    let body = vec![b'a'; 3000];
    let res = l.post("/big", &[], &body);
    assert_eq!(res.status, 413);
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["truncated"], true);
    assert_eq!(doc["body"]["size"], 1024);
    assert_eq!(doc["response"]["status"], 413);
}

#[test]
fn the_response_can_be_shaped() {
    let l = Listener::start(&[
        "--status",
        "202",
        "--body",
        "{\"ok\":true}",
        "-H",
        "Content-Type: application/json",
        "-H",
        "X-Test: yes",
        "--delay",
        "300ms",
    ]);
    let started = Instant::now();
    let res = l.post("/shaped", &[], b"x");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the delay was applied"
    );
    assert_eq!(res.status, 202);
    assert_eq!(res.body, b"{\"ok\":true}");
    assert_eq!(res.header("x-test"), Some("yes"));
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(show_json(&l.db, "last")["response"]["status"], 202);
}

#[test]
fn a_body_file_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.txt");
    std::fs::write(&file, "from a file").unwrap();
    let l = Listener::start(&["--body", &format!("@{}", file.display())]);
    assert_eq!(l.post("/f", &[], b"").body, b"from a file");
}

#[test]
fn malformed_http_gets_400_and_the_listener_stays_up() {
    let l = Listener::start(&[]);
    assert_eq!(l.send_raw(b"NOT HTTP AT ALL\r\n\r\n").status, 400);
    assert_eq!(l.post("/after", &[], b"ok").status, 200);
}

#[test]
fn headless_output_is_one_line_per_request() {
    let l = Listener::start(&[]);
    l.post("/one", &["Content-Type: text/plain"], b"abc");
    let line = l.next_line();
    assert!(
        line.starts_with("#1 ")
            && line.contains("POST /one")
            && line.contains("text/plain")
            && line.ends_with("200"),
        "{line}"
    );
}

#[test]
fn json_output_is_ndjson_with_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let mut child = crate::util::hookcap()
        .args(["listen", "--port", "0", "--json", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
    let first: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(first["event"], "listening");
    let addr: std::net::SocketAddr = first["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    crate::util::send_raw(
        addr,
        b"PUT /j HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    );
    line.clear();
    std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (
            event["event"].as_str(),
            event["id"].as_i64(),
            event["method"].as_str()
        ),
        (Some("request"), Some(1), Some("PUT"))
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn escape_sequences_never_reach_the_terminal_raw() {
    let l = Listener::start(&[]);
    let res = l.post(
        "/evil",
        &["X-Evil: a\x1b[2Jb\x07", "Content-Type: application/json"],
        b"{\"x\":\"\x1b]0;pwned\x07\xc2\x9b31m\"}",
    );
    assert_eq!(res.status, 200, "hostile headers are still captured");
    let line = l.next_line();
    for args in [
        &["ls"][..],
        &["show", "last"],
        &["show", "last", "--color", "always"],
    ] {
        let out = String::from_utf8(run_ok(&l.db, args)).unwrap();
        let hostile = out.contains("\x1b[2J")
            || out.contains("\x1b]0;")
            || out.contains('\x07')
            || out.contains('\u{9b}');
        assert!(!hostile, "{args:?} printed a raw escape: {out:?}");
        if args.len() > 1 {
            assert!(
                out.contains("a\\x1b[2Jb"),
                "{args:?} shows the header escaped: {out}"
            );
        }
    }
    assert!(!line.contains('\x1b'));
    let doc = show_json(&l.db, "last");
    assert!(
        header_pairs(&doc).iter().any(|(_, v)| v == "a\x1b[2Jb\x07"),
        "stored byte-exact"
    );
}

#[test]
fn a_stalled_body_is_cut_off_stored_and_answered_408() {
    use std::io::{BufReader, Write};
    let l = Listener::start(&["--body-timeout", "300ms"]);
    let mut stream = std::net::TcpStream::connect(l.addr).unwrap();
    stream
        .write_all(b"POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial")
        .unwrap();
    let res = crate::util::read_response(&mut BufReader::new(stream));
    assert_eq!(res.status, 408);
    let doc = show_json(&l.db, "last");
    assert_eq!(
        (doc["truncated"].as_bool(), doc["body"]["data"].as_str()),
        (Some(true), Some("partial"))
    );
}

#[test]
fn a_client_stuck_in_its_head_is_disconnected_and_others_are_served() {
    use std::io::{Read, Write};
    let l = Listener::start(&["--header-timeout", "300ms"]);
    let mut stuck = std::net::TcpStream::connect(l.addr).unwrap();
    stuck
        .write_all(b"POST /never-finished HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    stuck.set_read_timeout(Some(crate::util::PATIENCE)).unwrap();
    let mut rest = Vec::new();
    let closed = stuck.read_to_end(&mut rest);
    assert!(
        closed.is_ok(),
        "the listener closed the connection: {closed:?}"
    );
    assert!(
        !rest.starts_with(b"HTTP/1.1 2"),
        "a stuck client is never acknowledged"
    );
    assert_eq!(l.post("/ok", &[], b"x").status, 200);
}
