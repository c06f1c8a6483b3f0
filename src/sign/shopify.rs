//! Shopify webhook signatures.
//!
//! Scheme (shopify.dev, "Deliver webhooks through HTTPS" → "Verify the webhook"):
//! `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(app client secret, raw body)>`.
//! The secret is used as-is. There is no timestamp.

use crate::model::Header;

use super::check::{judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Verdict, recipe};
use super::{Provider, ProviderKind};

/// The signature header.
const HEADER: &str = "X-Shopify-Hmac-Sha256";

/// The Shopify scheme.
pub(crate) struct Shopify;

impl Provider for Shopify {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Shopify
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let mac = Algo::Sha256.mac(secret.bytes(), input.body);
        Ok(Signed::headers(vec![Header::new(
            HEADER,
            Encoding::Base64.encode(&mac),
        )]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        match read_header(msg.headers, HEADER) {
            Err(e) => Verdict::malformed(ProviderKind::Shopify, HEADER, e),
            Ok(None) => Verdict::unsigned(ProviderKind::Shopify, HEADER),
            Ok(Some(sig)) => check(sig, secret, msg, opts),
        }
    }
}

fn check(sig: &str, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
    let payload = |body: &[u8]| body.to_vec();
    let c = MacCheck {
        kind: ProviderKind::Shopify,
        header: HEADER,
        algo: Algo::Sha256,
        encoding: Encoding::Base64,
        key_mode: KeyMode::Raw,
        payload: &payload,
        recipe: recipe(&[("body", msg.body.len())]),
        received: vec![sig],
        timestamp: None,
    };
    judge(&c, secret, msg, opts)
}
