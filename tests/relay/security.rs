//! A public server's protections: tokens (missing, wrong, another channel's,
//! rotated), unknown channels, rate limits, and endpoints and logs that never
//! show a body, a header value or a token.

use super::harness::{Relay, count, listen_via, wait_connected, wait_until};
use crate::util::{PATIENCE, hookcap};

/// A WebSocket upgrade request for a channel, with an `Authorization` line if given.
fn upgrade(channel: &str, auth: Option<&str>) -> Vec<u8> {
    let mut req = format!(
        "GET /_hookcap/connect/{channel} HTTP/1.1\r\nHost: relay.test\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Hookcap-Consumer: probe\r\n"
    );
    if let Some(auth) = auth {
        req.push_str(&format!("Authorization: {auth}\r\n"));
    }
    req.push_str("\r\n");
    req.into_bytes()
}

#[test]
fn a_missing_wrong_or_other_channels_token_gets_401_and_nothing() {
    let relay = Relay::start(&[]);
    let a = relay.channel("chan-a", &[]);
    let b = relay.channel("chan-b", &[]);
    assert_eq!(relay.post("/c/chan-b/hook", &[], b"for b only").status, 200);

    assert_eq!(relay.send(&upgrade("chan-b", None)).status, 401);
    assert_eq!(
        relay
            .send(&upgrade("chan-b", Some("Bearer hcr_wrong")))
            .status,
        401
    );
    assert_eq!(
        relay
            .send(&upgrade("chan-b", Some(&format!("Bearer {a}"))))
            .status,
        401
    );
    assert_eq!(
        relay
            .send(&upgrade("no-such", Some(&format!("Bearer {a}"))))
            .status,
        401,
        "same answer: no hint which channels exist"
    );
    assert_eq!(
        relay
            .send(&upgrade("chan-b", Some(&format!("Bearer {b}"))))
            .status,
        101
    );

    // A laptop holding channel A's token cannot read channel B.
    let mut thief = listen_via(&relay, "chan-b", &a, &["--from", "earliest"]);
    let status = thief.wait_exit();
    assert_eq!(status.code(), Some(1));
    let err = thief.stderr();
    assert!(err.contains("refused") && err.contains("401"), "{err}");
    assert_eq!(count(&thief.db), 0, "nothing received");
}

#[test]
fn without_the_token_variable_listen_refuses_to_start() {
    let out = hookcap()
        .args([
            "listen",
            "--port",
            "0",
            "--no-tui",
            "--via",
            "https://relay.test/c/abc",
            "--db",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("h.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HOOKCAP_RELAY_TOKEN"));
}

#[test]
fn unknown_channels_and_paths_get_a_bare_404_and_nothing_is_stored() {
    let relay = Relay::start(&[]);
    relay.channel("known", &[]);
    for path in [
        "/c/unknown/hook",
        "/c/Known/hook",
        "/hook",
        "/_hookcap/nothing",
    ] {
        let res = relay.post(path, &[], b"x");
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.body, b"not found\n", "{path}: no detail");
    }
    assert_eq!(count(&relay.db), 0);
}

#[test]
fn over_the_rate_a_sender_gets_429_with_retry_after_and_nothing_is_stored() {
    let relay = Relay::start(&["--rate", "2/s"]);
    relay.channel("limited", &[]);
    let statuses: Vec<_> = (0..20)
        .map(|_| relay.post("/c/limited/hook", &[], b"x"))
        .collect();
    let limited: Vec<_> = statuses.iter().filter(|r| r.status == 429).collect();
    assert!(!limited.is_empty(), "some are limited");
    assert!(limited.iter().all(|r| {
        r.header("retry-after")
            .is_some_and(|s| s.parse::<u32>().is_ok_and(|n| n >= 1))
    }));
    let passed = statuses.iter().filter(|r| r.status == 200).count();
    assert!(passed >= 2, "a second's worth passes");
    assert_eq!(
        count(&relay.db),
        passed as i64,
        "limited requests are not stored"
    );
}

#[test]
fn health_metrics_status_and_logs_never_show_a_body_a_header_or_a_token() {
    let relay = Relay::start(&[]);
    let token = relay.channel("sec", &[]);
    let mut client = listen_via(&relay, "sec", &token, &["--consumer", "ana@laptop"]);
    wait_connected(&mut client);
    let res = relay.post(
        "/c/sec/hook",
        &["X-Secret: SECRET-HEADER-5678"],
        b"SECRET-BODY-1234",
    );
    assert_eq!(res.status, 200);
    wait_until("delivery", PATIENCE, || count(&client.db) == 1);

    let get = |path: &str| {
        relay.send(format!("GET {path} HTTP/1.1\r\nHost: relay.test\r\n\r\n").as_bytes())
    };
    let health = get("/_hookcap/health");
    assert_eq!(health.status, 200);
    assert!(String::from_utf8_lossy(&health.body).starts_with("hookcap "));
    wait_until("the delivery counted", PATIENCE, || {
        String::from_utf8_lossy(&get("/_hookcap/metrics").body)
            .contains("hookcap_relay_requests_delivered_total{channel=\"sec\"} 1")
    });
    let metrics = String::from_utf8(get("/_hookcap/metrics").body).unwrap();
    for line in [
        "hookcap_relay_requests_received_total{channel=\"sec\"} 1",
        "hookcap_relay_requests_stored_total{channel=\"sec\"} 1",
        "hookcap_relay_consumers_connected{channel=\"sec\"} 1",
        "hookcap_relay_backlog{channel=\"sec\"} 0",
        "# TYPE hookcap_relay_writer_batch_size histogram",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    let status = hookcap()
        .args(["relay", "status", &relay.url("sec"), "--via-ca"])
        .arg(&relay.certs.cert)
        .env("HOOKCAP_RELAY_TOKEN", &token)
        .output()
        .unwrap();
    let status_text = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        status_text.contains("ana@laptop") && status_text.contains("connected"),
        "{status_text}"
    );
    assert_eq!(
        get("/_hookcap/status/sec").status,
        401,
        "status needs the token"
    );

    let logs = relay.stderr();
    for text in [&metrics, &status_text, &logs] {
        for secret in [
            "SECRET-BODY-1234",
            "SECRET-HEADER-5678",
            token.as_str(),
            &token[4..20],
        ] {
            assert!(!text.contains(secret), "{secret} shown in {text}");
        }
    }
}

#[test]
fn rotating_a_token_disconnects_its_consumers_and_the_old_token_is_refused() {
    let relay = Relay::start(&[]);
    let old = relay.channel("rot", &[]);
    let mut client = listen_via(&relay, "rot", &old, &[]);
    wait_connected(&mut client);
    let new = String::from_utf8(relay.admin(&["channel", "rotate", "rot"], &[])).unwrap();
    let new = new.trim();
    assert!(new.starts_with("hcr_") && new != old);
    let status = client.wait_exit();
    assert_eq!(
        status.code(),
        Some(1),
        "refused once the old token stopped working"
    );
    let mut fresh = listen_via(&relay, "rot", new, &[]);
    wait_connected(&mut fresh);
}
