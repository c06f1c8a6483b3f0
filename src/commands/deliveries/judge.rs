//! Verdicts on how a sender delivered one webhook: from the stored attempts
//! (requests with the same provider and delivery id) and what each was answered.
//!
//! - **no retry after 2xx**: a later attempt after a 2xx answer is a duplicate;
//! - **Retry-After honoured**: an attempt answered with `Retry-After` is not
//!   followed sooner than it asked (with [`SLACK`] for clock granularity);
//! - **body identical**: a retry resends the same event;
//! - **signature** (with a secret): valid on every attempt, and for schemes
//!   that sign a timestamp, a fresh one on every attempt (a repeated one means
//!   the old signature was resent, and goes stale).
//!
//! The backoff schedule (the intervals) is reported, not judged.

use std::time::Duration;

use serde::Serialize;

use crate::model::{CapturedRequest, HeaderList, PENDING_STATUS};
use crate::render::summary::interval;
use crate::sign::identity::signed_timestamp;
use crate::sign::{Checker, Outcome};
use crate::store::DeliveryAttempts;

/// How much sooner than `Retry-After` asked a retry may come and still count
/// as honouring it (timestamps are taken when the head arrives, the wait
/// starts when the answer leaves).
pub const SLACK: Duration = Duration::from_millis(100);

/// One attempt as judged.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptDoc {
    /// The request id.
    pub id: i64,
    /// Its attempt number.
    pub number: u32,
    /// When it arrived, RFC 3339.
    pub received_at: String,
    /// What it was answered: a status, `drop`, `hang` or `pending`.
    pub answer: String,
    /// Milliseconds since the previous attempt; null for the first.
    pub interval_ms: Option<u64>,
    /// The `Retry-After` it was answered with, in seconds, if any.
    pub retry_after_s: Option<u64>,
    /// The signature verdict (with a secret): `valid`, `invalid`, `unsigned`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The Unix time its signature covers, for schemes that sign one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<i64>,
}

/// One verdict: its name, whether it holds, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `duplicate`, `retry_after`, `body`, `signature`.
    pub name: &'static str,
    /// False when the sender did something wrong.
    pub ok: bool,
    /// One line: what was seen.
    pub detail: String,
}

/// A delivery as judged: `deliveries --json` prints one per line.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    /// The provider.
    pub provider: String,
    /// The event.
    pub event: Option<String>,
    /// The provider's delivery id.
    pub delivery: String,
    /// Every stored attempt, oldest first.
    pub attempts: Vec<AttemptDoc>,
    /// The intervals between attempts as read (`2s`, `1m30s`).
    pub backoff: Vec<String>,
    /// The verdicts.
    pub verdicts: Vec<Verdict>,
    /// True when every verdict holds.
    pub ok: bool,
}

/// What was answered to one stored request: its status, or the rule's fault.
fn answer_of(r: &CapturedRequest, fault: Option<&str>) -> String {
    match (r.response.status, fault) {
        (PENDING_STATUS, Some(f)) => f.to_owned(),
        (PENDING_STATUS, None) => "pending".to_owned(),
        (status, _) => status.to_string(),
    }
}

/// `Retry-After` of an answer, in seconds: a number, or an HTTP date measured
/// from when the request arrived.
fn retry_after(r: &CapturedRequest) -> Option<u64> {
    let value = r.response.headers.get_str("retry-after")?;
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    let wait = when.duration_since(r.received_at.to_system_time()).ok()?;
    Some(wait.as_secs())
}

/// Judges one delivery. `faults` gives the rule's `drop`/`hang` per attempt
/// (same order); `checker` checks signatures when a secret was given.
pub fn judge(d: &DeliveryAttempts, faults: &[Option<&str>], checker: Option<&Checker>) -> Judged {
    let mut attempts = Vec::with_capacity(d.attempts.len());
    let mut previous: Option<&CapturedRequest> = None;
    for (i, a) in d.attempts.iter().enumerate() {
        let r = &a.request;
        let gap = previous.map(|p| gap(p, r));
        let signature = checker.and_then(|c| c.check(r, None, r.received_at, None));
        attempts.push(AttemptDoc {
            id: r.id,
            number: a.number,
            received_at: r.received_at.rfc3339(),
            answer: answer_of(r, faults.get(i).copied().flatten()),
            interval_ms: gap.map(|g| u64::try_from(g.as_millis()).unwrap_or(u64::MAX)),
            retry_after_s: retry_after(r),
            signature: signature.map(|c| c.verdict.outcome.as_str().to_owned()),
            signed_at: signed_timestamp(&r.headers),
        });
        previous = Some(r);
    }
    let backoff = d
        .attempts
        .windows(2)
        .map(|w| interval(gap(&w[0].request, &w[1].request)))
        .collect();
    let mut verdicts = vec![
        duplicates(d, &attempts),
        retry_after_verdict(&attempts),
        bodies(d),
    ];
    if checker.is_some() {
        verdicts.push(signatures(&attempts));
    }
    let ok = verdicts.iter().all(|v| v.ok);
    Judged {
        provider: d.provider.clone(),
        event: d.event.clone(),
        delivery: d.delivery.clone(),
        attempts,
        backoff,
        verdicts,
        ok,
    }
}

fn gap(earlier: &CapturedRequest, later: &CapturedRequest) -> Duration {
    Duration::from_micros(u64::try_from(later.received_at.0 - earlier.received_at.0).unwrap_or(0))
}

fn is_2xx(answer: &str) -> bool {
    answer.len() == 3 && answer.starts_with('2')
}

fn duplicates(d: &DeliveryAttempts, attempts: &[AttemptDoc]) -> Verdict {
    let first_ok = attempts.iter().position(|a| is_2xx(&a.answer));
    let detail = match first_ok {
        Some(i) if i + 1 < attempts.len() => {
            let extra = attempts.len() - i - 1;
            return Verdict {
                name: "duplicate",
                ok: false,
                detail: format!(
                    "retried after a 2xx: {extra} more attempt{} after attempt {} was answered {}",
                    if extra == 1 { "" } else { "s" },
                    attempts[i].number,
                    attempts[i].answer
                ),
            };
        }
        Some(_) => "no retry after the 2xx".to_owned(),
        None if d.attempts.len() > 1 => "never answered 2xx".to_owned(),
        None => "one attempt, not answered 2xx".to_owned(),
    };
    Verdict {
        name: "duplicate",
        ok: true,
        detail,
    }
}

fn retry_after_verdict(attempts: &[AttemptDoc]) -> Verdict {
    let mut asked = 0;
    for w in attempts.windows(2) {
        let (Some(secs), Some(ms)) = (w[0].retry_after_s, w[1].interval_ms) else {
            continue;
        };
        asked += 1;
        let wanted = Duration::from_secs(secs);
        let waited = Duration::from_millis(ms);
        if waited + SLACK < wanted {
            return Verdict {
                name: "retry_after",
                ok: false,
                detail: format!(
                    "Retry-After ignored: attempt {} came {} after attempt {} was answered {} with Retry-After: {secs}",
                    w[1].number,
                    interval(waited),
                    w[0].number,
                    w[0].answer
                ),
            };
        }
    }
    let detail = match asked {
        0 => "no Retry-After was followed by a retry".to_owned(),
        1 => "Retry-After honoured".to_owned(),
        n => format!("Retry-After honoured ({n} times)"),
    };
    Verdict {
        name: "retry_after",
        ok: true,
        detail,
    }
}

fn bodies(d: &DeliveryAttempts) -> Verdict {
    let first = d.attempts.first().map(|a| &a.request.body);
    let changed = d.attempts.iter().find(|a| Some(&a.request.body) != first);
    match changed {
        Some(a) => Verdict {
            name: "body",
            ok: false,
            detail: format!("body changed at attempt {}", a.number),
        },
        None if d.attempts.len() > 1 => Verdict {
            name: "body",
            ok: true,
            detail: "body identical across attempts".to_owned(),
        },
        None => Verdict {
            name: "body",
            ok: true,
            detail: "one attempt".to_owned(),
        },
    }
}

fn signatures(attempts: &[AttemptDoc]) -> Verdict {
    let fail = |detail: String| Verdict {
        name: "signature",
        ok: false,
        detail,
    };
    for a in attempts {
        match a.signature.as_deref() {
            Some(s) if s == Outcome::Valid.as_str() => {}
            Some(other) => return fail(format!("signature {other} on attempt {}", a.number)),
            None => return fail(format!("no known signature scheme on attempt {}", a.number)),
        }
    }
    for w in attempts.windows(2) {
        if let (Some(t0), Some(t1)) = (w[0].signed_at, w[1].signed_at)
            && t1 <= t0
        {
            return fail(format!(
                "timestamp stale: attempt {} is signed at {t1}, not after attempt {}'s {t0}",
                w[1].number, w[0].number
            ));
        }
    }
    let stamped = attempts.iter().all(|a| a.signed_at.is_some());
    let detail = match (attempts.len(), stamped) {
        (1, _) => "signature valid".to_owned(),
        (_, true) => "signature valid on every attempt, timestamp refreshed".to_owned(),
        (_, false) => "signature valid on every attempt".to_owned(),
    };
    Verdict {
        name: "signature",
        ok: true,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, NewRequest, ResponseRecord, Timestamp};
    use crate::store::Attempt;

    fn attempt(n: u32, at_ms: i64, status: u16, retry: Option<&str>, body: &str) -> Attempt {
        let headers = retry
            .map(|r| vec![Header::new("Retry-After", r)])
            .unwrap_or_default();
        Attempt {
            number: n,
            request: CapturedRequest {
                id: i64::from(n),
                request: NewRequest {
                    session_id: 1,
                    received_at: Timestamp(1_700_000_000_000_000 + at_ms * 1000),
                    method: "POST".into(),
                    target: "/".into(),
                    http_version: "HTTP/1.1".into(),
                    remote_addr: "127.0.0.1:1".into(),
                    headers: vec![],
                    body: body.as_bytes().to_vec(),
                    truncated: false,
                    response: ResponseRecord {
                        status,
                        headers,
                        body: vec![],
                    },
                    signature: None,
                    rejected: None,
                },
            },
        }
    }

    fn delivery(attempts: Vec<Attempt>) -> DeliveryAttempts {
        DeliveryAttempts {
            provider: "stripe".into(),
            delivery: "evt_1".into(),
            event: Some("invoice.paid".into()),
            attempts,
        }
    }

    fn verdicts(d: &DeliveryAttempts) -> Vec<(&'static str, bool)> {
        judge(d, &[], None)
            .verdicts
            .iter()
            .map(|v| (v.name, v.ok))
            .collect()
    }

    #[test]
    fn a_sender_that_waits_as_asked_passes_and_its_schedule_is_reported() {
        let d = delivery(vec![
            attempt(1, 0, 503, Some("2"), "{}"),
            attempt(2, 2_050, 503, Some("2"), "{}"),
            attempt(3, 4_100, 200, None, "{}"),
        ]);
        let j = judge(&d, &[], None);
        assert!(j.ok, "{:?}", j.verdicts);
        assert_eq!(j.backoff, ["2s", "2s"]);
        assert_eq!(j.verdicts[1].detail, "Retry-After honoured (2 times)");
        assert_eq!(j.attempts[1].interval_ms, Some(2_050));
    }

    #[test]
    fn retrying_sooner_than_retry_after_fails_and_says_so() {
        let d = delivery(vec![
            attempt(1, 0, 503, Some("2"), "{}"),
            attempt(2, 300, 200, None, "{}"),
        ]);
        let j = judge(&d, &[], None);
        assert!(!j.ok);
        let v = &j.verdicts[1];
        assert_eq!((v.name, v.ok), ("retry_after", false));
        assert!(v.detail.contains("Retry-After ignored"), "{}", v.detail);
        assert!(v.detail.contains("300ms"), "{}", v.detail);
    }

    #[test]
    fn duplicates_and_changed_bodies_fail() {
        let d = delivery(vec![
            attempt(1, 0, 200, None, "{}"),
            attempt(2, 1_000, 200, None, "{\"x\":1}"),
        ]);
        assert_eq!(
            verdicts(&d),
            [("duplicate", false), ("retry_after", true), ("body", false)]
        );
        let fault = delivery(vec![
            attempt(1, 0, PENDING_STATUS, None, "{}"),
            attempt(2, 1_000, 200, None, "{}"),
        ]);
        let j = judge(&fault, &[Some("drop"), None], None);
        assert!(j.ok);
        assert_eq!(j.attempts[0].answer, "drop");
    }

    #[test]
    fn an_http_date_retry_after_counts_from_the_arrival() {
        let mut first = attempt(1, 0, 429, None, "{}");
        let at = first.request.received_at.to_system_time() + Duration::from_secs(5);
        first.request.request.response.headers =
            vec![Header::new("Retry-After", httpdate::fmt_http_date(at))];
        assert_eq!(retry_after(&first.request), Some(5));
        let d = delivery(vec![first, attempt(2, 1_000, 200, None, "{}")]);
        assert!(!judge(&d, &[], None).ok);
    }
}
