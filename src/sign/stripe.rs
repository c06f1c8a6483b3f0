//! Stripe webhook signatures.
//!
//! Scheme (docs.stripe.com, "Check the webhook signatures" → "Verify signatures
//! manually"): `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each
//! `v1` is hex HMAC-SHA256 keyed with the endpoint secret string (`whsec_…`,
//! used as-is, *not* decoded) over `{t}.{raw body}`. Several `v1` entries appear
//! while a secret is being rolled; any match passes. Other schemes (`v0`) are
//! ignored. Stripe's libraries default to a 300 s tolerance.

use crate::model::Header;

use super::check::{judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Verdict, recipe};
use super::{Provider, ProviderKind};

/// The signature header.
const HEADER: &str = "Stripe-Signature";

/// The Stripe scheme.
pub(crate) struct Stripe;

/// The parts of a `Stripe-Signature` value that matter.
#[derive(Debug)]
struct Parsed<'a> {
    /// The `t=` value as written.
    t: &'a str,
    /// `t` as a number.
    timestamp: i64,
    /// Every `v1=` value.
    v1: Vec<&'a str>,
}

/// `{t}.{body}`: what Stripe signs.
fn payload(t: &str, body: &[u8]) -> Vec<u8> {
    [t.as_bytes(), b".", body].concat()
}

impl Provider for Stripe {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Stripe
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let t = input.timestamp.unix_seconds().to_string();
        let mac = Algo::Sha256.mac(secret.bytes(), &payload(&t, input.body));
        let value = format!("t={t},v1={}", Encoding::Hex.encode(&mac));
        Ok(Signed::headers(vec![Header::new(HEADER, value)]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        let malformed = |e: String| Verdict::malformed(ProviderKind::Stripe, HEADER, e);
        match read_header(msg.headers, HEADER) {
            Err(e) => malformed(e),
            Ok(None) => Verdict::unsigned(ProviderKind::Stripe, HEADER),
            Ok(Some(value)) => match parse(value) {
                Err(e) => malformed(e),
                Ok(p) => check(&p, secret, msg, opts),
            },
        }
    }
}

/// Splits `t=…,v1=…`; items without `=` and unknown keys are skipped, as Stripe's libraries do.
fn parse(value: &str) -> Result<Parsed<'_>, String> {
    let items: Vec<(&str, &str)> = value
        .split(',')
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let t = items.iter().find(|(k, _)| *k == "t").map(|(_, v)| *v);
    let t = t.ok_or(format!("{HEADER} has no t= timestamp (expected t=…,v1=…)"))?;
    let timestamp = t
        .parse::<i64>()
        .map_err(|_| format!("{HEADER} t= is not a Unix timestamp"))?;
    let v1: Vec<&str> = items
        .iter()
        .filter(|(k, _)| *k == "v1")
        .map(|(_, v)| *v)
        .collect();
    if v1.is_empty() {
        return Err(format!("{HEADER} has no v1= signature"));
    }
    Ok(Parsed { t, timestamp, v1 })
}

fn check(p: &Parsed<'_>, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
    let payload = |body: &[u8]| payload(p.t, body);
    let c = MacCheck {
        kind: ProviderKind::Stripe,
        header: HEADER,
        algo: Algo::Sha256,
        encoding: Encoding::Hex,
        key_mode: KeyMode::Raw,
        payload: &payload,
        recipe: recipe(&[("t", p.t.len()), ("'.'", 1), ("body", msg.body.len())]),
        received: p.v1.clone(),
        timestamp: Some(p.timestamp),
    };
    judge(&c, secret, msg, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_every_v1_and_ignores_others() {
        let p = parse("t=12, v1=aa,v0=bb,v1=cc,junk").unwrap();
        assert_eq!((p.t, p.timestamp, p.v1), ("12", 12, vec!["aa", "cc"]));
    }

    #[test]
    fn parse_explains_missing_parts() {
        assert!(parse("v1=aa").unwrap_err().contains("no t="));
        assert!(
            parse("t=x,v1=aa")
                .unwrap_err()
                .contains("not a Unix timestamp")
        );
        assert!(parse("t=1").unwrap_err().contains("no v1="));
        assert!(parse("garbage").unwrap_err().contains("no t="));
    }
}
