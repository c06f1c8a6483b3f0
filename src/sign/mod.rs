//! Webhook signatures: sign test webhooks, verify captured ones, and explain why a
//! signature does not match.
//!
//! Each provider's scheme lives in its own file behind the [`Provider`] trait;
//! [`provider`] builds one from a [`ProviderKind`], and [`detect`] guesses the kind
//! from the headers a request carries (`--provider auto`).
//!
//! Guarantees shared by every provider:
//! - `sign` produces exactly what `verify` accepts; fresh values (timestamp, message
//!   id) are inputs, so signing is deterministic.
//! - `verify` never panics, whatever the headers hold; garbage is an
//!   [`Outcome::Invalid`] with a one-line reason.
//! - MACs and tokens are compared in constant time.
//! - The secret never appears in `Debug` output, reasons or hints.
//! - Timestamps are checked both ways: `|now - t| > tolerance` is rejected.

mod check;
mod checker;
mod github;
mod gitlab;
mod hints;
mod hmac;
pub mod identity;
mod input;
mod mac;
mod mac_check;
mod resign;
mod shopify;
mod slack;
mod standard;
mod stripe;
mod twilio;
mod verdict;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::model::{Header, HeaderList};

pub use self::hmac::HmacSpec;
pub use checker::{Checked, Checker};
pub use input::{DEFAULT_TOLERANCE, Message, Secret, SignError, SignInput, Signed, VerifyOptions};
pub use mac::{Algo, Encoding};
pub use resign::{MESSAGE_ID_HEADERS, MessageId, Outbound, Signer, new_message_id};
pub use verdict::{Outcome, Verdict};

/// The signature schemes hookcap knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// GitHub: `X-Hub-Signature-256` (legacy `X-Hub-Signature`).
    Github,
    /// GitLab: `X-Gitlab-Token` carries the shared secret itself.
    Gitlab,
    /// Stripe: `Stripe-Signature: t=…,v1=…`.
    Stripe,
    /// Slack: `X-Slack-Signature` with `X-Slack-Request-Timestamp`.
    Slack,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    Standard,
    /// Svix: Standard Webhooks under `svix-*` header names.
    Svix,
    /// Shopify: `X-Shopify-Hmac-Sha256`.
    Shopify,
    /// Twilio: `X-Twilio-Signature` over the URL and form parameters.
    Twilio,
    /// Any HMAC over the raw body, as `--sig-header`, `--algo`, `--encoding`
    /// and `--prefix` describe it.
    Hmac,
}

impl ProviderKind {
    /// Every kind, in the order `detect` and help text list them.
    pub const ALL: [ProviderKind; 9] = [
        Self::Github,
        Self::Gitlab,
        Self::Stripe,
        Self::Slack,
        Self::Standard,
        Self::Svix,
        Self::Shopify,
        Self::Twilio,
        Self::Hmac,
    ];

    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Github => "github",
            Self::Gitlab => "gitlab",
            Self::Stripe => "stripe",
            Self::Slack => "slack",
            Self::Standard => "standard",
            Self::Svix => "svix",
            Self::Shopify => "shopify",
            Self::Twilio => "twilio",
            Self::Hmac => "hmac",
        }
    }

    /// The name people write in prose, for hints.
    pub fn label(self) -> &'static str {
        match self {
            Self::Github => "GitHub",
            Self::Gitlab => "GitLab",
            Self::Stripe => "Stripe",
            Self::Slack => "Slack",
            Self::Standard => "Standard Webhooks",
            Self::Svix => "Svix",
            Self::Shopify => "Shopify",
            Self::Twilio => "Twilio",
            Self::Hmac => "HMAC",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a provider name hookcap does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown provider {0:?} (known: github, gitlab, stripe, slack, standard, svix, shopify, twilio, hmac)"
)]
pub struct UnknownProvider(pub String);

impl FromStr for ProviderKind {
    type Err = UnknownProvider;

    /// Parses a name case-insensitively; `standard-webhooks` is accepted too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "standard-webhooks" || lower == "standardwebhooks" {
            return Ok(Self::Standard);
        }
        Self::ALL
            .into_iter()
            .find(|k| k.name() == lower)
            .ok_or_else(|| UnknownProvider(s.to_owned()))
    }
}

/// One signature scheme: signs test webhooks and verifies (and explains) captured ones.
pub trait Provider: Send + Sync {
    /// Which scheme this is.
    fn kind(&self) -> ProviderKind;

    /// The headers (and, for Twilio JSON bodies, the URL) that make `input` verify.
    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError>;

    /// Checks `msg` and says why it does or does not verify. Never panics.
    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict;
}

/// Builds the provider for `kind`; `hmac` is required for [`ProviderKind::Hmac`] and
/// ignored otherwise.
pub fn provider(
    kind: ProviderKind,
    hmac: Option<HmacSpec>,
) -> Result<Box<dyn Provider>, SignError> {
    Ok(match kind {
        ProviderKind::Github => Box::new(github::Github),
        ProviderKind::Gitlab => Box::new(gitlab::Gitlab),
        ProviderKind::Stripe => Box::new(stripe::Stripe),
        ProviderKind::Slack => Box::new(slack::Slack),
        ProviderKind::Standard => Box::new(standard::Standard::STANDARD),
        ProviderKind::Svix => Box::new(standard::Standard::SVIX),
        ProviderKind::Shopify => Box::new(shopify::Shopify),
        ProviderKind::Twilio => Box::new(twilio::Twilio),
        ProviderKind::Hmac => Box::new(hmac.ok_or(SignError::HmacSpecRequired)?),
    })
}

/// Signature headers first: a request carrying one of these is signed that way.
const SIGNATURE_HEADERS: [(&str, ProviderKind); 9] = [
    ("X-Hub-Signature-256", ProviderKind::Github),
    ("X-Hub-Signature", ProviderKind::Github),
    ("X-Gitlab-Token", ProviderKind::Gitlab),
    ("Stripe-Signature", ProviderKind::Stripe),
    ("X-Slack-Signature", ProviderKind::Slack),
    ("webhook-signature", ProviderKind::Standard),
    ("svix-signature", ProviderKind::Svix),
    ("X-Shopify-Hmac-Sha256", ProviderKind::Shopify),
    ("X-Twilio-Signature", ProviderKind::Twilio),
];

/// Event headers second: an unsigned delivery from a known sender (so `verify`
/// can say "no X-Hub-Signature-256" instead of "unknown provider").
const EVENT_HEADERS: [(&str, ProviderKind); 6] = [
    ("X-GitHub-Event", ProviderKind::Github),
    ("X-Gitlab-Event", ProviderKind::Gitlab),
    ("X-Slack-Request-Timestamp", ProviderKind::Slack),
    ("webhook-id", ProviderKind::Standard),
    ("svix-id", ProviderKind::Svix),
    ("X-Shopify-Topic", ProviderKind::Shopify),
];

/// Guesses the scheme from the headers present (`--provider auto`).
///
/// The generic `hmac` scheme is never guessed: its header name is user-chosen.
pub fn detect(headers: &[Header]) -> Option<ProviderKind> {
    let present = |(name, kind): &(&str, ProviderKind)| headers.find(name).map(|_| *kind);
    SIGNATURE_HEADERS
        .iter()
        .find_map(present)
        .or_else(|| EVENT_HEADERS.iter().find_map(present))
}
