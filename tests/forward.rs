//! `hookcap forward`: capture, pass on to an in-test app, relay and record its answer.

use std::time::{Duration, Instant};

use crate::util::{
    Behavior, Listener, Upstream, closed_port, github_headers, run_ok, show_json, split_request,
};

/// `text` with each listener mark in it (`hookcap-` and 12 hex digits)
/// written as `hookcap-MARK`, for comparing with what is expected.
fn mask_marks(text: &str) -> String {
    let mut parts = text.split("hookcap-");
    let mut masked = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        let (mark, rest) = part.split_at(part.len().min(12));
        assert!(
            mark.len() == 12 && mark.bytes().all(|b| b.is_ascii_hexdigit()),
            "a mark of 12 hex digits: {text:?}"
        );
        masked.push_str("hookcap-MARK");
        masked.push_str(rest);
    }
    masked
}

/// A request with mixed-case and duplicate headers, hop-by-hop fields, and a binary body.
fn hostile_request(body: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "POST /hook?a=1&b=%20 HTTP/1.1\r\n\
         Host: hooks.example\r\n\
         X-Signature: sha256=abc\r\n\
         content-TYPE: application/octet-stream\r\n\
         Connection: close, X-Hop\r\n\
         X-Hop: only-for-hookcap\r\n\
         Keep-Alive: timeout=5\r\n\
         X-Dup: 1\r\n\
         X-Dup: 2\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw
}

#[test]
fn the_app_gets_the_callers_bytes_and_the_caller_gets_the_apps() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&format!("{}/base", app.url()), &[]);
    let body: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let res = l.send_raw(&hostile_request(&body));

    let seen = app.requests();
    assert_eq!(seen.len(), 1);
    let (head, sent_body) = split_request(&seen[0]);
    let head: Vec<String> = head.iter().map(|line| mask_marks(line)).collect();
    assert_eq!(sent_body, body, "body bytes unchanged");
    let expected = [
        "POST /base/hook?a=1&b=%20 HTTP/1.1".to_owned(),
        format!("Host: {}", app.addr),
        "X-Signature: sha256=abc".into(),
        "content-TYPE: application/octet-stream".into(),
        "X-Dup: 1".into(),
        "X-Dup: 2".into(),
        format!("Content-Length: {}", body.len()),
        "x-forwarded-for: 127.0.0.1".into(),
        "x-forwarded-proto: http".into(),
        "x-forwarded-host: hooks.example".into(),
        "via: 1.1 hookcap-MARK".into(),
    ];
    assert_eq!(
        head, expected,
        "order, case, hop-by-hop removed, X-Forwarded-* and Via added"
    );

    assert_eq!(res.status, 201);
    assert_eq!(res.body, seen[0], "the caller gets the app's body");
    let names: Vec<&str> = res.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names[..3],
        ["X-Echo-Case", "X-App-Case", "Content-Type"],
        "the caller gets the app's fields in order, in Title-Case: {:?}",
        res.headers
    );

    let doc = show_json(&l.db, "last");
    assert_eq!(doc["response"]["status"], 201, "what the caller got");
    let d = &doc["deliveries"][0];
    assert_eq!(
        (d["kind"].as_str(), d["status"].as_u64()),
        (Some("forward"), Some(201))
    );
    assert_eq!(
        d["destination"],
        format!("{}/base/hook?a=1&b=%20", app.url())
    );
    assert_eq!(
        d["response"]["body"]["size"].as_u64(),
        Some(seen[0].len() as u64)
    );
    let recorded: Vec<&str> = d["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(
        recorded,
        [
            "X-Echo-Case",
            "x-app-case",
            "Content-Type",
            "Content-Length"
        ],
        "the delivery keeps the app's fields exactly"
    );
    assert!(d["error"].is_null() && d["duration_us"].as_u64().is_some());
}

#[test]
fn an_answer_of_unknown_length_is_relayed_and_recorded() {
    let app = Upstream::start(Behavior::Chunked);
    let l = Listener::forward(&app.url(), &[]);
    let res = l.post("/chunked", &[], b"");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("transfer-encoding"), Some("chunked"));
    assert!(String::from_utf8_lossy(&res.body).contains("abc"));
    let d = &show_json(&l.db, "last")["deliveries"][0];
    assert_eq!(d["response"]["body"]["data"], "abcdef");
    assert!(d["error"].is_null(), "{d}");
    let shown = String::from_utf8(run_ok(&l.db, &["show", "last"])).unwrap();
    let answer = format!("Answer 200 from {}/chunked", app.url());
    let at = shown.find(&answer).unwrap_or_else(|| panic!("{shown}"));
    assert!(shown[at..].contains("abcdef"), "the app's body: {shown}");
}

#[test]
fn preserve_host_passes_the_callers_host_on() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &["--preserve-host"]);
    l.post("/h", &[], b"x");
    let (head, _) = split_request(&app.requests()[0]);
    assert_eq!(head[1], "Host: test");
}

#[test]
fn an_app_that_is_down_gets_502_and_the_request_is_kept() {
    let l = Listener::forward(&closed_port().to_string(), &[]);
    let res = l.post("/down", &["Content-Type: application/json"], b"{\"id\":1}");
    assert_eq!(res.status, 502);
    assert!(String::from_utf8_lossy(&res.body).contains("stored for replay"));
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["body"]["data"], "{\"id\":1}");
    assert_eq!(doc["response"]["status"], 502);
    let d = &doc["deliveries"][0];
    assert!(d["status"].is_null(), "no answer: {d}");
    assert!(
        d["error"].as_str().is_some_and(|e| e.contains("refused")),
        "{d}"
    );
    let line = l.next_line();
    assert!(
        line.contains("POST /down") && line.contains("→ 502"),
        "{line}"
    );
    let shown = String::from_utf8(run_ok(&l.db, &["show", "last"])).unwrap();
    let at = shown
        .find("Answer 502\n")
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(shown[at..].contains("stored for replay"), "{shown}");
}

#[test]
fn a_slow_app_gets_504_after_the_upstream_timeout() {
    let app = Upstream::start(Behavior::Slow(Duration::from_secs(3)));
    let l = Listener::forward(&app.url(), &["--upstream-timeout", "300ms"]);
    let started = Instant::now();
    let res = l.post("/slow", &[], b"");
    assert_eq!(res.status, 504);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "did not wait for the app"
    );
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["response"]["status"], 504);
    assert!(
        doc["deliveries"][0]["error"]
            .as_str()
            .unwrap()
            .contains("300ms")
    );
}

#[test]
fn the_headless_line_shows_the_apps_status_and_time() {
    let app = Upstream::start(Behavior::Status(503));
    let l = Listener::forward(&app.url(), &[]);
    assert_eq!(l.post("/hook", &[], b"{}").status, 503);
    let line = l.next_line();
    assert!(
        line.starts_with("#1 ") && line.contains("POST /hook"),
        "{line}"
    );
    let (_, after) = line.split_once("→ 503 ").expect("status");
    assert!(after.ends_with("ms") || after.ends_with('s'), "{line}");
}

#[test]
fn exit_after_counts_answered_requests_and_json_lines_carry_the_delivery() {
    let app = Upstream::start(Behavior::Echo);
    let mut l = Listener::forward(&app.url(), &["--json", "--exit-after", "2"]);
    l.post("/1", &[], b"a");
    l.post("/2", &[], b"b");
    assert!(l.wait_exit().success());
    let events: Vec<serde_json::Value> = (0..2)
        .map(|_| serde_json::from_str(&l.next_line()).unwrap())
        .collect();
    for e in &events {
        assert_eq!(e["status"], 201);
        assert_eq!(e["delivery"]["kind"], "forward");
        assert_eq!(e["delivery"]["status"], 201);
    }
}

#[test]
fn concurrent_requests_are_all_forwarded_and_recorded() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &[]);
    let addr = l.addr;
    std::thread::scope(|s| {
        for i in 0..8 {
            s.spawn(move || {
                let raw = format!(
                    "POST /c/{i} HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{i}"
                );
                assert_eq!(crate::util::send_raw(addr, raw.as_bytes()).status, 201);
            });
        }
    });
    assert_eq!(app.requests().len(), 8);
    for _ in 0..8 {
        assert!(l.next_line().contains("→ 201"));
    }
}

#[test]
fn bodies_over_the_limit_or_stalled_are_answered_by_hookcap_and_not_passed_on() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(
        &app.url(),
        &["--max-body", "16B", "--body-timeout", "300ms"],
    );
    let res = l.post("/big", &[], &[b'x'; 64]);
    assert_eq!(res.status, 413);

    // Announces 10 bytes, sends 3, then goes silent.
    let mut stream = std::net::TcpStream::connect(l.addr).unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc",
    )
    .unwrap();
    let res = crate::util::read_response(&mut std::io::BufReader::new(stream));
    assert_eq!(res.status, 408);

    assert!(app.requests().is_empty(), "the app saw nothing");
    for (id, status) in [("1", 413), ("2", 408)] {
        let doc = show_json(&l.db, id);
        assert_eq!(doc["response"]["status"], status);
        assert_eq!(doc["truncated"], true);
        assert_eq!(doc["deliveries"].as_array().map(Vec::len), Some(0));
    }
}

#[test]
fn exit_after_with_match_counts_only_matching_answered_requests() {
    let app = Upstream::start(Behavior::Echo);
    let mut l = Listener::forward(
        &app.url(),
        &["--json", "--exit-after", "1", "--match", "path:/yes*"],
    );
    l.post("/no", &[], b"a");
    let first: serde_json::Value = serde_json::from_str(&l.next_line()).unwrap();
    assert_eq!(first["target"], "/no");
    assert!(l.child.try_wait().unwrap().is_none(), "still running");
    l.post("/yes", &[], b"b");
    assert!(l.wait_exit().success());
    let second: serde_json::Value = serde_json::from_str(&l.next_line()).unwrap();
    assert_eq!(
        (&second["target"], &second["status"]),
        (&"/yes".into(), &201.into())
    );
}

#[test]
fn har_export_has_the_apps_answer() {
    let app = Upstream::start(Behavior::Status(202));
    let mut l = Listener::forward(&app.url(), &[]);
    assert_eq!(l.post("/hook", &[], b"{}").status, 202);
    l.next_line();
    l.terminate();
    let har: serde_json::Value =
        serde_json::from_slice(&crate::util::run_ok(&l.db, &["export", "--format", "har"]))
            .unwrap();
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["response"]["status"], 202);
    assert!(entry["time"].as_f64().unwrap() > 0.0);
    let line = crate::util::run_ok(&l.db, &["export"]);
    let doc: serde_json::Value = serde_json::from_slice(&line).unwrap();
    assert_eq!(doc["deliveries"][0]["status"], 202);
}

#[test]
fn verify_reject_invalid_answers_401_without_passing_the_request_on() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(
        &app.url(),
        &["--verify", "github", "--secret", "S", "--reject-invalid"],
    );
    let signed = github_headers(b"{\"ok\":true}", "S");
    let signed: Vec<&str> = signed.iter().map(String::as_str).collect();

    let tampered = l.post("/tampered", &signed, b"{\"ok\":false}");
    assert_eq!(tampered.status, 401);
    assert!(app.requests().is_empty(), "the app saw nothing");
    let line = l.next_line();
    assert!(
        line.contains("→ 401") && line.contains("✗ github") && line.contains("rejected"),
        "{line}"
    );

    let valid = l.post("/valid", &signed, b"{\"ok\":true}");
    assert_eq!(valid.status, 201, "the app's answer");
    let seen = app.requests();
    assert_eq!(seen.len(), 1);
    assert!(String::from_utf8_lossy(&seen[0]).starts_with("POST /valid "));
    let line = l.next_line();
    assert!(
        line.contains("→ 201") && line.ends_with("✓ github"),
        "{line}"
    );

    let rejected = show_json(&l.db, "1");
    assert_eq!(rejected["signature"]["outcome"], "invalid");
    assert_eq!(rejected["response"]["status"], 401);
    assert_eq!(rejected["deliveries"].as_array().map(Vec::len), Some(0));
    let forwarded = show_json(&l.db, "2");
    assert_eq!(forwarded["signature"]["outcome"], "valid");
    assert!(forwarded["rejected"].is_null());
    assert_eq!(forwarded["deliveries"][0]["status"], 201);
}

#[test]
fn require_token_and_allow_ip_reject_before_forwarding() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &["--require-token", "t0k"]);
    assert_eq!(l.post("/no", &[], b"{}").status, 401);
    assert_eq!(l.post("/yes", &["X-Gitlab-Token: t0k"], b"{}").status, 201);
    let l2 = Listener::forward(&app.url(), &["--allow-ip", "10.0.0.0/8"]);
    assert_eq!(l2.post("/far", &[], b"{}").status, 403);
    let seen = app.requests();
    assert_eq!(seen.len(), 1, "only the request with the token");
    assert!(String::from_utf8_lossy(&seen[0]).starts_with("POST /yes "));
}

/// An app on a raw socket answering every request with mixed-case header
/// names (`Server`, `X-Mixed-Case`), as real frameworks write them.
fn mixed_case_app() -> std::net::SocketAddr {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the app");
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            let _ = std::io::Read::read_exact(&mut reader, &mut body);
            let mut writer = stream;
            let _ = writer.write_all(
                b"HTTP/1.1 200 OK\r\nServer: X\r\nX-Mixed-Case: y\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
            );
        }
    });
    addr
}

/// Forward reads the app's answer with the byte-exact reader of `src/http/`,
/// which keeps header names as the app sent them (hyper's client lowercased
/// them: `server`, `x-mixed-case`).
#[test]
fn a_forward_delivery_keeps_the_header_case_the_app_sent() {
    let app = mixed_case_app();
    let l = Listener::forward(&format!("http://{app}"), &[]);
    let res = l.post("/case", &[], b"{}");
    assert_eq!(res.status, 200);
    let doc = show_json(&l.db, "last");
    let names: Vec<&str> = doc["deliveries"][0]["response"]["headers"]
        .as_array()
        .expect("the app's headers")
        .iter()
        .filter_map(|h| h[0].as_str())
        .collect();
    assert!(
        names.contains(&"Server") && names.contains(&"X-Mixed-Case"),
        "the case the app sent: {names:?}"
    );
}

#[test]
fn repeated_fields_reach_the_app_byte_exact_in_arrival_order_and_case() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &[]);
    let res = l.send_raw(
        b"POST /order?x=1 HTTP/1.1\r\nX-A: 1\r\nhost: test\r\nx-b: 2\r\nx-a: 3\r\nX-B: 4\r\n\
          X-A: 5\r\nx-FORWARDED-for: 10.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\
          \r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    );
    assert_eq!(res.status, 201);
    let seen = app.requests();
    let expected = format!(
        "POST /order?x=1 HTTP/1.1\r\nX-A: 1\r\nhost: {}\r\nx-b: 2\r\nx-a: 3\r\nX-B: 4\r\n\
         X-A: 5\r\nx-FORWARDED-for: 10.0.0.1\r\nContent-Length: 5\r\n\
         x-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: test\r\n\
         via: 1.1 hookcap-MARK\r\n\r\nabcde",
        app.addr
    );
    assert_eq!(
        mask_marks(&String::from_utf8_lossy(&seen[0])),
        expected,
        "no regrouping, no re-casing; the chunked body goes out with its length"
    );
}

#[test]
fn an_https_app_is_reached_with_k_and_refused_without_it() {
    let app = Upstream::start_tls(Behavior::Echo);
    let target = format!("https://localhost:{}/base", app.addr.port());
    let l = Listener::forward(&target, &["-k"]);
    let res = l.post("/tls", &["X-Dup: 1", "x-dup: 2"], b"secret");
    assert_eq!(res.status, 201);
    let (head, body) = split_request(&app.requests()[0]);
    assert_eq!(
        head[..2],
        [
            "POST /base/tls HTTP/1.1".to_owned(),
            format!("Host: localhost:{}", app.addr.port())
        ]
    );
    assert_eq!(head[3..5], ["X-Dup: 1", "x-dup: 2"]);
    assert_eq!(body, b"secret");
    let d = &show_json(&l.db, "last")["deliveries"][0];
    assert_eq!(d["destination"], format!("{target}/tls"));
    assert_eq!(d["status"], 201);

    let strict = Listener::forward(&target, &[]);
    let res = strict.post("/tls", &[], b"x");
    assert_eq!(res.status, 502);
    let d = &show_json(&strict.db, "last")["deliveries"][0];
    assert!(
        d["error"]
            .as_str()
            .is_some_and(|e| e.contains("certificate")),
        "an untrusted certificate is named: {d}"
    );
    assert_eq!(app.requests().len(), 1, "nothing went out unverified");
}

#[test]
fn an_app_that_drops_idle_connections_still_gets_every_request_once() {
    let app = Upstream::start(Behavior::CloseAfterAnswer);
    let l = Listener::forward(&app.url(), &[]);
    for i in 0..4 {
        let res = l.post(&format!("/n{i}"), &[], b"x");
        assert_eq!((res.status, res.body.as_slice()), (200, &b"once"[..]));
    }
    assert_eq!(
        app.request_lines(),
        (0..4)
            .map(|i| format!("POST /n{i} HTTP/1.1"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn options_asterisk_reaches_the_app_as_asterisk_with_or_without_a_base_path() {
    let app = Upstream::start(Behavior::Status(200));
    for target in [app.url(), format!("{}/base", app.url())] {
        let l = Listener::forward(&target, &[]);
        let res = l.send_raw(b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assert_eq!(res.status, 200, "{target}");
        let doc = show_json(&l.db, "last");
        assert_eq!(doc["target"], "*", "stored as sent");
        let d = &doc["deliveries"][0];
        assert_eq!(
            d["destination"],
            app.url(),
            "asterisk-form has no path (RFC 9112 §3.3): {target}"
        );
        assert_eq!(d["status"], 200);
    }
    assert_eq!(
        app.request_lines(),
        ["OPTIONS * HTTP/1.1", "OPTIONS * HTTP/1.1"],
        "the server as a whole is asked, never a path under the base"
    );
}

#[test]
fn an_app_that_switches_protocols_gets_the_sender_a_502_and_an_error_recorded() {
    let app = Upstream::start(Behavior::SwitchProtocols);
    let l = Listener::forward(&app.url(), &[]);
    let plain = l.post("/plain", &[], b"{}");
    // A WebSocket handshake: `Upgrade` is hop-by-hop, so the app is not
    // asked to switch either.
    let asked = l.send_raw(
        b"GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
          Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    for (res, id) in [(plain, "1"), (asked, "2")] {
        assert_eq!(res.status, 502, "request {id}");
        let text = String::from_utf8_lossy(&res.body).into_owned();
        assert!(text.contains("switched protocols"), "{text}");
        let doc = show_json(&l.db, id);
        assert_eq!(doc["response"]["status"], 502, "what the sender got");
        let d = &doc["deliveries"][0];
        assert_eq!(d["status"], 101, "what the app answered: {d}");
        assert!(
            d["error"]
                .as_str()
                .is_some_and(|e| e.contains("the app switched protocols without being asked")),
            "{d}"
        );
    }
    let seen = app.requests();
    assert_eq!(seen.len(), 2, "each went out once");
    let (head, _) = split_request(&seen[1]);
    assert!(
        !head
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("upgrade:")
                || l.to_ascii_lowercase().starts_with("connection:")),
        "no upgrade was asked of the app: {head:?}"
    );
}

#[test]
fn a_target_that_is_the_listener_itself_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hookcap.db");
    let port = closed_port().to_string();
    for target in [
        port.clone(),
        format!(":{port}"),
        format!("localhost:{port}"),
        format!("http://127.0.0.1:{port}/base"),
        format!("0.0.0.0:{port}"),
        format!("https://localhost:{port}"),
    ] {
        // Without the check it would run: --timeout ends it, with 124.
        let out = crate::util::hookcap()
            .args(["forward", &target, "--port", &port, "--no-tui"])
            .args(["--exit-after", "1", "--timeout", "3s", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains(&format!(
                "is this listener itself (listening on 127.0.0.1:{port})"
            )),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "never listening: {:?}", out.stdout);
    }
}

/// The request rows of a listener's database, oldest first.
fn stored(l: &Listener) -> Vec<serde_json::Value> {
    let out = run_ok(&l.db, &["ls", "--json", "--limit", "1000"]);
    let mut rows: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    rows.reverse();
    rows
}

/// The values of a stored request's `Via` field lines, in order.
fn via_values(doc: &serde_json::Value) -> Vec<String> {
    doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("via"))
        .map(|h| h[1].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn two_forwarders_pointing_at_each_other_stop_the_loop_with_508() {
    // A → B → A. Without loop detection the chain grows until something
    // gives out; --upstream-timeout bounds how long the first caller waits.
    let a_port = closed_port();
    let b = Listener::forward(
        &format!("127.0.0.1:{a_port}"),
        &["--upstream-timeout", "5s"],
    );
    let a = Listener::forward_on(a_port, &b.addr.to_string(), &["--upstream-timeout", "5s"]);

    let res = a.post("/hook", &[], b"{}");
    assert_eq!(res.status, 508, "{}", String::from_utf8_lossy(&res.body));
    assert!(String::from_utf8_lossy(&res.body).contains("loop detected"));

    let (at_a, at_b) = (stored(&a), stored(&b));
    assert_eq!((at_a.len(), at_b.len()), (2, 1), "A: {at_a:?}\nB: {at_b:?}");

    // A's first row: passed on to B, which relayed A's own 508 back.
    let first = show_json(&a.db, "1");
    let d = &first["deliveries"][0];
    assert_eq!(d["destination"], format!("http://{}/hook", b.addr));
    assert_eq!(
        (d["status"].as_u64(), &d["error"]),
        (Some(508), &serde_json::Value::Null)
    );
    // B's row: passed on to A, which refused it.
    let middle = show_json(&b.db, "1");
    let d = &middle["deliveries"][0];
    assert_eq!(d["destination"], format!("http://127.0.0.1:{a_port}/hook"));
    assert_eq!(d["status"], 508);
    let [from_a] = &via_values(&middle)[..] else {
        panic!("B got A's mark: {middle}");
    };
    assert!(from_a.starts_with("1.1 hookcap-"), "{from_a}");
    // A's second row: the same request back again, stored, marked, not passed on.
    let back = show_json(&a.db, "2");
    assert_eq!(back["response"]["status"], 508);
    assert!(
        back["rejected"]
            .as_str()
            .is_some_and(|r| r.contains("loop detected")),
        "{back}"
    );
    assert_eq!(back["deliveries"].as_array().map(Vec::len), Some(0));
    let vias = via_values(&back);
    assert_eq!(vias.len(), 2, "A's mark, then B's: {vias:?}");
    assert_eq!(&vias[0], from_a);
    assert_ne!(vias[0], vias[1], "each process has a mark of its own");
}

#[test]
fn via_is_appended_after_the_callers_with_the_protocol_received() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &[]);
    let res = l.send_raw(
        b"POST /v HTTP/1.0\r\nHost: t\r\nVia: 1.1 edge (cdn)\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(res.status, 201);
    let (head, _) = split_request(&app.requests()[0]);
    assert_eq!(
        head[2], "Via: 1.1 edge (cdn)",
        "the caller's, untouched: {head:?}"
    );
    assert_eq!(
        mask_marks(head.last().unwrap()),
        "via: 1.0 hookcap-MARK",
        "last comes hookcap's, with the protocol the caller used: {head:?}"
    );
}
