//! What providers are given: the secret, the message to verify or the input to
//! sign, and the verification options; plus what signing returns and how it fails.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::model::{Header, Timestamp};

/// The tolerance Stripe, Slack and Standard Webhooks recommend: five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// A shared secret or signing key, exactly as the user gave it.
///
/// It cannot leak through formatting: `Debug` prints `(redacted)`, and there is
/// no `Display`. Only this module reads the bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps raw bytes (e.g. read from a file, kept byte for byte).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes, for MAC computation only.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// True when the secret is empty (HMAC accepts it, but it is almost surely a mistake).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    /// Takes the text as-is: no trimming, no decoding (providers decode if their scheme says so).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.as_bytes().to_vec()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// A received request, as far as signatures care.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// Headers in arrival order.
    pub headers: &'a [Header],
    /// The raw body bytes, exactly as received.
    pub body: &'a [u8],
    /// The full URL the sender posted to (Twilio signs it); reconstructed by the
    /// caller or given with `--url`.
    pub url: Option<&'a str>,
}

/// How strict `verify` is and what it compares against.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Largest accepted distance between the signed timestamp and `now`, either way.
    pub tolerance: Duration,
    /// The reference time: capture time by default, the wall clock with `--now`.
    pub now: Timestamp,
    /// The body as the user's framework saw it, used only to produce hints.
    pub alt_body: Option<&'a [u8]>,
}

impl VerifyOptions<'_> {
    /// Default tolerance, no alternative body, checked against `now`.
    pub fn at(now: Timestamp) -> Self {
        Self {
            tolerance: DEFAULT_TOLERANCE,
            now,
            alt_body: None,
        }
    }
}

/// What to sign. Fresh values are inputs so signing is deterministic.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    /// The exact body bytes that will be sent.
    pub body: &'a [u8],
    /// The signing time (Stripe, Slack, Standard Webhooks).
    pub timestamp: Timestamp,
    /// The message id (Standard Webhooks / Svix; required there).
    pub message_id: Option<&'a str>,
    /// The full URL the request will be sent to (Twilio; required there).
    pub url: Option<&'a str>,
    /// The `Content-Type` that will be sent (Twilio picks form or JSON signing from it).
    pub content_type: Option<&'a str>,
}

impl<'a> SignInput<'a> {
    /// An input with just a body and a time; the other fields empty.
    pub fn new(body: &'a [u8], timestamp: Timestamp) -> Self {
        Self {
            body,
            timestamp,
            message_id: None,
            url: None,
            content_type: None,
        }
    }
}

/// The result of signing: headers to add, and possibly a changed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Headers to add to the request, in a stable order.
    pub headers: Vec<Header>,
    /// The URL to send to when the scheme changed it (Twilio drops a stale
    /// `bodySHA256` and appends a fresh one for JSON bodies); `None` means "the
    /// URL you gave".
    pub url: Option<String>,
}

impl Signed {
    /// Headers only; the URL is unchanged.
    pub(crate) fn headers(headers: Vec<Header>) -> Self {
        Self { headers, url: None }
    }
}

/// Why a request could not be signed. Messages never contain the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// Twilio signs the URL, so it must be known.
    #[error("{0} signs the request URL: pass --url")]
    MissingUrl(&'static str),
    /// Standard Webhooks / Svix sign a message id.
    #[error("{0} signs a message id, and none was given")]
    MissingMessageId(&'static str),
    /// The secret cannot be used by this scheme (e.g. not `whsec_` + base64).
    #[error("unusable secret: {0}")]
    BadSecret(String),
    /// The URL cannot be signed as given.
    #[error("unusable URL: {0}")]
    BadUrl(String),
    /// `--provider hmac` needs a header name, algorithm and encoding.
    #[error("the hmac provider needs a spec (header, algorithm, encoding)")]
    HmacSpecRequired,
}
