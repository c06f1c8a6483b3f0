//! When to retry and how long to wait.
//!
//! Connect errors, timeouts, `429` and `5xx` are retried up to `--retry N`
//! times. The wait is the response's `Retry-After` (seconds or an HTTP date)
//! when it has one, otherwise exponential backoff with "equal jitter": retry
//! `k` waits between half of and the full `base · 2^(k-1)`, capped at
//! [`MAX_BACKOFF`]. With `--retry-max-time T`, no retry starts whose wait would
//! end more than `T` after the first attempt (curl's rule), so a long
//! `Retry-After` gives up at once instead of overrunning.

use std::time::{Duration, SystemTime};

/// The first backoff (before jitter), as in curl.
pub const BASE_BACKOFF: Duration = Duration::from_secs(1);

/// The longest backoff without a `Retry-After`.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How many times and for how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The retry budget since the first attempt, if any.
    pub max_time: Option<Duration>,
    /// The first backoff.
    pub base: Duration,
}

impl RetryPolicy {
    /// `--retry N --retry-max-time T` with the default backoff.
    pub fn new(retries: u32, max_time: Option<Duration>) -> Self {
        Self {
            retries,
            max_time,
            base: BASE_BACKOFF,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Stop: report the last result.
    GiveUp(GiveUp),
}

/// Why retrying stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// All `--retry` attempts are used (or there were none).
    Exhausted,
    /// The next wait would pass `--retry-max-time`.
    MaxTime,
}

/// Statuses worth retrying: `429 Too Many Requests` and every `5xx`.
pub fn retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// A `Retry-After` value as a wait from `now`: delay-seconds, or an HTTP date
/// (IMF-fixdate, RFC 850 or asctime); a date in the past is no wait.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

impl RetryPolicy {
    /// The jittered backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32, random: u128) -> Duration {
        let doublings = retry.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1 << doublings).min(MAX_BACKOFF);
        let half = full / 2;
        let half_ms = u128::from(u64::try_from(half.as_millis()).unwrap_or(u64::MAX));
        let jitter = if half_ms == 0 {
            0
        } else {
            random % (half_ms + 1)
        };
        half + Duration::from_millis(u64::try_from(jitter).unwrap_or(0))
    }

    /// After `done` retries and `elapsed` since the first attempt: retry, and
    /// after how long, or give up.
    pub fn decide(
        &self,
        done: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        random: u128,
    ) -> Decision {
        if done >= self.retries {
            return Decision::GiveUp(GiveUp::Exhausted);
        }
        let wait = retry_after.unwrap_or_else(|| self.backoff(done + 1, random));
        match self.max_time {
            Some(max) if elapsed + wait > max => Decision::GiveUp(GiveUp::MaxTime),
            _ => Decision::Retry(wait),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let table = [
            ("120", Some(secs(120))),
            (" 0 ", Some(secs(0))),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(secs(10))),
            ("Sunday, 06-Nov-94 08:50:37 GMT", Some(secs(60))),
            ("Sun Nov  6 08:49:38 1994", Some(secs(1))),
            ("Sun, 06 Nov 1994 08:00:00 GMT", Some(secs(0))),
            ("-1", None),
            ("1.5", None),
            ("soon", None),
            ("", None),
        ];
        for (value, want) in table {
            assert_eq!(parse_retry_after(value, now), want, "{value:?}");
        }
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 404, 408, 428] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let p = RetryPolicy::new(10, None);
        for (retry, full) in [(1, 1), (2, 2), (3, 4), (7, 60), (40, 60)] {
            let low = p.backoff(retry, 0);
            let high = p.backoff(retry, u128::MAX - 1);
            assert_eq!(low, secs(full) / 2, "retry {retry}");
            assert!(high >= low && high <= secs(full), "retry {retry}: {high:?}");
        }
    }

    #[test]
    fn decisions_respect_count_retry_after_and_max_time() {
        let p = RetryPolicy::new(2, Some(secs(10)));
        assert_eq!(
            p.decide(0, secs(0), Some(secs(3)), 0),
            Decision::Retry(secs(3))
        );
        assert_eq!(p.decide(1, secs(0), None, 0), Decision::Retry(secs(1)));
        assert_eq!(
            p.decide(2, secs(0), None, 0),
            Decision::GiveUp(GiveUp::Exhausted)
        );
        assert_eq!(
            p.decide(0, secs(8), Some(secs(3)), 0),
            Decision::GiveUp(GiveUp::MaxTime)
        );
        let none = RetryPolicy::new(0, None);
        assert_eq!(
            none.decide(0, secs(0), None, 0),
            Decision::GiveUp(GiveUp::Exhausted)
        );
    }
}
