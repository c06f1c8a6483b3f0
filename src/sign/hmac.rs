//! Generic HMAC signatures over the raw body, for senders without a named scheme.
//!
//! Scheme: `<header>: [prefix]<hex|base64 HMAC-<algo>(secret, raw body)>`, with
//! the header, algorithm, encoding and optional prefix (e.g. `sha256=`) given by
//! an [`HmacSpec`]. This covers the many senders that copy GitHub's or
//! Shopify's layout under another header name. There is no timestamp.

use crate::model::Header;

use super::check::{judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Outcome, Verdict, recipe};
use super::{Provider, ProviderKind};

/// Longest leading `word=` considered a prefix when hinting at a missing `--prefix`.
const MAX_PREFIX_HINT: usize = 16;

/// Describes a generic HMAC scheme; it is itself the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HmacSpec {
    /// The header carrying the signature (matched case-insensitively).
    pub header: String,
    /// The hash.
    pub algo: Algo,
    /// How the MAC is written.
    pub encoding: Encoding,
    /// Text before the MAC, e.g. `sha256=`; required when set.
    pub prefix: Option<String>,
}

impl HmacSpec {
    /// HMAC-SHA256, hex, no prefix: the most common layout.
    pub fn new(header: impl Into<String>) -> Self {
        Self {
            header: header.into(),
            algo: Algo::Sha256,
            encoding: Encoding::Hex,
            prefix: None,
        }
    }

    fn prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or("")
    }
}

impl Provider for HmacSpec {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Hmac
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let mac = self.algo.mac(secret.bytes(), input.body);
        let value = format!("{}{}", self.prefix(), self.encoding.encode(&mac));
        Ok(Signed::headers(vec![Header::new(
            self.header.as_str(),
            value,
        )]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        match read_header(msg.headers, &self.header) {
            Err(e) => Verdict::malformed(ProviderKind::Hmac, &self.header, e),
            Ok(None) => Verdict::unsigned(ProviderKind::Hmac, &self.header),
            Ok(Some(value)) => self.check(value, secret, msg, opts),
        }
    }
}

impl HmacSpec {
    fn check(
        &self,
        value: &str,
        secret: &Secret,
        msg: &Message<'_>,
        opts: &VerifyOptions<'_>,
    ) -> Verdict {
        match value.strip_prefix(self.prefix()) {
            Some(sig) => {
                let mut v = self.judge(sig, secret, msg, opts);
                v.hints
                    .extend(self.unexpected_prefix_hint(value, secret, msg, opts, &v));
                v
            }
            None => self.missing_prefix(value, secret, msg, opts),
        }
    }

    fn judge(
        &self,
        sig: &str,
        secret: &Secret,
        msg: &Message<'_>,
        opts: &VerifyOptions<'_>,
    ) -> Verdict {
        let payload = |body: &[u8]| body.to_vec();
        let c = MacCheck {
            kind: ProviderKind::Hmac,
            header: &self.header,
            algo: self.algo,
            encoding: self.encoding,
            key_mode: KeyMode::Raw,
            payload: &payload,
            recipe: recipe(&[("body", msg.body.len())]),
            received: vec![sig],
            timestamp: None,
        };
        judge(&c, secret, msg, opts)
    }

    /// The configured prefix is absent: invalid, but say whether the bare value matches.
    fn missing_prefix(
        &self,
        value: &str,
        secret: &Secret,
        msg: &Message<'_>,
        opts: &VerifyOptions<'_>,
    ) -> Verdict {
        let bare = self.judge(value, secret, msg, opts);
        let mut v = bare.clone();
        v.outcome = Outcome::Invalid;
        v.reason = format!("{} does not start with {:?}", self.header, self.prefix());
        if bare.is_valid() {
            v.hints
                .push("the value without a prefix matches: drop the prefix setting".to_owned());
        }
        v
    }

    /// No prefix configured, the value fails, but `word=<rest>` would match.
    fn unexpected_prefix_hint(
        &self,
        value: &str,
        secret: &Secret,
        msg: &Message<'_>,
        opts: &VerifyOptions<'_>,
        v: &Verdict,
    ) -> Option<String> {
        if v.is_valid() || self.prefix.is_some() {
            return None;
        }
        let (word, rest) = value.split_once('=')?;
        let plausible = word.len() < MAX_PREFIX_HINT && !rest.is_empty();
        (plausible && self.judge(rest, secret, msg, opts).is_valid())
            .then(|| format!("the value matches after a {word}= prefix: set the prefix to {word}="))
    }
}
