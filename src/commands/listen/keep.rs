//! `listen --keep N`: keeps only the newest N requests, from a thread and a
//! connection of its own.
//!
//! The capture path never deletes: after the writer announces commits, this
//! thread trims the oldest rows in short chunks (so the writer waits on at most
//! one chunk) and trims freed pages, at most once per [`KEEP_INTERVAL`], and
//! once more when the writer stops, so the database ends with at most N.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;

use crate::store::{Reclaim, Store, StoredUpTo};

/// The shortest time between two trims.
pub const KEEP_INTERVAL: Duration = Duration::from_millis(250);

/// The running trimming thread.
pub struct Keeper {
    thread: JoinHandle<()>,
}

impl Keeper {
    /// Trims once now, then after commits until the writer stops.
    pub fn start(
        db: &Path,
        keep: u64,
        stored: watch::Receiver<StoredUpTo>,
    ) -> anyhow::Result<Self> {
        let store = Store::open_existing(db)?;
        let runtime = tokio::runtime::Handle::current();
        let thread = std::thread::Builder::new()
            .name("hookcap-keep".into())
            .spawn(move || run(&store, keep, runtime, stored))
            .context("starting the --keep thread")?;
        Ok(Self { thread })
    }

    /// Waits for the final trim.
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

fn run(
    store: &Store,
    keep: u64,
    runtime: tokio::runtime::Handle,
    mut stored: watch::Receiver<StoredUpTo>,
) {
    trim(store, keep);
    while runtime.block_on(stored.changed()).is_ok() {
        trim(store, keep);
        std::thread::sleep(KEEP_INTERVAL);
    }
    trim(store, keep);
}

fn trim(store: &Store, keep: u64) {
    let result = store
        .keep_newest(keep)
        .and_then(|deleted| Ok((deleted, store.reclaim(Reclaim::Trim)?)));
    match result {
        Ok((0, _)) => {}
        Ok((n, r)) => tracing::debug!(
            "--keep: deleted {n} old requests, reclaimed {} bytes",
            r.bytes
        ),
        Err(e) => tracing::warn!("--keep: could not delete old requests: {e}"),
    }
}
