//! The answer `verify` gives: an outcome plus everything needed to explain it
//! (which header was read, what was signed, expected vs received, hints).
//!
//! Strings here are for display: values are truncated and control characters
//! escaped, and nothing derived from the secret is ever stored except MACs.

use serde::Serialize;

use super::ProviderKind;

// Stored with every checked request, so defined in the model; the sign files
// name it from here.
pub use crate::model::Outcome;

/// How many characters of a MAC or header value a verdict shows.
const SHOWN_CHARS: usize = 12;

/// The result of `verify`, precise enough to fix a mismatch from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The scheme that was checked.
    pub provider: ProviderKind,
    /// Valid, invalid or unsigned.
    pub outcome: Outcome,
    /// One short line, for list badges (e.g. `signature mismatch`).
    pub reason: String,
    /// The header read (or, when unsigned, the one expected).
    pub header: Option<String>,
    /// What was signed, as a recipe with lengths, e.g. `t + '.' + body (10 + 1 + 5 = 16 bytes)`.
    pub signed_payload: Option<String>,
    /// The start of the MAC hookcap computed, e.g. `5257a869e7ec…`.
    pub expected: Option<String>,
    /// The start of the signature the request carried.
    pub received: Option<String>,
    /// Explanations found by trying alternatives (secret forms, body variants, encodings).
    pub hints: Vec<String>,
    /// `now - signed timestamp` in seconds (positive: signed in the past).
    pub timestamp_skew_secs: Option<i64>,
}

impl Verdict {
    /// A verdict with just an outcome and reason; details are filled in by callers.
    pub(crate) fn new(provider: ProviderKind, outcome: Outcome, reason: impl Into<String>) -> Self {
        Self {
            provider,
            outcome,
            reason: reason.into(),
            header: None,
            signed_payload: None,
            expected: None,
            received: None,
            hints: Vec::new(),
            timestamp_skew_secs: None,
        }
    }

    /// The provider's header is absent: say which one was expected.
    pub(crate) fn unsigned(provider: ProviderKind, expected_header: &str) -> Self {
        let mut v = Self::new(
            provider,
            Outcome::Unsigned,
            format!("no {expected_header} header"),
        );
        v.header = Some(expected_header.to_owned());
        v
    }

    /// A header is present but unusable (empty, garbage, missing parts).
    pub(crate) fn malformed(
        provider: ProviderKind,
        header: &str,
        reason: impl Into<String>,
    ) -> Self {
        let mut v = Self::new(provider, Outcome::Invalid, reason);
        v.header = Some(header.to_owned());
        v
    }

    /// True when the outcome is [`Outcome::Valid`].
    pub fn is_valid(&self) -> bool {
        self.outcome == Outcome::Valid
    }

    /// The explanation under the verdict, in reading order, as `(label,
    /// value)`: the header read, what was signed, expected and received
    /// MACs, the clock skew against `tolerance`, hints. What `hookcap verify`
    /// prints and the TUI's `v` shows (values are display text: sanitize them).
    pub fn explanation(&self, tolerance: std::time::Duration) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        let mut push = |label, value: &Option<String>| {
            if let Some(value) = value {
                lines.push((label, value.clone()));
            }
        };
        push("header", &self.header);
        push("signed", &self.signed_payload);
        push("expected", &self.expected);
        push("received", &self.received);
        if let Some(skew) = self.timestamp_skew_secs {
            lines.push((
                "skew",
                format!("{skew} s (tolerance {} s)", tolerance.as_secs()),
            ));
        }
        lines.extend(self.hints.iter().map(|h| ("hint", h.clone())));
        lines
    }
}

/// The first characters of a value, control characters escaped, `…` when cut.
pub(crate) fn shorten(value: &str) -> String {
    let mut out: String = value
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    if value.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// A signed-payload recipe: `a + b (1 + 2 = 3 bytes)`, or `body (5 bytes)` for one part.
pub(crate) fn recipe(parts: &[(&str, usize)]) -> String {
    let total: usize = parts.iter().map(|p| p.1).sum();
    let names: Vec<&str> = parts.iter().map(|p| p.0).collect();
    if parts.len() == 1 {
        return format!("{} ({total} bytes)", names.join(" + "));
    }
    let lens: Vec<String> = parts.iter().map(|p| p.1.to_string()).collect();
    format!(
        "{} ({} = {total} bytes)",
        names.join(" + "),
        lens.join(" + ")
    )
}

/// `412 s old` or `30 s in the future`, from `now - t`.
pub(crate) fn describe_skew(skew: i64) -> String {
    if skew >= 0 {
        format!("{skew} s old")
    } else {
        format!("{} s in the future", skew.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_and_escapes() {
        assert_eq!(shorten("abc"), "abc");
        assert_eq!(shorten("0123456789abcdef"), "0123456789ab…");
        assert_eq!(shorten("a\u{1b}[31m"), "a\\u{1b}[31m");
    }

    #[test]
    fn recipe_lists_lengths() {
        assert_eq!(recipe(&[("body", 5)]), "body (5 bytes)");
        assert_eq!(
            recipe(&[("t", 10), ("'.'", 1), ("body", 532)]),
            "t + '.' + body (10 + 1 + 532 = 543 bytes)"
        );
    }

    #[test]
    fn skew_reads_both_ways() {
        assert_eq!(describe_skew(412), "412 s old");
        assert_eq!(describe_skew(-30), "30 s in the future");
    }
}
