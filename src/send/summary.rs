//! What `--repeat` reports: exact counts per status and per error kind, and
//! latency percentiles over every response.
//!
//! Latencies are kept exactly (4 bytes per response, in microseconds), so
//! percentiles are exact nearest-rank values, not estimates.

use std::collections::BTreeMap;
use std::time::Duration;

use super::client::ErrorKind;

/// Counts and latencies of many requests; workers fill their own and [`merge`](Summary::merge).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Final responses per status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that ended without a response, per kind.
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Retries made (attempts beyond each request's first).
    pub retries: u64,
    /// Microseconds from sending to the end of the body, per final response.
    latencies_us: Vec<u32>,
}

/// Latency percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// Fastest.
    pub min: Duration,
    /// Median.
    pub p50: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Summary {
    /// Counts a response of `status` that took `latency`.
    pub fn record_response(&mut self, status: u16, latency: Duration) {
        *self.statuses.entry(status).or_default() += 1;
        let us = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.push(us);
    }

    /// Counts a request that failed without a response.
    pub fn record_error(&mut self, kind: ErrorKind) {
        *self.errors.entry(kind).or_default() += 1;
    }

    /// Adds another worker's counts.
    pub fn merge(&mut self, other: Summary) {
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        self.retries += other.retries;
        self.latencies_us.extend(other.latencies_us);
    }

    /// Requests finished, with or without a response.
    pub fn requests(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.errors.values().sum::<u64>()
    }

    /// True when every request got a 2xx answer (any answer, with `any_status`).
    pub fn all_succeeded(&self, any_status: bool) -> bool {
        self.errors.is_empty()
            && (any_status || self.statuses.keys().all(|s| (200..300).contains(s)))
    }

    /// Percentiles over all responses; `None` when there were none.
    pub fn latency(&self) -> Option<Latency> {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let at = |p: f64| Duration::from_micros(u64::from(percentile(&sorted, p)));
        (!sorted.is_empty()).then(|| Latency {
            min: at(0.0),
            p50: at(50.0),
            p90: at(90.0),
            p99: at(99.0),
            max: at(100.0),
        })
    }
}

/// Nearest-rank percentile of a non-empty sorted slice: the smallest value with
/// at least `p`% of the values at or below it.
fn percentile(sorted: &[u32], p: f64) -> u32 {
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.0), 1);
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 90.0), 90);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[1, 2, 3], 50.0), 2);
    }

    #[test]
    fn merged_counts_are_exact() {
        let mut a = Summary::default();
        let mut b = Summary::default();
        for i in 0..30 {
            a.record_response(200, ms(i));
        }
        for i in 0..20 {
            b.record_response(if i % 2 == 0 { 200 } else { 503 }, ms(100 + i));
        }
        b.record_error(ErrorKind::Connect);
        b.retries = 4;
        a.merge(b);
        assert_eq!(a.requests(), 51);
        assert_eq!(a.statuses[&200], 40);
        assert_eq!(a.statuses[&503], 10);
        assert_eq!(a.errors[&ErrorKind::Connect], 1);
        assert_eq!(a.retries, 4);
        let l = a.latency().unwrap();
        assert_eq!((l.min, l.max), (ms(0), ms(119)));
        assert_eq!(l.p50, ms(24));
        assert!(!a.all_succeeded(true));
    }

    #[test]
    fn success_needs_2xx_unless_any_status() {
        let mut s = Summary::default();
        s.record_response(204, ms(1));
        assert!(s.all_succeeded(false));
        s.record_response(404, ms(1));
        assert!(!s.all_succeeded(false) && s.all_succeeded(true));
        assert_eq!(Summary::default().latency(), None);
    }
}
