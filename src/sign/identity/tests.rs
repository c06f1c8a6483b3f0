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

/// What `probe` did before the scanner: the shape check, then serde.
fn serde_only(body: &[u8], want: u8) -> Probe {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|i| body[i] != b'{') {
        return Probe::default();
    }
    probe_with_serde(body, want)
}

const EVERY_MEMBER: u8 = ID | OBJECT | TYPE | EVENT | EVENT_ID | ACTION | OBJECT_KIND;

#[test]
fn the_fixtures_bodies_take_the_fast_path_and_read_the_same() {
    let mut fast = 0;
    for entry in std::fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let case: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let (_, body) = request_of(&case);
        for want in [
            ID | TYPE,
            ACTION,
            TYPE,
            TYPE | EVENT | EVENT_ID,
            OBJECT | ID | TYPE | EVENT,
        ] {
            if let Some(p) = scan::scan(&body, want) {
                fast += 1;
                assert_eq!(p, serde_only(&body, want), "{}", path.display());
            }
        }
    }
    assert!(fast >= 20, "most fixtures take the fast path ({fast})");
}

mod props {
    use proptest::prelude::*;

    use super::*;

    /// JSON text of a scalar: strings with escapes and other scripts, numbers
    /// of every form, literals.
    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z_.]{0,8}".prop_map(|s| format!("\"{s}\"")),
            "[a-zé☃\\\\\"/\n\t]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("\"\\u0041\\u00e9\"".to_owned()),
            Just("\"a\\/b\"".to_owned()),
            prop::sample::select(vec![
                "0", "-1", "012", "12.5", "1e3", "-0.0E-2", "42", "null", "true", "false"
            ])
            .prop_map(str::to_owned),
        ]
    }

    /// A member name: the ones probes read (some escaped), and others.
    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "id",
            "type",
            "object",
            "event",
            "event_id",
            "action",
            "object_attributes",
            "object_kind",
            "data",
            "x",
            "t\\u0079pe",
            "é",
        ])
        .prop_map(|n| format!("\"{n}\""))
    }

    fn value() -> impl Strategy<Value = String> {
        scalar().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec((name(), inner), 0..4).prop_map(|members| {
                    let members: Vec<_> =
                        members.iter().map(|(k, v)| format!("{k} : {v}")).collect();
                    format!("{{ {} }}", members.join(" ,"))
                }),
            ]
        })
    }

    /// A top-level member: mostly a member a probe reads with a string, or
    /// another with any value.
    fn member() -> impl Strategy<Value = String> {
        let read = prop::sample::select(vec![
            "id",
            "type",
            "object",
            "event",
            "event_id",
            "action",
            "object_kind",
        ]);
        let text = "[a-z_.é]{0,8}".prop_map(|s| format!("\"{s}\""));
        prop_oneof![
            3 => (read, text).prop_map(|(k, v)| format!("\"{k}\":{v}")),
            2 => (name(), value()).prop_map(|(k, v)| format!("{k}:{v}")),
        ]
    }

    fn object() -> impl Strategy<Value = String> {
        prop::collection::vec(member(), 0..7)
            .prop_map(|members| format!(" {{{}}}", members.join(" , ")))
    }

    /// The same text, perhaps cut short or with one byte replaced by one
    /// that matters to the grammar.
    fn damaged() -> impl Strategy<Value = Vec<u8>> {
        let bytes = prop::sample::select(vec![
            b'"', b'\\', b',', b'}', b']', b':', b'{', 1, 0xff, b'x', b'0',
        ]);
        (object(), any::<prop::sample::Index>(), bytes, 0..4u8).prop_map(|(text, at, byte, how)| {
            let mut b = text.into_bytes();
            let i = at.index(b.len().max(1)).min(b.len());
            match how {
                0 | 1 => {}
                2 => b.truncate(i),
                _ => {
                    if i < b.len() {
                        b[i] = byte;
                    }
                }
            }
            b
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The scanner and serde read the same members from any body, valid
        /// JSON or not, whatever members are wanted.
        #[test]
        fn the_fast_path_reads_what_serde_reads(body in damaged(), want in 1..=EVERY_MEMBER) {
            prop_assert_eq!(probe(&body, want), serde_only(&body, want));
        }
    }
}
