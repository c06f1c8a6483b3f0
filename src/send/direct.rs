//! The lean transport for `--repeat` to plain `http://` URLs: each load worker
//! owns one HTTP/1.1 connection (hyper's connection-level client), so a request
//! costs no pool lookup, proxy match or URL re-parse. It writes the same bytes as
//! the reqwest path (Title-Case names, the prepared headers in order, the same
//! body framing); `send` uses it only when no proxy variable is set.
//!
//! A connection the server closed (`Connection: close`, idle timeout) is
//! replaced before the next request; a request that fails on a reused
//! connection before any response is retried once on a fresh one, as reqwest's
//! pool does, so keep-alive races are not counted as errors.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use tokio::net::TcpStream;

use super::client::{ErrorKind, Exchange, TransportError, WireRequest, response_headers};

/// Where a worker connects: `host:port` of the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host:port` (IPv6 hosts in brackets).
    pub authority: String,
}

impl Target {
    /// The target for `url`, or `None` unless the lean path applies: an
    /// `http://` URL and no proxy configured in the environment.
    pub fn for_url(url: &reqwest::Url) -> Option<Self> {
        let proxied = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
        if url.scheme() != "http" || proxied {
            return None;
        }
        let host = url.host_str()?;
        Some(Self {
            authority: format!("{host}:{}", url.port_or_known_default()?),
        })
    }
}

/// One worker's connection, opened on first use.
#[derive(Debug, Default)]
pub struct Lane {
    sender: Option<http1::SendRequest<Full<Bytes>>>,
}

impl Lane {
    /// Sends `req` (within `timeout`, if any) and reads the whole response.
    pub async fn execute(
        &mut self,
        target: &Target,
        req: &WireRequest,
        keep_body: bool,
        timeout: Option<Duration>,
    ) -> Result<Exchange, TransportError> {
        let attempt = self.execute_inner(target, req, keep_body);
        match timeout {
            None => attempt.await,
            Some(t) => match tokio::time::timeout(t, attempt).await {
                Ok(result) => result,
                Err(_) => {
                    self.sender = None;
                    Err(TransportError {
                        kind: ErrorKind::Timeout,
                        message: format!(
                            "no complete response within {}",
                            humantime::format_duration(t)
                        ),
                    })
                }
            },
        }
    }

    async fn execute_inner(
        &mut self,
        target: &Target,
        req: &WireRequest,
        keep_body: bool,
    ) -> Result<Exchange, TransportError> {
        let reused = self.ready().await;
        let start = Instant::now();
        match self.exchange(target, req, keep_body, start).await {
            Err(e) if reused && e.kind == ErrorKind::Other => {
                self.sender = None;
                self.exchange(target, req, keep_body, Instant::now()).await
            }
            result => result,
        }
    }

    /// Drops a closed connection; true when an open one will be reused.
    async fn ready(&mut self) -> bool {
        if let Some(s) = &mut self.sender
            && s.ready().await.is_ok()
        {
            return true;
        }
        self.sender = None;
        false
    }

    async fn exchange(
        &mut self,
        target: &Target,
        req: &WireRequest,
        keep_body: bool,
        start: Instant,
    ) -> Result<Exchange, TransportError> {
        if self.sender.is_none() {
            self.sender = Some(connect(target).await?);
        }
        let sender = self.sender.as_mut().expect("connected above");
        let mut builder = hyper::Request::builder()
            .method(req.method.clone())
            .uri(req.target.clone());
        if let Some(h) = builder.headers_mut() {
            h.clone_from(&req.headers);
        }
        let body = Full::new(req.body.clone().unwrap_or_default());
        let request = builder.body(body).map_err(|e| other(&e))?;
        let resp = sender.send_request(request).await.map_err(|e| other(&e))?;
        let headers_after = start.elapsed();
        let status = resp.status();
        let version = format!("{:?}", resp.version());
        let headers = response_headers(resp.headers());
        let mut incoming = resp.into_body();
        let body = if keep_body {
            incoming
                .collect()
                .await
                .map_err(|e| body_error(&e))?
                .to_bytes()
        } else {
            while let Some(frame) = incoming.frame().await {
                frame.map_err(|e| body_error(&e))?;
            }
            Bytes::new()
        };
        Ok(Exchange {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
            version,
            headers,
            body,
            headers_after,
            total: start.elapsed(),
        })
    }
}

async fn connect(target: &Target) -> Result<http1::SendRequest<Full<Bytes>>, TransportError> {
    let refused = |e: &dyn std::fmt::Display| TransportError {
        kind: ErrorKind::Connect,
        message: format!("tcp connect error: {e}"),
    };
    let stream = TcpStream::connect(&target.authority)
        .await
        .map_err(|e| refused(&e))?;
    let _ = stream.set_nodelay(true);
    let io = hyper_util::rt::TokioIo::new(stream);
    let (sender, conn) = http1::Builder::new()
        .title_case_headers(true)
        .handshake(io)
        .await
        .map_err(|e| refused(&e))?;
    tokio::spawn(async move {
        // The connection ends when the server closes it; the next request reconnects.
        let _ = conn.await;
    });
    Ok(sender)
}

fn other(e: &dyn std::error::Error) -> TransportError {
    TransportError {
        kind: ErrorKind::Other,
        message: chain(e),
    }
}

fn body_error(e: &dyn std::error::Error) -> TransportError {
    TransportError {
        kind: ErrorKind::Body,
        message: chain(e),
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    parts.join(": ")
}
