//! WAL checkpoints on their own thread and connection, so the writer's commits
//! never pay for them.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{StoreError, open};

/// How often the WAL is folded back into the database file.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(500);

/// A background thread that checkpoints the WAL every [`CHECKPOINT_INTERVAL`]
/// and truncates it on [`Checkpointer::stop`].
pub struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`.
    pub fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = open::open_writable(path, false)?;
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hookcap-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_INTERVAL)
                {
                    checkpoint(&conn, "PASSIVE");
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
