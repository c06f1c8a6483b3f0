//! Requests per second over the last minute, for the top bar's sparkline.

use std::collections::VecDeque;

/// Seconds of history kept.
pub const HISTORY_SECONDS: usize = 60;

/// Arrival counts per whole second, oldest first, ending at the current second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    buckets: VecDeque<u64>,
    current_second: i64,
}

impl Rate {
    /// An empty history ending at `now_second` (Unix seconds).
    pub fn new(now_second: i64) -> Self {
        Self {
            buckets: std::iter::repeat_n(0, HISTORY_SECONDS).collect(),
            current_second: now_second,
        }
    }

    /// Moves the window forward to `now_second`; true when it moved.
    pub fn advance(&mut self, now_second: i64) -> bool {
        let steps = now_second - self.current_second;
        if steps <= 0 {
            return false;
        }
        for _ in 0..steps.min(HISTORY_SECONDS as i64) {
            self.buckets.pop_front();
            self.buckets.push_back(0);
        }
        self.current_second = now_second;
        true
    }

    /// Counts `n` arrivals in `second` (ignored when outside the window).
    pub fn record(&mut self, second: i64, n: u64) {
        self.advance(second);
        let back = self.current_second - second;
        if (0..HISTORY_SECONDS as i64).contains(&back) {
            let i = HISTORY_SECONDS - 1 - back as usize;
            self.buckets[i] += n;
        }
    }

    /// The last `n` seconds' counts, oldest first (the current second last).
    pub fn recent(&self, n: usize) -> Vec<u64> {
        let n = n.min(HISTORY_SECONDS);
        self.buckets
            .iter()
            .skip(HISTORY_SECONDS - n)
            .copied()
            .collect()
    }

    /// Arrivals in the last complete second.
    pub fn last_second(&self) -> u64 {
        self.buckets[HISTORY_SECONDS - 2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_land_in_their_second_and_age_out() {
        let mut r = Rate::new(100);
        r.record(100, 3);
        r.record(99, 2);
        assert_eq!(r.recent(3), [0, 2, 3]);
        assert!(r.advance(101));
        assert_eq!((r.last_second(), r.recent(2)), (3, vec![3, 0]));
        r.advance(500);
        assert_eq!(r.recent(HISTORY_SECONDS).iter().sum::<u64>(), 0);
    }

    #[test]
    fn arrivals_outside_the_window_are_ignored() {
        let mut r = Rate::new(100);
        r.record(10, 5);
        assert!(!r.advance(100));
        assert_eq!(r.recent(HISTORY_SECONDS).iter().sum::<u64>(), 0);
    }
}
