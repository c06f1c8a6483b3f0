//! One-line summaries of captured requests: the headless `listen` and
//! `forward` output.

use std::time::Duration;

use bytesize::ByteSize;

use super::color::{Paint, Style};
use crate::clock;
use crate::model::Outcome;
use crate::model::{DeliveryBrief, RequestSummary, SignatureCheck};
use crate::sanitize::sanitize;

/// `#12 18:23:51.123 POST /hook?a=1 532 B application/json → 200`, sanitized
/// and colored by `paint`. The time is local ([`crate::clock`]). A delivered request adds the time
/// the delivery took and its error, if any: `→ 200 14ms`, `→ 502 1.2ms (…)`.
pub fn summary_line(s: &RequestSummary, paint: &Paint) -> String {
    let mut size = ByteSize::b(s.body_size).display().iec().to_string();
    if s.truncated {
        size.push_str(" (truncated)");
    }
    // Pieces pushed one by one: one line per capture, and `format!` with
    // eight arguments cost ~2,000 instructions of it (docs/performance.md).
    let id = paint.paint(&["#", &s.id.to_string()].concat(), Style::Bold);
    let time = paint.paint(&clock::clock(s.received_at), Style::Dim);
    let method = paint.method(&s.method);
    let target = sanitize(&s.target);
    let content_type = sanitize(s.content_type.as_deref().unwrap_or("-"));
    let mut line = String::with_capacity(128);
    for (at, piece) in [&*id, &time, &method, &target, &size, &content_type]
        .into_iter()
        .enumerate()
    {
        if at > 0 {
            line.push(' ');
        }
        line.push_str(piece);
    }
    line.push_str(" → ");
    line.push_str(&paint.status(s.status));
    if let Some(d) = &s.delivery {
        line.push_str(&delivery_suffix(d, paint));
    }
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
/// verdict, then the rejection. A rejection for the verdict just shown is
/// only `rejected` (`- unsigned: no X-Hub-Signature-256 header rejected`),
/// not the reason again. Terminal views color them their own way.
pub fn badge_tags(s: &RequestSummary) -> Vec<(String, Style)> {
    let sig = s.signature.as_ref().map(signature_tag);
    let rejected = s.rejected.as_ref().map(|r| {
        let repeats = s.signature.as_ref().is_some_and(|c| {
            c.outcome != Outcome::Valid && !c.reason.is_empty() && r.contains(&c.reason)
        });
        match repeats {
            true => ("rejected".to_owned(), Style::Red),
            false => (format!("rejected: {}", sanitize(r)), Style::Red),
        }
    });
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

/// An interval between attempts as a backoff schedule reads: `350ms`, `31s`,
/// `1m30s`, `2h5m` (whole seconds from a second up, whole minutes from an hour up).
pub fn interval(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

/// `attempt 2/3 (+31s)`, and ` dup` for a repeat of a delivery already answered 2xx.
pub fn attempt_text(a: &crate::model::AttemptInfo) -> String {
    let mut out = format!("attempt {}/{}", a.number, a.of);
    if let Some(d) = a.since_previous {
        out.push_str(&format!(" (+{})", interval(d)));
    }
    if a.dup {
        out.push_str(" dup");
    }
    out
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
    fn intervals_read_like_a_backoff_schedule() {
        let table = [
            (350, "350ms"),
            (31_000, "31s"),
            (60_000, "1m"),
            (90_400, "1m30s"),
            (7_500_000, "2h5m"),
            (3_600_000, "1h"),
        ];
        for (ms, text) in table {
            assert_eq!(interval(Duration::from_millis(ms)), text);
        }
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
