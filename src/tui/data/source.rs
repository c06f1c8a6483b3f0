//! The data side of the inspector: pages of requests from the store, and how
//! it learns that new ones arrived (or were delivered).
//!
//! The list never loads every row. [`RequestSource`] answers "up to N rows
//! older (or newer) than id X that match the filter" with keyset queries, and
//! bounds the work of each answer by time ([`PAGE_BUDGET`]): a search that
//! matches little returns what it found so far and where to go on
//! ([`Edge::More`]), and the list asks again on a later tick.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::filter::Filter;
use crate::model::RequestSummary;
use crate::store::{Direction, ScanStep, Store, StoreError, StoredUpTo};

/// How long one page request may scan before returning what it has.
pub const PAGE_BUDGET: Duration = Duration::from_millis(25);
/// Ids examined per store query.
pub const SCAN_SPAN: i64 = 8192;
/// How often `hookcap ui` asks the database for its newest id.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// What lies beyond the rows a page returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Nothing: the page reached the end of the data in its direction.
    End,
    /// Maybe more: continue after this id (exclusive).
    More(i64),
}

/// Rows in ascending id order, and what lies beyond them in the direction asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The rows found, oldest first.
    pub rows: Vec<RequestSummary>,
    /// Beyond the rows, in the direction of the request.
    pub edge: Edge,
}

/// Anything that can hand out pages of request summaries.
pub trait Pager {
    /// Up to `want` rows in direction `dir` from `from` (exclusive; `None` is
    /// the end opposite to `dir`: the newest for `Older`, the oldest for `Newer`).
    fn page(&mut self, dir: Direction, from: Option<i64>, want: usize) -> Result<Page, StoreError>;
}

/// Pages of the store's requests that match the current `/` filter.
pub struct RequestSource {
    store: Store,
    filter: Filter,
}

impl RequestSource {
    /// Pages over `store`, unfiltered.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            filter: Filter::default(),
        }
    }

    /// The store, for everything that is not a page (single requests, counts).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Replaces the filter; pages from now on match it.
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
    }

    /// The filter in force.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }
}

impl Pager for RequestSource {
    fn page(&mut self, dir: Direction, from: Option<i64>, want: usize) -> Result<Page, StoreError> {
        let started = Instant::now();
        let mut rows = Vec::new();
        let mut from = from;
        let edge = loop {
            let step = ScanStep {
                dir,
                from,
                limit: u32::try_from(want - rows.len()).unwrap_or(u32::MAX),
                span: SCAN_SPAN,
            };
            let found = self.store.scan(&self.filter, step)?;
            rows.extend(found.rows);
            match found.next {
                None => break Edge::End,
                Some(next) if rows.len() >= want || started.elapsed() >= PAGE_BUDGET => {
                    break Edge::More(next);
                }
                Some(next) => from = Some(next),
            }
        };
        if dir == Direction::Older {
            rows.reverse();
        }
        Ok(Page { rows, edge })
    }
}

/// What a [`LiveFeed`] heard the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heard {
    /// The newest request id.
    pub last_id: i64,
    /// Changes whenever a delivery is recorded (a forward answered, a
    /// replay): a count from the writer, the newest delivery id when polling.
    pub deliveries: i64,
}

/// How the inspector hears about new requests and deliveries.
pub enum LiveFeed {
    /// From this process's writer: every commit is announced at once
    /// (a watch channel keeps only the latest value, so capture never waits).
    Writer(watch::Receiver<StoredUpTo>),
    /// From another process: ask the database for its newest request and
    /// delivery ids now and then.
    Poll {
        /// Time between questions.
        every: Duration,
        /// When to ask next.
        next: Instant,
    },
    /// Not at all (tests).
    Off,
}

impl LiveFeed {
    /// Polling every [`POLL_INTERVAL`], starting now.
    pub fn polling() -> Self {
        Self::Poll {
            every: POLL_INTERVAL,
            next: Instant::now(),
        }
    }

    /// What the store holds, when it may have changed since the last call.
    pub fn news(&mut self, store: &Store, now: Instant) -> Result<Option<Heard>, StoreError> {
        match self {
            Self::Writer(rx) => Ok(match rx.has_changed() {
                Ok(true) => {
                    let stored = rx.borrow_and_update();
                    Some(Heard {
                        last_id: stored.last_id,
                        deliveries: i64::try_from(stored.deliveries).unwrap_or(i64::MAX),
                    })
                }
                _ => None,
            }),
            Self::Poll { every, next } if now >= *next => {
                *next = now + *every;
                Ok(Some(Heard {
                    last_id: store.last_id()?.unwrap_or(0),
                    deliveries: store.last_delivery_id()?,
                }))
            }
            Self::Poll { .. } | Self::Off => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Term;
    use crate::model::{SessionMode, Timestamp};
    use crate::store::testing::request;

    fn store_with(n: usize) -> Store {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let r = request(s.id, "POST", "/t", b"");
        store.insert_requests(&vec![r; n]).unwrap();
        store
    }

    fn ids(p: &Page) -> Vec<i64> {
        p.rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn older_pages_come_back_oldest_first() {
        let mut src = RequestSource::new(store_with(5));
        let p = src.page(Direction::Older, None, 3).unwrap();
        assert_eq!((ids(&p), p.edge), (vec![3, 4, 5], Edge::More(3)));
        let p = src.page(Direction::Older, Some(3), 3).unwrap();
        assert_eq!((ids(&p), p.edge), (vec![1, 2], Edge::End));
    }

    #[test]
    fn pages_cross_scan_spans_until_they_are_full() {
        let store = store_with(SCAN_SPAN as usize + 10);
        for id in 2..=SCAN_SPAN + 1 {
            store.delete_request(id).unwrap();
        }
        let mut src = RequestSource::new(store);
        let p = src.page(Direction::Newer, None, 4).unwrap();
        assert_eq!(ids(&p), [1, SCAN_SPAN + 2, SCAN_SPAN + 3, SCAN_SPAN + 4]);
    }

    #[test]
    fn a_filter_that_matches_nothing_ends_empty() {
        let mut src = RequestSource::new(store_with(3));
        src.set_filter(Filter::of([Term::Text("nowhere".into())]));
        let p = src.page(Direction::Older, None, 10).unwrap();
        assert_eq!((p.rows.len(), p.edge), (0, Edge::End));
    }

    #[test]
    fn polling_asks_at_most_once_per_interval() {
        let store = store_with(2);
        let mut feed = LiveFeed::polling();
        let t0 = Instant::now();
        let newest = |heard: Option<Heard>| heard.map(|h| h.last_id);
        assert_eq!(newest(feed.news(&store, t0).unwrap()), Some(2));
        assert_eq!(feed.news(&store, t0).unwrap(), None);
        assert_eq!(
            newest(feed.news(&store, t0 + POLL_INTERVAL).unwrap()),
            Some(2)
        );
    }

    #[test]
    fn polling_hears_of_new_deliveries() {
        let store = store_with(1);
        let mut feed = LiveFeed::polling();
        let t0 = Instant::now();
        assert_eq!(feed.news(&store, t0).unwrap().unwrap().deliveries, 0);
        let d = crate::model::NewDelivery {
            request_id: 1,
            kind: crate::model::DeliveryKind::Replay,
            destination: "http://app/t".into(),
            started_at: Timestamp(0),
            duration: Duration::ZERO,
            response: None,
            response_truncated: false,
            error: Some("refused".into()),
        };
        let id = store.insert_delivery(&d).unwrap();
        let heard = feed.news(&store, t0 + POLL_INTERVAL).unwrap().unwrap();
        assert_eq!(heard.deliveries, id);
    }

    #[test]
    fn the_writer_feed_reports_each_commit_once() {
        let (tx, rx) = watch::channel(StoredUpTo::default());
        let mut feed = LiveFeed::Writer(rx);
        let store = store_with(0);
        assert_eq!(feed.news(&store, Instant::now()).unwrap(), None);
        tx.send_replace(StoredUpTo {
            last_id: 7,
            count: 7,
            deliveries: 2,
        });
        let heard = Heard {
            last_id: 7,
            deliveries: 2,
        };
        assert_eq!(feed.news(&store, Instant::now()).unwrap(), Some(heard));
        assert_eq!(feed.news(&store, Instant::now()).unwrap(), None);
    }
}
