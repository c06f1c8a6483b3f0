//! The SQLite store: the only module that speaks SQL.
//!
//! One database file holds sessions, captured requests and their deliveries. It is opened in WAL
//! mode so readers (`ls`, `show`, the TUI, `wait`) work while a listener writes,
//! and created with mode 0600 because captured payloads carry secrets.
//!
//! Writes from the capture path go through the [`GroupCommitWriter`], which owns
//! its own connection on its own thread; everything else uses a [`Store`].

mod browse;
mod checkpoint;
mod deliveries;
mod delivery_index;
mod hooks;
mod insert;
mod open;
mod queries;
mod relay;
mod reopen;
mod retention;
mod rows;
mod schema;
mod select;
mod sessions;
mod spans;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
mod wal;
mod writer;

use std::path::{Path, PathBuf};

pub use browse::{Direction, ScanStep};
pub use checkpoint::Checkpointer;
#[cfg(test)]
pub use hooks::Attempt;
pub use hooks::DeliveryAttempts;
pub use open::default_db_path;
pub use queries::ListQuery;
pub use relay::{
    AnswerMode, ChannelRecord, ChannelSpec, ConsumerRecord, QueueEntry, Queued, StartAt,
};
pub use retention::{Reclaim, Reclaimed};
pub use select::Scan;
pub use writer::{
    Committed, DeliverySlot, GroupCommitWriter, StartOvers, StoredBatch, StoredRelayed, StoredUpTo,
    WriterHandle,
};

/// Everything that can go wrong in the store, worded for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not an SQLite database (or is damaged beyond opening).
    #[error("{0} is not a hookcap database (not SQLite, or corrupt)")]
    NotADatabase(PathBuf),
    /// An SQLite database of another application (tables, or a mark in its
    /// header, but not hookcap's): refused untouched.
    #[error(
        "{0} is another application's SQLite database (it has no hookcap schema); hookcap leaves it untouched: pick another --db"
    )]
    Foreign(PathBuf),
    /// The file was written by a newer hookcap whose schema this one cannot read.
    #[error(
        "{path} was written by a newer hookcap (schema version {found}, this hookcap knows up to {known})"
    )]
    NewerSchema {
        /// The database path.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        known: i64,
    },
    /// Reading a database that does not exist yet.
    #[error("no database at {0} (nothing captured yet? start `hookcap listen`)")]
    Missing(PathBuf),
    /// Creating the file or its directory failed. The I/O error is the
    /// source, not part of this message, so a chain prints it once.
    #[error("cannot create {path}")]
    Create {
        /// The path that could not be created.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The writer thread is gone (the listener is shutting down).
    #[error("the store writer has stopped")]
    WriterGone,
    /// A `sig:` filter on a database without signature verdicts.
    #[error(
        "signature verdicts are not recorded yet in this database, so sig: filters cannot be answered"
    )]
    SignaturesNotRecorded,
    /// Any other SQLite failure (disk full, read-only file, locked too long, …).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// True for errors that mean "this file cannot be used as a hookcap database":
    /// the caller should stop with a usage-class exit code rather than retry.
    pub fn is_unusable_database(&self) -> bool {
        match self {
            Self::NotADatabase(_)
            | Self::Foreign(_)
            | Self::NewerSchema { .. }
            | Self::Missing(_) => true,
            Self::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
            ),
            _ => false,
        }
    }
}

/// A connection for reading and for small writes outside the capture path
/// (creating a session, deleting requests). Cheap to open; not shared between threads.
pub struct Store {
    conn: rusqlite::Connection,
    path: PathBuf,
    /// The delivery index's tail as this connection last read it.
    tail: std::cell::RefCell<delivery_index::Tail>,
}

impl Store {
    /// Opens (creating if needed, mode 0600) and migrates the database at `path`.
    pub fn open_or_create(path: &Path) -> Result<Self, StoreError> {
        let conn = open::open_writable(path, true)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            tail: Default::default(),
        })
    }

    /// Opens an existing database; a missing file is [`StoreError::Missing`].
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        let conn = open::open_writable(path, false)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            tail: Default::default(),
        })
    }

    /// True when `path` is a database some hookcap has finished creating (its
    /// schema is in place). Never creates or changes anything.
    pub fn is_initialized(path: &Path) -> bool {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE;
        rusqlite::Connection::open_with_flags(path, flags)
            .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|v| v > 0)
    }

    /// An in-memory database with the current schema, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let mut conn = rusqlite::Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn, Path::new(":memory:"))?;
        Ok(Self {
            conn,
            path: PathBuf::from(":memory:"),
            tail: Default::default(),
        })
    }

    /// The file this store reads.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
