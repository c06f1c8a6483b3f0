//! What the inspector knows of the store as a whole, kept current by the
//! live feed: how many requests, the lowest and newest ids, how fast they
//! arrive, how many arrived out of sight, and the last delivery mark heard.

use std::sync::mpsc;
use std::time::Instant;

use crate::model::Timestamp;
use crate::store::{Store, StoreError};
use crate::tui::data::rate::{HISTORY_SECONDS, Rate};
use crate::tui::data::source::{Heard, LiveFeed};

type Result<T> = std::result::Result<T, StoreError>;

/// The live state: counts and ids as last heard, and where news comes from.
pub struct Live {
    /// Requests stored (None while the first count runs).
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
    counting: Option<mpsc::Receiver<(u64, i64)>>,
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
            counting: None,
            deliveries_heard: 0,
        })
    }

    /// Takes the total from a background count when it arrives
    /// (`(count, newest id counted)`).
    pub fn expect_total(&mut self, counted: mpsc::Receiver<(u64, i64)>) {
        self.counting = Some(counted);
    }

    /// The result of the background count: `count` requests up to `as_of`,
    /// plus those `store` got since.
    pub fn set_total(&mut self, store: &Store, count: u64, as_of: i64) {
        let later = if as_of < self.newest_id {
            store.count_between(as_of, self.newest_id).unwrap_or(0)
        } else {
            0
        };
        self.total = Some(count + later);
    }

    /// Takes in the background count if it has arrived; true when it did.
    pub fn take_count(&mut self, store: &Store) -> bool {
        let counted = self.counting.as_ref().and_then(|rx| rx.try_recv().ok());
        if let Some((count, as_of)) = counted {
            self.counting = None;
            self.set_total(store, count, as_of);
        }
        counted.is_some()
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
    /// rate and the total: how many, or None when `newest` is not newer.
    pub fn count_arrivals(&mut self, store: &Store, newest: i64) -> Result<Option<u64>> {
        if newest <= self.newest_id {
            return Ok(None);
        }
        let n = store.count_between(self.newest_id, newest)?;
        self.rate.record(Timestamp::now().unix_seconds(), n);
        self.total = self.total.map(|t| t + n);
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

    /// One request was deleted from `store`.
    pub fn deleted_one(&mut self, store: &Store) -> Result<()> {
        self.total = self.total.map(|t| t.saturating_sub(1));
        self.first_id = store.id_bounds()?.map_or(0, |(min, _)| min);
        Ok(())
    }
}
