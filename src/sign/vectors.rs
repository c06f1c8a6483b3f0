//! Known-answer tests: vectors computed by `tests/fixtures/sign/gen.sh` with
//! openssl (independently of this code), plus the providers' published examples.

use clap::ValueEnum;
use serde::Deserialize;

use super::*;
use crate::model::Timestamp;

const VECTORS: &str = include_str!("../../tests/fixtures/sign/vectors.json");

/// One record of `vectors.json` (fields documented in `gen.sh`).
#[derive(Debug, Deserialize)]
struct Vector {
    name: String,
    provider: String,
    secret: String,
    body: String,
    timestamp: i64,
    message_id: Option<String>,
    url: Option<String>,
    content_type: Option<String>,
    hmac: Option<Spec>,
    headers: Vec<(String, String)>,
    signed_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Spec {
    header: String,
    algo: String,
    encoding: String,
    prefix: Option<String>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(VECTORS).expect("vectors.json parses")
}

fn seconds(s: i64) -> Timestamp {
    Timestamp(s * 1_000_000)
}

impl Vector {
    fn provider(&self) -> Box<dyn Provider> {
        let kind: ProviderKind = self.provider.parse().expect("known provider");
        let spec = self.hmac.as_ref().map(|s| HmacSpec {
            header: s.header.clone(),
            algo: Algo::from_str(&s.algo, true).expect("algo"),
            encoding: Encoding::from_str(&s.encoding, true).expect("encoding"),
            prefix: s.prefix.clone(),
        });
        provider(kind, spec).expect("provider")
    }

    fn input(&self) -> SignInput<'_> {
        SignInput {
            body: self.body.as_bytes(),
            timestamp: seconds(self.timestamp),
            message_id: self.message_id.as_deref(),
            url: self.url.as_deref(),
            content_type: self.content_type.as_deref(),
        }
    }

    fn headers(&self) -> Vec<Header> {
        let mut headers: Vec<Header> = self
            .headers
            .iter()
            .map(|(n, v)| Header::new(n, v.as_str()))
            .collect();
        headers.extend(
            self.content_type
                .as_deref()
                .map(|ct| Header::new("Content-Type", ct)),
        );
        headers
    }
}

#[test]
fn the_fixture_covers_every_provider() {
    let vectors = vectors();
    for kind in ProviderKind::ALL {
        assert!(
            vectors.iter().any(|v| v.provider == kind.name()),
            "no vector for {kind}"
        );
    }
}

#[test]
fn sign_reproduces_every_vector() {
    for v in vectors() {
        let secret = Secret::from_bytes(v.secret.as_bytes());
        let signed = v.provider().sign(&secret, &v.input()).expect(&v.name);
        let got: Vec<(String, String)> = signed
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value_str().into_owned()))
            .collect();
        assert_eq!(got, v.headers, "{}", v.name);
        assert_eq!(signed.url, v.signed_url, "{}", v.name);
    }
}

#[test]
fn verify_accepts_every_vector() {
    for v in vectors() {
        let secret = Secret::from_bytes(v.secret.as_bytes());
        let headers = v.headers();
        let url = v.signed_url.as_deref().or(v.url.as_deref());
        let msg = Message {
            headers: &headers,
            body: v.body.as_bytes(),
            url,
        };
        let verdict = v
            .provider()
            .verify(&secret, &msg, &VerifyOptions::at(seconds(v.timestamp)));
        assert_eq!(verdict.outcome, Outcome::Valid, "{}: {verdict:?}", v.name);
        assert_eq!(verdict.provider.name(), v.provider, "{}", v.name);
    }
}

#[test]
fn detect_recognizes_every_named_vector() {
    for v in vectors().iter().filter(|v| v.provider != "hmac") {
        assert_eq!(
            detect(&v.headers()).map(|k| k.name()),
            Some(v.provider.as_str()),
            "{}",
            v.name
        );
    }
}

/// Verifies a published example literally, independent of the fixture file.
fn published(
    kind: ProviderKind,
    secret: &str,
    body: &str,
    headers: &[(&str, &str)],
    url: Option<&str>,
    at: i64,
) {
    let headers: Vec<Header> = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
    let msg = Message {
        headers: &headers,
        body: body.as_bytes(),
        url,
    };
    let secret = Secret::from_bytes(secret.as_bytes());
    let verdict =
        provider(kind, None)
            .unwrap()
            .verify(&secret, &msg, &VerifyOptions::at(seconds(at)));
    assert_eq!(verdict.outcome, Outcome::Valid, "{verdict:?}");
}

#[test]
fn github_docs_example_verifies() {
    // docs.github.com, "Validating webhook deliveries", testing section.
    let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let headers = [("X-Hub-Signature-256", sig)];
    published(
        ProviderKind::Github,
        "It's a Secret to Everybody",
        "Hello, World!",
        &headers,
        None,
        0,
    );
}

#[test]
fn slack_docs_example_verifies() {
    // api.slack.com, "Verifying requests from Slack", worked example.
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let headers = [
        ("X-Slack-Request-Timestamp", "1531420618"),
        (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
    ];
    published(
        ProviderKind::Slack,
        "8f742231b10e8888abcd99yyyzzz85a5",
        body,
        &headers,
        None,
        1531420618,
    );
}

#[test]
fn svix_docs_example_verifies_under_both_names() {
    // docs.svix.com, "Verifying webhooks manually".
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = r#"{"test": 2432232314}"#;
    let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let svix = [
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1614265330"),
        ("svix-signature", sig),
    ];
    published(ProviderKind::Svix, secret, body, &svix, None, 1614265330);
    published(
        ProviderKind::Standard,
        secret,
        body,
        &svix,
        None,
        1614265330,
    );
    published(
        ProviderKind::Standard,
        &secret["whsec_".len()..],
        body,
        &svix,
        None,
        1614265330,
    );
}

#[test]
fn twilio_docs_examples_verify() {
    // twilio.com/docs/usage/webhooks/webhooks-security (form) and twilio-node's tests (JSON).
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let body = "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";
    let headers = [("X-Twilio-Signature", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")];
    published(ProviderKind::Twilio, "12345", body, &headers, Some(url), 0);
    let json_url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let headers = [
        ("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4="),
        ("Content-Type", "application/json"),
    ];
    published(
        ProviderKind::Twilio,
        "12345",
        r#"{"property": "value", "boolean": true}"#,
        &headers,
        Some(json_url),
        0,
    );
}
