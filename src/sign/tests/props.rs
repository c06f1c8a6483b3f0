//! Properties: `verify(sign(x))` is valid for every provider; one flipped byte of
//! body or secret is invalid; stale timestamps are invalid with the skew
//! reported; garbage headers never panic and never leak the secret.

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;

/// Every scheme, one test case each run: cheap enough to cover all per case.
fn config() -> ProptestConfig {
    ProptestConfig::with_cases(64)
}

fn url() -> impl Strategy<Value = String> {
    "https://[a-z]{1,12}\\.example(:[0-9]{2,4})?/[a-z0-9/]{0,12}(\\?[a-z]{1,4}=[a-z0-9]{0,4})?"
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![
        None,
        Some("application/x-www-form-urlencoded"),
        Some("application/json"),
    ])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn verify_accepts_what_sign_produces(
        raw in prop::collection::vec(any::<u8>(), 1..48),
        body in prop::collection::vec(any::<u8>(), 0..256),
        ts in 0i64..4_000_000_000,
        url in url(),
        content_type in content_type(),
    ) {
        for kind in ProviderKind::ALL {
            let secret = secret_for(kind, &raw);
            let case = Case { kind, secret: &secret, body: &body, ts, url: &url, content_type };
            let v = check(kind, &secret, &case.sign(), &body, ts, None);
            prop_assert_eq!(v.outcome, Outcome::Valid, "{}: {:?}", kind, v);
        }
    }

    #[test]
    fn one_flipped_body_byte_is_invalid(
        raw in prop::collection::vec(any::<u8>(), 1..48),
        body in prop::collection::vec(any::<u8>(), 1..256),
        index in any::<Index>(),
        flip in 1u8..=255,
        url in url(),
    ) {
        let mut tampered = body.clone();
        tampered[index.index(body.len())] ^= flip;
        // GitLab signs no body; Twilio's form canonicalization is lossy, so its
        // body is covered only in JSON mode (bodySHA256).
        for kind in ProviderKind::ALL.into_iter().filter(|k| *k != ProviderKind::Gitlab) {
            let secret = secret_for(kind, &raw);
            let ct = (kind == ProviderKind::Twilio).then_some("application/json");
            let case = Case { kind, secret: &secret, body: &body, ts: T0, url: &url, content_type: ct };
            let v = check(kind, &secret, &case.sign(), &tampered, T0, None);
            prop_assert_eq!(v.outcome, Outcome::Invalid, "{}: {:?}", kind, v);
        }
    }

    #[test]
    fn one_flipped_secret_byte_is_invalid(
        raw in prop::collection::vec(any::<u8>(), 1..48),
        body in prop::collection::vec(any::<u8>(), 0..256),
        index in any::<Index>(),
        flip in 1u8..=255,
        url in url(),
        content_type in content_type(),
    ) {
        for kind in ProviderKind::ALL {
            let secret = secret_for(kind, &raw);
            let case = Case { kind, secret: &secret, body: &body, ts: T0, url: &url, content_type };
            let mut wrong = secret.clone();
            wrong[index.index(secret.len())] ^= flip;
            let v = check(kind, &wrong, &case.sign(), &body, T0, None);
            prop_assert_eq!(v.outcome, Outcome::Invalid, "{}: {:?}", kind, v);
        }
    }

    #[test]
    fn stale_or_future_timestamps_are_invalid_with_skew(
        raw in prop::collection::vec(any::<u8>(), 1..48),
        body in prop::collection::vec(any::<u8>(), 0..64),
        beyond in 1i64..10_000_000,
        future in any::<bool>(),
    ) {
        let tolerance = crate::sign::input::DEFAULT_TOLERANCE.as_secs() as i64;
        let skew = if future { -(tolerance + beyond) } else { tolerance + beyond };
        for kind in ProviderKind::ALL.into_iter().filter(|k| has_timestamp(*k)) {
            let secret = secret_for(kind, &raw);
            let case = Case { kind, secret: &secret, body: &body, ts: T0, url: "", content_type: None };
            let v = check(kind, &secret, &case.sign(), &body, T0 + skew, None);
            prop_assert_eq!(v.outcome, Outcome::Invalid, "{}: {:?}", kind, v);
            prop_assert_eq!(v.timestamp_skew_secs, Some(skew));
            prop_assert!(v.reason.contains(&skew.unsigned_abs().to_string()), "{}", v.reason);
        }
    }
}

/// Every header any provider reads.
const NAMES: [&str; 15] = [
    "X-Hub-Signature-256",
    "X-Hub-Signature",
    "X-Gitlab-Token",
    "Stripe-Signature",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "X-Shopify-Hmac-Sha256",
    "X-Twilio-Signature",
    "X-Sig",
];

/// Arbitrary bytes, near-miss syntax, or oversized values.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        "[tv01a=,;: sha256whsec_+/A-F0-9é\\u{0}\\u{1b}]{0,80}".prop_map(String::into_bytes),
        (1usize..3, any::<u8>()).prop_map(|(k, b)| vec![b; k * 5000]),
    ]
}

fn headers() -> impl Strategy<Value = Vec<Header>> {
    let one =
        (prop::sample::select(NAMES.to_vec()), garbage()).prop_map(|(n, v)| Header::new(n, v));
    prop::collection::vec(one, 0..8)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn garbage_headers_never_panic_validate_or_leak(
        headers in headers(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        url in prop::option::of(".{0,40}"),
    ) {
        let _ = detect(&headers);
        let msg = Message { headers: &headers, body: &body, url: url.as_deref() };
        let opts = VerifyOptions::at(at(T0));
        for kind in ProviderKind::ALL {
            let secret = secret_for(kind, b"distinctive-secret-bytes");
            let v = make(kind).verify(&Secret::from_bytes(secret.clone()), &msg, &opts);
            prop_assert_ne!(v.outcome, Outcome::Valid, "{}: {:?}", kind, v);
            let shown = format!("{v:?}");
            let secret_text = String::from_utf8_lossy(&secret);
            prop_assert!(!shown.contains(secret_text.as_ref()), "{}: secret in {}", kind, shown);
        }
    }
}
