//! Counting what the list shows: the requests matching the `/` filter, made
//! beside the first frame and again whenever the filter changes.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use crate::filter::{Cmp, Filter, Term};
use crate::store::{Store, StoreError};

/// Ids counted per query: a count that is no longer wanted (the filter
/// changed again, the inspector closed) stops within one such step.
pub const COUNT_SPAN: i64 = 65_536;

/// Starts counts of the requests matching a filter, one at a time: starting
/// a new one makes the one running stop at its next step, so typing a filter
/// never piles up counts of a million rows each.
#[derive(Debug, Default)]
pub struct Counter {
    /// The count wanted now; a count of an older generation stops.
    generation: Arc<AtomicU64>,
}

impl Counter {
    /// Counts the requests of `store` matching `filter` with ids up to
    /// `up_to`, on a thread of its own (a cold count of a million rows can take
    /// a second, and no frame should wait for it); the receiver gets the number.
    /// An in-memory store (tests) has no file to open elsewhere: it is counted
    /// at once, and the number is waiting when this returns.
    pub fn start(&self, store: &Store, filter: Filter, up_to: i64) -> mpsc::Receiver<u64> {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (tx, rx) = mpsc::channel();
        if store.path() == Path::new(":memory:") {
            match count_in_steps(store, &filter, up_to, || true) {
                Ok(Some(n)) => {
                    let _ = tx.send(n);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!("counting requests failed: {e}"),
            }
            return rx;
        }
        let db = store.path().to_owned();
        let current = self.generation.clone();
        let wanted = move || current.load(Ordering::SeqCst) == generation;
        let spawned = std::thread::Builder::new()
            .name("hookcap-count".into())
            .spawn(move || {
                let counted = Store::open_existing(&db)
                    .and_then(|store| count_in_steps(&store, &filter, up_to, wanted));
                match counted {
                    Ok(Some(n)) => {
                        let _ = tx.send(n);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!("counting requests failed: {e}"),
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("counting requests failed: {e}");
        }
        rx
    }
}

impl Drop for Counter {
    /// A count still running when the inspector closes stops at its next step.
    fn drop(&mut self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// The requests matching `filter` with ids up to `up_to`, [`COUNT_SPAN`] ids
/// at a time; `None` once `wanted` says the count is no longer wanted.
fn count_in_steps(
    store: &Store,
    filter: &Filter,
    up_to: i64,
    wanted: impl Fn() -> bool,
) -> Result<Option<u64>, StoreError> {
    let Some((min, _)) = store.id_bounds()? else {
        return Ok(Some(0));
    };
    let mut n = 0;
    let mut after = min - 1;
    while after < up_to {
        if !wanted() {
            return Ok(None);
        }
        let last = after.saturating_add(COUNT_SPAN).min(up_to);
        n += store.count_matching(&between(filter, after, last))?;
        after = last;
    }
    Ok(Some(n))
}

/// `filter` limited to ids in `after < id <= last`.
pub fn between(filter: &Filter, after: i64, last: i64) -> Filter {
    filter
        .clone()
        .and(Term::Id(Cmp::Gt, after))
        .and(Term::Id(Cmp::Le, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionMode;
    use crate::store::testing::request;

    #[test]
    fn counts_cross_steps_and_stop_when_no_longer_wanted() {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let rows: Vec<_> = (0..10)
            .map(|i| request(s.id, if i % 2 == 0 { "POST" } else { "GET" }, "/t", b""))
            .collect();
        store.insert_requests(&rows).unwrap();
        let posts = Filter::parse_line("method:POST", crate::model::Timestamp(0)).unwrap();
        assert_eq!(
            count_in_steps(&store, &posts, 10, || true).unwrap(),
            Some(5)
        );
        assert_eq!(count_in_steps(&store, &posts, 4, || true).unwrap(), Some(2));
        assert_eq!(count_in_steps(&store, &posts, 10, || false).unwrap(), None);
        let counter = Counter::default();
        assert_eq!(counter.start(&store, posts, 10).try_recv(), Ok(5));
    }
}
