//! What the list knows of its rows as webhooks: the event, the attempt and
//! the rule that answered, read from the store a batch at a time.
//!
//! The list's rows come from pages of [`RequestSummary`]s; the webhook facts
//! beside them come from [`Store::hook_facts`], for the rows on screen and a
//! margin around them, only when a row on screen has none yet. Keeping track
//! of the run of rows already read ([`Facts::load_around`]'s fast path) makes
//! a step of the selection cost two comparisons, not a look at every row.
//!
//! An attempt's place in its delivery changes as more attempts arrive
//! (`attempt 1/1` becomes `1/2`) or are deleted, and whether it is a
//! duplicate depends on how earlier attempts were answered: the facts of
//! rows with an attempt are read again after arrivals, deliveries and
//! deletions ([`Facts::forget_attempts`]).

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{HookFacts, RequestSummary};
use crate::store::{Store, StoreError};

/// Facts kept before the ones outside the list's window are dropped.
const MAX_KNOWN: usize = 4096;

/// The webhook facts of rows of the list, by request id.
#[derive(Debug, Default)]
pub struct Facts {
    /// Read so far: `None` for a request with nothing known as a webhook.
    known: HashMap<i64, Option<HookFacts>>,
    /// Every row of the window with an id in this range has been read.
    covered: Option<(i64, i64)>,
}

impl Facts {
    /// What is known of request `id` as a webhook, once read.
    pub fn get(&self, id: i64) -> Option<&HookFacts> {
        self.known.get(&id).and_then(Option::as_ref)
    }

    /// Makes sure the facts of `rows[want]` are read: when one of them is
    /// not, reads every unread row within `margin` rows of `want` in one
    /// batch. True when anything was read.
    pub fn load_around(
        &mut self,
        store: &Store,
        rows: &[RequestSummary],
        want: Range<usize>,
        margin: usize,
    ) -> Result<bool, StoreError> {
        let want = want.start.min(rows.len())..want.end.min(rows.len());
        let (Some(first), Some(last)) = (rows.get(want.start), want.end.checked_sub(1)) else {
            return Ok(false);
        };
        let last = &rows[last.max(want.start)];
        if self
            .covered
            .is_some_and(|(lo, hi)| lo <= first.id && last.id <= hi)
        {
            return Ok(false);
        }
        let batch = &rows[want.start.saturating_sub(margin)..(want.end + margin).min(rows.len())];
        let missing: Vec<i64> = batch
            .iter()
            .map(|r| r.id)
            .filter(|id| !self.known.contains_key(id))
            .collect();
        if self.known.len() + missing.len() > MAX_KNOWN {
            self.keep_within(rows);
        }
        if !missing.is_empty() {
            let mut found = store.hook_facts(&missing)?;
            for id in &missing {
                self.known.insert(*id, found.remove(id));
            }
        }
        self.covered = match (batch.first(), batch.last()) {
            (Some(a), Some(b)) => Some((a.id, b.id)),
            _ => None,
        };
        Ok(!missing.is_empty())
    }

    /// Forgets the facts of every row that is an attempt of a delivery, so
    /// they are read again when next on screen (attempts arrived, were
    /// answered or deleted).
    pub fn forget_attempts(&mut self) {
        self.known
            .retain(|_, f| f.as_ref().is_none_or(|f| f.attempt.is_none()));
        self.covered = None;
    }

    /// The window now holds other rows (a new filter, a jump to either end):
    /// what was read stays, but which rows are read is checked again.
    pub fn window_replaced(&mut self) {
        self.covered = None;
    }

    /// Drops what is known of requests outside the window's ids.
    fn keep_within(&mut self, rows: &[RequestSummary]) {
        let (lo, hi) = match (rows.first(), rows.last()) {
            (Some(a), Some(b)) => (a.id, b.id),
            _ => (0, -1),
        };
        self.known.retain(|id, _| (lo..=hi).contains(id));
        self.covered = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, SessionMode};
    use crate::store::testing::request;

    /// A store with `n` requests, every third a GitHub delivery `d` (so
    /// attempts of one delivery), the rest plain; and their summaries.
    fn store_with(n: usize) -> (Store, Vec<RequestSummary>) {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let all: Vec<_> = (0..n)
            .map(|i| {
                let mut r = request(s.id, "POST", "/t", b"{}");
                if i % 3 == 0 {
                    r.headers = vec![
                        Header::new("X-GitHub-Event", "push"),
                        Header::new("X-GitHub-Delivery", "d"),
                    ];
                }
                r
            })
            .collect();
        let ids = store.insert_requests(&all).unwrap();
        let rows = store.summaries_of(&ids).unwrap();
        (store, rows)
    }

    #[test]
    fn rows_on_screen_are_read_in_one_batch_with_a_margin() {
        let (store, rows) = store_with(100);
        let mut facts = Facts::default();
        assert!(facts.load_around(&store, &rows, 40..50, 10).unwrap());
        assert_eq!(facts.known.len(), 30);
        let event = |id| facts.get(id).and_then(|f| f.identity.clone())?.event;
        assert_eq!(event(31), Some("push".into()));
        assert_eq!(event(32), None);
        assert!(
            !facts.load_around(&store, &rows, 35..55, 10).unwrap(),
            "within the batch already read: nothing to do"
        );
        assert!(facts.load_around(&store, &rows, 55..65, 10).unwrap());
        assert_eq!(facts.known.len(), 45, "only the unread rows are read");
    }

    #[test]
    fn attempts_are_read_again_after_more_arrived() {
        let (store, rows) = store_with(4);
        let mut facts = Facts::default();
        facts.load_around(&store, &rows, 0..4, 0).unwrap();
        let of = |facts: &Facts| facts.get(1).and_then(|f| f.attempt).map(|a| a.of);
        assert_eq!(of(&facts), Some(2));
        let mut again = request(1, "POST", "/t", b"{}");
        again.headers = vec![
            Header::new("X-GitHub-Event", "push"),
            Header::new("X-GitHub-Delivery", "d"),
        ];
        store.insert_requests(&[again]).unwrap();
        assert!(!facts.load_around(&store, &rows, 0..4, 0).unwrap());
        facts.forget_attempts();
        assert!(facts.load_around(&store, &rows, 0..4, 0).unwrap());
        assert_eq!(of(&facts), Some(3));
        assert_eq!(facts.known.len(), 4, "plain rows are not read again");
    }

    #[test]
    fn a_full_memory_keeps_only_the_window() {
        let (store, rows) = store_with(20);
        let mut facts = Facts::default();
        for id in 1000..1000 + MAX_KNOWN as i64 {
            facts.known.insert(id, None);
        }
        facts.load_around(&store, &rows, 0..5, 0).unwrap();
        assert_eq!(facts.known.len(), 5);
    }
}
