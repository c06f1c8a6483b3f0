//! Exchanges over kept-alive connections.
//!
//! [`exchange`] sends one request on a connection the caller kept (a `send
//! --repeat` worker keeps its own) or on a new one; [`Client`] does the same
//! from a small pool shared by the tasks of a server (`forward`). A kept
//! connection the server has closed in the meantime is noticed before use
//! (without waiting) or, in a race, by a write error or a close before any
//! byte of the answer: the request then goes once more on a new connection,
//! as every HTTP client does.

use std::sync::Mutex;
use std::time::Instant;

use super::conn::{Conn, ConnectOptions, Connector, Request};
use super::error::Error;
use super::limits::{POOL_IDLE_TIMEOUT, POOL_MAX_IDLE};
use super::response::{Body, ResponseHead};
use super::target::Target;
use super::writer::FieldLine;

/// An answer whose head has arrived; the body is still to be read from
/// the connection that carries it.
#[derive(Debug)]
pub struct Response {
    /// Status line and header fields.
    pub head: ResponseHead,
    /// The body, and the connection once it has ended.
    pub body: Body,
}

/// Sends `req` to `target` on `kept` (a connection kept from an earlier
/// exchange, if any) or on a new one, and reads the answer's head.
pub async fn exchange<F: FieldLine>(
    connector: &Connector,
    target: &Target,
    kept: Option<Conn>,
    req: &Request<'_, F>,
) -> Result<Response, Error> {
    if let Some(conn) = kept.and_then(usable) {
        match attempt(conn, req).await {
            Err(e) if e.stale_connection() => {
                tracing::debug!(
                    "a kept-alive connection to {target} went stale ({e}); reconnecting"
                );
            }
            result => return result,
        }
    }
    attempt(connector.connect(target).await?, req).await
}

fn usable(mut conn: Conn) -> Option<Conn> {
    conn.is_idle_usable().then_some(conn)
}

async fn attempt<F: FieldLine>(mut conn: Conn, req: &Request<'_, F>) -> Result<Response, Error> {
    conn.send(req).await?;
    let head = conn.read_head().await?;
    let body = Body::new(conn, &head, req.head_only())?;
    Ok(Response { head, body })
}

/// A client for one target with a pool of kept-alive connections, shared by
/// the tasks that send to it.
#[derive(Debug)]
pub struct Client {
    target: Target,
    connector: Connector,
    idle: Mutex<Vec<(Conn, Instant)>>,
}

impl Client {
    /// A client for `target`; connections are made as `options` say.
    pub fn new(target: Target, options: ConnectOptions) -> Self {
        Self {
            target,
            connector: Connector::new(options),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Sends `req` on a pooled connection (or a new one) and reads the
    /// answer's head; give the body back with [`Client::recycle`] once read.
    pub async fn send(&self, req: &Request<'_>) -> Result<Response, Error> {
        exchange(&self.connector, &self.target, self.take(), req).await
    }

    /// Keeps the body's connection for the next request, if the body has
    /// ended and the answer allows reuse.
    pub fn recycle(&self, body: Body) {
        let Some(conn) = body.finish() else {
            return;
        };
        let Ok(mut idle) = self.idle.lock() else {
            return;
        };
        // The oldest connections are at the front; expired ones go.
        let now = Instant::now();
        let expired = idle
            .iter()
            .take_while(|(_, since)| now.duration_since(*since) >= POOL_IDLE_TIMEOUT)
            .count();
        idle.drain(..expired);
        if idle.len() < POOL_MAX_IDLE {
            idle.push((conn, now));
        }
    }

    /// The most recently used idle connection that is still usable.
    fn take(&self) -> Option<Conn> {
        let mut idle = self.idle.lock().ok()?;
        let now = Instant::now();
        while let Some((mut conn, since)) = idle.pop() {
            if now.duration_since(since) < POOL_IDLE_TIMEOUT && conn.is_idle_usable() {
                return Some(conn);
            }
        }
        None
    }
}
