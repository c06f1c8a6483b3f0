//! Fair use of file descriptors: a cap on open connections below the
//! process's descriptor limit, and whom to let go when it is reached.
//!
//! Every accepted connection is registered with its phase: reading a request
//! (from the moment it is accepted, or its first byte after an answer, until
//! its body is whole), busy (being stored or answered), or idle (answered,
//! kept alive for another request). When a new connection arrives at the cap,
//! the one idle the longest goes first, then the one whose request has been
//! arriving the longest (a client dripping its head or body, or one that
//! connected and sent nothing): slow clients cannot crowd out quick ones. A
//! busy connection is never shed, so nothing stored is left unanswered; if
//! every connection is busy, the new one is closed at once.
//!
//! The default cap ([`default_max_connections`]) leaves [`RESERVED_FDS`]
//! descriptors for the database and the rest, so `accept` does not run out
//! of descriptors in the first place (and when something else uses them up,
//! the accept loop sheds a connection the same way).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Instant;

use futures_util::task::AtomicWaker;
use tokio::sync::Notify;

/// Descriptors kept for everything that is not a client connection: the
/// database, its log and shared memory, the checkpointer's and the output's
/// connections, stdio, the inspector's reads.
pub const RESERVED_FDS: u64 = 64;

/// The cap is never below this, however low the descriptor limit.
const MIN_CONNECTIONS: usize = 16;

/// The connection cap when `--max-connections` is not given: the soft
/// `RLIMIT_NOFILE` minus [`RESERVED_FDS`], halved when forwarding (each
/// forwarded request also holds a connection to the app).
pub fn default_max_connections(forwarding: bool) -> usize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX);
    let room = limit.saturating_sub(RESERVED_FDS);
    let room = if forwarding { room / 2 } else { room };
    usize::try_from(room)
        .unwrap_or(usize::MAX)
        .max(MIN_CONNECTIONS)
}

const IDLE: u8 = 0;
const READING: u8 = 1;
const BUSY: u8 = 2;

/// One open connection as the cap sees it. Its phase only changes on its
/// own task; the accept loop only reads it.
#[derive(Debug)]
pub struct Conn {
    phase: AtomicU8,
    /// When the current phase began, in milliseconds since the table's start.
    since: AtomicU64,
    epoch: Instant,
    in_flight: Arc<Requests>,
    /// Set once the connection is shed; its task is woken through
    /// `shed_waker`. A flag and a waker rather than a `Notify`: the task
    /// polls this every time it wakes (three times a request), and a
    /// `Notified` takes the notifier's lock on each poll.
    shed: AtomicBool,
    shed_waker: AtomicWaker,
}

/// The requests in flight on all connections.
#[derive(Debug, Default)]
struct Requests {
    count: AtomicUsize,
    /// Told when the count drops to zero.
    none_left: Notify,
}

impl Conn {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Bytes arrived: an idle connection has started a request.
    pub fn on_read(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.since.store(self.now(), Ordering::Relaxed);
            self.phase.store(READING, Ordering::Relaxed);
        }
    }

    /// The service took a request (its body may still be arriving): counted
    /// in flight until the returned guard is dropped with its answer.
    pub fn request_started(self: &Arc<Self>) -> InFlight {
        self.on_read();
        self.in_flight.count.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// The answer has been written (or abandoned): idle again.
    fn answered(&self) {
        self.since.store(self.now(), Ordering::Relaxed);
        self.phase.store(IDLE, Ordering::Relaxed);
        if self.in_flight.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.in_flight.none_left.notify_waiters();
        }
    }

    /// Resolves when this connection is shed to make room.
    pub async fn shed(&self) {
        std::future::poll_fn(|cx| {
            if self.shed.load(Ordering::Acquire) {
                return Poll::Ready(());
            }
            self.shed_waker.register(cx.waker());
            match self.shed.load(Ordering::Acquire) {
                true => Poll::Ready(()),
                false => Poll::Pending,
            }
        })
        .await;
    }

    /// How it ranks as a victim (lowest first), if it may be shed at all.
    fn rank(&self) -> Option<(u8, u64)> {
        let phase = self.phase.load(Ordering::Relaxed);
        (phase != BUSY).then(|| (phase, self.since.load(Ordering::Relaxed)))
    }
}

/// A request in flight on a connection: dropped with its answer (written,
/// or abandoned with the connection), which makes the connection idle again.
#[derive(Debug)]
pub struct InFlight(Arc<Conn>);

impl InFlight {
    /// The request is whole: from now on it is stored and answered, and its
    /// connection is not shed.
    pub fn busy(&self) {
        self.0.phase.store(BUSY, Ordering::Relaxed);
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.answered();
    }
}

/// The open connections, capped.
#[derive(Debug)]
pub struct Conns {
    cap: usize,
    epoch: Instant,
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    in_flight: Arc<Requests>,
}

/// A connection's place in [`Conns`], given up when dropped.
#[derive(Debug)]
pub struct Registration {
    conns: Arc<Conns>,
    id: u64,
    /// The connection's entry.
    pub conn: Arc<Conn>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut open) = self.conns.open.lock() {
            open.remove(&self.id);
        }
    }
}

impl Conns {
    /// A table that admits at most `cap` connections at a time.
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap: cap.max(1),
            epoch: Instant::now(),
            next: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            in_flight: Arc::default(),
        })
    }

    /// How many requests are being read, stored or answered right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.count.load(Ordering::SeqCst)
    }

    /// Resolves once no request is in flight (at once if none is).
    pub async fn none_in_flight(&self) {
        loop {
            let notified = self.in_flight.none_left.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.in_flight() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Registers a new connection, shedding another first when at the cap.
    /// `None` when every open connection is busy: close the new one.
    pub fn admit(self: &Arc<Self>) -> Option<Registration> {
        let mut open = self.open.lock().ok()?;
        if open.len() >= self.cap && !shed_one(&mut open) {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        // Its request is arriving from now on: a client that sends nothing
        // ranks with the slow ones, by when it came.
        let conn = Arc::new(Conn {
            phase: AtomicU8::new(READING),
            since: AtomicU64::new(
                u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX),
            ),
            epoch: self.epoch,
            in_flight: self.in_flight.clone(),
            shed: AtomicBool::new(false),
            shed_waker: AtomicWaker::new(),
        });
        open.insert(id, conn.clone());
        Some(Registration {
            conns: self.clone(),
            id,
            conn,
        })
    }

    /// Sheds one connection to free a descriptor; false when all are busy.
    pub fn shed_one(&self) -> bool {
        self.open.lock().is_ok_and(|mut open| shed_one(&mut open))
    }
}

/// Lets the idlest (then the slowest) sheddable connection go.
fn shed_one(open: &mut HashMap<u64, Arc<Conn>>) -> bool {
    let victim = open
        .iter()
        .filter_map(|(id, c)| c.rank().map(|rank| (rank, *id)))
        .min();
    let Some((_, id)) = victim else {
        return false;
    };
    if let Some(conn) = open.remove(&id) {
        conn.shed.store(true, Ordering::Release);
        conn.shed_waker.wake();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idlest_then_the_slowest_go_first_and_busy_ones_never() {
        let conns = Conns::new(3);
        let a = conns.admit().unwrap();
        let b = conns.admit().unwrap();
        let c = conns.admit().unwrap();
        let _a = a.conn.request_started(); // reading since it came
        let b_request = b.conn.request_started();
        b_request.busy();
        drop(c.conn.request_started()); // answered: idle, kept alive
        // c is idle: it goes first, though a has been reading longer.
        let d = conns.admit().unwrap();
        assert!(!conns.open.lock().unwrap().contains_key(&c.id));
        // Then a, the one still reading; b is busy.
        let d_request = d.conn.request_started();
        d_request.busy();
        let e = conns.admit().unwrap();
        assert!(!conns.open.lock().unwrap().contains_key(&a.id));
        let e_request = e.conn.request_started();
        e_request.busy();
        // Everyone busy: no room.
        assert!(conns.admit().is_none());
        assert_eq!(conns.in_flight(), 4);
        drop(b_request);
        assert_eq!(conns.in_flight(), 3);
        assert!(conns.admit().is_some(), "b is idle again");
    }

    #[test]
    fn a_registration_leaves_when_dropped() {
        let conns = Conns::new(1);
        drop(conns.admit().unwrap());
        assert!(conns.open.lock().unwrap().is_empty());
    }

    #[test]
    fn the_default_cap_stays_below_the_descriptor_limit() {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let cap = default_max_connections(false) as u64;
        if let Some(limit) = limit.filter(|l| *l > RESERVED_FDS + 32) {
            assert_eq!(cap, limit - RESERVED_FDS);
            assert_eq!(default_max_connections(true) as u64, cap / 2);
        }
    }
}
