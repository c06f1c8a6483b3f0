//! `app` channels: the sender gets the laptop's answer: `listen`'s shaped
//! answer, or the app's real one under `forward`; `503` with `Retry-After`
//! while no consumer is connected (and the request is delivered later);
//! `504` when no consumer answers in time. The relay records every answer.

use super::harness::{Relay, client_in, count, listen_via, wait_connected, wait_until};
use crate::util::{Behavior, PATIENCE, Upstream, show_json, split_request};

/// What the relay recorded as the sender's answer to its request `id`.
fn relay_answer(relay: &Relay, id: &str) -> u16 {
    show_json(&relay.db, id)["response"]["status"]
        .as_u64()
        .unwrap() as u16
}

#[test]
fn the_sender_gets_the_listeners_shaped_answer() {
    let relay = Relay::start(&[]);
    let token = relay.channel("slack", &["--answer", "app"]);
    let mut client = listen_via(
        &relay,
        "slack",
        &token,
        &["--status", "201", "--body", "ok", "-H", "X-From: laptop"],
    );
    wait_connected(&mut client);
    let res = relay.post(
        "/c/slack/events",
        &["Content-Type: application/json"],
        br#"{"type":"url_verification"}"#,
    );
    assert_eq!((res.status, res.body.as_slice()), (201, &b"ok"[..]));
    assert_eq!(res.header("x-from"), Some("laptop"));
    assert_eq!(
        relay_answer(&relay, "1"),
        201,
        "the relay recorded the answer"
    );
    assert_eq!(count(&client.db), 1);
}

#[test]
fn under_forward_the_sender_gets_the_apps_status_headers_and_body() {
    let app = Upstream::start(Behavior::Echo);
    let relay = Relay::start(&[]);
    let token = relay.channel("app", &["--answer", "app"]);
    let mut client = client_in(
        tempfile::tempdir().unwrap(),
        &relay,
        &["forward", &app.url()],
        "app",
        &token,
        &[],
    );
    wait_connected(&mut client);
    let res = relay.post("/c/app/hooks/push?x=1", &["X-Sig: v1=abc"], b"payload");
    assert_eq!(res.status, 201, "the app's status");
    assert_eq!(res.header("x-echo-case"), Some("Yes"), "the app's header");
    let seen = app.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(res.body, seen[0], "the app's body");
    let (head, body) = split_request(&seen[0]);
    assert_eq!(
        head[0], "POST /hooks/push?x=1 HTTP/1.1",
        "the prefix is gone"
    );
    assert_eq!(body, b"payload");
    assert_eq!(relay_answer(&relay, "1"), 201);
}

#[test]
fn without_a_consumer_the_sender_gets_503_and_the_request_arrives_later() {
    let relay = Relay::start(&[]);
    let token = relay.channel("later", &["--answer", "app"]);
    let res = relay.post("/c/later/hook", &[], b"first");
    assert_eq!(res.status, 503);
    assert!(
        res.header("retry-after")
            .is_some_and(|s| s.parse::<u32>().is_ok())
    );
    assert_eq!(relay_answer(&relay, "1"), 503, "stored with its answer");

    let mut client = listen_via(&relay, "later", &token, &["--from", "earliest"]);
    wait_connected(&mut client);
    wait_until("the stored request on the laptop", PATIENCE, || {
        count(&client.db) == 1
    });
    assert_eq!(crate::util::show_raw(&client.db, "1"), b"first");
}

#[test]
fn a_consumer_that_never_answers_gets_the_sender_a_504() {
    let relay = Relay::start(&[]);
    let token = relay.channel("slow", &["--answer", "app", "--timeout", "500ms"]);
    let mut client = listen_via(&relay, "slow", &token, &["--delay", "60s"]);
    wait_connected(&mut client);
    let res = relay.post("/c/slow/hook", &[], b"x");
    assert_eq!(res.status, 504);
    assert!(String::from_utf8_lossy(&res.body).contains("no consumer answered"));
    assert_eq!(relay_answer(&relay, "1"), 504, "stored with its answer");
    wait_until("the request on the laptop all the same", PATIENCE, || {
        count(&client.db) == 1
    });
}

#[test]
fn the_listeners_rules_answer_for_it_challenge_templates_and_drops_included() {
    let relay = Relay::start(&[]);
    let token = relay.channel("slack", &["--answer", "app"]);
    let rules = [
        "--respond",
        "json:/type=url_verification => 200 {{json:/challenge}}",
        "--respond",
        "path:/gone => drop",
    ];
    let mut client = listen_via(&relay, "slack", &token, &rules);
    wait_connected(&mut client);
    let challenge = br#"{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#;
    let res = relay.post(
        "/c/slack/events",
        &["Content-Type: application/json"],
        challenge,
    );
    assert_eq!(res.status, 200);
    assert_eq!(
        res.body,
        b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    // A drop rule: the sender's connection closes without an answer.
    let dropped = relay
        .sender()
        .send(&super::harness::post_bytes("/c/slack/gone", &[], b"x"));
    assert!(dropped.is_none(), "no answer: {dropped:?}");
    wait_until("both on the laptop", PATIENCE, || count(&client.db) == 2);
    let shown = show_json(&client.db, "1");
    assert_eq!(shown["hook"]["answered_by"]["rule"], 1, "{shown}");
}
