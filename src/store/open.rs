//! Opening the database file safely: private permissions, WAL, migrations, and
//! clear errors for files that are not ours.

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::schema::Owner;
use super::{StoreError, schema};

/// How long a statement waits on another connection's lock before failing.
/// A capture that cannot be stored within this time is answered `503`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The page size of new databases. A captured request (~1.5 KB with a 1 KiB
/// body) takes a third of a 4 KiB page; with 8 KiB pages each commit and each
/// checkpoint writes fewer, fuller pages: ~10% less CPU per capture, most of
/// it in the checkpointer (docs/performance.md).
const PAGE_SIZE: i64 = 8192;

/// The default database location: the user's data directory
/// (e.g. `~/.local/share/hookcap/hookcap.db`), or `./hookcap.db` when there is none.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "hookcap")
        .map(|d| d.data_dir().join("hookcap.db"))
        .unwrap_or_else(|| PathBuf::from("hookcap.db"))
}

/// Opens `path` read-write in WAL mode and brings its schema up to date.
/// With `create`, a missing file (and its directory, mode 0700) is created mode 0600.
pub(super) fn open_writable(path: &Path, create: bool) -> Result<Connection, StoreError> {
    let fresh = !path.exists();
    if fresh {
        if !create {
            return Err(StoreError::Missing(path.to_owned()));
        }
        create_private_file(path)?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Judged before anything is written: another application's file is
    // refused as it was found (not even switched to WAL).
    let owner = schema::owner(&conn).map_err(|e| classify(path, e))?;
    if owner == Owner::Other {
        return Err(StoreError::Foreign(path.to_owned()));
    }
    // Without the query-planner stability guarantee, SQLite re-plans a cached
    // statement whenever a bound value the planner looked at (LIMIT ?, STAT4
    // ranges) is rebound: a full re-prepare on every call of a hot query.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    // New databases keep SQLite's default `auto_vacuum = NONE`: pages freed by
    // `rm`/`prune`/`--keep` are reused by later captures, and incremental
    // auto-vacuum's pointer maps cost ~8 µs of every capture (docs/performance.md).
    if fresh {
        // Only possible before the first table exists.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    set_wal(&conn).map_err(|e| classify(path, e))?;
    schema::migrate(&mut conn, path).map_err(|e| match e {
        StoreError::Sqlite(e) => classify(path, e),
        other => other,
    })?;
    if owner != (Owner::Hookcap { marked: true }) {
        schema::mark(&conn).map_err(|e| classify(path, e))?;
    }
    Ok(conn)
}

fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    // journal_mode returns a row, so it is read rather than executed.
    let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let err = |source| StoreError::Create {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(err)?;
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(err)?;
    Ok(())
}

/// Turns "file is not a database" into a message that names the file.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase(path.to_owned())
        }
        _ => StoreError::Sqlite(e),
    }
}
