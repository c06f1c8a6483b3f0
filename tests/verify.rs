//! `hookcap verify` end to end: requests signed by each provider's scheme are
//! sent to a real listener, then verified (and tampered ones explained).

use hookcap::Timestamp;
use hookcap::{Algo, Encoding, HmacSpec, ProviderKind, Secret, SignInput, provider};

use crate::util::{Listener, github_headers, run};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn hmac_spec() -> HmacSpec {
    HmacSpec {
        header: "X-Signature".into(),
        algo: Algo::Sha512,
        encoding: Encoding::Base64,
        prefix: Some("v=".into()),
    }
}

fn hmac_flags() -> Vec<&'static str> {
    vec![
        "--sig-header",
        "X-Signature",
        "--algo",
        "sha512",
        "--encoding",
        "base64",
        "--prefix",
        "v=",
    ]
}

/// Sends `sent_body` carrying the signature computed over `signed_body`.
fn send_signed(l: &Listener, kind: ProviderKind, signed_body: &[u8], sent_body: &[u8]) {
    let path = "/hook?from=test";
    let url = format!("http://test{path}");
    let input = SignInput {
        body: signed_body,
        timestamp: Timestamp::now(),
        message_id: Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        url: Some(&url),
        content_type: Some("application/json"),
    };
    let spec = (kind == ProviderKind::Hmac).then(hmac_spec);
    let signed = provider(kind, spec)
        .unwrap()
        .sign(&Secret::from_bytes(SECRET), &input)
        .unwrap();
    let target = signed.url.as_deref().map_or(path.to_owned(), |u| {
        u.trim_start_matches("http://test").to_owned()
    });
    let headers: Vec<String> = signed
        .headers
        .iter()
        .map(|h| format!("{}: {}", h.name, h.value_str()))
        .collect();
    let mut all: Vec<&str> = headers.iter().map(String::as_str).collect();
    all.push("Content-Type: application/json");
    assert_eq!(l.post(&target, &all, sent_body).status, 200);
}

fn verify(l: &Listener, kind: ProviderKind, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "verify",
        "last",
        "--provider",
        kind.name(),
        "--secret",
        SECRET,
    ];
    if kind == ProviderKind::Hmac {
        args.extend(hmac_flags());
    }
    args.extend(extra);
    run(&l.db, &args)
}

#[test]
fn every_provider_verifies_valid_and_rejects_tampered_requests() {
    let l = Listener::start(&[]);
    for kind in ProviderKind::ALL {
        send_signed(&l, kind, b"{\"n\":1}", b"{\"n\":1}");
        let ok = verify(&l, kind, &[]);
        let text = String::from_utf8_lossy(&ok.stdout);
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{kind:?} valid: {text} {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(text.starts_with("valid"), "{kind:?}: {text}");
        if kind == ProviderKind::Gitlab {
            continue; // a shared token does not cover the body
        }
        send_signed(&l, kind, b"{\"n\":1}", b"{\"n\":2}");
        let bad = verify(&l, kind, &[]);
        assert_eq!(bad.status.code(), Some(1), "{kind:?} tampered");
        assert!(
            String::from_utf8_lossy(&bad.stdout).starts_with("INVALID"),
            "{kind:?}"
        );
    }
}

#[test]
fn auto_detection_names_the_provider_and_json_has_the_verdict() {
    let l = Listener::start(&[]);
    send_signed(&l, ProviderKind::Stripe, b"{}", b"{}");
    let out = run(&l.db, &["verify", "last", "--secret", SECRET, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            doc["provider"].as_str(),
            doc["outcome"].as_str(),
            doc["detected"].as_bool()
        ),
        (Some("stripe"), Some("valid"), Some(true))
    );
}

#[test]
fn a_mismatch_is_explained_and_a_trailing_newline_is_hinted() {
    let l = Listener::start(&[]);
    send_signed(&l, ProviderKind::Github, b"{\"a\":1}\n", b"{\"a\":1}");
    let out = verify(&l, ProviderKind::Github, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    for part in [
        "header",
        "X-Hub-Signature-256",
        "expected",
        "received",
        "hint",
        "newline",
    ] {
        assert!(text.contains(part), "missing {part:?} in {text}");
    }
    assert!(!text.contains(SECRET), "the secret is never printed");
}

#[test]
fn an_unsigned_request_exits_1_and_says_which_header_was_expected() {
    let l = Listener::start(&[]);
    l.post("/plain", &["Content-Type: application/json"], b"{}");
    let out = run(
        &l.db,
        &["verify", "last", "--provider", "github", "--secret", "s"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("X-Hub-Signature-256"));
    let auto = run(&l.db, &["verify", "last", "--secret", "s"]);
    assert_eq!(auto.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&auto.stdout).contains("no known signature headers"));
}

#[test]
fn secrets_come_from_env_and_files_and_are_required() {
    let l = Listener::start(&[]);
    send_signed(&l, ProviderKind::Shopify, b"{}", b"{}");
    let file = l.dir.path().join("secret.txt");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let from_file = run(
        &l.db,
        &["verify", "last", "--secret-file", file.to_str().unwrap()],
    );
    assert_eq!(from_file.status.code(), Some(0));
    let from_env = crate::util::hookcap()
        .args(["verify", "last", "--secret-env", "MY_SECRET", "--db"])
        .arg(&l.db)
        .env("MY_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(0));
    let from_hookcap_secret = crate::util::hookcap()
        .args(["verify", "last", "--db"])
        .arg(&l.db)
        .env("HOOKCAP_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(from_hookcap_secret.status.code(), Some(0));
    let none = run(&l.db, &["verify", "last"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no secret"));
}

#[test]
fn stale_timestamps_fail_against_the_wall_clock_only_when_asked() {
    let l = Listener::start(&[]);
    send_signed(&l, ProviderKind::Slack, b"{}", b"{}");
    let at_capture = verify(&l, ProviderKind::Slack, &["--tolerance", "1s"]);
    assert_eq!(
        at_capture.status.code(),
        Some(0),
        "capture time is the default reference"
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let now = verify(&l, ProviderKind::Slack, &["--tolerance", "1s", "--now"]);
    assert_eq!(now.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&now.stdout).contains("skew"));
}

#[test]
fn listen_verify_reject_invalid_answers_401_but_stores_everything() {
    let l = Listener::start(&["--verify", "github", "--secret", SECRET, "--reject-invalid"]);
    let good = github_headers(b"{}", SECRET);
    let good: Vec<&str> = good.iter().map(String::as_str).collect();
    assert_eq!(l.post("/ok", &good, b"{}").status, 200);
    assert_eq!(l.post("/tampered", &good, b"{\"x\":1}").status, 401);
    let unsigned = l.post("/unsigned", &[], b"{}");
    assert_eq!(unsigned.status, 401);
    assert_eq!(
        String::from_utf8_lossy(&unsigned.body),
        "rejected by hookcap: not signed: no X-Hub-Signature-256 header\n"
    );
    let lines: Vec<String> = (0..3).map(|_| l.next_line()).collect();
    assert!(lines[0].ends_with("✓ github"), "{lines:?}");
    assert!(
        lines[1].contains("✗ github: signature mismatch") && lines[1].contains("rejected"),
        "{lines:?}"
    );
    assert!(lines[2].contains("unsigned"), "{lines:?}");
    let doc = crate::util::show_json(&l.db, "2");
    assert_eq!(
        (
            doc["signature"]["outcome"].as_str(),
            doc["response"]["status"].as_u64()
        ),
        (Some("invalid"), Some(401))
    );
    assert!(
        doc["rejected"]
            .as_str()
            .unwrap()
            .contains("invalid signature")
    );
    let ls = String::from_utf8(crate::util::run_ok(&l.db, &["ls"])).unwrap();
    assert!(
        ls.contains("CHECKS") && ls.contains("✓ github") && ls.contains("✗ github"),
        "{ls}"
    );
    let row = |id: &str| ls.lines().find(|l| l.trim_start().starts_with(id)).unwrap();
    assert!(
        row("3").ends_with("- unsigned: no X-Hub-Signature-256 header rejected"),
        "the reason once, not twice:\n{ls}"
    );
    assert!(
        row("2").ends_with("✗ github: signature mismatch rejected"),
        "{ls}"
    );
    let show = String::from_utf8(crate::util::run_ok(&l.db, &["show", "1"])).unwrap();
    assert!(
        show.contains("checks") && show.contains("✓ github"),
        "{show}"
    );
    // The filter language selects by the stored verdict.
    for (term, want) in [
        ("sig:valid", "1"),
        ("sig:invalid", "2"),
        ("sig:unsigned", "3"),
    ] {
        let out = String::from_utf8(crate::util::run_ok(&l.db, &["ls", "--json", term])).unwrap();
        let ids: Vec<String> = out
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].to_string())
            .collect();
        assert_eq!(ids, [want], "{term}");
    }
}

#[test]
fn listen_verify_without_reject_only_records_the_verdict() {
    let l = Listener::start(&["--verify", "auto", "--secret", SECRET]);
    assert_eq!(l.post("/unsigned", &[], b"{}").status, 200);
    let doc = crate::util::show_json(&l.db, "last");
    assert_eq!(doc["signature"]["outcome"], "unsigned");
    assert!(doc["rejected"].is_null());
}

#[test]
fn require_token_answers_401_without_the_token() {
    let l = Listener::start(&["--require-token", "t0ken"]);
    assert_eq!(l.post("/no", &[], b"").status, 401);
    assert_eq!(l.post("/wrong", &["X-Gitlab-Token: nope"], b"").status, 401);
    assert_eq!(l.post("/yes", &["X-Gitlab-Token: t0ken"], b"").status, 200);
    let out = String::from_utf8(crate::util::run_ok(&l.db, &["ls", "--json"])).unwrap();
    assert_eq!(out.lines().count(), 3, "rejected requests are stored too");
    assert!(
        out.contains("missing X-Gitlab-Token header") && out.contains("wrong X-Gitlab-Token token")
    );
    assert!(
        !out.contains("t0ken"),
        "the token is never stored in verdicts"
    );
}

#[test]
fn allow_ip_answers_403_to_other_sources() {
    let outside = Listener::start(&["--allow-ip", "10.0.0.0/8"]);
    assert_eq!(outside.post("/x", &[], b"").status, 403);
    assert!(
        crate::util::show_json(&outside.db, "last")["rejected"]
            .as_str()
            .unwrap()
            .contains("not allowed")
    );
    let inside = Listener::start(&["--allow-ip", "127.0.0.0/8"]);
    assert_eq!(inside.post("/x", &[], b"").status, 200);
}
