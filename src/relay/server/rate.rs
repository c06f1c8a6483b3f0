//! Per-channel rate limits: a token bucket that holds one second's worth of
//! requests, so a short burst up to the rate passes and a flood gets `429`.

use std::time::{Duration, Instant};

/// A rate such as `50/s` or `600/m`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests allowed per second.
    pub per_second: f64,
}

/// A `--rate` value that is not `N/s`, `N/m`, `N/h` or `off`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rate {0:?}: use N/s, N/m or N/h (e.g. 50/s), or off")]
pub struct RateError(pub String);

/// Parses `50/s`, `600/m`, `1000/h`; `off` is `None`.
pub fn parse_rate(s: &str) -> Result<Option<Rate>, RateError> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let err = || RateError(s.to_owned());
    let (n, unit) = s.split_once('/').ok_or_else(err)?;
    let n: f64 = n.trim().parse().map_err(|_| err())?;
    let seconds = match unit.trim() {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        _ => return Err(err()),
    };
    if !(n.is_finite() && n > 0.0) {
        return Err(err());
    }
    Ok(Some(Rate {
        per_second: n / seconds,
    }))
}

/// A token bucket for one channel.
#[derive(Debug, Clone)]
pub struct Bucket {
    rate: Rate,
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            tokens: Self::capacity(rate),
            refilled: Instant::now(),
        }
    }

    fn capacity(rate: Rate) -> f64 {
        rate.per_second.max(1.0)
    }

    /// Takes one token at `now`; when there is none, how long until there is.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.refilled = now;
        self.tokens = (self.tokens + elapsed * self.rate.per_second).min(Self::capacity(self.rate));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.rate.per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_per_second_minute_and_hour() {
        assert_eq!(parse_rate("50/s").unwrap().unwrap().per_second, 50.0);
        assert_eq!(parse_rate("120/m").unwrap().unwrap().per_second, 2.0);
        assert_eq!(parse_rate("off").unwrap(), None);
        for bad in ["50", "0/s", "-1/s", "x/s", "5/d", "nan/s"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bucket_passes_a_seconds_worth_then_refills_at_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::new(Rate { per_second: 3.0 });
        for _ in 0..3 {
            assert!(bucket.take(start).is_ok());
        }
        let wait = bucket.take(start).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(334));
        assert!(bucket.take(start + Duration::from_millis(340)).is_ok());
        assert!(bucket.take(start + Duration::from_millis(340)).is_err());
    }

    #[test]
    fn slow_rates_still_let_one_request_through() {
        let mut bucket = Bucket::new(Rate { per_second: 0.5 });
        let now = Instant::now();
        assert!(bucket.take(now).is_ok());
        assert_eq!(bucket.take(now).unwrap_err(), Duration::from_secs(2));
    }
}
