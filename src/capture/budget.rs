//! One budget for the memory held by request bodies in flight, across all
//! connections (`--max-inflight-body`).
//!
//! `--max-body` bounds one body; without a shared budget, many bodies at
//! once could still take the listener's memory (20 concurrent 16 MiB bodies
//! held ~477 MB). Each body takes what its buffer's capacity grows by from
//! the budget before it grows, and gives it back once its request has been
//! stored and answered. A body that does not fit is cut off: the request is
//! stored marked and answered `503` with `Retry-After`.

use std::sync::atomic::{AtomicU64, Ordering};

/// The default budget: 256 MiB.
pub const DEFAULT_MAX_INFLIGHT_BODY: u64 = 256 * 1024 * 1024;

/// The bytes all bodies in flight may hold together.
#[derive(Debug)]
pub struct BodyBudget {
    limit: u64,
    held: AtomicU64,
}

/// What one body holds of a [`BodyBudget`]; given back when dropped.
#[derive(Debug)]
pub struct Held<'a> {
    budget: &'a BodyBudget,
    bytes: u64,
}

impl BodyBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            held: AtomicU64::new(0),
        }
    }

    /// The budget in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Nothing held yet, for one body.
    pub fn start(&self) -> Held<'_> {
        Held {
            budget: self,
            bytes: 0,
        }
    }

    #[cfg(test)]
    /// Bytes held by all bodies now.
    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }
}

impl Held<'_> {
    /// Takes `more` bytes for this body; false, taking nothing, when that
    /// would put all bodies together over the budget.
    pub fn grow(&mut self, more: u64) -> bool {
        let budget = self.budget;
        let before = budget.held.fetch_add(more, Ordering::Relaxed);
        if before.saturating_add(more) > budget.limit {
            budget.held.fetch_sub(more, Ordering::Relaxed);
            return false;
        }
        self.bytes += more;
        true
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.budget.held.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_share_the_budget_and_give_it_back() {
        let budget = BodyBudget::new(100);
        let mut a = budget.start();
        let mut b = budget.start();
        assert!(a.grow(60));
        assert!(!b.grow(50), "60 + 50 is over 100");
        assert_eq!(budget.held(), 60, "a refused growth takes nothing");
        assert!(b.grow(40));
        drop(a);
        assert_eq!(budget.held(), 40);
        assert!(b.grow(60));
    }
}
