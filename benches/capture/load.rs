//! The load generator: raw HTTP/1.1 keep-alive connections sending pre-built
//! request bytes and reading each response by its `Content-Length`.
//!
//! Two shapes of load:
//!
//! - [`closed_loop`]: each connection sends its next request as soon as the
//!   previous answer arrived, so the server sets the pace (throughput).
//! - [`open_loop`]: requests are due at a fixed rate whatever the server does.
//!   A pacer thread (precise `std::thread::sleep`, not tokio's 1 ms timer)
//!   releases each request at its scheduled time to whichever connection is
//!   free, and latency is measured from the *scheduled* time. A server that
//!   stalls therefore pays for every request that waited behind the stall,
//!   instead of hiding it (coordinated omission).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, mpsc};

/// How long to wait before reconnecting after a failed connect.
const RECONNECT_PAUSE: Duration = Duration::from_millis(10);

/// When measurements count: requests completing in `[start, end]`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// End of the warm-up.
    pub start: Instant,
    /// When connections stop sending.
    pub end: Instant,
}

/// What a phase of load observed.
#[derive(Debug, Default)]
pub struct Tally {
    /// Latency of each request completed in the window.
    pub latencies: Vec<Duration>,
    /// Open loop only: how late each request went out versus its schedule:
    /// the pacer waking late, or every connection still waiting on the
    /// server. Included in `latencies`, as coordinated omission requires.
    pub send_lag: Vec<Duration>,
    /// Open loop only: latency from when each request actually went out
    /// (uncorrected, for comparison with the corrected `latencies`).
    pub from_send: Vec<Duration>,
    /// Requests answered 2xx, warm-up included (each one must be stored).
    pub ok: u64,
    /// Requests answered with any other status.
    pub non_2xx: u64,
    /// Connect, write or read failures.
    pub errors: u64,
}

impl Tally {
    /// Adds `other`'s observations to these.
    pub fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.send_lag.extend(other.send_lag);
        self.from_send.extend(other.from_send);
        self.ok += other.ok;
        self.non_2xx += other.non_2xx;
        self.errors += other.errors;
    }

    fn status(&mut self, status: u16) {
        if (200..300).contains(&status) {
            self.ok += 1;
        } else {
            self.non_2xx += 1;
        }
    }
}

/// `conns` connections sending back to back until `window.end`.
pub async fn closed_loop(
    addr: SocketAddr,
    request: Arc<[u8]>,
    conns: usize,
    window: Window,
) -> Tally {
    let workers = (0..conns).map(|_| tokio::spawn(closed_worker(addr, request.clone(), window)));
    join_all(workers.collect()).await
}

async fn closed_worker(addr: SocketAddr, request: Arc<[u8]>, window: Window) -> Tally {
    let mut tally = Tally::default();
    let mut conn = None;
    while Instant::now() < window.end {
        let Some(c) = connected(&mut conn, addr, &mut tally).await else {
            continue;
        };
        let sent = Instant::now();
        match c.exchange(&request).await {
            Ok(status) => {
                let done = Instant::now();
                tally.status(status);
                if done >= window.start && done <= window.end {
                    tally.latencies.push(done - sent);
                }
            }
            Err(_) => {
                tally.errors += 1;
                conn = None;
            }
        }
    }
    tally
}

/// `rate` requests per second from `window.start` to `window.end`, spread
/// over `conns` connections opened beforehand.
pub async fn open_loop(
    addr: SocketAddr,
    request: Arc<[u8]>,
    conns: usize,
    rate: u32,
    window: Window,
) -> Tally {
    let mut pool = Vec::with_capacity(conns);
    for _ in 0..conns {
        pool.push(Conn::open(addr).await.ok());
    }
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let count = ((window.end - window.start).as_secs_f64() * f64::from(rate)) as u32;
    let (due, schedule) = mpsc::channel(count.max(1) as usize);
    let pacer = std::thread::spawn(move || pace(&due, window.start, interval, count));
    let schedule = Arc::new(Mutex::new(schedule));
    let workers = pool
        .into_iter()
        .map(|conn| tokio::spawn(open_worker(conn, addr, request.clone(), schedule.clone())));
    let tally = join_all(workers.collect()).await;
    pacer.join().expect("the pacer thread");
    tally
}

/// Releases request `i` at `start + i * interval`, sleeping in between.
fn pace(due: &mpsc::Sender<Instant>, start: Instant, interval: Duration, count: u32) {
    for i in 0..count {
        let at = start + interval * i;
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
        if due.blocking_send(at).is_err() {
            return;
        }
    }
}

async fn open_worker(
    mut conn: Option<Conn>,
    addr: SocketAddr,
    request: Arc<[u8]>,
    schedule: Arc<Mutex<mpsc::Receiver<Instant>>>,
) -> Tally {
    let mut tally = Tally::default();
    loop {
        // The lock is held only while waiting for the next due request (its
        // own statement, so the guard is dropped before sending); free
        // connections queue up fairly behind it.
        let next = schedule.lock().await.recv().await;
        let Some(scheduled) = next else {
            break;
        };
        let Some(c) = connected(&mut conn, addr, &mut tally).await else {
            continue;
        };
        let sent = Instant::now();
        match c.exchange(&request).await {
            Ok(status) => {
                let done = Instant::now();
                tally.status(status);
                tally.latencies.push(done - scheduled);
                tally.from_send.push(done - sent);
                tally
                    .send_lag
                    .push(sent.saturating_duration_since(scheduled));
            }
            Err(_) => {
                tally.errors += 1;
                conn = None;
            }
        }
    }
    tally
}

async fn join_all(workers: Vec<tokio::task::JoinHandle<Tally>>) -> Tally {
    let mut total = Tally::default();
    for worker in workers {
        total.merge(worker.await.expect("a load worker panicked"));
    }
    total
}

/// The open connection, connecting first if there is none; `None` (counted
/// as an error, after a short pause) when connecting fails.
async fn connected<'a>(
    conn: &'a mut Option<Conn>,
    addr: SocketAddr,
    tally: &mut Tally,
) -> Option<&'a mut Conn> {
    if conn.is_none() {
        match Conn::open(addr).await {
            Ok(c) => *conn = Some(c),
            Err(_) => {
                tally.errors += 1;
                tokio::time::sleep(RECONNECT_PAUSE).await;
                return None;
            }
        }
    }
    conn.as_mut()
}

/// One keep-alive connection and the bytes read but not yet consumed.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    /// Sends one request and reads its response; returns the status.
    async fn exchange(&mut self, request: &[u8]) -> io::Result<u16> {
        self.stream.write_all(request).await?;
        loop {
            if let Some((status, len)) = parse_response(&self.buf)? {
                self.buf.drain(..len);
                return Ok(status);
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
    }
}

/// The status and total length of the response at the start of `buf`, once
/// it is complete. Only `Content-Length` framing is supported (both servers
/// answer that way).
fn parse_response(buf: &[u8]) -> io::Result<Option<(u16, usize)>> {
    let invalid = |e: String| io::Error::new(io::ErrorKind::InvalidData, e);
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut res = httparse::Response::new(&mut headers);
    let head_len = match res.parse(buf).map_err(|e| invalid(e.to_string()))? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return Ok(None),
    };
    let header = |name: &str| {
        res.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    };
    if header("transfer-encoding").is_some() {
        return Err(invalid("chunked responses are not supported".into()));
    }
    let body_len = match header("content-length") {
        Some(h) => std::str::from_utf8(h.value)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .ok_or_else(|| invalid("bad Content-Length".into()))?,
        None => 0,
    };
    let total = head_len + body_len;
    Ok((buf.len() >= total).then_some((res.code.unwrap_or(0), total)))
}
