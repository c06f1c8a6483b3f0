//! GitHub webhook signatures.
//!
//! Scheme (docs.github.com, "Validating webhook deliveries"): GitHub sends
//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`, and for
//! compatibility the legacy `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, raw body)>`.
//! The secret is used as-is. There is no timestamp.
//!
//! `verify` reads the SHA-256 header, falling back to the SHA-1 one only when it
//! is the only one present. `sign` emits both, as GitHub does.

use crate::model::Header;

use super::check::{Reject, judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Verdict, recipe};
use super::{Provider, ProviderKind};

/// The current header.
const HEADER_256: &str = "X-Hub-Signature-256";
/// The legacy header, still sent by GitHub.
const HEADER_SHA1: &str = "X-Hub-Signature";

/// The GitHub scheme.
pub(crate) struct Github;

/// One of GitHub's two headers: its name, hash, and value prefix.
struct Variant {
    header: &'static str,
    algo: Algo,
    prefix: &'static str,
}

const SHA256: Variant = Variant {
    header: HEADER_256,
    algo: Algo::Sha256,
    prefix: "sha256=",
};
const SHA1: Variant = Variant {
    header: HEADER_SHA1,
    algo: Algo::Sha1,
    prefix: "sha1=",
};

impl Provider for Github {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Github
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let value = |v: &Variant| {
            let mac = v.algo.mac(secret.bytes(), input.body);
            Header::new(
                v.header,
                format!("{}{}", v.prefix, Encoding::Hex.encode(&mac)),
            )
        };
        Ok(Signed::headers(vec![value(&SHA256), value(&SHA1)]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        match pick(msg) {
            Err(r) => r.verdict(ProviderKind::Github),
            Ok((variant, sig)) => check(&variant, sig, secret, msg, opts),
        }
    }
}

/// The header to read: SHA-256 when present, else legacy SHA-1, else unsigned.
fn pick<'a>(msg: &Message<'a>) -> Result<(Variant, &'a str), Reject> {
    let read = |h: &str| read_header(msg.headers, h).map_err(|e| Reject::malformed(h, e));
    if let Some(v) = read(HEADER_256)? {
        return Ok((SHA256, v));
    }
    match read(HEADER_SHA1)? {
        Some(v) => Ok((SHA1, v)),
        None => Err(Reject::Unsigned(HEADER_256)),
    }
}

fn check(
    variant: &Variant,
    value: &str,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let Some(sig) = value.strip_prefix(variant.prefix) else {
        let reason = format!("{} does not start with {}", variant.header, variant.prefix);
        return Verdict::malformed(ProviderKind::Github, variant.header, reason);
    };
    let payload = |body: &[u8]| body.to_vec();
    let c = MacCheck {
        kind: ProviderKind::Github,
        header: variant.header,
        algo: variant.algo,
        encoding: Encoding::Hex,
        key_mode: KeyMode::Raw,
        payload: &payload,
        recipe: recipe(&[("body", msg.body.len())]),
        received: vec![sig],
        timestamp: None,
    };
    let mut v = judge(&c, secret, msg, opts);
    if variant.algo == Algo::Sha1 {
        v.hints.push(format!(
            "only the legacy SHA-1 {HEADER_SHA1} is present; GitHub also sends {HEADER_256}"
        ));
    }
    v
}
