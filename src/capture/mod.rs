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

mod delivery;
pub mod forward;
pub mod guard;
pub mod head;
mod limits;
pub mod relay;
pub mod service;
pub mod shape;

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::Instrument;

pub use forward::{ForwardConfig, Forwarder};
pub use guard::{Cidr, Guard, TokenRule};
pub use limits::Limits;
pub use service::{CaptureState, Responder};
pub use shape::ResponseShape;

use head::{HeadQueue, Recorder};
use service::ConnInfo;

/// Serves `listener` until `shutdown` turns true, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: Arc<CaptureState>,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_read_timeout)
        .ignore_invalid_headers(true)
        // hyper cannot write the app's own case back to the caller; Title-Case
        // is how most apps spell their fields (the delivery keeps the exact case).
        .title_case_headers(matches!(state.responder, Responder::Forward(_)))
        .max_buf_size(head::MAX_HEAD_BYTES.max(8192) * 2);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
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
    tokio::select! {
        _ = graceful.shutdown() => {}
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
