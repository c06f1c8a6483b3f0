//! The group-commit writer: the one place captured requests are written.
//!
//! Capture tasks hand a [`NewRequest`] to [`WriterHandle::insert`] and wait for
//! its id. A dedicated thread drains whatever is queued, writes it in one
//! transaction with a prepared statement and commits, then answers every waiter.
//! So durability costs one commit per batch, not per request, and a caller is
//! only acknowledged once its row is committed.
//!
//! After each commit the writer announces [`StoredUpTo`] on a watch channel and,
//! when anyone listens, the summaries of the batch on a broadcast channel
//! ([`StoredBatch`]). Neither channel ever blocks the writer: a reader that falls
//! behind sees `Lagged` and re-queries the store, so a slow reader can never
//! hold up the capture path.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use rusqlite::{Connection, params};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use super::codec::encode_headers;
use super::{StoreError, open};
use crate::filter::path_of;
use crate::model::{HeaderList, NewRequest, RequestSummary};

/// How many requests may wait for the writer before capture tasks wait for room.
pub const QUEUE_CAPACITY: usize = 4096;
/// The most requests written in one transaction.
pub const MAX_BATCH: usize = 512;

/// How many committed batches a live reader may fall behind before it lags.
pub const BATCH_BACKLOG: usize = 1024;

/// The summaries of one committed batch, in id order.
pub type StoredBatch = Arc<Vec<RequestSummary>>;

/// What the writer has committed so far in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredUpTo {
    /// The id of the newest committed request (0 before the first).
    pub last_id: i64,
    /// How many requests this writer has committed.
    pub count: u64,
}

/// Why a request could not be stored; cloned to every waiter of a failed batch.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not store the request: {0}")]
pub struct WriteError(pub String);

struct Job {
    request: NewRequest,
    reply: oneshot::Sender<Result<i64, WriteError>>,
}

// Nearly every message is an insert, so boxing it would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Message {
    Insert(Job),
    /// Stop taking new requests, commit what is queued, and end the thread.
    Finish,
}

/// The sending side, cloned into every capture task.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Message>,
    stored: watch::Receiver<StoredUpTo>,
    batches: broadcast::Sender<StoredBatch>,
}

impl WriterHandle {
    /// Queues `request` and waits until it is committed; returns its id.
    pub async fn insert(&self, request: NewRequest) -> Result<i64, WriteError> {
        let (reply, answer) = oneshot::channel();
        let gone = || WriteError(StoreError::WriterGone.to_string());
        self.jobs
            .send(Message::Insert(Job { request, reply }))
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// A receiver that changes after every commit.
    pub fn subscribe(&self) -> watch::Receiver<StoredUpTo> {
        self.stored.clone()
    }

    /// A receiver of every committed batch's summaries, from now on.
    pub fn subscribe_batches(&self) -> broadcast::Receiver<StoredBatch> {
        self.batches.subscribe()
    }
}

/// The writer thread. [`GroupCommitWriter::finish`] commits what is queued and
/// stops it, even while capture tasks still hold handles.
pub struct GroupCommitWriter {
    thread: JoinHandle<()>,
    jobs: mpsc::Sender<Message>,
}

impl GroupCommitWriter {
    /// Opens a dedicated connection to `path` and starts the writer thread.
    pub fn start(path: &Path) -> Result<(Self, WriterHandle), StoreError> {
        let conn = open::open_writable(path, true)?;
        // Checkpoints run on their own connection (see `Checkpointer`): inside
        // the writer's commits they cost a third of the throughput.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        let (announce, stored) = watch::channel(StoredUpTo::default());
        let (batches, _) = broadcast::channel(BATCH_BACKLOG);
        let announcer = Announcer {
            stored: announce,
            batches: batches.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("hookcap-writer".into())
            .spawn(move || run(conn, queue, announcer))
            .map_err(|source| StoreError::Create {
                path: path.to_owned(),
                source,
            })?;
        let handle = WriterHandle {
            jobs: jobs.clone(),
            stored,
            batches,
        };
        Ok((Self { thread, jobs }, handle))
    }

    /// Commits everything queued so far, then stops the thread and waits for it.
    /// Requests sent after this are answered with an error (never a 2xx).
    pub async fn finish(self) {
        let _ = self.jobs.send(Message::Finish).await;
        let thread = self.thread;
        let joined = tokio::task::spawn_blocking(move || thread.join()).await;
        if !matches!(joined, Ok(Ok(()))) {
            tracing::error!("the store writer thread panicked");
        }
    }
}

/// The writer's two ways of telling readers what it committed.
struct Announcer {
    stored: watch::Sender<StoredUpTo>,
    batches: broadcast::Sender<StoredBatch>,
}

fn run(mut conn: Connection, mut queue: mpsc::Receiver<Message>, announce: Announcer) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut stored = StoredUpTo::default();
    while let Some(first) = queue.blocking_recv() {
        match first {
            Message::Insert(job) => batch.push(job),
            Message::Finish => queue.close(),
        }
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(Message::Insert(job)) => batch.push(job),
                Ok(Message::Finish) => queue.close(),
                Err(_) => break,
            }
        }
        if batch.is_empty() {
            continue;
        }
        match write_batch(&mut conn, &batch) {
            Ok(ids) => {
                stored.last_id = ids.last().copied().unwrap_or(stored.last_id);
                stored.count += ids.len() as u64;
                let listening = announce.batches.receiver_count() > 0;
                let mut summaries = Vec::with_capacity(if listening { ids.len() } else { 0 });
                for (job, id) in batch.drain(..).zip(ids) {
                    let _ = job.reply.send(Ok(id));
                    if listening {
                        summaries.push(RequestSummary::from_stored(id, job.request));
                    }
                }
                announce.stored.send_replace(stored);
                if listening {
                    let _ = announce.batches.send(Arc::new(summaries));
                }
            }
            Err(e) => {
                tracing::error!("store write failed, answering 503: {e}");
                let err = WriteError(e.to_string());
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(err.clone()));
                }
            }
        }
    }
}

const INSERT_SQL: &str = "INSERT INTO requests (session_id, received_at, method, target, path, \
    status, body_size, truncated, content_type, http_version, remote_addr, headers, \
    response_headers, response_body, body) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

const INSERT_CHECK_SQL: &str = "INSERT INTO checks (request_id, sig_provider, sig_outcome, sig_reason, rejected) \
    VALUES (?1, ?2, ?3, ?4, ?5)";

fn write_batch(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<Vec<i64>> {
    let tx = conn.transaction()?;
    let ids = insert_all(&tx, batch.iter().map(|job| &job.request))?;
    tx.commit()?;
    Ok(ids)
}

/// Inserts requests inside the caller's transaction; returns their ids in order.
/// The one `INSERT` of requests (the writer's batches and imports both use it).
pub(super) fn insert_all<'a>(
    tx: &rusqlite::Transaction<'_>,
    requests: impl Iterator<Item = &'a NewRequest>,
) -> rusqlite::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(requests.size_hint().0);
    let mut stmt = tx.prepare_cached(INSERT_SQL)?;
    for r in requests {
        stmt.execute(params![
            r.session_id,
            r.received_at.0,
            r.method,
            r.target,
            path_of(&r.target),
            r.response.status,
            r.body.len() as i64,
            r.truncated,
            r.headers.get_str("content-type"),
            r.http_version,
            r.remote_addr,
            encode_headers(&r.headers),
            encode_headers(&r.response.headers),
            r.response.body,
            r.body,
        ])?;
        let id = tx.last_insert_rowid();
        if r.signature.is_some() || r.rejected.is_some() {
            let sig = r.signature.as_ref();
            tx.prepare_cached(INSERT_CHECK_SQL)?.execute(params![
                id,
                sig.map(|s| s.provider.as_str()),
                sig.map(|s| s.outcome.as_str()),
                sig.map(|s| s.reason.as_str()),
                r.rejected,
            ])?;
        }
        ids.push(id);
    }
    Ok(ids)
}
