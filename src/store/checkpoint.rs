//! WAL checkpoints on their own thread and connection, so the writer's commits
//! never pay for them.
//!
//! A checkpoint copies the log back into the database file and `fsync`s both;
//! while it writes back, the writer's next log append can wait on the same
//! disk blocks. So checkpoints are rare while the log is small (every
//! [`CHECKPOINT_INTERVAL`]) and prompt only once it is big ([`CHECKPOINT_BYTES`]),
//! which keeps stalls out of the latency tail at steady rates. The writer
//! reports the log's size after every commit through a [`WalLog`] it shares
//! with the checkpointer.
//!
//! SQLite starts the log over when the writer begins a transaction after every
//! frame is back in the database: after any pause in the traffic. Under
//! sustained load that moment never comes, because a passive checkpoint only
//! copies what was there when it began; left alone, the log grew by ~130 MB a
//! second and never shrank. So a log past [`RESTART_BYTES`] is folded back in
//! passes beside the writer until little is left; then the checkpointer asks
//! the writer, through the [`WalLog`], to copy the rest itself between two
//! batches ([`wal::finish_checkpoint`]), and stays out of its way until it has.
//! With no commit in between that copy is complete, and the writer's next commit
//! starts the log over. (A `RESTART` checkpoint from this thread would have to
//! win the write lock from a writer that never lets go.) The writer's pause
//! costs tens of milliseconds (the checkpoint's `fsync`s), hence the high
//! threshold: at a steady 2,000 requests/s it comes every ~8 s.
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::wal::{self, WalLog};
use super::{StoreError, open};

/// How long a small log may wait for its checkpoint.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(2);
/// A log of this many bytes is checkpointed at once.
pub const CHECKPOINT_BYTES: u64 = 64 * 1024 * 1024;
/// A log of this many bytes is also started over, pausing the writer for the
/// moment that takes (tens of milliseconds: two `fsync`s).
pub const RESTART_BYTES: u64 = 256 * 1024 * 1024;
/// How often the checkpointer looks at the log's size.
const POLL: Duration = Duration::from_millis(100);
/// Passes beside the writer stop once at most this many frames are left.
const RESTART_REMAINDER: i64 = 256;
/// At most this many passes beside the writer before the restart.
const MAX_PASSES: usize = 6;

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
    /// Starts checkpointing the database at `path`, whose writer shares `log`
    /// (see [`GroupCommitWriter::wal_log`](super::GroupCommitWriter::wal_log)).
    pub fn start(path: &Path, log: WalLog) -> Result<Self, StoreError> {
        let conn = open::open_writable(path, false)?;
        let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        Self::run(
            path,
            conn,
            log,
            LogLimits::for_page_size(page_size.unsigned_abs()),
        )
    }

    fn run(
        path: &Path,
        conn: Connection,
        log: WalLog,
        limits: LogLimits,
    ) -> Result<Self, StoreError> {
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hookcap-checkpoint".into())
            .spawn(move || {
                let mut last = Instant::now();
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                    let seen = log.get();
                    if !log.restart_pending() && limits.due(seen, last.elapsed()) {
                        fold_back(&conn, &log, seen >= limits.restart);
                        log.checkpointed(seen);
                        last = Instant::now();
                    }
                }
                wal::checkpoint(&conn, "TRUNCATE");
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

/// Copies the log back into the database beside the writer; for a `long`
/// log, until little is left, then the writer is asked to finish (see the
/// module doc).
fn fold_back(conn: &Connection, log: &WalLog, long: bool) {
    if !long {
        wal::checkpoint(conn, "PASSIVE");
        return;
    }
    for _ in 0..MAX_PASSES {
        // A pass copies the log as it was when the pass began; the writer
        // has appended more since.
        match wal::checkpoint(conn, "PASSIVE") {
            Some((_, copied)) if i64::from(log.get()) - copied > RESTART_REMAINDER => continue,
            _ => break,
        }
    }
    log.ask_restart();
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

    /// A writer that never pauses, with limits small enough to reach in a
    /// test: the log must be started over again and again instead of growing
    /// with everything written (which it did before restarts existed).
    #[test]
    fn the_log_starts_over_under_sustained_writes() {
        use crate::model::SessionMode;
        use crate::store::{GroupCommitWriter, Store, testing::request};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let session = Store::open_or_create(&path)
            .unwrap()
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
        let conn = open::open_writable(&path, false).unwrap();
        let limits = LogLimits {
            checkpoint: 64,
            restart: 256,
        };
        let checkpointer = Checkpointer::run(&path, conn, writer.wal_log(), limits).unwrap();
        let log = writer.wal_log();
        let body = vec![b'x'; 4 * 1024];
        // Until the log has started over twice, or for at most 10 s.
        let until = Instant::now() + Duration::from_secs(10);
        let written = runtime.block_on(async {
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let (handle, body, log) = (handle.clone(), body.clone(), log.clone());
                    tokio::spawn(async move {
                        let mut n = 0;
                        while Instant::now() < until && log.times_started_over() < 2 {
                            let r = request(session.id, "POST", "/load", &body);
                            handle.insert(r).await.unwrap();
                            n += body.len() as u64;
                        }
                        n
                    })
                })
                .collect();
            let mut total = 0;
            for t in tasks {
                total += t.await.unwrap();
            }
            total
        });
        runtime.block_on(writer.finish());
        checkpointer.stop();
        // Without the writer's part the log never starts over while it writes
        // (it grew to 1.6 times what was written here).
        assert!(
            log.times_started_over() >= 2,
            "started over {} times while {written} bytes were written",
            log.times_started_over()
        );
    }
}
