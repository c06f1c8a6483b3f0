//! What differs between two captured requests, the way someone debugging a
//! webhook asks: the request line; headers in order and case (added,
//! removed, changed, moved); the body by structure (JSON by pointer, forms
//! by field, text by line, binary by size and hash); and which parts a
//! signature covers differ, so whether the two can carry the same signature.
//!
//! [`compare`] computes a [`RequestDiff`] (plain data, serializable for
//! `diff --json`); [`render`] prints it for a terminal, every captured string
//! through the sanitizer. The sizes of the work are bounded: at most
//! [`MAX_CHANGES`] body changes are listed, and text bodies of more than
//! [`MAX_LINES`] lines are compared by size and hash.

mod body;
mod headers;
pub mod render;

use serde::Serialize;

use crate::model::{HeaderList, NewRequest};
use crate::sign::identity::signed_timestamp;
use crate::sign::{ProviderKind, detect};

pub use body::{BodyChange, BodyDiff};
pub use headers::HeaderChange;

/// The most body changes listed; the rest are counted.
pub const MAX_CHANGES: usize = 200;
/// Text bodies with more lines than this are compared by size and hash only.
pub const MAX_LINES: usize = 5_000;

/// One part of the request line that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    /// `method`, `target` or `http_version`.
    pub field: &'static str,
    /// A's value.
    pub a: String,
    /// B's value.
    pub b: String,
}

/// What the differences mean for a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureDiff {
    /// The scheme detected on A (or B), e.g. `stripe`.
    pub provider: String,
    /// The parts that scheme signs, e.g. `["body", "timestamp"]`.
    pub signed: Vec<&'static str>,
    /// The signed parts that differ.
    pub differ: Vec<&'static str>,
    /// True when the signature headers themselves differ.
    pub signature_headers_differ: bool,
}

/// Everything that differs between A and B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestDiff {
    /// Method, target and version changes.
    pub line: Vec<LineChange>,
    /// Header changes, in B's order (removed ones where they were in A).
    pub headers: Vec<HeaderChange>,
    /// The body comparison.
    pub body: BodyDiff,
    /// What it means for a signature, when either request is signed.
    pub signature: Option<SignatureDiff>,
    /// True when nothing differs.
    pub same: bool,
}

/// Compares A and B.
pub fn compare(a: &NewRequest, b: &NewRequest) -> RequestDiff {
    let mut line = Vec::new();
    for (field, x, y) in [
        ("method", &a.method, &b.method),
        ("target", &a.target, &b.target),
        ("http_version", &a.http_version, &b.http_version),
    ] {
        if x != y {
            line.push(LineChange {
                field,
                a: x.clone(),
                b: y.clone(),
            });
        }
    }
    let headers = headers::compare(&a.headers, &b.headers);
    let body = body::compare(a, b);
    let signature = signature(a, b);
    let same = line.is_empty() && headers.is_empty() && body.same;
    RequestDiff {
        line,
        headers,
        body,
        signature,
        same,
    }
}

/// The parts a scheme signs, and the headers carrying its signature.
fn signed_parts(kind: ProviderKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        ProviderKind::Github => (&["body"], &["X-Hub-Signature-256", "X-Hub-Signature"]),
        ProviderKind::Gitlab => (&[], &["X-Gitlab-Token"]),
        ProviderKind::Stripe => (&["body", "timestamp"], &["Stripe-Signature"]),
        ProviderKind::Slack => (&["body", "timestamp"], &["X-Slack-Signature"]),
        ProviderKind::Standard => (&["body", "timestamp", "id"], &["webhook-signature"]),
        ProviderKind::Svix => (&["body", "timestamp", "id"], &["svix-signature"]),
        ProviderKind::Shopify => (&["body"], &["X-Shopify-Hmac-Sha256"]),
        ProviderKind::Twilio => (&["url", "body"], &["X-Twilio-Signature"]),
        ProviderKind::Hmac => (&["body"], &[]),
    }
}

fn signature(a: &NewRequest, b: &NewRequest) -> Option<SignatureDiff> {
    let kind = detect(&a.headers).or_else(|| detect(&b.headers))?;
    let (signed, sig_headers) = signed_parts(kind);
    let id_header = |r: &NewRequest| {
        r.headers
            .get_str("webhook-id")
            .or_else(|| r.headers.get_str("svix-id"))
    };
    let host = |r: &NewRequest| r.headers.get_str("host");
    let differ = signed
        .iter()
        .copied()
        .filter(|part| match *part {
            "body" => a.body != b.body,
            "timestamp" => signed_timestamp(&a.headers) != signed_timestamp(&b.headers),
            "id" => id_header(a) != id_header(b),
            "url" => a.target != b.target || host(a) != host(b),
            _ => false,
        })
        .collect();
    let value = |r: &NewRequest, name: &str| r.headers.find(name).map(|h| h.value.clone());
    let signature_headers_differ = sig_headers.iter().any(|h| value(a, h) != value(b, h));
    Some(SignatureDiff {
        provider: kind.name().to_owned(),
        signed: signed.to_vec(),
        differ,
        signature_headers_differ,
    })
}

#[cfg(test)]
mod tests;
