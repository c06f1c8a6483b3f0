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
use std::io::{self, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;

use super::BuildError;
use super::decode::decoder;
use super::request::Prepared;
use super::sink::{BodySink, Kept, Limited};
use crate::http::writer::{self, Spaced};
use crate::http::{self, Body, Conn, ConnectOptions, Connector, ResponseHead, Target};
use crate::model::{Header, HeaderList};

/// How the client connects and reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Accept any TLS certificate (`-k`).
    pub insecure: bool,
    /// Whole-request timeout (`--timeout`), from connecting to the end of the body.
    pub timeout: Option<Duration>,
    /// The most body bytes read from an answer, and written after decoding
    /// (`--max-response`).
    pub max_response: u64,
    /// Undo the answer's `Content-Encoding` (`--compressed`).
    pub decode: bool,
}

/// What kind of failure ended a request without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Could not connect (refused, unreachable, DNS, a proxy that would not tunnel).
    Connect,
    /// `--timeout` ran out.
    Timeout,
    /// The TLS handshake failed (e.g. an untrusted certificate).
    Tls,
    /// The response body broke off, or could not be decoded.
    Body,
    /// The response body was larger than `--max-response`.
    TooLarge,
    /// The body could not be written where it was going (`-o`).
    Output,
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
            Self::TooLarge => "too_large",
            Self::Output => "output",
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
    /// For [`ErrorKind::Output`]: the I/O error's kind (a closed pipe is no failure).
    pub io: Option<io::ErrorKind>,
}

impl TransportError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            io: None,
        }
    }

    /// Classifies an exchange's failure.
    pub fn of(e: http::Error) -> Self {
        let kind = match e.kind {
            http::ErrorKind::Connect => ErrorKind::Connect,
            http::ErrorKind::Tls => ErrorKind::Tls,
            http::ErrorKind::Body => ErrorKind::Body,
            http::ErrorKind::TooLarge => ErrorKind::TooLarge,
            http::ErrorKind::Write | http::ErrorKind::Closed | http::ErrorKind::Head => {
                ErrorKind::Other
            }
        };
        Self::new(kind, e.message)
    }

    fn timeout(limit: Duration) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!(
                "no complete response within {}",
                humantime::format_duration(limit)
            ),
        )
    }

    fn too_large(limit: u64, read: u64) -> Self {
        Self::new(
            ErrorKind::TooLarge,
            format!(
                "the answer's body is larger than --max-response {}; stopped after {}",
                bytesize::ByteSize(limit).display().iec(),
                bytesize::ByteSize(read).display().iec()
            ),
        )
    }

    fn output(e: &io::Error) -> Self {
        Self {
            io: Some(e.kind()),
            ..Self::new(ErrorKind::Output, format!("writing the body failed: {e}"))
        }
    }
}

/// A response, its body read to the end.
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
    /// The body bytes kept ([`BodySink::Keep`]; empty otherwise).
    pub body: Bytes,
    /// The body's size in all (decoded, with `--compressed`).
    pub body_size: u64,
    /// A `Content-Encoding` that `--compressed` left as it came (e.g. `zstd`).
    pub undecoded: Option<String>,
    /// From sending to the response head.
    pub headers_after: Duration,
    /// From sending to the end of the body.
    pub total: Duration,
}

/// `HTTP/1.1 200 OK` for `status`.
pub fn status_line(version: &str, status: u16) -> String {
    format!("{version} {status} {}", reason(status))
        .trim_end()
        .to_owned()
}

/// The standard reason phrase of `status` (empty if none).
fn reason(status: u16) -> &'static str {
    ::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// A prepared request as the transport sends it, cheap to send again for
/// every attempt or repeat.
#[derive(Debug, Clone)]
pub struct WireRequest {
    /// The method.
    pub method: String,
    /// The origin-form target: path and query.
    pub target: String,
    /// Header lines in wire order, spelled as sent.
    pub fields: Vec<Spaced>,
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
        for f in &p.fields {
            if !writer::is_valid_name(&f.header.name) {
                return Err(bad("header name"));
            }
            if !writer::is_valid_value(&f.header.value) || !writer::is_valid_value(f.gap.as_bytes())
            {
                return Err(bad("header value"));
            }
        }
        let (_, target) = Target::for_url(&p.url).map_err(|_| bad("URL"))?;
        Ok(Self {
            method: p.method.clone(),
            target,
            fields: p.fields.clone(),
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

/// An answer whose head has arrived; its body is still to be read.
#[derive(Debug)]
pub struct Started {
    /// The status line and header fields.
    pub head: ResponseHead,
    body: Body,
    start: Instant,
    headers_after: Duration,
    deadline: Option<tokio::time::Instant>,
}

/// Sends [`WireRequest`]s to one origin.
#[derive(Debug)]
pub struct Transport {
    connector: Connector,
    target: Target,
    options: ClientOptions,
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
            options: *opts,
        })
    }

    /// Sends `req` on `lane` and reads the answer's head (within
    /// `--timeout`, which also covers the body: see [`Transport::finish`]).
    pub async fn start(
        &self,
        lane: &mut Lane,
        req: &WireRequest,
    ) -> Result<Started, TransportError> {
        let start = Instant::now();
        let deadline = self
            .options
            .timeout
            .map(|t| tokio::time::Instant::now() + t);
        let request = http::Request {
            method: &req.method,
            target: &req.target,
            headers: &req.fields,
            body: req.body.as_deref().unwrap_or_default(),
        };
        let sending = http::exchange(&self.connector, &self.target, lane.conn.take(), &request);
        let http::Response { head, body } = self
            .within(deadline, sending)
            .await?
            .map_err(TransportError::of)?;
        Ok(Started {
            head,
            body,
            start,
            headers_after: start.elapsed(),
            deadline,
        })
    }

    /// Reads the rest of the answer into `sink`: as it arrives, decoded with
    /// `--compressed`, stopped at `--max-response`.
    pub async fn finish(
        &self,
        lane: &mut Lane,
        started: Started,
        sink: &mut BodySink<'_>,
    ) -> Result<Exchange, TransportError> {
        let Started {
            head,
            mut body,
            start,
            headers_after,
            deadline,
        } = started;
        let mut kept = Kept::new(0);
        let mut discard = io::sink();
        let dest: &mut (dyn Write + Send) = match sink {
            BodySink::Keep(cap) => {
                kept = Kept::new(*cap);
                &mut kept
            }
            BodySink::Write(w) => *w,
            BodySink::Discard => &mut discard,
        };
        let coding = self
            .options
            .decode
            .then(|| head.headers.get_str("content-encoding"))
            .flatten();
        let reading = read_body(
            &mut body,
            dest,
            coding.as_deref(),
            self.options.max_response,
        );
        let (body_size, undecoded) = self.within(deadline, reading).await??;
        lane.conn = body.finish();
        let status = head.status;
        Ok(Exchange {
            status,
            reason: reason(status).to_owned(),
            version: head.version().to_owned(),
            headers: head.headers,
            body: Bytes::from(kept.bytes),
            body_size,
            undecoded,
            headers_after,
            total: start.elapsed(),
        })
    }

    /// `work`, cut off at `deadline` (if any) as a timeout.
    async fn within<T>(
        &self,
        deadline: Option<tokio::time::Instant>,
        work: impl Future<Output = T>,
    ) -> Result<T, TransportError> {
        match (deadline, self.options.timeout) {
            (Some(at), Some(limit)) => tokio::time::timeout_at(at, work)
                .await
                .map_err(|_| TransportError::timeout(limit)),
            _ => Ok(work.await),
        }
    }
}

/// Streams `body` into `dest` (through a decoder for `coding`, when there is
/// one), at most `limit` bytes off the wire and `limit` bytes out: the bytes
/// written and the coding left undecoded, if any.
async fn read_body(
    body: &mut Body,
    dest: &mut (dyn Write + Send),
    coding: Option<&str>,
    limit: u64,
) -> Result<(u64, Option<String>), TransportError> {
    let mut out = Limited::new(dest, limit);
    let mut undecoded = None;
    let result = if let Some(mut decode) = coding.and_then(|c| decoder(c, &mut out)) {
        match body.stream_to(&mut decode, limit).await {
            Ok(_) => decode.finish().map_err(http::StreamError::Sink),
            Err(e) => Err(e),
        }
    } else {
        undecoded = coding.map(str::to_owned);
        body.stream_to(&mut out, limit).await.map(|_| ())
    };
    match result {
        Ok(()) => Ok((out.written, undecoded)),
        Err(http::StreamError::Http(e)) if e.kind == http::ErrorKind::TooLarge => {
            Err(TransportError::too_large(limit, body.received()))
        }
        Err(http::StreamError::Http(e)) => Err(TransportError::of(e)),
        Err(http::StreamError::Sink(_)) if out.exceeded => {
            Err(TransportError::too_large(limit, out.written))
        }
        Err(http::StreamError::Sink(e)) if out.failed => Err(TransportError::output(&e)),
        Err(http::StreamError::Sink(e)) => Err(TransportError::new(
            ErrorKind::Body,
            format!(
                "the answer's {} body could not be decoded: {e}",
                coding.unwrap_or("encoded")
            ),
        )),
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
