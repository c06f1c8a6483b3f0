//! Slack request signatures.
//!
//! Scheme (api.slack.com, "Verifying requests from Slack"): Slack sends
//! `X-Slack-Request-Timestamp: <unix seconds>` and
//! `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")>`.
//! The signing secret is used as-is. Slack recommends rejecting requests more than
//! five minutes from local time.

use crate::model::Header;

use super::check::{Reject, judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Verdict, recipe};
use super::{Provider, ProviderKind};

/// The signature header.
const SIGNATURE: &str = "X-Slack-Signature";
/// The timestamp header.
const TIMESTAMP: &str = "X-Slack-Request-Timestamp";
/// The only version Slack defines.
const VERSION: &str = "v0";

/// The Slack scheme.
pub(crate) struct Slack;

/// `v0:{ts}:{body}`: what Slack signs.
fn payload(ts: &str, body: &[u8]) -> Vec<u8> {
    [VERSION.as_bytes(), b":", ts.as_bytes(), b":", body].concat()
}

impl Provider for Slack {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Slack
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let ts = input.timestamp.unix_seconds().to_string();
        let mac = Algo::Sha256.mac(secret.bytes(), &payload(&ts, input.body));
        Ok(Signed::headers(vec![
            Header::new(TIMESTAMP, ts),
            Header::new(
                SIGNATURE,
                format!("{VERSION}={}", Encoding::Hex.encode(&mac)),
            ),
        ]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        match parse(msg) {
            Err(r) => r.verdict(ProviderKind::Slack),
            Ok((ts, t, sig)) => check(ts, t, sig, secret, msg, opts),
        }
    }
}

/// The timestamp (text and number) and the hex signature, or why they are unusable.
fn parse<'a>(msg: &Message<'a>) -> Result<(&'a str, i64, &'a str), Reject> {
    let malformed = Reject::malformed;
    let value = read_header(msg.headers, SIGNATURE)
        .map_err(|e| malformed(SIGNATURE, e))?
        .ok_or(Reject::Unsigned(SIGNATURE))?;
    let sig = value
        .strip_prefix("v0=")
        .ok_or_else(|| malformed(SIGNATURE, format!("{SIGNATURE} does not start with v0=")))?;
    let ts = read_header(msg.headers, TIMESTAMP)
        .map_err(|e| malformed(TIMESTAMP, e))?
        .ok_or_else(|| malformed(TIMESTAMP, format!("{TIMESTAMP} is missing")))?;
    let t = ts
        .parse::<i64>()
        .map_err(|_| malformed(TIMESTAMP, format!("{TIMESTAMP} is not a Unix timestamp")))?;
    Ok((ts, t, sig))
}

fn check(
    ts: &str,
    t: i64,
    sig: &str,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let payload = |body: &[u8]| payload(ts, body);
    let parts = [
        ("'v0:'", 3),
        ("timestamp", ts.len()),
        ("':'", 1),
        ("body", msg.body.len()),
    ];
    let c = MacCheck {
        kind: ProviderKind::Slack,
        header: SIGNATURE,
        algo: Algo::Sha256,
        encoding: Encoding::Hex,
        key_mode: KeyMode::Raw,
        payload: &payload,
        recipe: recipe(&parts),
        received: vec![sig],
        timestamp: Some(t),
    };
    judge(&c, secret, msg, opts)
}
