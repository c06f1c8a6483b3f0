//! The verification engine every MAC scheme shares.
//!
//! A provider parses its headers into a [`MacCheck`] (what was received, how the
//! signed payload is built, which key and encoding apply); [`judge`] then computes
//! the expected MAC, compares in constant time, checks the timestamp, and gathers
//! hints. Providers only differ in parsing, so the explanations are uniform.

use crate::model::{Header, HeaderList};

use super::input::{Message, Secret, VerifyOptions};
use super::mac_check::MacCheck;
use super::verdict::{Outcome, Verdict, describe_skew, shorten};
use super::{ProviderKind, hints};

/// Longest signature header accepted; real ones are well under 1 KiB.
pub(crate) const MAX_HEADER_LEN: usize = 4096;

/// Reads a header as trimmed ASCII text.
///
/// `Ok(None)`: absent. `Err(reason)`: present but unusable (empty, too long,
/// non-ASCII, control characters). Only the first header of that name is read.
pub(crate) fn read_header<'a>(
    headers: &'a [Header],
    name: &str,
) -> Result<Option<&'a str>, String> {
    match headers.find(name) {
        None => Ok(None),
        Some(h) => text_value(name, &h.value).map(Some),
    }
}

fn text_value<'a>(name: &str, value: &'a [u8]) -> Result<&'a str, String> {
    if value.len() > MAX_HEADER_LEN {
        return Err(format!(
            "{name} is {} bytes (limit {MAX_HEADER_LEN})",
            value.len()
        ));
    }
    if !value.is_ascii() {
        return Err(format!("{name} contains non-ASCII bytes"));
    }
    if value.iter().any(|b| b.is_ascii_control() && *b != b'\t') {
        return Err(format!("{name} contains control characters"));
    }
    let text = std::str::from_utf8(value).map_err(|_| format!("{name} is not text"))?;
    let text = text.trim_matches([' ', '\t']);
    if text.is_empty() {
        return Err(format!("{name} is empty"));
    }
    Ok(text)
}

/// Why a message was rejected before any MAC was computed (small, unlike `Verdict`).
#[derive(Debug)]
pub(crate) enum Reject {
    /// The signature header is absent; holds the name expected.
    Unsigned(&'static str),
    /// A header is present but unusable: its name and the reason.
    Malformed(String, String),
}

impl Reject {
    /// A malformed-header rejection.
    pub(crate) fn malformed(header: &str, reason: impl Into<String>) -> Self {
        Self::Malformed(header.to_owned(), reason.into())
    }

    /// The verdict this rejection amounts to.
    pub(crate) fn verdict(self, kind: ProviderKind) -> Verdict {
        match self {
            Self::Unsigned(h) => Verdict::unsigned(kind, h),
            Self::Malformed(h, reason) => Verdict::malformed(kind, &h, reason),
        }
    }
}

/// A note when a header appears more than once (only the first is read).
pub(crate) fn duplicate_note(headers: &[Header], name: &str) -> Option<String> {
    let count = headers.all(name).count();
    (count > 1).then(|| format!("{count} {name} headers present; only the first was read"))
}

/// Verifies `msg` against a parsed check and explains the result.
pub(crate) fn judge(
    c: &MacCheck<'_>,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let key = c.key_mode.key(secret.bytes());
    let expected = key
        .as_ref()
        .ok()
        .map(|k| c.algo.mac(k, &(c.payload)(msg.body)));
    let valid = expected.as_ref().is_some_and(|m| c.holds(c.encoding, m));
    let skew = c
        .timestamp
        .map(|t| opts.now.unix_seconds().saturating_sub(t));
    let stale = skew.filter(|s| s.unsigned_abs() > opts.tolerance.as_secs());
    let (outcome, reason) = match &key {
        Err(e) => (Outcome::Invalid, e.clone()),
        Ok(_) => outcome(c, valid, stale, opts),
    };
    let mut v = Verdict::new(c.kind, outcome, reason);
    v.header = Some(c.header.to_owned());
    v.signed_payload = Some(c.recipe.clone());
    v.expected = expected.map(|m| shorten(&c.encoding.encode(&m)));
    v.received = c.received.first().map(|r| shorten(r));
    v.timestamp_skew_secs = skew;
    v.hints.extend(duplicate_note(msg.headers, c.header));
    v.hints.extend(hints::collect(
        c,
        secret,
        key.as_deref().ok(),
        msg,
        opts,
        valid,
    ));
    v.hints.extend(stale.map(|s| skew_hint(valid, s, opts)));
    v
}

fn outcome(
    c: &MacCheck<'_>,
    valid: bool,
    stale: Option<i64>,
    opts: &VerifyOptions<'_>,
) -> (Outcome, String) {
    let tolerance = opts.tolerance.as_secs();
    match (valid, stale) {
        (true, None) => (Outcome::Valid, "signature matches".to_owned()),
        (true, Some(s)) => (
            Outcome::Invalid,
            format!("timestamp {} (tolerance {tolerance} s)", describe_skew(s)),
        ),
        (false, _) if !c.decodable() => (
            Outcome::Invalid,
            format!("signature is not {}", c.encoding.label()),
        ),
        (false, _) => (Outcome::Invalid, "signature mismatch".to_owned()),
    }
}

fn skew_hint(valid: bool, skew: i64, opts: &VerifyOptions<'_>) -> String {
    let tolerance = opts.tolerance.as_secs();
    if valid {
        format!(
            "the signature itself matches, but the timestamp is {} (tolerance {tolerance} s): \
             a replayed request or a sender clock off by that much",
            describe_skew(skew)
        )
    } else {
        format!(
            "the timestamp is also {} (tolerance {tolerance} s)",
            describe_skew(skew)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_header_values_have_reasons() {
        let long = vec![b'a'; MAX_HEADER_LEN + 1];
        assert!(text_value("X", &long).unwrap_err().contains("limit"));
        assert!(
            text_value("X", "é".as_bytes())
                .unwrap_err()
                .contains("non-ASCII")
        );
        assert!(text_value("X", b"a\0b").unwrap_err().contains("control"));
        assert!(text_value("X", b"  ").unwrap_err().contains("empty"));
        assert_eq!(text_value("X", b" v1=ab "), Ok("v1=ab"));
    }
}
