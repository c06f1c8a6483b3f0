//! The detection table: one case per file in `tests/fixtures/webhooks/`, each
//! a request in its provider's real shape and the identity it must give.

use std::path::Path;

use serde_json::Value;

use super::*;

fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks")
}

/// The headers and body bytes of one fixture.
fn request_of(case: &Value) -> (Vec<Header>, Vec<u8>) {
    let headers = case["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|pair| {
            Header::new(
                pair[0].as_str().expect("name"),
                pair[1].as_str().expect("value"),
            )
        })
        .collect();
    let body = match (&case["body"], case["body_text"].as_str()) {
        (_, Some(text)) => text.as_bytes().to_vec(),
        (Value::Null, None) => Vec::new(),
        (json, None) => serde_json::to_vec(json).unwrap(),
    };
    (headers, body)
}

fn identity_of(want: &Value) -> Option<HookIdentity> {
    let text = |k: &str| want[k].as_str().map(str::to_owned);
    want.as_object().map(|_| HookIdentity {
        provider: text("provider").expect("provider"),
        event: text("event"),
        delivery: text("delivery"),
        retry: text("retry"),
    })
}

#[test]
fn every_provider_fixture_is_identified_as_its_provider_would_name_it() {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the fixtures are there: {files:?}");
    let mut providers = std::collections::BTreeSet::new();
    for path in files {
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let (headers, body) = request_of(&case);
        let got = identify(&headers, &body);
        assert_eq!(got, identity_of(&case["want"]), "{}", path.display());
        providers.extend(got.map(|g| g.provider));
    }
    let all = [
        "generic", "github", "gitlab", "shopify", "slack", "standard", "stripe", "svix", "twilio",
    ];
    assert_eq!(providers.into_iter().collect::<Vec<_>>(), all);
}

#[test]
fn hostile_bodies_never_panic_and_long_values_are_cut() {
    let gh = [Header::new("X-GitHub-Event", "push")];
    for body in [
        &b""[..],
        b"{",
        b"{\"action\":",
        b"[1,2,3]",
        b"\xff\xfe{",
        b"{\"action\":{\"deep\":[[[[{}]]]]}}",
        b"{\"action\":\"a\\u0000b\"}",
    ] {
        let got = identify(&gh, body).expect("a GitHub event whatever the body");
        assert!(got.event.unwrap().starts_with("push"));
    }
    let long = format!("{{\"type\":\"{}\"}}", "x".repeat(10_000));
    let got = identify(&[Header::new("webhook-id", "m")], long.as_bytes()).unwrap();
    assert_eq!(got.event.unwrap().len(), MAX_VALUE);
}

#[test]
fn a_number_id_and_a_nested_event_are_read_too() {
    let body = br#"{"id": 42, "type": "ping", "event": {"type": "inner"}}"#;
    let got = identify(&[Header::new("X-Slack-Signature", "v0=")], body).unwrap();
    assert_eq!(got.event.as_deref(), Some("inner"));
    let got = identify(&[Header::new("Stripe-Signature", "t=1")], body).unwrap();
    assert_eq!(
        (got.event.as_deref(), got.delivery.as_deref()),
        (Some("ping"), Some("42"))
    );
}

#[test]
fn signed_timestamps_are_read_where_each_scheme_puts_them() {
    let one = |n: &str, v: &str| signed_timestamp(&[Header::new(n, v)]);
    assert_eq!(
        one("Stripe-Signature", "t=1492774577,v1=ab"),
        Some(1_492_774_577)
    );
    assert_eq!(
        one("X-Slack-Request-Timestamp", "1531420618"),
        Some(1_531_420_618)
    );
    assert_eq!(one("webhook-timestamp", " 1674087231"), Some(1_674_087_231));
    assert_eq!(one("svix-timestamp", "x"), None);
    assert_eq!(one("X-Hub-Signature-256", "sha256=ab"), None);
}
