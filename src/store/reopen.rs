//! Noticing that the database file was deleted or replaced under a running
//! writer, so that nothing is acknowledged into a file nobody can open again.
//!
//! Before each commit (and on its idle tick, once a second) the writer
//! compares the device and inode at its path with those of the file it has
//! open: one `stat`, about a microsecond. When they differ the path was
//! deleted (`rm hookcap.db*`) or replaced (`mv other.db hookcap.db`), and the
//! writer starts over in a database at the path: a fresh one where there is
//! none, or the one put there, in a new session like the one it was writing
//! (a loud message says so). Until that works it answers every request `503`
//! and tries again at most once a second, e.g. while the file put there is
//! not a usable database.
//!
//! The old file's log (`PATH-wal`, `PATH-shm`) may still be at the path (only
//! the database file was removed or replaced): SQLite would read it into any
//! file opened there. So it is first folded back into the old file (which
//! keeps everything, should it have been renamed rather than deleted) and
//! then its names are removed from the path.
//!
//! The writer's old connection is never closed (it is leaked on purpose): the
//! last connection to close a database deletes `PATH-wal` and `PATH-shm` by
//! name, which by then belong to the new file. Kept open, it holds the lock
//! that stops every other connection to the old file from doing so.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Store, StoreError, open};
use crate::model::Session;

/// How often a writer that cannot start over tries again (and says so).
const RETRY: Duration = Duration::from_secs(1);

/// A file's identity: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    fn of(path: &Path) -> Option<Self> {
        std::fs::metadata(path).ok().map(|m| Self(m.dev(), m.ino()))
    }
}

/// `PATH-wal` and `PATH-shm`.
fn log_files(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

/// What the writer learns from [`Watch::check`].
pub(super) enum Checked {
    /// The path still holds the writer's file.
    Same,
    /// The writer's file is gone from the path; this connection is to the
    /// database now there.
    StartedOver(Connection),
    /// The writer's file is gone from the path and nothing can be opened
    /// there yet: why, to answer `503` with.
    Gone(String),
}

/// A writer's watch over the file at its path.
pub(super) struct Watch {
    path: PathBuf,
    /// The open database file, and its log and shared memory once seen.
    ids: [Option<FileId>; 3],
    /// The session being written, to continue in a new file.
    session: Option<Session>,
    /// The session requests go to after a start-over.
    current: Option<i64>,
    /// Requests inserted since the last start-over, whose forward deliveries
    /// may be recorded (None: never started over).
    pub fresh: Option<HashSet<i64>>,
    last_try: Option<Instant>,
    failing: Option<String>,
}

impl Watch {
    /// Watches `path`, which the writer has just opened for `session`.
    pub fn new(path: &Path, session: Option<Session>) -> Self {
        let mut watch = Self {
            path: path.to_owned(),
            ids: [FileId::of(path), None, None],
            session,
            current: None,
            fresh: None,
            last_try: None,
            failing: None,
        };
        watch.note_log_files();
        watch
    }

    /// After a start-over: the session requests were sent for, and the one
    /// they are stored in now.
    pub fn remap(&self) -> Option<(i64, i64)> {
        Some((self.session.as_ref()?.id, self.current?))
    }

    /// Compares the path with the open file (`old`), and starts over if it
    /// changed.
    pub fn check(&mut self, old: &Connection) -> Checked {
        let now = FileId::of(&self.path);
        if now.is_some() && now == self.ids[0] {
            if self.ids[1].is_none() || self.ids[2].is_none() {
                self.note_log_files();
            }
            return Checked::Same;
        }
        if let (Some(why), Some(at)) = (&self.failing, self.last_try)
            && at.elapsed() < RETRY
        {
            return Checked::Gone(why.clone());
        }
        self.last_try = Some(Instant::now());
        let what = if now.is_none() {
            "was deleted"
        } else {
            "was replaced by another file"
        };
        let path = self.path.display().to_string();
        let result = self
            .fold_log(old)
            .and_then(|()| self.start_over(what).map_err(|e| format!("{e:#}")));
        match result {
            Ok(conn) => Checked::StartedOver(conn),
            Err(cause) => {
                let why = format!("the database {path} {what} while listening, and {cause}");
                if self.failing.as_ref() != Some(&why) {
                    tracing::error!("{why}; answering 503 until that changes");
                }
                self.failing = Some(why.clone());
                Checked::Gone(why)
            }
        }
    }

    /// Records the log files now at the path as the open database's.
    fn note_log_files(&mut self) {
        let [wal, shm] = log_files(&self.path);
        self.ids[1] = self.ids[1].or(FileId::of(&wal));
        self.ids[2] = self.ids[2].or(FileId::of(&shm));
    }

    /// The old file's log files still at the path.
    fn own_log_files(&self) -> Vec<PathBuf> {
        log_files(&self.path)
            .into_iter()
            .zip(&self.ids[1..])
            .filter(|(file, id)| id.is_some() && FileId::of(file) == **id)
            .map(|(file, _)| file)
            .collect()
    }

    /// Copies the old file's log into it and takes the log's names off the
    /// path, so that nothing opened there reads it.
    fn fold_log(&self, old: &Connection) -> Result<(), String> {
        let files = self.own_log_files();
        if files.is_empty() {
            return Ok(());
        }
        let busy: i64 = old
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| format!("its log could not be folded back: {e}"))?;
        if busy != 0 {
            return Err("its log could not be folded back yet (readers are busy)".to_owned());
        }
        for file in files {
            std::fs::remove_file(&file)
                .map_err(|e| format!("its log {} could not be removed: {e}", file.display()))?;
        }
        Ok(())
    }

    /// Opens the database at the path (creating it if there is none) and a
    /// new session like the old one in it.
    fn start_over(&mut self, what: &str) -> Result<Connection, StoreError> {
        let conn = open::open_writable(&self.path, true)?;
        // Opened after the writer's connection, so closing it leaves the log.
        let session = match &self.session {
            Some(s) => Some(Store::open_existing(&self.path)?.create_session(
                s.mode,
                &s.url,
                s.target.as_deref(),
            )?),
            None => None,
        };
        self.ids = [FileId::of(&self.path), None, None];
        self.note_log_files();
        self.current = session.as_ref().map(|s| s.id);
        self.fresh = Some(HashSet::new());
        self.failing = None;
        let went_on = match &session {
            Some(s) => format!("; capture goes on in session {} there", s.id),
            None => String::new(),
        };
        tracing::error!(
            "the database {} {what} while listening: started over in the database now at that path{went_on} \
             (what was captured before went with the old file)",
            self.path.display()
        );
        Ok(conn)
    }
}
