//! Explanations: each common mistake yields the hint that names it.

use super::*;

const JSON: &[u8] = br#"{"id":"evt_1","data":{"ok":true,"n":[1,2]}}"#;

/// Signs `body` as `kind` with `secret`; verifies `received` with `verify_secret` at `now`.
fn mismatch(
    kind: ProviderKind,
    secret: &[u8],
    body: &[u8],
    verify_secret: &[u8],
    received: &[u8],
) -> Verdict {
    let case = Case {
        kind,
        secret,
        body,
        ts: T0,
        url: "https://h.example/x",
        content_type: None,
    };
    check(kind, verify_secret, &case.sign(), received, T0, None)
}

fn has_hint(v: &Verdict, needle: &str) -> bool {
    v.hints.iter().any(|h| h.contains(needle))
}

fn headers(pairs: &[(&str, &str)]) -> Request {
    let headers = pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect();
    Request {
        headers,
        url: "https://h.example/x".to_owned(),
    }
}

#[test]
fn stripe_secret_signed_without_whsec_prefix() {
    let v = mismatch(ProviderKind::Stripe, b"abc123", JSON, b"whsec_abc123", JSON);
    assert_eq!(v.reason, "signature mismatch");
    assert!(has_hint(&v, "without its whsec_ prefix"), "{v:#?}");
}

#[test]
fn stripe_secret_given_without_whsec_prefix() {
    let v = mismatch(ProviderKind::Stripe, b"whsec_abc123", JSON, b"abc123", JSON);
    assert!(has_hint(&v, "whsec_ + your secret"), "{v:#?}");
}

#[test]
fn standard_secret_used_raw_instead_of_decoded() {
    let secret = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    // A sender that forgot to base64-decode: sign with the raw string as an hmac key.
    let raw_key = base64::engine::general_purpose::STANDARD.encode(secret);
    let sender_secret = format!("whsec_{raw_key}");
    let case = Case {
        kind: ProviderKind::Standard,
        secret: sender_secret.as_bytes(),
        body: JSON,
        ts: T0,
        url: "",
        content_type: None,
    };
    let v = check(ProviderKind::Standard, secret, &case.sign(), JSON, T0, None);
    assert!(has_hint(&v, "raw bytes (not base64-decoded)"), "{v:#?}");
}

#[test]
fn standard_secret_that_is_not_base64_is_explained() {
    let req = headers(&[
        ("webhook-id", "m"),
        ("webhook-timestamp", "1700000000"),
        ("webhook-signature", "v1,AAAA"),
    ]);
    let v = check(
        ProviderKind::Standard,
        b"whsec_not base64!",
        &req,
        JSON,
        T0,
        None,
    );
    assert_eq!(v.outcome, Outcome::Invalid);
    assert!(v.reason.contains("whsec_ + base64"), "{}", v.reason);
    let input = SignInput {
        message_id: Some("m"),
        ..SignInput::new(JSON, at(T0))
    };
    let err = make(ProviderKind::Standard).sign(&Secret::from_bytes(&b"!!"[..]), &input);
    assert!(matches!(err, Err(SignError::BadSecret(_))));
}

#[test]
fn secret_with_trailing_newline_is_spotted() {
    let v = mismatch(ProviderKind::Github, b"s3cret", JSON, b"s3cret\n", JSON);
    assert!(has_hint(&v, "minus surrounding whitespace"), "{v:#?}");
    let v = mismatch(ProviderKind::Github, b"s3cret\n", JSON, b"s3cret", JSON);
    assert!(has_hint(&v, "plus a trailing newline"), "{v:#?}");
}

#[test]
fn hex_written_where_base64_expected_and_back() {
    let mac = Algo::Sha256.mac(b"k", JSON);
    let shopify = headers(&[("X-Shopify-Hmac-Sha256", &Encoding::Hex.encode(&mac))]);
    let v = check(ProviderKind::Shopify, b"k", &shopify, JSON, T0, None);
    assert!(
        has_hint(&v, "written as hex, but Shopify uses base64"),
        "{v:#?}"
    );
    let sig = format!("sha256={}", Encoding::Base64.encode(&mac));
    let github = headers(&[("X-Hub-Signature-256", &sig)]);
    let v = check(ProviderKind::Github, b"k", &github, JSON, T0, None);
    assert_eq!(v.reason, "signature is not hex");
    assert!(
        has_hint(&v, "written as base64, but GitHub uses hex"),
        "{v:#?}"
    );
}

#[test]
fn trailing_newline_on_either_side_is_spotted() {
    let with_nl = [JSON, b"\n"].concat();
    let v = mismatch(ProviderKind::Slack, &with_nl, &with_nl, &with_nl, JSON);
    assert!(has_hint(&v, "plus a trailing newline"), "{v:#?}");
    let v = mismatch(ProviderKind::Slack, b"k", JSON, b"k", &with_nl);
    assert!(has_hint(&v, "without its trailing line ending"), "{v:#?}");
    let with_crlf = [JSON, b"\r\n"].concat();
    let v = mismatch(ProviderKind::Stripe, b"k", JSON, b"k", &with_crlf);
    assert!(has_hint(&v, "without its trailing line ending"), "{v:#?}");
}

#[test]
fn json_reserialization_is_spotted() {
    let value: serde_json::Value = serde_json::from_slice(JSON).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    let v = mismatch(ProviderKind::Github, b"k", JSON, b"k", &pretty);
    assert!(has_hint(&v, "compact JSON"), "{v:#?}");
    let v = mismatch(ProviderKind::Github, b"k", &pretty, b"k", JSON);
    assert!(has_hint(&v, "pretty JSON"), "{v:#?}");
    let python = br#"{"id": "evt_1", "data": {"ok": true, "n": [1, 2]}}"#;
    let v = mismatch(ProviderKind::Github, b"k", python, b"k", JSON);
    assert!(has_hint(&v, "Python json.dumps"), "{v:#?}");
}

#[test]
fn alt_body_is_compared_both_ways() {
    let case = Case {
        kind: ProviderKind::Github,
        secret: b"k",
        body: JSON,
        ts: T0,
        url: "",
        content_type: None,
    };
    let req = case.sign();
    let reserialized = br#"{"data":{"n":[1,2],"ok":true},"id":"evt_1"}"#;
    let v = check(
        ProviderKind::Github,
        b"k",
        &req,
        JSON,
        T0,
        Some(reserialized),
    );
    assert!(v.is_valid());
    assert!(
        has_hint(
            &v,
            "captured raw body verifies but the alternative body does not"
        ),
        "{v:#?}"
    );
    let v = check(
        ProviderKind::Github,
        b"k",
        &req,
        reserialized,
        T0,
        Some(JSON),
    );
    assert!(!v.is_valid());
    assert!(
        has_hint(
            &v,
            "alternative body verifies but the captured bytes do not"
        ),
        "{v:#?}"
    );
}

#[test]
fn skew_is_reported_in_seconds() {
    let case = Case {
        kind: ProviderKind::Stripe,
        secret: b"k",
        body: JSON,
        ts: T0,
        url: "",
        content_type: None,
    };
    let v = check(
        ProviderKind::Stripe,
        b"k",
        &case.sign(),
        JSON,
        T0 + 412,
        None,
    );
    assert_eq!(v.reason, "timestamp 412 s old (tolerance 300 s)");
    assert_eq!(v.timestamp_skew_secs, Some(412));
    assert!(has_hint(&v, "the signature itself matches"), "{v:#?}");
    let v = check(
        ProviderKind::Stripe,
        b"wrong",
        &case.sign(),
        JSON,
        T0 - 1000,
        None,
    );
    assert_eq!(v.reason, "signature mismatch");
    assert!(
        has_hint(&v, "the timestamp is also 1000 s in the future"),
        "{v:#?}"
    );
}

#[test]
fn mismatch_shows_recipe_expected_and_received() {
    let v = mismatch(ProviderKind::Stripe, b"k", JSON, b"other", JSON);
    assert!(
        has_hint(&v, "most likely the sender signs with a different secret"),
        "{v:#?}"
    );
    assert_eq!(v.header.as_deref(), Some("Stripe-Signature"));
    let recipe = format!(
        "t + '.' + body (10 + 1 + {} = {} bytes)",
        JSON.len(),
        JSON.len() + 11
    );
    assert_eq!(v.signed_payload.as_deref(), Some(recipe.as_str()));
    assert!(
        v.expected
            .as_deref()
            .is_some_and(|e| e.ends_with('…') && e.chars().count() == 13)
    );
    assert!(v.received.as_deref().is_some_and(|r| r.ends_with('…')));
    assert_ne!(v.expected, v.received);
}

#[test]
fn missing_headers_are_unsigned_and_name_the_header() {
    let none = headers(&[]);
    for kind in ProviderKind::ALL {
        let v = check(kind, b"k", &none, JSON, T0, None);
        assert_eq!(v.outcome, Outcome::Unsigned, "{kind}");
        let expected = v.header.clone().unwrap();
        assert_eq!(v.reason, format!("no {expected} header"));
    }
}

#[test]
fn partial_headers_are_invalid_with_reasons() {
    let slack = headers(&[("X-Slack-Signature", "v0=abcd")]);
    let v = check(ProviderKind::Slack, b"k", &slack, JSON, T0, None);
    assert_eq!(v.reason, "X-Slack-Request-Timestamp is missing");
    let stripe = headers(&[("Stripe-Signature", "nonsense")]);
    let v = check(ProviderKind::Stripe, b"k", &stripe, JSON, T0, None);
    assert!(
        v.reason.starts_with("Stripe-Signature has no t="),
        "{}",
        v.reason
    );
    let github = headers(&[("X-Hub-Signature-256", "")]);
    let v = check(ProviderKind::Github, b"k", &github, JSON, T0, None);
    assert_eq!(v.reason, "X-Hub-Signature-256 is empty");
}

#[test]
fn github_legacy_header_alone_is_used_and_noted() {
    let sig = format!("sha1={}", Encoding::Hex.encode(&Algo::Sha1.mac(b"k", JSON)));
    let v = check(
        ProviderKind::Github,
        b"k",
        &headers(&[("X-Hub-Signature", &sig)]),
        JSON,
        T0,
        None,
    );
    assert!(v.is_valid(), "{v:#?}");
    assert!(has_hint(&v, "legacy SHA-1"));
}

#[test]
fn duplicate_signature_headers_are_noted() {
    let case = Case {
        kind: ProviderKind::Shopify,
        secret: b"k",
        body: JSON,
        ts: T0,
        url: "",
        content_type: None,
    };
    let mut req = case.sign();
    req.headers
        .push(Header::new("x-shopify-hmac-sha256", "AAAA"));
    let v = check(ProviderKind::Shopify, b"k", &req, JSON, T0, None);
    assert!(v.is_valid());
    assert!(
        has_hint(&v, "2 X-Shopify-Hmac-Sha256 headers present"),
        "{v:#?}"
    );
}

#[test]
fn gitlab_never_shows_the_secret_and_spots_whitespace() {
    let req = headers(&[("X-Gitlab-Token", "tok-123 ")]);
    let v = check(ProviderKind::Gitlab, b"tok-123", &req, JSON, T0, None);
    assert_eq!(v.reason, "token mismatch");
    assert_eq!(v.expected.as_deref(), Some("(your secret, 7 bytes)"));
    assert!(has_hint(&v, "once surrounding whitespace is removed"));
    assert!(!format!("{v:?}").contains("tok-123"));
}

#[test]
fn twilio_accepts_toggled_default_port_and_hints_at_scheme() {
    let case = Case {
        kind: ProviderKind::Twilio,
        secret: b"tok",
        body: b"A=1&B=2",
        ts: T0,
        url: "https://h.example:443/sms",
        content_type: None,
    };
    let mut req = case.sign();
    req.url = "https://h.example/sms".to_owned();
    let v = check(ProviderKind::Twilio, b"tok", &req, b"A=1&B=2", T0, None);
    assert!(v.is_valid(), "{v:#?}");
    assert!(has_hint(&v, "default port toggled"));
    req.url = "http://h.example:443/sms".to_owned();
    let v = check(ProviderKind::Twilio, b"tok", &req, b"A=1&B=2", T0, None);
    assert!(
        has_hint(&v, "signature matches https://h.example:443/sms"),
        "{v:#?}"
    );
}

#[test]
fn twilio_without_url_or_with_wrong_body_hash_is_explained() {
    let req = headers(&[("X-Twilio-Signature", "AAAA")]);
    let msg = Message {
        headers: &req.headers,
        body: b"",
        url: None,
    };
    let v = make(ProviderKind::Twilio).verify(
        &Secret::from_bytes(&b"t"[..]),
        &msg,
        &VerifyOptions::at(at(T0)),
    );
    assert!(v.reason.contains("pass --url"), "{}", v.reason);
    let case = Case {
        kind: ProviderKind::Twilio,
        secret: b"tok",
        body: JSON,
        ts: T0,
        url: "https://h.example/x",
        content_type: Some("application/json"),
    };
    let v = check(
        ProviderKind::Twilio,
        b"tok",
        &case.sign(),
        &[JSON, b"\n"].concat(),
        T0,
        None,
    );
    assert_eq!(
        v.reason,
        "bodySHA256 in the URL does not match the body's SHA-256"
    );
    assert!(
        has_hint(
            &v,
            "bodySHA256 matches the body without its trailing line ending"
        ),
        "{v:#?}"
    );
}

#[test]
fn twilio_sign_needs_a_url() {
    let err = make(ProviderKind::Twilio)
        .sign(&Secret::from_bytes(&b"t"[..]), &SignInput::new(b"", at(T0)));
    assert_eq!(err, Err(SignError::MissingUrl("Twilio")));
}

#[test]
fn generic_hmac_hints_at_algo_and_prefix() {
    let spec = HmacSpec::new("X-Sig");
    let p = provider(ProviderKind::Hmac, Some(spec.clone())).unwrap();
    let sha1 = Encoding::Hex.encode(&Algo::Sha1.mac(b"k", JSON));
    let run = |value: &str, spec: &dyn Provider| {
        let req = headers(&[("X-Sig", value)]);
        let msg = Message {
            headers: &req.headers,
            body: JSON,
            url: None,
        };
        spec.verify(
            &Secret::from_bytes(&b"k"[..]),
            &msg,
            &VerifyOptions::at(at(T0)),
        )
    };
    assert!(has_hint(
        &run(&sha1, p.as_ref()),
        "HMAC-SHA1 of the same payload"
    ));
    let sha256 = Encoding::Hex.encode(&Algo::Sha256.mac(b"k", JSON));
    let v = run(&format!("sha256={sha256}"), p.as_ref());
    assert!(has_hint(&v, "set the prefix to sha256="), "{v:#?}");
    let prefixed = HmacSpec {
        prefix: Some("sha256=".to_owned()),
        ..spec
    };
    let v = run(&sha256, &prefixed);
    assert_eq!(v.reason, r#"X-Sig does not start with "sha256=""#);
    assert!(has_hint(&v, "drop the prefix"));
    assert_eq!(
        provider(ProviderKind::Hmac, None).err(),
        Some(SignError::HmacSpecRequired)
    );
}

#[test]
fn detect_prefers_signature_headers_then_event_headers() {
    let h = |pairs: &[(&str, &str)]| headers(pairs).headers;
    assert_eq!(
        detect(&h(&[("X-GitHub-Event", "push")])),
        Some(ProviderKind::Github)
    );
    let both = h(&[("X-GitHub-Event", "push"), ("stripe-signature", "t=1")]);
    assert_eq!(detect(&both), Some(ProviderKind::Stripe));
    assert_eq!(detect(&h(&[("svix-id", "m")])), Some(ProviderKind::Svix));
    assert_eq!(detect(&h(&[("Content-Type", "application/json")])), None);
}

#[test]
fn provider_names_parse_with_aliases() {
    assert_eq!("svix".parse(), Ok(ProviderKind::Svix));
    assert_eq!("GitHub".parse(), Ok(ProviderKind::Github));
    assert_eq!("standard-webhooks".parse(), Ok(ProviderKind::Standard));
    assert!("paypal".parse::<ProviderKind>().is_err());
    for kind in ProviderKind::ALL {
        assert_eq!(kind.name().parse(), Ok(kind));
    }
}

#[test]
fn secrets_never_show_in_debug_output() {
    let secret = Secret::from_bytes(&b"hunter2"[..]);
    assert_eq!(format!("{secret:?}"), "(redacted)");
    let v = mismatch(
        ProviderKind::Stripe,
        b"whsec_hunter2",
        JSON,
        b"hunter2",
        JSON,
    );
    assert!(!format!("{v:?}").contains("hunter2"), "{v:#?}");
}

#[test]
fn verdict_serializes_for_json_output() {
    let v = mismatch(ProviderKind::Svix, b"whsec_AAAA", JSON, b"whsec_AAAA", JSON);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["provider"], "svix");
    assert_eq!(json["outcome"], "valid");
    assert_eq!(json["header"], "svix-signature");
}
