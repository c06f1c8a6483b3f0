//! The capture server: accepts connections, records every request byte-exact,
//! stores it through the group-commit writer, and answers only after the commit:
//! with the configured response (`listen`) or with what the app answered once
//! the request was passed on ([`forward`]).
//!
//! Each connection runs in its own task under a `conn` span, registered in
//! [`conns::Conns`], which caps how many are open (below the descriptor
//! limit) and sheds the idlest or slowest one for a newcomer at the cap.
//! hyper parses HTTP/1; a [`recorder::Recorder`] around the socket keeps the
//! heads as sent (order, case, duplicates) and judges them strictly: a
//! malformed head is answered `400` and ends its connection, and one hyper
//! refuses (`400`, `431` for more than [`service::MAX_HEADER_FIELDS`] fields)
//! is stored all the same, marked with why.
//!
//! Shutdown comes in two steps, so the caller can speak in between: [`serve`]
//! stops accepting and returns a [`Draining`] server, whose
//! [`Draining::finish`] waits for the requests in flight, up to a deadline or
//! until the caller says to quit now.
//!
//! A server whose [`Responder`] is [`Responder::Routed`] (the relay) may also
//! speak TLS ([`serve_tls`]), keeps each head's bytes, and lets its router
//! upgrade connections (WebSocket); an upgraded connection is the router's
//! to end.

mod body;
pub mod budget;
pub mod conns;
mod delivery;
pub mod forward;
pub mod guard;
pub mod head;
mod limits;
pub mod loops;
pub mod recorder;
pub mod relay;
pub mod service;
pub mod shape;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tracing::Instrument;

pub use budget::{BodyBudget, DEFAULT_MAX_INFLIGHT_BODY};
pub use forward::{ForwardConfig, Forwarder};
pub use guard::{Cidr, Guard, TokenRule};
pub use limits::Limits;
pub use service::{CaptureState, ConnInfo, Responder, Routed, Router};
pub use shape::ResponseShape;

use conns::{Conns, Registration};
use head::HeadQueue;
use recorder::Recorder;

/// At most one warning of a kind per this long (a flood must not flood the log).
const WARN_EVERY: Duration = Duration::from_secs(5);

/// Serves `listener` until `shutdown` turns true, then stops accepting and
/// returns what is still in flight, for the caller to [`Draining::finish`].
pub async fn serve(
    listener: TcpListener,
    state: Arc<CaptureState>,
    shutdown: watch::Receiver<bool>,
) -> Draining {
    serve_tls(listener, state, shutdown, None).await
}

/// Like [`serve`], speaking TLS when `tls` is given (the handshake must end
/// within the header deadline). Connections of a [`Responder::Routed`]
/// server, or with TLS, are served by [`spawn_routed`].
pub async fn serve_tls(
    listener: TcpListener,
    state: Arc<CaptureState>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) -> Draining {
    let routed = tls.is_some() || matches!(state.responder, Responder::Routed(_));
    let stopping = shutdown.clone();
    let graceful = GracefulShutdown::new();
    let http = http_builder(&state);
    let forwarding = matches!(state.responder, Responder::Forward(_));
    let cap = (state.limits.max_connections)
        .unwrap_or_else(|| conns::default_max_connections(forwarding));
    tracing::debug!("at most {cap} connections at once");
    let conns = Conns::new(cap);
    let mut warned = Warned::default();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => match conns.admit() {
                    Some(registration) if routed => {
                        let conn = RoutedConn { tls: tls.clone(), registration, shutdown: stopping.clone() };
                        spawn_routed(&http, &state, (stream, remote), conn);
                    }
                    Some(registration) => {
                        spawn_connection(&http, &graceful, &state, (stream, remote), registration);
                    }
                    None => {
                        drop(stream);
                        if warned.busy.ready() {
                            tracing::warn!("all {cap} connections are busy (--max-connections): closing new ones");
                        }
                    }
                },
                Err(e) => accept_failed(&e, &conns, &mut warned).await,
            },
            _ = shutdown.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    Draining {
        graceful,
        conns,
        routed,
    }
}

fn http_builder(state: &CaptureState) -> http1::Builder {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_read_timeout)
        // Values with control characters are still captured (the tap
        // records them); invalid field *names* are the tap's to refuse.
        .ignore_invalid_headers(true)
        // hyper cannot write the app's own case back to the caller; Title-Case
        // is how most apps spell their fields (the delivery keeps the exact case).
        .title_case_headers(matches!(state.responder, Responder::Forward(_)))
        .max_buf_size(head::MAX_HEAD_BYTES.max(8192) * 2);
    http
}

/// A server that has stopped accepting, with requests possibly in flight.
pub struct Draining {
    graceful: GracefulShutdown,
    conns: Arc<Conns>,
    /// Its connections are routed ones, which the graceful watcher does not
    /// know: only the count of requests in flight tells when they are done.
    routed: bool,
}

/// How draining ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// Every request in flight was answered.
    All,
    /// The deadline passed with this many requests still in flight.
    TimedOut(usize),
    /// Asked to quit at once with this many requests still in flight.
    Quit(usize),
}

impl Draining {
    /// How many requests are being read, stored or answered.
    pub fn in_flight(&self) -> usize {
        self.conns.in_flight()
    }

    /// Lets the requests in flight finish (connections close after their
    /// answer; a head still arriving is not waited for), until `deadline`
    /// passes or `quit` resolves. What is still in flight then is dropped with
    /// the runtime, unanswered: never a `2xx` for anything not committed.
    pub async fn finish(self, deadline: Duration, quit: impl Future<Output = ()>) -> Drained {
        let Self {
            graceful,
            conns,
            routed,
        } = self;
        let watched = async move {
            if routed {
                std::future::pending::<()>().await;
            }
            graceful.shutdown().await;
        };
        tokio::select! {
            () = watched => Drained::All,
            () = conns.none_in_flight() => Drained::All,
            () = tokio::time::sleep(deadline) => Drained::TimedOut(conns.in_flight()),
            () = quit => Drained::Quit(conns.in_flight()),
        }
    }
}

/// When each kind of warning was last given.
#[derive(Default)]
struct Warned {
    busy: Throttle,
    descriptors: Throttle,
    other: Throttle,
}

/// Lets a warning through at most once per [`WARN_EVERY`].
#[derive(Default)]
struct Throttle(Option<Instant>);

impl Throttle {
    fn ready(&mut self) -> bool {
        let due = self.0.is_none_or(|t| t.elapsed() >= WARN_EVERY);
        if due {
            self.0 = Some(Instant::now());
        }
        due
    }
}

/// Out of descriptors (something beside the connections used them up):
/// shed a connection to free one and say so, at most every [`WARN_EVERY`].
/// A connection reset before it was accepted is nothing to speak of.
async fn accept_failed(e: &std::io::Error, conns: &Conns, warned: &mut Warned) {
    use rustix::io::Errno;
    let errno = Errno::from_io_error(e);
    if matches!(errno, Some(Errno::MFILE | Errno::NFILE)) {
        let shed = conns.shed_one();
        if warned.descriptors.ready() {
            tracing::warn!(
                "out of file descriptors ({e}){}; raise `ulimit -n` or lower --max-connections",
                if shed {
                    ": shed the idlest or slowest connection"
                } else {
                    ""
                }
            );
        }
    } else if matches!(errno, Some(Errno::CONNABORTED | Errno::CONNRESET)) {
        tracing::debug!("accept failed: {e}");
        return;
    } else if warned.other.ready() {
        tracing::warn!("accept failed: {e}");
    }
    // Give a shed connection a moment to close, and never spin.
    tokio::time::sleep(Duration::from_millis(10)).await;
}

fn spawn_connection(
    http: &http1::Builder,
    graceful: &GracefulShutdown,
    state: &Arc<CaptureState>,
    (stream, remote): (tokio::net::TcpStream, SocketAddr),
    registration: Registration,
) {
    let _ = stream.set_nodelay(true);
    let heads = HeadQueue::default();
    let info = Arc::new(ConnInfo {
        remote,
        remote_text: remote.to_string(),
        heads: heads.clone(),
        conn: registration.conn.clone(),
    });
    let io = TokioIo::new(Recorder::new(stream, heads, registration.conn.clone()));
    let (state, refused) = (state.clone(), (state.clone(), info.clone()));
    let svc = service_fn(move |req| service::handle(state.clone(), info.clone(), req));
    let conn = graceful.watch(http.serve_connection(io, svc));
    tokio::spawn(
        async move {
            tokio::select! {
                ended = conn => if let Err(e) = ended {
                    tracing::debug!("connection ended: {e}");
                    if e.is_parse() {
                        service::store_refused(&refused.0, &refused.1, &e).await;
                    }
                },
                () = registration.conn.shed() => {
                    tracing::debug!("shed to make room for another connection");
                }
            }
            drop(registration);
        }
        .instrument(tracing::info_span!("conn", %remote)),
    );
}

/// A byte stream a connection is served over: TCP, or TLS over TCP.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// What a routed connection's task needs besides the server's state.
struct RoutedConn {
    tls: Option<TlsAcceptor>,
    /// The connection's place under the cap, released when it ends.
    registration: Registration,
    shutdown: watch::Receiver<bool>,
}

/// Serves one connection of a routed or TLS server: the TLS handshake first
/// (within the header deadline), heads recorded with their bytes, upgrades
/// allowed. At shutdown the connection finishes its request and closes; the
/// connection cap may shed it like any other.
fn spawn_routed(
    http: &http1::Builder,
    state: &Arc<CaptureState>,
    (stream, remote): (tokio::net::TcpStream, SocketAddr),
    conn: RoutedConn,
) {
    let _ = stream.set_nodelay(true);
    let http = http.clone();
    let state = state.clone();
    let task = async move {
        let RoutedConn {
            tls,
            registration,
            mut shutdown,
        } = conn;
        let stream: Box<dyn Io> = match tls {
            None => Box::new(stream),
            Some(acceptor) => {
                let deadline = state.limits.header_read_timeout;
                match tokio::time::timeout(deadline, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => Box::new(tls),
                    Ok(Err(e)) => return tracing::debug!("TLS handshake failed: {e}"),
                    Err(_) => return tracing::debug!("TLS handshake took too long"),
                }
            }
        };
        let heads = HeadQueue::default();
        let info = Arc::new(ConnInfo {
            remote,
            remote_text: remote.to_string(),
            heads: heads.clone(),
            conn: registration.conn.clone(),
        });
        let io = TokioIo::new(Recorder::keeping_raw(
            stream,
            heads,
            registration.conn.clone(),
        ));
        let refused = (state.clone(), info.clone());
        let svc = service_fn(move |req| service::handle(state.clone(), info.clone(), req));
        let conn = http.serve_connection(io, svc).with_upgrades();
        tokio::pin!(conn);
        let stop = async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        };
        let ended = tokio::select! {
            ended = conn.as_mut() => ended,
            () = stop => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
            () = registration.conn.shed() => {
                return tracing::debug!("shed to make room for another connection");
            }
        };
        if let Err(e) = ended {
            tracing::debug!("connection ended: {e}");
            if e.is_parse() {
                service::store_refused(&refused.0, &refused.1, &e).await;
            }
        }
        drop(registration);
    };
    tokio::spawn(task.instrument(tracing::info_span!("conn", %remote)));
}
