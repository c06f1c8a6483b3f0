//! WAL checkpoints on their own thread and connection, so the writer's commits
//! never pay for them.
//!
//! A checkpoint copies the log back into the database file and `fsync`s both;
//! while it writes back, the writer's next log append can wait on the same
//! disk blocks. So checkpoints are rare while the log is small (every
//! [`CHECKPOINT_INTERVAL`]) and prompt only once it is big ([`CHECKPOINT_FRAMES`]),
//! which keeps stalls out of the latency tail at steady rates and the log
//! bounded in bursts. The writer reports the log's size after every commit
//! through a [`WalFrames`] it shares with the checkpointer.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{StoreError, open};

/// How long a small log may wait for its checkpoint.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(2);
/// A log of this many frames (64 MiB of 4 KiB pages) is checkpointed at once.
pub const CHECKPOINT_FRAMES: u32 = 16 * 1024;
/// How often the checkpointer looks at the log's size.
const POLL: Duration = Duration::from_millis(100);

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

/// When a log of `frames` frames, last checkpointed `since` ago, is due.
fn due(frames: u32, since: Duration) -> bool {
    frames >= CHECKPOINT_FRAMES || (frames > 0 && since >= CHECKPOINT_INTERVAL)
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
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hookcap-checkpoint".into())
            .spawn(move || {
                let mut last = Instant::now();
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                    let seen = frames.get();
                    if due(seen, last.elapsed()) {
                        checkpoint(&conn, "PASSIVE");
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

fn checkpoint(conn: &rusqlite::Connection, mode: &str) {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    if let Err(e) = conn.query_row(&sql, [], |_| Ok(())) {
        tracing::debug!("checkpoint skipped: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_log_waits_for_the_interval_and_a_big_one_does_not() {
        assert!(!due(0, CHECKPOINT_INTERVAL * 10));
        assert!(!due(1, CHECKPOINT_INTERVAL / 2));
        assert!(due(1, CHECKPOINT_INTERVAL));
        assert!(due(CHECKPOINT_FRAMES, Duration::ZERO));
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
