//! WAL checkpoints on their own thread and connection, so the writer's commits
//! never pay for them.
//!
//! A checkpoint copies the log back into the database file and `fsync`s both;
//! while it writes back, the writer's next log append can wait on the same
//! disk blocks. So checkpoints are rare while the log is small (every
//! [`CHECKPOINT_INTERVAL`]) and prompt only once it is big ([`CHECKPOINT_BYTES`]),
//! which keeps stalls out of the latency tail at steady rates. The writer
//! reports the log's size after every commit through a [`WalFrames`] it shares
//! with the checkpointer.
//!
//! SQLite starts the log over when the writer begins a transaction after every
//! frame is back in the database: after any pause in the traffic. Under
//! sustained load that moment never comes, because a passive checkpoint only
//! copies what was there when it began; left alone, the log grew by ~130 MB a
//! second and never shrank. So a log past [`RESTART_BYTES`] is folded back in
//! passes beside the writer until little is left, and then a `RESTART`
//! checkpoint holds the writer for the rest so that its next commit starts the
//! log over. The hold costs tens of milliseconds (the checkpoint's `fsync`s),
//! hence the high threshold: at a steady 2,000 requests/s it comes every ~8 s.
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{StoreError, open};

/// How long a small log may wait for its checkpoint.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(2);
/// A log of this many bytes is checkpointed at once.
pub const CHECKPOINT_BYTES: u64 = 64 * 1024 * 1024;
/// A log of this many bytes is also started over, holding the writer for the
/// moment that takes (tens of milliseconds: two `fsync`s).
pub const RESTART_BYTES: u64 = 256 * 1024 * 1024;
/// How often the checkpointer looks at the log's size.
const POLL: Duration = Duration::from_millis(100);
/// Passes beside the writer stop once at most this many frames are left.
const RESTART_REMAINDER: i64 = 256;
/// At most this many passes beside the writer before the restart.
const MAX_PASSES: usize = 6;
/// How long a restart waits for the writer's transaction and for readers of
/// the old log before giving up until next time; the writer waits as long.
const RESTART_WAIT: Duration = Duration::from_millis(20);

/// The number of frames in the write-ahead log after the writer's last commit
/// (0 once a checkpoint has folded them back and nothing was committed since).
#[derive(Debug, Clone, Default)]
pub struct WalFrames(Arc<AtomicU32>);

impl WalFrames {
    /// Records the log's size after a commit.
    pub fn set(&self, frames: u32) {
        self.0.store(frames, Ordering::Relaxed);
    }

    /// The log's size as last reported.
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    /// Forgets `seen` frames once they are checkpointed, unless a commit has
    /// reported a new size meanwhile.
    fn checkpointed(&self, seen: u32) {
        let _ = self
            .0
            .compare_exchange(seen, 0, Ordering::Relaxed, Ordering::Relaxed);
    }
}

/// The log sizes, in frames of the database's pages, that call for action.
#[derive(Debug, Clone, Copy)]
struct LogLimits {
    /// Checkpoint at once ([`CHECKPOINT_BYTES`]).
    checkpoint: u32,
    /// Start the log over ([`RESTART_BYTES`]).
    restart: u32,
}

impl LogLimits {
    fn for_page_size(page_size: u64) -> Self {
        let frames = |bytes: u64| u32::try_from(bytes / page_size.max(512)).unwrap_or(u32::MAX);
        Self {
            checkpoint: frames(CHECKPOINT_BYTES),
            restart: frames(RESTART_BYTES),
        }
    }

    /// When a log of `frames` frames, last checkpointed `since` ago, is due.
    fn due(&self, frames: u32, since: Duration) -> bool {
        frames >= self.checkpoint || (frames > 0 && since >= CHECKPOINT_INTERVAL)
    }
}

/// A background thread that checkpoints the WAL when it is due (see the
/// module doc) and truncates it on [`Checkpointer::stop`].
pub struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`, whose writer reports the
    /// log's size to `frames`.
    pub fn start(path: &Path, frames: WalFrames) -> Result<Self, StoreError> {
        let conn = open::open_writable(path, false)?;
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        let limits = LogLimits::for_page_size(page_size.unsigned_abs());
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hookcap-checkpoint".into())
            .spawn(move || {
                let mut last = Instant::now();
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                    let seen = frames.get();
                    if limits.due(seen, last.elapsed()) {
                        fold_back(&conn, &frames, seen >= limits.restart);
                        frames.checkpointed(seen);
                        last = Instant::now();
                    }
                }
                checkpoint(&conn, "TRUNCATE");
            })
            .map_err(|source| StoreError::Create {
                path: path.to_owned(),
                source,
            })?;
        Ok(Self { stop, thread })
    }

    /// Runs a final truncating checkpoint and stops the thread.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

/// Copies the log back into the database beside the writer; a `long` log is
/// then started over (see the module doc).
fn fold_back(conn: &Connection, frames: &WalFrames, long: bool) {
    if !long {
        checkpoint(conn, "PASSIVE");
        return;
    }
    for _ in 0..MAX_PASSES {
        // A pass copies the log as it was when the pass began; the writer
        // has appended more since.
        match checkpoint(conn, "PASSIVE") {
            Some((_, copied)) if i64::from(frames.get()) - copied > RESTART_REMAINDER => continue,
            _ => break,
        }
    }
    let _ = conn.busy_timeout(RESTART_WAIT);
    if checkpoint(conn, "RESTART").is_none() {
        tracing::debug!("the log was not started over (busy); trying again later");
    }
    let _ = conn.busy_timeout(open::BUSY_TIMEOUT);
}

/// Runs one checkpoint; returns the frames in the log and how many of them are
/// now in the database, or None when it could not run (busy, or failed).
fn checkpoint(conn: &Connection, mode: &str) -> Option<(i64, i64)> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    match conn.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))) {
        Ok((0, log, copied)) => Some((log, copied)),
        Ok(_) => None,
        Err(e) => {
            tracing::debug!("checkpoint skipped: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_log_waits_for_the_interval_and_a_big_one_does_not() {
        let limits = LogLimits::for_page_size(8192);
        assert_eq!((limits.checkpoint, limits.restart), (8192, 32768));
        assert!(!limits.due(0, CHECKPOINT_INTERVAL * 10));
        assert!(!limits.due(1, CHECKPOINT_INTERVAL / 2));
        assert!(limits.due(1, CHECKPOINT_INTERVAL));
        assert!(limits.due(limits.checkpoint, Duration::ZERO));
    }

    #[test]
    fn a_checkpoint_forgets_only_the_frames_it_saw() {
        let frames = WalFrames::default();
        frames.set(10);
        frames.checkpointed(10);
        assert_eq!(frames.get(), 0);
        frames.set(12);
        frames.checkpointed(10);
        assert_eq!(frames.get(), 12, "a commit after the look is kept");
    }
}
