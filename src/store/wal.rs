//! The write-ahead log as the writer and the checkpointer share it: its size
//! after each commit, the checkpointer's request to start it over, and the one
//! checkpoint statement both run. When to checkpoint is `checkpoint`'s job.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use rusqlite::Connection;

/// What the writer and the checkpointer share about the write-ahead log: its
/// size in frames after the writer's last commit (0 once a checkpoint has
/// folded them back and nothing was committed since), and whether the
/// checkpointer wants the writer to finish a checkpoint so the log starts over.
#[derive(Debug, Clone, Default)]
pub struct WalLog(Arc<WalShared>);

#[derive(Debug, Default)]
struct WalShared {
    frames: AtomicU32,
    restart: AtomicBool,
    /// The size last reported by a commit (not reset by checkpoints).
    reported: AtomicU32,
    /// How often a commit found the log started over.
    started_over: AtomicU32,
}

impl WalLog {
    /// Records the log's size after a commit.
    pub fn set(&self, frames: u32) {
        self.0.frames.store(frames, Ordering::Relaxed);
        if frames < self.0.reported.swap(frames, Ordering::Relaxed) {
            self.0.started_over.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many times the log was started over (from the first frame) so far.
    pub fn times_started_over(&self) -> u32 {
        self.0.started_over.load(Ordering::Relaxed)
    }

    /// The log's size as last reported.
    pub fn get(&self) -> u32 {
        self.0.frames.load(Ordering::Relaxed)
    }

    /// Forgets `seen` frames once they are checkpointed, unless a commit has
    /// reported a new size meanwhile.
    pub(super) fn checkpointed(&self, seen: u32) {
        let _ = self
            .0
            .frames
            .compare_exchange(seen, 0, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Asks the writer to finish checkpointing between two batches.
    pub(super) fn ask_restart(&self) {
        self.0.restart.store(true, Ordering::Relaxed);
    }

    /// True once after [`WalLog::ask_restart`]: the writer should now copy the
    /// rest of the log back with `finish_checkpoint`.
    pub fn restart_asked(&self) -> bool {
        self.0.restart.swap(false, Ordering::Relaxed)
    }

    /// True while the writer has not yet done what [`WalLog::ask_restart`]
    /// asked. Meanwhile the checkpointer stays out of its way: a checkpoint
    /// of its own would make the writer's find the log busy.
    pub(super) fn restart_pending(&self) -> bool {
        self.0.restart.load(Ordering::Relaxed)
    }
}

/// The writer's part of starting the log over: a checkpoint on its own
/// connection between two batches, so that nothing is appended while it
/// copies and it copies everything. Never waits for a lock (passive).
pub fn finish_checkpoint(writer: &Connection) {
    match checkpoint(writer, "PASSIVE") {
        Some((log, copied)) if log == copied => {}
        other => tracing::debug!("the log could not be folded back entirely: {other:?}"),
    }
}

/// Runs one checkpoint; returns the frames in the log and how many of them are
/// now in the database, or None when it could not run (busy, or failed).
pub(super) fn checkpoint(conn: &Connection, mode: &str) -> Option<(i64, i64)> {
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
    fn a_checkpoint_forgets_only_the_frames_it_saw() {
        let frames = WalLog::default();
        frames.set(10);
        frames.checkpointed(10);
        assert_eq!(frames.get(), 0);
        frames.set(12);
        frames.checkpointed(10);
        assert_eq!(frames.get(), 12, "a commit after the look is kept");
    }
}
