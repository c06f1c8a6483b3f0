//! Webhook awareness end to end: answers that follow rules, what a real
//! client sees of `drop` and `hang`, and `deliveries` judging a sender's retries.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::util::{Listener, RawResponse, run, run_ok, show_json};

/// A Stripe event `evt` signed with `secret` at the current time (a fresh
/// timestamp per attempt, as Stripe does), as raw request bytes.
fn stripe_request(evt: &str, secret: &str) -> Vec<u8> {
    use hookcap::Timestamp;
    use hookcap::{ProviderKind, Secret, SignInput, provider};
    let body = format!(r#"{{"id":"{evt}","object":"event","type":"invoice.paid","data":{{}}}}"#);
    let signed = provider(ProviderKind::Stripe, None)
        .unwrap()
        .sign(
            &Secret::from_bytes(secret),
            &SignInput::new(body.as_bytes(), Timestamp::now()),
        )
        .unwrap();
    let mut head = format!(
        "POST /stripe HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in &signed.headers {
        head.push_str(&format!("{}: {}\r\n", h.name, h.value_str()));
    }
    head.push_str("Connection: close\r\n\r\n");
    [head.into_bytes(), body.into_bytes()].concat()
}

/// A sender that retries until it gets a 2xx (at most 4 attempts): after an
/// answer with `Retry-After` it waits that long when `honour` is set, and
/// otherwise (and after answers without it) 50 ms.
fn send_with_retries(l: &Listener, evt: &str, secret: &str, honour: bool) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = l.send_raw(&stripe_request(evt, secret));
        statuses.push(res.status);
        if (200..300).contains(&res.status) {
            break;
        }
        let asked = res
            .header("retry-after")
            .and_then(|v| v.parse::<u64>().ok());
        let wait = match (honour, asked) {
            (true, Some(secs)) => Duration::from_secs(secs),
            _ => Duration::from_millis(50),
        };
        std::thread::sleep(wait);
    }
    statuses
}

fn deliveries(l: &Listener, args: &[&str]) -> (i32, String) {
    let out = run(&l.db, &[&["deliveries"], args].concat());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_sender_that_honours_retry_after_passes_deliveries_strict() {
    let l = Listener::start(&["--respond", "provider:stripe => 503 Retry-After:1, 200"]);
    assert_eq!(send_with_retries(&l, "evt_good", "whsec", true), [503, 200]);
    // A second delivery is answered 503 first too: sequences count per delivery.
    assert_eq!(send_with_retries(&l, "evt_next", "whsec", true), [503, 200]);
    let (code, out) = deliveries(&l, &["--strict", "--secret", "whsec"]);
    assert_eq!(code, 0, "{out}");
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("stripe invoice.paid evt_good  2 attempts: 503 200"),
        "{out}"
    );
    assert!(first.contains("✓ Retry-After honoured"), "{out}");
    assert!(
        first.contains("✓ signature valid on every attempt, timestamp refreshed"),
        "{out}"
    );
    let ls = String::from_utf8(run_ok(&l.db, &["ls", "delivery:evt_good"])).unwrap();
    assert!(
        ls.contains("invoice.paid") && ls.contains("attempt 2/2 (+1s)"),
        "{ls}"
    );
    let doc = show_json(&l.db, "2");
    assert_eq!(doc["hook"]["answered_by"]["rule"], 1);
    assert_eq!(doc["hook"]["answered_by"]["step"], 2);
    assert_eq!(doc["hook"]["attempt"]["number"], 2);
}

#[test]
fn a_sender_that_ignores_retry_after_fails_with_a_verdict_that_says_so() {
    let l = Listener::start(&["--respond", "provider:stripe => 503 Retry-After:1, 200"]);
    assert_eq!(
        send_with_retries(&l, "evt_rude", "whsec", false),
        [503, 200]
    );
    let (code, out) = deliveries(&l, &["--strict"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("✗ Retry-After ignored: attempt 2 came"),
        "{out}"
    );
    let (code, json) = deliveries(&l, &["--json"]);
    assert_eq!(
        code, 0,
        "without --strict a failed verdict is only reported"
    );
    let doc: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["verdicts"][1]["name"], "retry_after");
    assert_eq!(doc["attempts"][0]["retry_after_s"], 1);
}

#[test]
fn slack_url_verification_is_answered_with_the_challenge_by_a_rule() {
    let l = Listener::start(&[
        "--respond",
        "json:/type=url_verification => 200 Content-Type:text/plain {{json:/challenge}}",
    ]);
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV","type":"url_verification"}"#;
    let res = l.post(
        "/slack/events",
        &[
            "Content-Type: application/json",
            "X-Slack-Request-Timestamp: 1531420618",
        ],
        body,
    );
    assert_eq!(
        (res.status, res.body.as_slice()),
        (200, &b"3eZbrw1aBm2rZgRNFdxV"[..])
    );
    assert_eq!(res.header("content-type"), Some("text/plain"));
    let other = l.post("/slack/events", &[], b"{}");
    assert_eq!(
        (other.status, other.body.len()),
        (200, 0),
        "the default answer"
    );
    let ls = String::from_utf8(run_ok(&l.db, &["ls", "provider:slack"])).unwrap();
    assert!(ls.contains("url_verification"), "{ls}");
    let show = String::from_utf8(run_ok(&l.db, &["show", "1"])).unwrap();
    assert!(
        show.contains("rule #1, step 1: 200 Content-Type:text/plain {{json:/challenge}}"),
        "{show}"
    );
}

#[test]
fn an_id_template_answers_and_stores_the_request_id() {
    let l = Listener::start(&["--respond", "=> 201 {\"stored\":{{id}}}"]);
    l.post("/a", &[], b"x");
    let res = l.post("/b", &[], b"y");
    assert_eq!(
        (res.status, res.body.as_slice()),
        (201, &b"{\"stored\":2}"[..])
    );
    let doc = show_json(&l.db, "2");
    assert_eq!(doc["response"]["body"]["data"], "{\"stored\":2}");
}

/// Sends `path` and reads what comes back within `wait`: the bytes, and
/// whether the server closed the connection.
fn observe(l: &Listener, path: &str, wait: Duration) -> (Vec<u8>, bool) {
    let mut stream = TcpStream::connect(l.addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let req = format!("POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
    stream.write_all(req.as_bytes()).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return (got, false);
            }
            Err(_) => return (got, true),
        }
    }
}

#[test]
fn drop_and_hang_are_stored_and_seen_by_a_real_client() {
    let l = Listener::start(&[
        "--respond",
        "path:/drop => drop",
        "--respond",
        "path:/hang => hang",
    ]);
    let (bytes, closed) = observe(&l, "/drop", crate::util::PATIENCE);
    assert!(bytes.is_empty() && closed, "dropped: closed with no answer");
    let (bytes, closed) = observe(&l, "/hang", Duration::from_secs(1));
    assert!(bytes.is_empty() && !closed, "hung: open, no answer");
    let ok: RawResponse = l.post("/fine", &[], b"");
    assert_eq!(ok.status, 200, "other requests are answered meanwhile");
    let ls = String::from_utf8(run_ok(&l.db, &["ls"])).unwrap();
    let status_of = |path: &str| {
        ls.lines()
            .find(|line| line.contains(path))
            .unwrap_or_else(|| panic!("{path} is stored: {ls}"))
            .to_owned()
    };
    assert!(status_of("/drop").contains(" drop "), "{ls}");
    assert!(status_of("/hang").contains(" hang "), "{ls}");
    let show = String::from_utf8(run_ok(&l.db, &["show", "1"])).unwrap();
    assert!(
        show.contains("answered nothing: the connection was closed (a drop rule)"),
        "{show}"
    );
}

#[test]
fn a_bad_rule_stops_listen_with_a_line_that_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::hookcap()
        .args(["listen", "--port", "0", "--no-tui", "--db"])
        .arg(dir.path().join("h.db"))
        .args([
            "--respond",
            "method:POST => 200",
            "--respond",
            "stauts:2xx => 500",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("hookcap: error: --respond #2 \"stauts:2xx => 500\": invalid filter term"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn diff_compares_requests_across_sessions_and_with_a_har_entry() {
    let l = Listener::start(&[]);
    let ct = "Content-Type: application/json";
    l.post(
        "/gh",
        &[ct, "X-GitHub-Event: pull_request"],
        br#"{"action":"opened","pull_request":{"title":"a"}}"#,
    );
    l.post(
        "/gh",
        &[ct, "X-GitHub-Event: pull_request", "X-New: 1"],
        br#"{"action":"opened","pull_request":{"title":"b"}}"#,
    );
    let out = run(&l.db, &["diff", "1", "2"]);
    assert_eq!(out.status.code(), Some(1), "they differ");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("+ X-New: 1"), "{text}");
    assert!(
        text.contains("/pull_request/title: \"a\" → \"b\""),
        "{text}"
    );
    assert!(
        !text.contains("Content-Length"),
        "same length, not listed: {text}"
    );

    let har = l.dir.path().join("hooks.har");
    run_ok(
        &l.db,
        &["export", "--format", "har", "-o", har.to_str().unwrap()],
    );
    let entry = format!("{}#2", har.display());
    let same = run(&l.db, &["diff", "2", &entry]);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    let json = run(
        &l.db,
        &["diff", "last", &format!("{}#1", har.display()), "--json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["diff"]["same"], false);
    assert_eq!(doc["diff"]["body"]["kind"], "json");
    assert_eq!(doc["diff"]["headers"][0]["kind"], "removed", "{doc}");
    let missing = run(&l.db, &["diff", "1", &format!("{}#9", har.display())]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("has 2 entries"));
}
