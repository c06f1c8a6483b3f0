//! The capture server: accepts connections, records every request byte-exact,
//! stores it through the group-commit writer, and answers only after the commit:
//! with the configured response (`listen`) or with what the app answered once
//! the request was passed on ([`forward`]).
//!
//! Each connection runs in its own task under a `conn` span. hyper parses
//! HTTP/1; a [`head::Recorder`] around the socket keeps the heads as sent
//! (order, case, duplicates). Malformed requests get hyper's `400` and only
//! that connection ends. Shutdown stops accepting, lets in-flight requests
//! finish (up to [`Limits::drain_timeout`]), then returns so the caller can
//! flush the writer.
//!
//! A server whose [`Responder`] is [`Responder::Routed`] (the relay) may also
//! speak TLS ([`serve_tls`]), keeps each head's bytes, and lets its router
//! upgrade connections (WebSocket); an upgraded connection is the router's
//! to end.

pub mod forward;
pub mod guard;
pub mod head;
mod limits;
pub mod service;
pub mod shape;

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tracing::Instrument;

pub use forward::{ForwardConfig, Forwarder};
pub use guard::{Cidr, Guard, TokenRule};
pub use limits::Limits;
pub use service::{CaptureState, Responder, Routed, Router};
pub use shape::ResponseShape;

use head::{HeadQueue, Recorder};
pub use service::ConnInfo;

/// Serves `listener` until `shutdown` turns true, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: Arc<CaptureState>,
    shutdown: watch::Receiver<bool>,
) {
    serve_tls(listener, state, shutdown, None).await;
}

/// Like [`serve`], speaking TLS when `tls` is given (the handshake must end
/// within the header deadline). Connections of a [`Responder::Routed`]
/// server, or with TLS, are served by [`spawn_routed`].
pub async fn serve_tls(
    listener: TcpListener,
    state: Arc<CaptureState>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_read_timeout)
        .ignore_invalid_headers(true)
        // Lets the forwarder write the caller's header case upstream.
        .preserve_header_case(matches!(state.responder, Responder::Forward(_)))
        .max_buf_size(head::MAX_HEAD_BYTES.max(8192) * 2);
    let routed = tls.is_some() || matches!(state.responder, Responder::Routed(_));
    // Each routed connection holds a sender; all are gone once they have ended.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    let stopping = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) if routed => {
                    let conn = RoutedConn { tls: tls.clone(), open: open.clone(), shutdown: stopping.clone() };
                    spawn_routed(&http, &state, stream, remote, conn);
                }
                Ok((stream, remote)) => spawn_connection(&http, &graceful, &state, stream, remote),
                Err(e) => {
                    // Out of file descriptors and similar: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.wait_for(|stop| *stop) => break,
        }
    }
    drop(listener);
    drop(open);
    let drained = async {
        graceful.shutdown().await;
        let _ = all_closed.recv().await;
    };
    tokio::select! {
        _ = drained => {}
        _ = tokio::time::sleep(state.limits.drain_timeout) => {
            tracing::warn!("gave up waiting for in-flight requests after {:?}", state.limits.drain_timeout);
        }
    }
}

fn spawn_connection(
    http: &http1::Builder,
    graceful: &GracefulShutdown,
    state: &Arc<CaptureState>,
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
) {
    let _ = stream.set_nodelay(true);
    let heads = HeadQueue::default();
    let info = Arc::new(ConnInfo {
        remote,
        remote_text: remote.to_string(),
        heads: heads.clone(),
    });
    let io = TokioIo::new(Recorder::new(stream, heads));
    let state = state.clone();
    let svc = service_fn(move |req| service::handle(state.clone(), info.clone(), req));
    let conn = graceful.watch(http.serve_connection(io, svc));
    tokio::spawn(
        async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection ended: {e}");
            }
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
    /// Dropped when the connection ends, so that shutdown can wait for it.
    open: mpsc::Sender<()>,
    shutdown: watch::Receiver<bool>,
}

/// Serves one connection of a routed or TLS server: the TLS handshake first
/// (within the header deadline), heads recorded with their bytes, upgrades
/// allowed. At shutdown the connection finishes its request and closes.
fn spawn_routed(
    http: &http1::Builder,
    state: &Arc<CaptureState>,
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    conn: RoutedConn,
) {
    let _ = stream.set_nodelay(true);
    let http = http.clone();
    let state = state.clone();
    let task = async move {
        let RoutedConn {
            tls,
            open,
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
        });
        let io = TokioIo::new(Recorder::keeping_raw(stream, heads));
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
        };
        if let Err(e) = ended {
            tracing::debug!("connection ended: {e}");
        }
        drop(open);
    };
    tokio::spawn(task.instrument(tracing::info_span!("conn", %remote)));
}
