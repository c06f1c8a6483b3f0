//! What one received MAC signature is checked against: the scheme's key
//! derivation, hash, encoding and signed payload, and the signatures received.
//! Kept apart from [`super::check`] (which judges) and [`super::hints`] (which
//! explains a mismatch) because both read it.

use super::ProviderKind;
use super::mac::{Algo, Encoding, base64_decode, ct_eq};

/// How a scheme turns the user's secret into the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyMode {
    /// The secret's bytes as-is (GitHub, Stripe, Slack, Shopify, Twilio, hmac).
    Raw,
    /// `whsec_` + base64 (prefix optional), decoded (Standard Webhooks, Svix).
    Whsec,
}

impl KeyMode {
    /// The HMAC key, or why the secret does not fit the scheme.
    pub(crate) fn key(self, secret: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            Self::Raw => Ok(secret.to_vec()),
            Self::Whsec => whsec_key(secret)
                .ok_or_else(|| "secret is not whsec_ + base64 (the key must be base64)".to_owned()),
        }
    }
}

/// Decodes a Standard Webhooks secret: base64 after an optional `whsec_`.
pub(crate) fn whsec_key(secret: &[u8]) -> Option<Vec<u8>> {
    base64_decode(secret.strip_prefix(b"whsec_").unwrap_or(secret))
}

/// Everything needed to judge one received signature.
pub(crate) struct MacCheck<'a> {
    /// The scheme, for the verdict.
    pub kind: ProviderKind,
    /// The header the signatures came from.
    pub header: &'a str,
    /// The hash.
    pub algo: Algo,
    /// How the signatures are written.
    pub encoding: Encoding,
    /// How the secret becomes the key.
    pub key_mode: KeyMode,
    /// Body → signed bytes.
    pub payload: &'a dyn Fn(&[u8]) -> Vec<u8>,
    /// Human recipe of the signed bytes, with lengths.
    pub recipe: String,
    /// Candidate signatures as written (prefixes removed); any match passes.
    pub received: Vec<&'a str>,
    /// The signed Unix timestamp, for schemes that have one.
    pub timestamp: Option<i64>,
}

impl MacCheck<'_> {
    /// True when some received signature, read as `enc`, equals `mac` (constant time).
    pub(crate) fn holds(&self, enc: Encoding, mac: &[u8]) -> bool {
        let decoded = self.received.iter().filter_map(|r| enc.decode(r));
        // Every candidate is compared; no early exit on the first match.
        decoded.fold(false, |found, d| ct_eq(&d, mac) | found)
    }

    /// True when the scheme's MAC of `body` under `key` was received.
    pub(crate) fn matches(&self, key: &[u8], body: &[u8]) -> bool {
        self.holds(self.encoding, &self.algo.mac(key, &(self.payload)(body)))
    }

    /// True when at least one received value parses in the scheme's encoding.
    pub(crate) fn decodable(&self) -> bool {
        self.received
            .iter()
            .any(|r| self.encoding.decode(r).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whsec_key_accepts_prefix_or_bare_base64() {
        assert_eq!(whsec_key(b"whsec_Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(whsec_key(b"Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(whsec_key(b"whsec_!!"), None);
    }
}
