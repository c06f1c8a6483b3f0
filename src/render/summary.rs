//! One-line summaries of captured requests: the headless `listen` and
//! `forward` output.

use std::time::Duration;

use bytesize::ByteSize;

use super::color::{Paint, Style};
use crate::model::Outcome;
use crate::model::{DeliveryBrief, RequestSummary, SignatureCheck};
use crate::sanitize::sanitize;

/// `#12 18:23:51.123 POST /hook?a=1 532 B application/json → 200`, sanitized
/// and colored by `paint`. The time is UTC. A delivered request adds the time
/// the delivery took and its error, if any: `→ 200 14ms`, `→ 502 1.2ms (…)`.
pub fn summary_line(s: &RequestSummary, paint: &Paint) -> String {
    let mut size = ByteSize::b(s.body_size).display().iec().to_string();
    if s.truncated {
        size.push_str(" (truncated)");
    }
    let mut line = format!(
        "{} {} {} {} {} {} → {}{}",
        paint.paint(&format!("#{}", s.id), Style::Bold),
        paint.paint(&clock_time(s.received_at.rfc3339().as_str()), Style::Dim),
        paint.method(&s.method),
        sanitize(&s.target),
        size,
        sanitize(s.content_type.as_deref().unwrap_or("-")),
        paint.status(s.status),
        s.delivery
            .as_ref()
            .map(|d| delivery_suffix(d, paint))
            .unwrap_or_default(),
    );
    if let Some(badge) = badge(s, paint) {
        line.push(' ');
        line.push_str(&badge);
    }
    line
}

/// The check result of a request as a short colored tag, e.g. `✓ github`,
/// `✗ github: signature mismatch`, `rejected: wrong X-Gitlab-Token token`.
pub fn badge(s: &RequestSummary, paint: &Paint) -> Option<String> {
    let tags = badge_tags(s);
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(text, style)| paint.paint(text, *style))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The pieces of [`badge`], sanitized, each with its color: the signature
/// verdict, then the rejection. Terminal views color them their own way.
pub fn badge_tags(s: &RequestSummary) -> Vec<(String, Style)> {
    let sig = s.signature.as_ref().map(signature_tag);
    let rejected = s
        .rejected
        .as_ref()
        .map(|r| (format!("rejected: {}", sanitize(r)), Style::Red));
    sig.into_iter().chain(rejected).collect()
}

/// A signature verdict as a tag: `✓ github` (green), `✗ github: reason`
/// (red) or `- unsigned: reason` (yellow), sanitized.
pub fn signature_tag(c: &SignatureCheck) -> (String, Style) {
    match c.outcome {
        Outcome::Valid => (format!("✓ {}", sanitize(&c.provider)), Style::Green),
        Outcome::Invalid => (
            format!("✗ {}: {}", sanitize(&c.provider), sanitize(&c.reason)),
            Style::Red,
        ),
        Outcome::Unsigned => (
            format!("- unsigned: {}", sanitize(&c.reason)),
            Style::Yellow,
        ),
    }
}

/// ` 14ms`, or ` 1.2ms (connection refused)` for a delivery with an error.
fn delivery_suffix(d: &DeliveryBrief, paint: &Paint) -> String {
    let mut out = format!(" {}", paint.paint(&short_duration(d.duration), Style::Dim));
    if let Some(error) = &d.error {
        out.push_str(&format!(" ({})", sanitize(error)));
    }
    out
}

/// A duration as people read it in a log line: `0.4ms`, `14ms`, `1.25s`.
pub fn short_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

/// `HH:MM:SS.mmm` from an RFC 3339 timestamp.
pub fn clock_time(rfc3339: &str) -> String {
    rfc3339.get(11..23).unwrap_or(rfc3339).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeliveryKind, Timestamp};

    fn summary(target: &str) -> RequestSummary {
        RequestSummary {
            id: 7,
            session_id: 1,
            received_at: Timestamp(1_700_000_000_123_456),
            method: "POST".into(),
            target: target.into(),
            status: 200,
            body_size: 2048,
            truncated: false,
            content_type: Some("application/json".into()),
            signature: None,
            rejected: None,
            delivery: None,
        }
    }

    #[test]
    fn a_line_has_id_time_method_path_size_type_and_status() {
        let line = summary_line(&summary("/hook?a=1"), &Paint::new(false));
        assert_eq!(
            line,
            "#7 22:13:20.123 POST /hook?a=1 2.0 KiB application/json → 200"
        );
    }

    #[test]
    fn a_forwarded_request_shows_the_apps_status_and_time() {
        let mut s = summary("/hook");
        s.delivery = Some(DeliveryBrief {
            kind: DeliveryKind::Forward,
            status: Some(200),
            duration: Duration::from_micros(14_200),
            error: None,
        });
        let line = summary_line(&s, &Paint::new(false));
        assert!(
            line.ends_with("/hook 2.0 KiB application/json → 200 14ms"),
            "{line}"
        );
    }

    #[test]
    fn a_failed_delivery_shows_its_error_escaped() {
        let mut s = summary("/hook");
        s.status = 502;
        s.delivery = Some(DeliveryBrief {
            kind: DeliveryKind::Forward,
            status: None,
            duration: Duration::from_micros(1_234),
            error: Some("refused\x1b[2J".into()),
        });
        let line = summary_line(&s, &Paint::new(false));
        assert!(line.ends_with("→ 502 1.2ms (refused\\x1b[2J)"), "{line}");
    }

    #[test]
    fn durations_read_naturally() {
        let table = [(400, "0.4ms"), (14_200, "14ms"), (1_250_000, "1.25s")];
        for (us, text) in table {
            assert_eq!(short_duration(Duration::from_micros(us)), text);
        }
    }

    #[test]
    fn escape_sequences_in_the_target_are_shown_escaped() {
        let line = summary_line(&summary("/x\x1b[2J"), &Paint::new(false));
        assert!(line.contains("/x\\x1b[2J") && !line.contains('\x1b'));
    }
}
