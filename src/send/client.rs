//! The HTTP client: reqwest over rustls (ring), HTTP/1.1, no redirects followed
//! (like curl), names written in Title-Case, and one exchange at a time.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::BuildError;
use super::request::Prepared;
use crate::model::Header;

/// How the client connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Accept any TLS certificate (`-k`).
    pub insecure: bool,
    /// Whole-request timeout (`--timeout`).
    pub timeout: Option<Duration>,
    /// Whether the URL is `https://`. For `http://` URLs no system root
    /// certificates are loaded, which saves start-up time; TLS (e.g. to an HTTPS
    /// proxy) then fails safely instead of being unverified.
    pub tls: bool,
    /// Idle connections kept per host (the `--concurrency`).
    pub connections: usize,
}

/// Builds the client; installs the ring crypto provider on first use.
pub fn build_client(opts: &ClientOptions) -> Result<reqwest::Client, TransportError> {
    // Already installed (by an earlier call) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .http1_only()
        .http1_title_case_headers()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(opts.connections.max(1));
    if let Some(t) = opts.timeout {
        builder = builder.timeout(t);
    }
    if opts.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    } else if !opts.tls {
        builder = builder.tls_certs_only(std::iter::empty());
    }
    builder.build().map_err(TransportError::of)
}

/// What kind of failure ended a request without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Could not connect (refused, unreachable, DNS).
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
    /// Every cause in the chain, joined with `: `.
    pub message: String,
}

impl TransportError {
    /// Classifies a reqwest error and spells out its whole cause chain.
    pub fn of(e: reqwest::Error) -> Self {
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else if is_tls(&e) {
            ErrorKind::Tls
        } else if e.is_connect() {
            ErrorKind::Connect
        } else if e.is_body() || e.is_decode() {
            ErrorKind::Body
        } else {
            ErrorKind::Other
        };
        Self {
            kind,
            message: chain_message(e),
        }
    }
}

fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

/// True when a rustls error is in the chain, possibly inside (nested) `io::Error`s,
/// whose `source()` skips the error they wrap.
fn is_tls(e: &reqwest::Error) -> bool {
    causes(e).any(|c| {
        let mut cur = c;
        loop {
            if cur.is::<rustls::Error>() {
                return true;
            }
            match cur
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(inner) => cur = inner,
                None => return false,
            }
        }
    })
}

/// The causes below reqwest's own "error sending request for url (…)" (the
/// caller names the request), joined as `a: b: c`, without hyper-util's
/// `client error (…)` wrappers or a cause its parent already spells out.
fn chain_message(e: reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in causes(&e).skip(1) {
        let text = c.to_string();
        let wrapper = text.starts_with("client error (");
        if !wrapper && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        e.without_url().to_string()
    } else {
        parts.join(": ")
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
    /// Headers in order (names lowercase, as hyper delivers them).
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

/// A prepared request converted once into the HTTP types both transports use;
/// cheap to turn into a request again for every attempt or repeat.
#[derive(Debug, Clone)]
pub struct WireRequest {
    /// The method.
    pub method: reqwest::Method,
    /// The absolute URL (for reqwest).
    pub url: reqwest::Url,
    /// The origin-form target, path and query (for a direct connection).
    pub target: http::Uri,
    /// Headers in wire order.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl WireRequest {
    /// Converts a prepared request. Cannot fail for drafts built by
    /// `commands::send` (names, values and URL are validated there), but checks anyway.
    pub fn of(p: &Prepared) -> Result<Self, BuildError> {
        let bad = |what: &str| BuildError::Invalid(format!("invalid {what} in the request"));
        let mut headers = HeaderMap::with_capacity(p.headers.len());
        for h in &p.headers {
            let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| bad("header name"))?;
            let value = HeaderValue::from_bytes(&h.value).map_err(|_| bad("header value"))?;
            headers.append(name, value);
        }
        Ok(Self {
            method: reqwest::Method::from_bytes(p.method.as_bytes()).map_err(|_| bad("method"))?,
            url: reqwest::Url::parse(&p.url).map_err(|_| bad("URL"))?,
            target: p.target().parse().map_err(|_| bad("target"))?,
            headers,
            body: p.body.clone(),
        })
    }

    /// A reqwest request for one attempt.
    fn to_reqwest(&self) -> reqwest::Request {
        let mut req = reqwest::Request::new(self.method.clone(), self.url.clone());
        *req.headers_mut() = self.headers.clone();
        if let Some(body) = &self.body {
            *req.body_mut() = Some(body.clone().into());
        }
        req
    }
}

/// Sends one request through reqwest's pool and reads the whole response;
/// with `keep_body` false the body is read and dropped.
pub async fn execute(
    client: &reqwest::Client,
    req: &WireRequest,
    keep_body: bool,
) -> Result<Exchange, TransportError> {
    let start = Instant::now();
    let mut resp = client
        .execute(req.to_reqwest())
        .await
        .map_err(TransportError::of)?;
    let headers_after = start.elapsed();
    let status = resp.status();
    let version = format!("{:?}", resp.version());
    let headers = response_headers(resp.headers());
    let body = if keep_body {
        resp.bytes().await.map_err(TransportError::of)?
    } else {
        while resp.chunk().await.map_err(TransportError::of)?.is_some() {}
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

/// Response headers in order, names as hyper delivers them (lowercase).
pub(super) fn response_headers(map: &HeaderMap) -> Vec<Header> {
    map.iter()
        .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
        .collect()
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
