//! What the inspector knows of the store as a whole, kept current by the
//! live feed: how many requests the list shows, the lowest and newest ids,
//! how fast requests arrive, how many arrived out of sight, and the last
//! delivery mark heard.

use std::sync::mpsc;
use std::time::Instant;

use crate::filter::Filter;
use crate::model::Timestamp;
use crate::store::{Store, StoreError};
use crate::tui::data::count::{Counter, between};
use crate::tui::data::rate::{HISTORY_SECONDS, Rate};
use crate::tui::data::source::{Heard, LiveFeed};

type Result<T> = std::result::Result<T, StoreError>;

/// The live state: counts and ids as last heard, and where news comes from.
pub struct Live {
    /// Requests the list shows: those matching the `/` filter in force
    /// (None while they are counted).
    pub total: Option<u64>,
    /// Requests that arrived while the list was away from the newest.
    pub unseen: u64,
    /// The lowest id stored, for the scroll position.
    pub first_id: i64,
    /// The newest id stored, as last heard.
    pub newest_id: i64,
    /// Arrivals per second.
    pub rate: Rate,
    feed: LiveFeed,
    counter: Counter,
    /// The count running, and matching arrivals heard meanwhile.
    counting: Option<(mpsc::Receiver<u64>, u64)>,
    /// The filter `total` counts.
    counted: Option<Filter>,
    /// The delivery mark last heard from the feed ([`Heard::deliveries`]).
    deliveries_heard: i64,
}

impl Live {
    /// The ids `store` holds now and its arrivals of the last minute; news
    /// comes from `feed`.
    pub fn new(store: &Store, feed: LiveFeed) -> Result<Self> {
        let newest_id = store.last_id()?.unwrap_or(0);
        let first_id = store.id_bounds()?.map_or(0, |(min, _)| min);
        let now = Timestamp::now();
        let mut rate = Rate::new(now.unix_seconds());
        let since = Timestamp(now.0 - HISTORY_SECONDS as i64 * 1_000_000);
        for (second, n) in store.arrivals_per_second(since)? {
            rate.record(second, n);
        }
        Ok(Self {
            total: None,
            unseen: 0,
            first_id,
            newest_id,
            rate,
            feed,
            counter: Counter::default(),
            counting: None,
            counted: None,
            deliveries_heard: 0,
        })
    }

    /// Counts the requests matching `filter` (the list's), unless that is
    /// what `total` counts already: up to the newest id heard in the
    /// background, and the arrivals after it as they are heard.
    pub fn count(&mut self, store: &Store, filter: &Filter) {
        if self.counted.as_ref() == Some(filter) {
            return;
        }
        self.counted = Some(filter.clone());
        self.total = None;
        let rx = self.counter.start(store, filter.clone(), self.newest_id);
        self.counting = Some((rx, 0));
        self.take_count();
    }

    /// Takes in the count if it has arrived; true when it did.
    pub fn take_count(&mut self) -> bool {
        let Some((rx, arrived)) = &self.counting else {
            return false;
        };
        match rx.try_recv() {
            Ok(n) => {
                self.total = Some(n + arrived);
                self.counting = None;
                true
            }
            Err(mpsc::TryRecvError::Empty) => false,
            Err(mpsc::TryRecvError::Disconnected) => {
                // The count failed (and said so in the log): no number.
                self.counting = None;
                true
            }
        }
    }

    /// What the feed heard, when the store may have changed.
    pub fn news(&mut self, store: &Store, now: Instant) -> Result<Option<Heard>> {
        self.feed.news(store, now)
    }

    /// Remembers the delivery mark `deliveries`; true when it is new (a
    /// delivery was recorded since the last one heard).
    pub fn note_deliveries(&mut self, deliveries: i64) -> bool {
        let new = deliveries != self.deliveries_heard;
        self.deliveries_heard = deliveries;
        new
    }

    /// Counts the requests after the newest heard up to `newest` into the
    /// rate, and those of them the list shows into the total: how many
    /// arrived, or None when `newest` is not newer. Requests of other
    /// processes writing the same database count as arrivals too.
    pub fn count_arrivals(&mut self, store: &Store, newest: i64) -> Result<Option<u64>> {
        if newest <= self.newest_id {
            return Ok(None);
        }
        let n = store.count_between(self.newest_id, newest)?;
        self.rate.record(Timestamp::now().unix_seconds(), n);
        let shown = match self.counted.as_ref().filter(|f| !f.is_empty()) {
            Some(f) => store.count_matching(&between(f, self.newest_id, newest))?,
            None => n,
        };
        self.total = self.total.map(|t| t + shown);
        if let Some((_, arrived)) = self.counting.as_mut() {
            *arrived += shown;
        }
        Ok(Some(n))
    }

    /// Takes `newest` as the newest id (once the list has its arrivals), and
    /// the lowest id when the store was empty before.
    pub fn arrived_up_to(&mut self, store: &Store, newest: i64) -> Result<()> {
        if self.first_id == 0 {
            self.first_id = store.id_bounds()?.map_or(0, |(min, _)| min);
        }
        self.newest_id = newest;
        Ok(())
    }

    /// One request the list showed was deleted from `store`.
    pub fn deleted_one(&mut self, store: &Store) -> Result<()> {
        self.total = self.total.map(|t| t.saturating_sub(1));
        self.first_id = store.id_bounds()?.map_or(0, |(min, _)| min);
        Ok(())
    }
}
