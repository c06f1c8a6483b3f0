//! The transport of `send`: the byte-exact writer and reader of
//! [`crate::http`], HTTP/1.1, TLS for `https://` (`-k` accepts any
//! certificate), proxies from the environment, no redirects followed (like
//! curl). What goes on the wire is the [`Prepared`] request exactly: its
//! header fields in order and in the case `prepare` gave them, its body.
//!
//! Each load worker keeps its own connection (a [`Lane`]), as does a single
//! send for its retries; a kept connection that went stale is replaced
//! before the next request, and a request that fails on it before any answer
//! is sent once more on a new one, so keep-alive races are not counted as
//! errors.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;

use super::BuildError;
use super::request::Prepared;
use crate::http::{self, Conn, ConnectOptions, Connector, Kept, Target, writer};
use crate::model::Header;

/// How the client connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Accept any TLS certificate (`-k`).
    pub insecure: bool,
    /// Whole-request timeout (`--timeout`), from connecting to the end of the body.
    pub timeout: Option<Duration>,
}

/// What kind of failure ended a request without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Could not connect (refused, unreachable, DNS, a proxy that would not tunnel).
    Connect,
    /// `--timeout` ran out.
    Timeout,
    /// The TLS handshake failed (e.g. an untrusted certificate).
    Tls,
    /// The response body broke off.
    Body,
    /// Anything else.
    Other,
}

impl ErrorKind {
    /// The lowercase name used in summaries and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Tls => "tls",
            Self::Body => "body",
            Self::Other => "other",
        }
    }

    /// Connect errors and timeouts are worth retrying.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Connect | Self::Timeout)
    }
}

/// A request that got no (complete) response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// The kind, for summaries and retries.
    pub kind: ErrorKind,
    /// What happened, with its cause.
    pub message: String,
}

impl TransportError {
    /// Classifies an exchange's failure.
    pub fn of(e: http::Error) -> Self {
        let kind = match e.kind {
            http::ErrorKind::Connect => ErrorKind::Connect,
            http::ErrorKind::Tls => ErrorKind::Tls,
            http::ErrorKind::Body | http::ErrorKind::TooLarge => ErrorKind::Body,
            http::ErrorKind::Write | http::ErrorKind::Closed | http::ErrorKind::Head => {
                ErrorKind::Other
            }
        };
        Self {
            kind,
            message: e.message,
        }
    }

    fn timeout(limit: Duration) -> Self {
        Self {
            kind: ErrorKind::Timeout,
            message: format!(
                "no complete response within {}",
                humantime::format_duration(limit)
            ),
        }
    }
}

/// A response, read completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Status code.
    pub status: u16,
    /// The standard reason phrase for the status (empty if none).
    pub reason: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Headers in order, with the case the server sent.
    pub headers: Vec<Header>,
    /// Body bytes (empty when not kept).
    pub body: Bytes,
    /// From sending to the response head.
    pub headers_after: Duration,
    /// From sending to the end of the body.
    pub total: Duration,
}

impl Exchange {
    /// `HTTP/1.1 200 OK`.
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.version, self.status, self.reason)
            .trim_end()
            .to_owned()
    }
}

/// A prepared request as the transport sends it, cheap to send again for
/// every attempt or repeat.
#[derive(Debug, Clone)]
pub struct WireRequest {
    /// The method.
    pub method: String,
    /// The origin-form target: path and query.
    pub target: String,
    /// Header fields in wire order and case.
    pub headers: Vec<Header>,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl WireRequest {
    /// Converts a prepared request. Cannot fail for drafts built by
    /// `commands::send` (names, values and URL are validated there), but checks anyway.
    pub fn of(p: &Prepared) -> Result<Self, BuildError> {
        let bad = |what: &str| BuildError::Invalid(format!("invalid {what} in the request"));
        let method_ok = !p.method.is_empty() && p.method.bytes().all(|b| b.is_ascii_graphic());
        if !method_ok {
            return Err(bad("method"));
        }
        for h in &p.headers {
            if !writer::is_valid_name(&h.name) {
                return Err(bad("header name"));
            }
            if !writer::is_valid_value(&h.value) {
                return Err(bad("header value"));
            }
        }
        let (_, target) = Target::for_url(&p.url).map_err(|_| bad("URL"))?;
        Ok(Self {
            method: p.method.clone(),
            target,
            headers: p.headers.clone(),
            body: p.body.clone(),
        })
    }
}

/// A connection kept between requests: one per load worker, and one for a
/// single send and its retries.
#[derive(Debug, Default)]
pub struct Lane {
    conn: Option<Conn>,
}

/// Sends [`WireRequest`]s to one origin.
#[derive(Debug)]
pub struct Transport {
    connector: Connector,
    target: Target,
    timeout: Option<Duration>,
}

impl Transport {
    /// A transport to the origin of `url` (every request of one `send`
    /// shares it); reads the environment's proxy variables.
    pub fn new(opts: &ClientOptions, url: &str) -> Result<Self, BuildError> {
        let (target, _) = Target::for_url(url).map_err(|e| BuildError::Invalid(e.to_string()))?;
        let connector = Connector::new(ConnectOptions {
            insecure: opts.insecure,
            connect_timeout: None,
            env_proxies: true,
        });
        Ok(Self {
            connector,
            target,
            timeout: opts.timeout,
        })
    }

    /// Sends `req` on `lane` (within `--timeout`, if any) and reads the whole
    /// response; with `keep_body` false the body is read and dropped.
    pub async fn execute(
        &self,
        lane: &mut Lane,
        req: &WireRequest,
        keep_body: bool,
    ) -> Result<Exchange, TransportError> {
        let attempt = self.exchange(lane, req, keep_body);
        match self.timeout {
            None => attempt.await,
            Some(limit) => tokio::time::timeout(limit, attempt)
                .await
                .unwrap_or_else(|_| Err(TransportError::timeout(limit))),
        }
    }

    async fn exchange(
        &self,
        lane: &mut Lane,
        req: &WireRequest,
        keep_body: bool,
    ) -> Result<Exchange, TransportError> {
        let start = Instant::now();
        let request = http::Request {
            method: &req.method,
            target: &req.target,
            headers: &req.headers,
            body: req.body.as_deref().unwrap_or_default(),
        };
        let http::Response { head, mut body } =
            http::exchange(&self.connector, &self.target, lane.conn.take(), &request)
                .await
                .map_err(TransportError::of)?;
        let headers_after = start.elapsed();
        let kept = if keep_body {
            let mut kept = Kept::new(usize::MAX);
            body.read_into(&mut kept)
                .await
                .map_err(TransportError::of)?;
            Bytes::from(kept.bytes)
        } else {
            while body.chunk().await.map_err(TransportError::of)?.is_some() {}
            Bytes::new()
        };
        lane.conn = body.finish();
        let reason = ::http::StatusCode::from_u16(head.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        Ok(Exchange {
            status: head.status,
            reason: reason.to_owned(),
            version: head.version().to_owned(),
            headers: head.headers,
            body: kept,
            headers_after,
            total: start.elapsed(),
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
