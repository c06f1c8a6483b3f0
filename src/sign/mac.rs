//! HMAC primitives every provider shares: the hash, how a MAC is written into a
//! header (hex or base64), and the constant-time comparison.
//!
//! Nothing here can fail loudly: HMAC accepts keys of any length, and decoding
//! returns `None` instead of an error so callers can turn it into a verdict.

use ::hmac::{EagerHash, Hmac, KeyInit, Mac};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;
use sha2::Digest as _;
use subtle::ConstantTimeEq;

/// The hash behind an HMAC, for the generic `hmac` provider and for hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// HMAC-SHA1 (GitHub legacy, Twilio).
    Sha1,
    /// HMAC-SHA256 (almost everyone).
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algo {
    /// Every algorithm, for trying alternatives.
    pub const ALL: [Algo; 3] = [Algo::Sha1, Algo::Sha256, Algo::Sha512];

    /// Display name, e.g. `HMAC-SHA256`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sha1 => "HMAC-SHA1",
            Self::Sha256 => "HMAC-SHA256",
            Self::Sha512 => "HMAC-SHA512",
        }
    }

    /// The MAC of `data` under `key`.
    pub(crate) fn mac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => hmac_of::<sha1::Sha1>(key, data),
            Self::Sha256 => hmac_of::<sha2::Sha256>(key, data),
            Self::Sha512 => hmac_of::<sha2::Sha512>(key, data),
        }
    }
}

fn hmac_of<D: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8>
where
    Hmac<D>: KeyInit + Mac,
{
    // HMAC takes keys of any length, so the error arm is unreachable in practice;
    // an empty MAC never compares equal to anything.
    match <Hmac<D> as KeyInit>::new_from_slice(key) {
        Ok(m) => m.chain_update(data).finalize().into_bytes().to_vec(),
        Err(_) => Vec::new(),
    }
}

/// How a MAC is written as text in a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Lowercase hexadecimal (uppercase accepted when reading).
    Hex,
    /// Standard base64 with padding (missing padding accepted when reading).
    Base64,
}

/// Base64 that reads with or without `=` padding and writes it.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl Encoding {
    /// The name users type and see.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        }
    }

    /// The other encoding, for the hex-vs-base64 hint.
    pub(crate) fn other(self) -> Self {
        match self {
            Self::Hex => Self::Base64,
            Self::Base64 => Self::Hex,
        }
    }

    /// Writes bytes as text.
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => hex::encode(bytes),
            Self::Base64 => B64.encode(bytes),
        }
    }

    /// Reads text back, `None` when it is not in this encoding.
    pub(crate) fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Self::Hex => hex::decode(text).ok(),
            Self::Base64 => B64.decode(text).ok(),
        }
    }
}

/// Decodes standard base64 (padding optional): Standard Webhooks keys and signatures.
pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    B64.decode(text).ok()
}

/// Equality that takes the same time wherever the first difference is.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hex SHA-256 of `data` (Twilio's `bodySHA256`).
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc4231_case_2() {
        let mac = Algo::Sha256.mac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn base64_reads_without_padding() {
        assert_eq!(Encoding::Base64.decode("Zm8"), Some(b"fo".to_vec()));
        assert_eq!(Encoding::Base64.decode("Zm8="), Some(b"fo".to_vec()));
    }

    #[test]
    fn ct_eq_rejects_different_lengths() {
        assert!(!ct_eq(b"ab", b"abc"));
        assert!(ct_eq(b"abc", b"abc"));
    }
}
