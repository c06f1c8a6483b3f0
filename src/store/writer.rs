//! The group-commit writer: the one place captured requests are written.
//!
//! Capture tasks hand a [`NewRequest`] to [`WriterHandle::insert`] and wait for
//! its id. A dedicated thread drains whatever is queued, writes it in one
//! transaction with a prepared statement and commits, then answers every waiter.
//! So durability costs one commit per batch, not per request, and a caller is
//! only acknowledged once its row is committed.
//!
//! Deliveries of forwarded requests travel the same queue and are batched the
//! same way. A forward reserves a [`DeliverySlot`] before it sends and fills it
//! once the app's answer is complete, which never blocks (the slot already
//! holds room in the queue); it gets a [`Committed`] to hold the end of the
//! answer back until the delivery is stored too.
//!
//! After each commit the writer announces [`StoredUpTo`] on a watch channel and,
//! when anyone listens, the summaries of the batch on a broadcast channel
//! ([`StoredBatch`]): every request inserted (a forwarded one still pending),
//! and every forwarded request whose delivery was committed, now with the
//! caller's status and the delivery's brief. Neither channel ever blocks the
//! writer: a reader that falls behind sees `Lagged` and re-queries the store,
//! so a slow reader can never hold up the capture path.
//!
//! Before each commit the writer checks that its file is still the one at
//! its path ([`super::reopen`]); if it was deleted or replaced, the writer
//! starts over in the database at the path (in a new session, and counted in
//! [`StartOvers`]) or answers `503`, never a `2xx` into a file nobody can
//! open. Deliveries of forwards stored in the old file are not recorded in
//! the new one: their slots were reserved before the start-over, or their ids
//! are not among the forwards stored since. (A forward stored in the last
//! commit before a start-over whose slot is reserved just after it, with an id
//! the new file has also just given to a forward, would be recorded with that
//! one: a window of microseconds, once per start-over.)

use std::collections::HashSet;
use std::ffi::c_int;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::thread::JoinHandle;

use std::time::Instant;

use rusqlite::Connection;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use super::insert::Inserts;
use super::relay::{self, Attached, Inserted, QueueEntry};
use super::reopen::{Checked, Watch};
use super::spans::{OpenSpans, SPAN_IDLE};
use super::wal::{self, WalLog};
use super::{StoreError, deliveries, delivery_index, open};
use crate::model::{
    CaptureNotes, DeliveryBrief, NewDelivery, NewRequest, RelayedFrom, RequestSummary,
    ResponseRecord, Session,
};

/// How many requests may wait for the writer before capture tasks wait for room.
pub const QUEUE_CAPACITY: usize = 4096;
/// The most requests written in one transaction.
pub const MAX_BATCH: usize = 512;

/// How many committed batches a live reader may fall behind before it lags.
pub const BATCH_BACKLOG: usize = 1024;

/// The summaries of one committed batch, in the order they were committed:
/// inserted requests in id order, settled forwards among them.
pub type StoredBatch = Arc<Vec<RequestSummary>>;

/// What the writer has committed so far in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredUpTo {
    /// The id of the newest committed request (0 before the first).
    pub last_id: i64,
    /// How many requests this writer has committed.
    pub count: u64,
    /// How many deliveries this writer has committed.
    pub deliveries: u64,
}

/// The upper bounds of [`BatchStats`]' buckets: requests and deliveries per commit.
pub const BATCH_BOUNDS: [u64; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// How full the writer's commits were, counted as they happen (the relay's
/// metrics show them).
#[derive(Debug, Default)]
pub struct BatchStats {
    commits: AtomicU64,
    written: AtomicU64,
    buckets: [AtomicU64; BATCH_BOUNDS.len()],
}

impl BatchStats {
    fn record(&self, size: usize) {
        let size = size as u64;
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.written.fetch_add(size, Ordering::Relaxed);
        if let Some(i) = BATCH_BOUNDS.iter().position(|&b| size <= b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Commits so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Requests and deliveries written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Each bucket's upper bound and how many commits fell in it (not cumulative).
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        BATCH_BOUNDS
            .iter()
            .zip(&self.buckets)
            .map(|(&b, n)| (b, n.load(Ordering::Relaxed)))
            .collect()
    }
}

/// Why a request could not be stored; cloned to every waiter of a failed batch.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not store the request: {0}")]
pub struct WriteError(pub String);

/// What a keeping insert's waiter gets back: its request (so a forward can send
/// the body without copying it) and the id, or why it was not stored.
type Stored = (NewRequest, Result<i64, WriteError>);

/// What a relayed insert's waiter gets back: its request, and its id and
/// whether it was new, or why it was not stored.
pub type StoredRelayed = (NewRequest, Result<Inserted, WriteError>);

/// How an insert's waiter is answered.
enum Reply {
    /// The id only; the request is moved into the broadcast summary.
    Id(oneshot::Sender<Result<i64, WriteError>>),
    /// The id and the request back ([`WriterHandle::insert_keeping`]).
    Keep(oneshot::Sender<Stored>),
    /// The request back with its id, and whether it was new
    /// ([`WriterHandle::queue_relayed`]).
    Relayed(oneshot::Sender<StoredRelayed>),
}

impl Reply {
    fn fail(self, request: NewRequest, err: WriteError) {
        match self {
            Self::Id(tx) => drop(tx.send(Err(err))),
            Self::Keep(tx) => drop(tx.send((request, Err(err)))),
            Self::Relayed(tx) => drop(tx.send((request, Err(err)))),
        }
    }
}

struct Job {
    /// Boxed: a job is moved through the sender's future and the channel.
    request: Box<NewRequest>,
    /// What the capture path already found out; `None`: the writer looks.
    notes: Option<CaptureNotes>,
    reply: Reply,
    /// What is written with the request, in the same transaction.
    attached: Option<Box<Attached>>,
}

struct DeliveryJob {
    delivery: NewDelivery,
    /// What the caller of a forwarded request got, to store on the request row.
    answered: Option<ResponseRecord>,
    /// The request's summary, to broadcast once the delivery is committed
    /// (only when someone follows the writer).
    summary: Option<RequestSummary>,
    /// Told once the delivery is committed; dropped if it could not be.
    committed: oneshot::Sender<()>,
    /// The writer's start-overs when the slot was reserved: a delivery
    /// reserved before the last one is of a request in the old file.
    file: u32,
}

/// Resolves once a recorded delivery is committed (or could not be: then the
/// error is logged by the writer, and waiting ends all the same).
pub type Committed = oneshot::Receiver<()>;

// Nearly every message is an insert or a delivery, so boxing them would only
// add an allocation.
#[allow(clippy::large_enum_variant)]
enum Message {
    Insert(Job),
    Deliver(DeliveryJob),
    /// Stop taking new messages, commit what is queued, and end the thread.
    Finish,
    /// Nothing to write: wakes an idle writer to close idle spans.
    Tick,
}

/// How often an idle writer is woken to close spans that went idle.
const TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Sends the writer a [`Message::Tick`] every [`TICK`] until the writer is
/// gone. Holds only a weak sender, so it never keeps the queue open, and skips
/// a tick when the queue is full (the writer is busy anyway).
fn tick(jobs: &mpsc::WeakSender<Message>) {
    loop {
        std::thread::sleep(TICK);
        let Some(jobs) = jobs.upgrade() else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Closed(_)) = jobs.try_send(Message::Tick) {
            return;
        }
    }
}

/// Room in the writer's queue for one delivery, reserved before a forward is
/// sent so that recording its outcome later never waits.
pub struct DeliverySlot(mpsc::OwnedPermit<Message>, u32);

impl DeliverySlot {
    /// Queues `delivery` (and, for a forward, what the caller was answered) to
    /// be committed with the next batch. `summary`, when given, is broadcast
    /// once it is committed, with the answer's status and the delivery's brief.
    pub fn record(
        self,
        delivery: NewDelivery,
        answered: Option<ResponseRecord>,
        summary: Option<RequestSummary>,
    ) -> Committed {
        let (committed, done) = oneshot::channel();
        self.0.send(Message::Deliver(DeliveryJob {
            delivery,
            answered,
            summary,
            committed,
            file: self.1,
        }));
        done
    }
}

/// The sending side, cloned into every capture task.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Message>,
    stored: watch::Receiver<StoredUpTo>,
    /// Weak, so that the batches end for their followers when the writer
    /// thread does, however many capture tasks still hold a handle.
    batches: broadcast::WeakSender<StoredBatch>,
    start_overs: StartOvers,
    stats: Arc<BatchStats>,
}

/// How many times the writer started over in a new database file (its file
/// was deleted or replaced, see [`super::reopen`]); raised before the first
/// batch in the new file is announced.
#[derive(Debug, Clone, Default)]
pub struct StartOvers(Arc<AtomicU32>);

impl StartOvers {
    /// The count so far.
    pub fn count(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }

    fn raise(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl WriterHandle {
    /// Queues `request` and waits until it is committed; returns its id.
    /// The writer finds out what it is as a webhook.
    pub async fn insert(&self, request: NewRequest) -> Result<i64, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.send(Box::new(request), None, Reply::Id(reply)).await?;
        answer.await.map_err(|_| gone())?
    }

    /// Like [`WriterHandle::insert`], with what the capture path already
    /// found out about the request (its webhook identity, the rule that answered).
    /// The request comes boxed, as the capture path holds it, and goes to
    /// the writer as it is.
    pub async fn insert_noted(
        &self,
        request: Box<NewRequest>,
        notes: CaptureNotes,
    ) -> Result<i64, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.send(request, Some(notes), Reply::Id(reply)).await?;
        answer.await.map_err(|_| gone())?
    }

    /// Like [`WriterHandle::insert`], and hands the request back once it is stored.
    pub async fn insert_keeping(
        &self,
        request: NewRequest,
    ) -> Result<(i64, NewRequest), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.send(Box::new(request), None, Reply::Keep(reply))
            .await?;
        let (request, id) = answer.await.map_err(|_| gone())?;
        Ok((id?, request))
    }

    /// A relay's insert: stores `request` and queues it for its channel's
    /// consumers in the same transaction; returns its id (the relay id).
    pub async fn insert_queued(
        &self,
        request: NewRequest,
        entry: QueueEntry,
    ) -> Result<i64, WriteError> {
        let (reply, answer) = oneshot::channel();
        let attached = Some(Box::new(Attached::Queue(entry)));
        self.send_attached(Box::new(request), None, Reply::Id(reply), attached)
            .await?;
        answer.await.map_err(|_| gone())?
    }

    /// A laptop's insert of a request that came through a relay: queues it
    /// (waiting only for room in the queue) and returns what resolves once it
    /// is committed. A request with a relay id already stored is not stored
    /// again: it resolves to the stored id, not fresh. Requests queued one
    /// after another are committed in that order.
    pub async fn queue_relayed(
        &self,
        request: NewRequest,
        notes: Option<CaptureNotes>,
        mark: RelayedFrom,
    ) -> Result<oneshot::Receiver<StoredRelayed>, WriteError> {
        let (reply, answer) = oneshot::channel();
        let attached = Some(Box::new(Attached::Relayed(mark)));
        self.send_attached(Box::new(request), notes, Reply::Relayed(reply), attached)
            .await?;
        Ok(answer)
    }

    async fn send(
        &self,
        request: Box<NewRequest>,
        notes: Option<CaptureNotes>,
        reply: Reply,
    ) -> Result<(), WriteError> {
        self.send_attached(request, notes, reply, None).await
    }

    async fn send_attached(
        &self,
        request: Box<NewRequest>,
        notes: Option<CaptureNotes>,
        reply: Reply,
        attached: Option<Box<Attached>>,
    ) -> Result<(), WriteError> {
        let job = Job {
            request,
            notes,
            reply,
            attached,
        };
        self.jobs
            .send(Message::Insert(job))
            .await
            .map_err(|_| gone())
    }

    /// Reserves room for one delivery record (waiting while the queue is full).
    pub async fn reserve_delivery(&self) -> Result<DeliverySlot, WriteError> {
        let permit = self
            .jobs
            .clone()
            .reserve_owned()
            .await
            .map_err(|_| gone())?;
        Ok(DeliverySlot(permit, self.start_overs.count()))
    }

    /// A receiver that changes after every commit.
    pub fn subscribe(&self) -> watch::Receiver<StoredUpTo> {
        self.stored.clone()
    }

    /// A receiver of every committed batch's summaries, from now on (one
    /// that is already closed once the writer has stopped).
    pub fn subscribe_batches(&self) -> broadcast::Receiver<StoredBatch> {
        match self.batches.upgrade() {
            Some(batches) => batches.subscribe(),
            None => broadcast::channel(1).1,
        }
    }

    /// How many times the writer has started over in a new database file.
    pub fn start_overs(&self) -> StartOvers {
        self.start_overs.clone()
    }

    /// True while someone receives the committed batches (so summaries are
    /// worth building).
    pub fn followed(&self) -> bool {
        self.batches
            .upgrade()
            .is_some_and(|b| b.receiver_count() > 0)
    }

    /// How full the commits so far were.
    pub fn batch_stats(&self) -> Arc<BatchStats> {
        self.stats.clone()
    }
}

/// The writer's busy handler: try again every millisecond, for as long as
/// [`open::BUSY_TIMEOUT`].
fn wait_a_millisecond(tries: i32) -> bool {
    if u128::try_from(tries).unwrap_or(0) >= open::BUSY_TIMEOUT.as_millis() {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_millis(1));
    true
}

fn gone() -> WriteError {
    WriteError(StoreError::WriterGone.to_string())
}

/// The writer thread. [`GroupCommitWriter::finish`] commits what is queued and
/// stops it, even while capture tasks still hold handles.
pub struct GroupCommitWriter {
    thread: JoinHandle<()>,
    jobs: mpsc::Sender<Message>,
    wal: WalLog,
}

impl GroupCommitWriter {
    /// Opens a dedicated connection to `path` and starts the writer thread.
    pub fn start(path: &Path) -> Result<(Self, WriterHandle), StoreError> {
        Self::start_for(path, None)
    }

    /// Like [`GroupCommitWriter::start`], for a listener's `session`: should
    /// the file be deleted or replaced while it runs, the writer starts over
    /// in a database at the path, in a new session like this one (see
    /// [`super::reopen`]).
    pub fn start_for_session(
        path: &Path,
        session: &Session,
    ) -> Result<(Self, WriterHandle), StoreError> {
        Self::start_for(path, Some(session.clone()))
    }

    fn start_for(
        path: &Path,
        session: Option<Session>,
    ) -> Result<(Self, WriterHandle), StoreError> {
        let mut conn = open::open_writable(path, true)?;
        // SQLite's own busy wait backs off up to 100 ms between tries, so a
        // writer that met a lock could sleep long after it was released.
        conn.busy_handler(Some(wait_a_millisecond))?;
        let watch = Watch::new(path, session);
        let start_overs = StartOvers::default();
        // Checkpoints run on their own connection (see `Checkpointer`): inside
        // the writer's commits they cost a third of the throughput. The hook
        // replaces SQLite's automatic checkpoints and tells the checkpointer
        // how big the log is after each commit.
        let wal = WalLog::default();
        let reported = wal.clone();
        conn.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, frames: c_int| {
            reported.set(u32::try_from(frames).unwrap_or(0));
            Ok(())
        }))?;
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        let (announce, stored) = watch::channel(StoredUpTo::default());
        let (batches, _) = broadcast::channel(BATCH_BACKLOG);
        let stats = Arc::new(BatchStats::default());
        let announcer = Announcer {
            stored: announce,
            batches: batches.clone(),
            stats: stats.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("hookcap-writer".into())
            .spawn({
                let wal = wal.clone();
                let start_overs = start_overs.clone();
                move || run(conn, queue, announcer, &wal, (watch, start_overs))
            })
            .map_err(|source| StoreError::Create {
                path: path.to_owned(),
                source,
            })?;
        let ticks = jobs.downgrade();
        // Without ticks an idle writer only closes its spans when it stops.
        let _ = std::thread::Builder::new()
            .name("hookcap-tick".into())
            .spawn(move || tick(&ticks));
        let handle = WriterHandle {
            jobs: jobs.clone(),
            stored,
            batches: batches.downgrade(),
            start_overs,
            stats,
        };
        Ok((Self { thread, jobs, wal }, handle))
    }

    /// The log's state this writer shares with the [`Checkpointer`]: its size
    /// after each commit, and the checkpointer's request to start it over.
    ///
    /// [`Checkpointer`]: super::Checkpointer
    pub fn wal_log(&self) -> WalLog {
        self.wal.clone()
    }

    /// Commits everything queued so far, then stops the thread and waits for it.
    /// Requests sent after this are answered with an error (never a 2xx), and
    /// delivery slots still unfilled then are not waited for.
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
    stats: Arc<BatchStats>,
}

/// What the writer thread keeps across its database files (see [`run`]).
struct Writer<'w> {
    queue: mpsc::Receiver<Message>,
    announce: Announcer,
    wal: &'w WalLog,
    watch: Watch,
    start_overs: StartOvers,
    /// Taken from the queue, not committed yet.
    batch: Vec<Message>,
    stored: StoredUpTo,
    finishing: bool,
    commits: u64,
    spans: OpenSpans,
    lazy_index: delivery_index::Lazy,
}

/// Why [`Writer::serve`] returned.
enum Served {
    /// Finished: asked to, or every handle is gone.
    Finished,
    /// The file was deleted or replaced: go on with this connection to the
    /// database at the path now (the batch taken is still to be committed).
    StartedOver(Connection),
}

fn run(
    mut conn: Connection,
    queue: mpsc::Receiver<Message>,
    announce: Announcer,
    wal: &WalLog,
    (watch, start_overs): (Watch, StartOvers),
) {
    let mut writer = Writer {
        queue,
        announce,
        wal,
        watch,
        start_overs,
        batch: Vec::with_capacity(MAX_BATCH),
        stored: StoredUpTo::default(),
        finishing: false,
        commits: 0,
        spans: OpenSpans::default(),
        lazy_index: delivery_index::Lazy::default(),
    };
    while let Served::StartedOver(new) = writer.serve(&conn) {
        // Never closed: closing it could delete the new file's log (see
        // `reopen`). Checkpoints now run inside commits: the checkpointer
        // still has the old file.
        std::mem::forget(std::mem::replace(&mut conn, new));
        if let Err(e) = conn.busy_handler(Some(wait_a_millisecond)) {
            tracing::debug!("the writer's busy handler: {e}");
        }
        writer.spans = OpenSpans::default();
        writer.start_overs.raise();
    }
    if let Err(e) = writer.spans.close_all(&conn) {
        // Still correct: an open span only makes some queries scan further.
        tracing::warn!("could not close the spans of this session's requests: {e}");
    }
    tracing::debug!(
        "writer: {} requests and {} deliveries in {} commits; the log started over {} times",
        writer.stored.count,
        writer.stored.deliveries,
        writer.commits,
        wal.times_started_over()
    );
}

impl Writer<'_> {
    /// Takes batches from the queue and commits them to `conn`, with the
    /// `INSERT` prepared once, until finished or the file must be started over.
    fn serve(&mut self, conn: &Connection) -> Served {
        let mut inserts = None;
        // A batch taken before a start-over goes into the new file.
        if !self.batch.is_empty() {
            self.commit(conn, &mut inserts, Instant::now());
        }
        while let Some(first) = next_message(&mut self.queue, self.finishing) {
            let started = Instant::now();
            self.finishing |= take(first, &mut self.batch, &mut self.queue);
            self.finishing |= drain(&mut self.queue, &mut self.batch);
            // Before every commit, and on the idle tick: is the file still there?
            match self.watch.check(conn) {
                Checked::Same => {}
                Checked::StartedOver(new) => return Served::StartedOver(new),
                Checked::Gone(why) => {
                    refuse(&mut self.batch, &WriteError(why));
                    continue;
                }
            }
            if !self.batch.is_empty() {
                self.commit(conn, &mut inserts, started);
            }
            if self.wal.restart_asked() {
                wal::finish_checkpoint(conn);
            }
            if let Err(e) = self.spans.close_idle(conn, SPAN_IDLE) {
                tracing::debug!("could not close an idle span (it stays open): {e}");
            }
            let queue = &self.queue;
            self.lazy_index.tick(conn, || queue.is_empty());
        }
        Served::Finished
    }

    /// Commits the batch taken (whose first message came at `started`),
    /// preparing the `INSERT` first if it is not yet.
    fn commit<'c>(
        &mut self,
        conn: &'c Connection,
        inserts: &mut Option<Inserts<'c>>,
        started: Instant,
    ) {
        let inserted = self
            .batch
            .iter()
            .filter(|m| matches!(m, Message::Insert(_)))
            .count();
        let remap = self.watch.remap();
        if let Some(fresh) = self.watch.fresh.as_mut() {
            after_start_over(&mut self.batch, (fresh, self.start_overs.count()), remap);
        }
        let prepared = match inserts {
            Some(prepared) => Ok(prepared),
            None => Inserts::prepare(conn).map(|p| inserts.insert(p)),
        };
        let written =
            prepared.and_then(|prepared| write_batch(conn, prepared, &self.batch, &mut self.spans));
        let fresh = self.watch.fresh.as_mut();
        settle(
            written,
            &mut self.batch,
            &mut self.stored,
            &self.announce,
            fresh,
        );
        self.commits += 1;
        self.lazy_index.committed(conn, inserted, started);
    }
}

/// Adds what is queued to the batch, up to [`MAX_BATCH`]; true when asked to finish.
fn drain(queue: &mut mpsc::Receiver<Message>, batch: &mut Vec<Message>) -> bool {
    let mut finishing = false;
    while batch.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(message) => finishing |= take(message, batch, queue),
            Err(_) => break,
        }
    }
    finishing
}

/// The next message; once finishing, only what is already queued, so an
/// unfilled [`DeliverySlot`] (a stuck forward) cannot hold up shutdown.
fn next_message(queue: &mut mpsc::Receiver<Message>, finishing: bool) -> Option<Message> {
    if finishing {
        queue.try_recv().ok()
    } else {
        queue.blocking_recv()
    }
}

/// Adds `message` to the batch; returns true when it asked the writer to finish.
fn take(message: Message, batch: &mut Vec<Message>, queue: &mut mpsc::Receiver<Message>) -> bool {
    match message {
        Message::Finish => {
            queue.close();
            return true;
        }
        Message::Tick => {}
        write => batch.push(write),
    }
    false
}

/// Answers every insert of `batch` with `err` (a `503` for its caller); its
/// deliveries are lost.
fn refuse(batch: &mut Vec<Message>, err: &WriteError) {
    for message in batch.drain(..) {
        if let Message::Insert(job) = message {
            job.reply.fail(*job.request, err.clone());
        }
    }
}

/// After the writer started over in a new file: requests go to the new
/// session, and only deliveries of requests forwarded since (`fresh`, in the
/// file counted `file`) are recorded; the others' rows went with the old file.
fn after_start_over(
    batch: &mut Vec<Message>,
    (fresh, file): (&mut HashSet<i64>, u32),
    remap: Option<(i64, i64)>,
) {
    batch.retain_mut(|message| match message {
        Message::Insert(job) => {
            if let Some((from, to)) = remap
                && job.request.session_id == from
            {
                job.request.session_id = to;
            }
            true
        }
        Message::Deliver(job) => {
            let keep = job.file == file && fresh.remove(&job.delivery.request_id);
            if !keep {
                tracing::debug!(
                    "not recorded: a delivery of request {}, which went with the old database file",
                    job.delivery.request_id
                );
            }
            keep
        }
        Message::Finish | Message::Tick => true,
    });
}

/// Answers every waiter of `batch` once it was written (or could not be),
/// then announces the commit. `fresh`, after a start-over, collects the ids
/// of forwarded requests.
fn settle(
    written: rusqlite::Result<Vec<Inserted>>,
    batch: &mut Vec<Message>,
    stored: &mut StoredUpTo,
    announce: &Announcer,
    mut fresh: Option<&mut HashSet<i64>>,
) {
    let ids = match written {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!("store write failed, answering 503 (deliveries are lost): {e}");
            refuse(batch, &WriteError(e.to_string()));
            return;
        }
    };
    announce.stats.record(batch.len());
    let listening = announce.batches.receiver_count() > 0;
    let mut summaries = Vec::with_capacity(if listening { batch.len() } else { 0 });
    let mut ids = ids.into_iter();
    for message in batch.drain(..) {
        match message {
            Message::Insert(job) => {
                let inserted = ids.next().unwrap_or(Inserted {
                    id: 0,
                    fresh: false,
                });
                let id = inserted.id;
                if !inserted.fresh {
                    // A relayed request stored before: nothing new to count or show.
                    if let Reply::Relayed(tx) = job.reply {
                        let _ = tx.send((*job.request, Ok(inserted)));
                    }
                    continue;
                }
                stored.last_id = id;
                stored.count += 1;
                match job.reply {
                    Reply::Id(tx) => {
                        let _ = tx.send(Ok(id));
                        if listening {
                            summaries.push(RequestSummary::from_stored(id, *job.request));
                        }
                    }
                    Reply::Keep(tx) => {
                        if let Some(fresh) = fresh.as_deref_mut() {
                            fresh.insert(id);
                        }
                        if listening {
                            summaries.push(RequestSummary::of_new(id, &job.request));
                        }
                        let _ = tx.send((*job.request, Ok(id)));
                    }
                    Reply::Relayed(tx) => {
                        if listening {
                            summaries.push(RequestSummary::of_new(id, &job.request));
                        }
                        let _ = tx.send((*job.request, Ok(inserted)));
                    }
                }
            }
            Message::Deliver(job) => {
                stored.deliveries += 1;
                let _ = job.committed.send(());
                if let (true, Some(summary)) = (listening, job.summary) {
                    summaries.push(settled(summary, &job.delivery, job.answered.as_ref()));
                }
            }
            Message::Finish | Message::Tick => {}
        }
    }
    announce.stored.send_replace(*stored);
    if listening && !summaries.is_empty() {
        let _ = announce.batches.send(Arc::new(summaries));
    }
}

/// A forwarded request's summary once its delivery is stored: what the caller
/// was answered, and the delivery's brief.
fn settled(
    mut summary: RequestSummary,
    delivery: &NewDelivery,
    answered: Option<&ResponseRecord>,
) -> RequestSummary {
    if let Some(answer) = answered {
        summary.status = answer.status;
    }
    summary.delivery = Some(DeliveryBrief::of(delivery));
    summary
}

/// Writes the batch in one transaction, with the spans that cover its
/// requests; returns the ids of its inserts, in order (and whether each was
/// new). Begun and committed with held statements: `BEGIN` and `COMMIT`
/// parsed again for every batch cost as much as the inserts of a few requests.
fn write_batch(
    conn: &Connection,
    inserts: &mut Inserts<'_>,
    batch: &[Message],
    spans: &mut OpenSpans,
) -> rusqlite::Result<Vec<Inserted>> {
    inserts.begin()?;
    let written = write_in_transaction(conn, inserts, batch, spans).and_then(|(ids, covered)| {
        inserts.commit()?;
        Ok((ids, covered))
    });
    match written {
        Ok((ids, covered)) => {
            *spans = covered;
            Ok(ids)
        }
        Err(e) => {
            inserts.rollback();
            Err(e)
        }
    }
}

/// The statements of [`write_batch`] between its `BEGIN` and `COMMIT`; returns
/// the ids inserted and the spans to keep once committed.
fn write_in_transaction(
    conn: &Connection,
    inserts: &mut Inserts<'_>,
    batch: &[Message],
    spans: &OpenSpans,
) -> rusqlite::Result<(Vec<Inserted>, OpenSpans)> {
    let mut ids = Vec::with_capacity(batch.len());
    for message in batch {
        match message {
            Message::Insert(job) => ids.push(match job.attached.as_deref() {
                None => Inserted::new(inserts.insert(&job.request, job.notes.as_ref())?),
                Some(attached) => relay::insert_attached(
                    conn,
                    (&job.request, job.notes.as_ref()),
                    attached,
                    inserts,
                )?,
            }),
            Message::Deliver(job) => {
                deliveries::insert(conn, &job.delivery)?;
                if let Some(answer) = &job.answered {
                    deliveries::set_answer(conn, job.delivery.request_id, answer)?;
                }
            }
            Message::Finish | Message::Tick => {}
        }
    }
    let inserted = batch.iter().filter_map(|m| match m {
        Message::Insert(job) => Some(&job.request),
        _ => None,
    });
    let fresh = inserted
        .zip(&ids)
        .filter(|(_, i)| i.fresh)
        .map(|(r, i)| (r.session_id, i.id, r.received_at.0));
    let covered = spans.cover(conn, fresh)?;
    Ok((ids, covered))
}

/// What the spans need of inserted requests and their ids.
pub(super) fn covered<'a>(
    requests: impl Iterator<Item = &'a NewRequest> + 'a,
    ids: &'a [i64],
) -> impl Iterator<Item = super::spans::Covered> + 'a {
    requests
        .zip(ids.iter().copied())
        .map(|(r, id)| (r.session_id, id, r.received_at.0))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::{DeliveryKind, Header, SessionMode, Timestamp};
    use crate::store::Store;

    fn request(session_id: i64) -> NewRequest {
        NewRequest {
            session_id,
            received_at: Timestamp(1),
            method: "POST".into(),
            target: "/hook".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:1".into(),
            headers: vec![Header::new("Content-Type", "text/plain")],
            body: b"payload".to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: crate::model::PENDING_STATUS,
                headers: vec![],
                body: vec![],
            },
            signature: None,
            rejected: None,
        }
    }

    fn delivery(request_id: i64) -> NewDelivery {
        NewDelivery {
            request_id,
            kind: DeliveryKind::Forward,
            destination: "http://app/hook".into(),
            started_at: Timestamp(2),
            duration: Duration::from_millis(3),
            response: Some(ResponseRecord {
                status: 202,
                headers: vec![Header::new("X-App", "1")],
                body: b"ok".to_vec(),
            }),
            response_truncated: false,
            error: None,
        }
    }

    /// A database with one forward session, and a runtime to drive the writer.
    fn forward_session() -> (
        tempfile::TempDir,
        crate::model::Session,
        tokio::runtime::Runtime,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let session = Store::open_or_create(&dir.path().join("w.db"))
            .unwrap()
            .create_session(SessionMode::Forward, "http://x", Some("http://app"))
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        (dir, session, rt)
    }

    #[test]
    fn a_stored_request_comes_back_and_its_delivery_sets_the_answer() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            let (id, back) = handle.insert_keeping(request(session.id)).await.unwrap();
            assert_eq!(back.body, b"payload", "the request is handed back");
            let slot = handle.reserve_delivery().await.unwrap();
            let answer = ResponseRecord {
                status: 202,
                headers: vec![],
                body: vec![],
            };
            let committed = slot.record(delivery(id), Some(answer), None);
            committed.await.expect("the delivery is committed");
            writer.finish().await;
            assert_eq!(handle.subscribe().borrow().deliveries, 1);
        });
        let store = Store::open_existing(&path).unwrap();
        assert_eq!(store.get(1).unwrap().unwrap().response.status, 202);
        let stored = store.deliveries_for(1).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].delivery, delivery(1));
    }

    #[test]
    fn a_running_writers_requests_are_found_by_session_and_time_and_bounded_once_it_stops() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        let filter = |line: &str| crate::filter::Filter::parse_line(line, Timestamp(0)).unwrap();
        let store = Store::open_existing(&path).unwrap();
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            for at in [5_000_000, 7_000_000, 6_000_000] {
                let mut r = request(session.id);
                r.received_at = Timestamp(at);
                handle.insert(r).await.unwrap();
            }
            // The span is still open: the requests are found all the same.
            let count = |line: &str| store.count_matching(&filter(line)).unwrap();
            assert_eq!(count(&format!("session:{}", session.id)), 3);
            assert_eq!(count("since:1970-01-01T00:00:06Z"), 2);
            writer.finish().await;
        });
        let span: (i64, i64, i64, i64) = store
            .conn
            .query_row(
                "SELECT first_id, last_id, min_at, max_at FROM spans",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(span, (1, 3, 5_000_000, 7_000_000), "closed with its bounds");
        let count = |line: &str| store.count_matching(&filter(line)).unwrap();
        assert_eq!(count("since:1970-01-01T00:00:06Z"), 2);
        assert_eq!(count("since:1970-01-01T00:00:08Z"), 0);
        assert_eq!(count(&format!("session:{}", session.id + 1)), 0);
    }

    #[test]
    fn an_idle_writer_closes_its_span_while_it_keeps_running() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        let store = Store::open_existing(&path).unwrap();
        let open_spans = || -> i64 {
            store
                .conn
                .query_row(
                    "SELECT count(*) FROM spans WHERE last_id IS NULL",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            handle.insert(request(session.id)).await.unwrap();
            assert_eq!(open_spans(), 1);
            // Well past SPAN_IDLE and a tick; the writer is never stopped.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while open_spans() > 0 && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            assert_eq!(open_spans(), 0, "closed without a request or a stop");
            // The next request opens a new span.
            handle.insert(request(session.id)).await.unwrap();
            assert_eq!(open_spans(), 1);
            writer.finish().await;
        });
        assert_eq!(open_spans(), 0);
    }

    /// A GitHub delivery `d` for the delivery index tests.
    fn github(session_id: i64, d: &str) -> NewRequest {
        let mut r = request(session_id);
        r.headers = vec![
            Header::new("X-GitHub-Event", "push"),
            Header::new("X-GitHub-Delivery", d),
        ];
        r
    }

    fn watermark(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT upto FROM delivery_watermark", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_busy_writer_leaves_the_delivery_index_behind_and_an_idle_one_catches_up() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        let store = Store::open_existing(&path).unwrap();
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            let mut last = 0;
            for d in ["a", "b", "a"] {
                last = handle.insert(github(session.id, d)).await.unwrap();
            }
            // Found all the same, from the tail.
            let facts = store.hook_facts(&[last]).unwrap();
            assert_eq!(facts[&last].attempt.unwrap().number, 2);
            // Well past the idle time and a tick; the writer is never stopped.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while watermark(&store) < last && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            assert_eq!(watermark(&store), last, "indexed while idle");
            let entries: i64 = store
                .conn
                .query_row("SELECT count(*) FROM delivery_index", [], |r| r.get(0))
                .unwrap();
            assert_eq!(entries, 3);
            writer.finish().await;
        });
    }

    #[test]
    fn followers_get_inserts_and_then_forwards_once_their_delivery_is_committed() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            assert!(!handle.followed());
            let mut batches = handle.subscribe_batches();
            assert!(handle.followed());

            let (id, back) = handle.insert_keeping(request(session.id)).await.unwrap();
            let pending = batches.recv().await.unwrap();
            assert_eq!(pending.len(), 1);
            assert!(pending[0].is_pending() && pending[0].delivery.is_none());

            let answer = ResponseRecord {
                status: 202,
                headers: vec![],
                body: vec![],
            };
            let summary = RequestSummary::of_new(id, &back);
            let slot = handle.reserve_delivery().await.unwrap();
            slot.record(delivery(id), Some(answer), Some(summary))
                .await
                .unwrap();
            let settled = batches.recv().await.unwrap();
            assert_eq!((settled[0].id, settled[0].status), (id, 202));
            let brief = settled[0].delivery.as_ref().unwrap();
            assert_eq!(brief.status, Some(202));
            assert_eq!(brief.duration, Duration::from_millis(3));

            let mut answered = request(session.id);
            answered.response.status = 401;
            answered.rejected = Some("bad token".into());
            let plain = handle.insert(answered).await.unwrap();
            let inserted = batches.recv().await.unwrap();
            assert_eq!((inserted[0].id, inserted[0].status), (plain, 401));
            assert_eq!(inserted[0].rejected.as_deref(), Some("bad token"));
            writer.finish().await;
        });
    }

    #[test]
    fn finishing_does_not_wait_for_an_unfilled_delivery_slot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        Store::open_or_create(&path).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
            let _held = handle.reserve_delivery().await.unwrap();
            tokio::time::timeout(Duration::from_secs(10), writer.finish())
                .await
                .expect("finish returns");
        });
    }

    #[test]
    fn a_deleted_file_is_started_over_and_old_forwards_are_not_recorded_in_it() {
        let (dir, session, rt) = forward_session();
        let path = dir.path().join("w.db");
        rt.block_on(async {
            let (writer, handle) = GroupCommitWriter::start_for_session(&path, &session).unwrap();
            let (old, _) = handle.insert_keeping(request(session.id)).await.unwrap();
            let slot = handle.reserve_delivery().await.unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.path().join(format!("w.db{suffix}")));
            }
            // The next commit finds the file gone and starts over first.
            let (new, _) = handle.insert_keeping(request(session.id)).await.unwrap();
            assert_eq!(handle.start_overs().count(), 1);
            // The old request's delivery has nowhere to go: dropped, not an error.
            assert!(slot.record(delivery(old), None, None).await.is_err());
            let slot = handle.reserve_delivery().await.unwrap();
            slot.record(delivery(new), None, None).await.unwrap();
            writer.finish().await;
        });
        let store = Store::open_existing(&path).unwrap();
        let sessions: Vec<i64> = store
            .conn
            .prepare("SELECT id FROM sessions")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(sessions.len(), 1, "a new session in the new file");
        let rows: Vec<(i64, i64)> = store
            .conn
            .prepare("SELECT id, session_id FROM requests")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [(1, sessions[0])]);
        assert_eq!(store.deliveries_for(1).unwrap().len(), 1);
    }
}
