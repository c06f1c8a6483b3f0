//! Cross-provider tests: properties every scheme must satisfy (`props`) and the
//! explanations `verify` gives for common mistakes (`explain`).

mod explain;
mod props;

use base64::Engine as _;

use super::*;
use crate::model::Timestamp;

/// A fixed signing time for tests.
const T0: i64 = 1_700_000_000;

/// A Unix time in seconds as a `Timestamp`.
fn at(seconds: i64) -> Timestamp {
    Timestamp(seconds * 1_000_000)
}

/// The generic spec used wherever `ProviderKind::Hmac` is exercised.
fn hmac_spec() -> HmacSpec {
    HmacSpec {
        header: "X-Sig".to_owned(),
        algo: Algo::Sha512,
        encoding: Encoding::Base64,
        prefix: Some("v1=".to_owned()),
    }
}

fn make(kind: ProviderKind) -> Box<dyn Provider> {
    provider(kind, (kind == ProviderKind::Hmac).then(hmac_spec)).unwrap()
}

/// Whether the scheme's MAC key is `whsec_` + base64.
fn uses_whsec(kind: ProviderKind) -> bool {
    matches!(kind, ProviderKind::Standard | ProviderKind::Svix)
}

/// Whether the scheme signs a timestamp.
fn has_timestamp(kind: ProviderKind) -> bool {
    matches!(
        kind,
        ProviderKind::Stripe | ProviderKind::Slack | ProviderKind::Standard | ProviderKind::Svix
    )
}

/// A secret the scheme accepts, derived from arbitrary bytes.
fn secret_for(kind: ProviderKind, raw: &[u8]) -> Vec<u8> {
    if uses_whsec(kind) {
        format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
        .into_bytes()
    } else {
        raw.iter().map(|b| b'!' + b % 94).collect()
    }
}

/// Everything one signing needs.
struct Case<'a> {
    kind: ProviderKind,
    secret: &'a [u8],
    body: &'a [u8],
    ts: i64,
    url: &'a str,
    content_type: Option<&'a str>,
}

/// A signed request ready to verify: headers (with `Content-Type`) and the URL to use.
struct Request {
    headers: Vec<Header>,
    url: String,
}

impl Case<'_> {
    fn sign(&self) -> Request {
        let input = SignInput {
            body: self.body,
            timestamp: at(self.ts),
            message_id: Some("msg_test"),
            url: Some(self.url),
            content_type: self.content_type,
        };
        let signed = make(self.kind)
            .sign(&Secret::from_bytes(self.secret), &input)
            .unwrap();
        let mut headers = signed.headers;
        headers.extend(self.content_type.map(|ct| Header::new("Content-Type", ct)));
        let url = signed.url.unwrap_or_else(|| self.url.to_owned());
        Request { headers, url }
    }
}

/// Verifies with explicit everything.
fn check(
    kind: ProviderKind,
    secret: &[u8],
    req: &Request,
    body: &[u8],
    now: i64,
    alt: Option<&[u8]>,
) -> Verdict {
    let msg = Message {
        headers: &req.headers,
        body,
        url: Some(&req.url),
    };
    let opts = VerifyOptions {
        alt_body: alt,
        ..VerifyOptions::at(at(now))
    };
    make(kind).verify(&Secret::from_bytes(secret), &msg, &opts)
}
