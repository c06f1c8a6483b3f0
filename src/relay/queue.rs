//! The relay's queue behind a narrow interface: append, read after a cursor,
//! acknowledge, trim (and where a new consumer starts, and how far behind one
//! is). [`SqliteQueue`] keeps it in the relay's database next to the
//! captured requests; a shared backend (PostgreSQL, for several relays behind
//! a load balancer) would implement the same trait.
//!
//! Guarantees every implementation keeps: `append` returns only once the
//! request is durable; relay ids grow in the order appends return and are
//! never reused; `read_after` returns requests in relay-id order; a cursor
//! never moves back.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::model::{NewRequest, Timestamp};
use crate::store::{ConsumerRecord, QueueEntry, Queued, StartAt, Store, StoreError, WriterHandle};

/// A boxed future of a queue operation.
pub type QueueFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, QueueError>> + Send + 'a>>;

/// Why a queue operation failed.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The request could not be stored (disk full, writer stopped, …).
    #[error("{0}")]
    Write(String),
    /// Reading or updating the queue failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the relay needs from where it keeps requests.
pub trait Queue: Send + Sync + 'static {
    /// Stores `request` for the channel in `entry`; resolves to its relay id
    /// once it is durable.
    fn append(&self, request: NewRequest, entry: QueueEntry) -> QueueFuture<'_, i64>;

    /// Up to `limit` requests of a channel after `cursor`, oldest first.
    fn read_after(&self, channel_id: i64, cursor: i64, limit: u32) -> QueueFuture<'_, Vec<Queued>>;

    /// Records that `consumer` has everything of the channel up to `cursor`.
    fn ack(&self, channel_id: i64, consumer: String, cursor: i64) -> QueueFuture<'_, ()>;

    /// Deletes the channel's requests beyond the newest `keep`; returns how many went.
    fn trim(&self, channel_id: i64, keep: u64) -> QueueFuture<'_, u64>;

    /// Deletes the requests received before `cutoff`, on every channel;
    /// returns how many went.
    fn expire(&self, cutoff: Timestamp) -> QueueFuture<'_, u64>;

    /// A consumer's cursor: where it left off, or `start` for one not seen before.
    fn start(
        &self,
        channel_id: i64,
        consumer: String,
        start: StartAt,
    ) -> QueueFuture<'_, ConsumerRecord>;
}

/// The queue in the relay's SQLite database: appends go through the
/// group-commit writer (one commit for many requests); reads and cursor
/// updates use a few pooled connections on blocking threads.
pub struct SqliteQueue {
    writer: WriterHandle,
    readers: Arc<ReaderPool>,
}

impl SqliteQueue {
    /// A queue writing through `writer` and reading `db`.
    pub fn new(writer: WriterHandle, db: PathBuf) -> Self {
        Self {
            writer,
            readers: Arc::new(ReaderPool {
                db,
                idle: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Runs `f` with a pooled connection on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, QueueError> {
        let pool = self.readers.clone();
        let joined = tokio::task::spawn_blocking(move || pool.with(f)).await;
        match joined {
            Ok(result) => Ok(result?),
            Err(e) => Err(QueueError::Write(format!("a queue task failed: {e}"))),
        }
    }
}

/// Connections kept open between reads: one per concurrent reader, at most
/// [`ReaderPool::KEEP`] kept idle.
struct ReaderPool {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl ReaderPool {
    const KEEP: usize = 4;

    fn with<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let store = match pooled {
            Some(store) => store,
            None => Store::open_existing(&self.db)?,
        };
        let result = f(&store);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < Self::KEEP
        {
            idle.push(store);
        }
        result
    }
}

impl Queue for SqliteQueue {
    fn append(&self, request: NewRequest, entry: QueueEntry) -> QueueFuture<'_, i64> {
        Box::pin(async move {
            self.writer
                .insert_queued(request, entry)
                .await
                .map_err(|e| QueueError::Write(e.to_string()))
        })
    }

    fn read_after(&self, channel_id: i64, cursor: i64, limit: u32) -> QueueFuture<'_, Vec<Queued>> {
        Box::pin(self.with_store(move |s| s.queued_after(channel_id, cursor, limit)))
    }

    fn ack(&self, channel_id: i64, consumer: String, cursor: i64) -> QueueFuture<'_, ()> {
        Box::pin(self.with_store(move |s| s.save_cursor(channel_id, &consumer, cursor)))
    }

    fn trim(&self, channel_id: i64, keep: u64) -> QueueFuture<'_, u64> {
        Box::pin(self.with_store(move |s| s.keep_newest_queued(channel_id, keep)))
    }

    fn expire(&self, cutoff: Timestamp) -> QueueFuture<'_, u64> {
        Box::pin(self.with_store(move |s| s.delete_older_keeping_newest(cutoff)))
    }

    fn start(
        &self,
        channel_id: i64,
        consumer: String,
        start: StartAt,
    ) -> QueueFuture<'_, ConsumerRecord> {
        Box::pin(self.with_store(move |s| s.consumer_start(channel_id, &consumer, start)))
    }
}
