//! Connections: TCP (no Nagle delay), TLS for `https`, HTTP proxies from the
//! environment, and the request writer on top.
//!
//! A [`Connector`] opens connections to a [`Target`]; a [`Conn`] carries
//! requests ([`Conn::send`]) and answers ([`Conn::read_head`], then a
//! [`super::Body`]) one at a time, and can be kept alive for the next.
//!
//! Proxies are those of the environment, read as curl and reqwest read them
//! (`http_proxy`/`HTTP_PROXY`, `https_proxy`/`HTTPS_PROXY`,
//! `all_proxy`/`ALL_PROXY`, `no_proxy`/`NO_PROXY`; hyper-util's matcher): an
//! `http://` target is sent to the proxy in absolute form
//! (`POST http://host/path HTTP/1.1`), an `https://` target is reached
//! through a `CONNECT` tunnel. User info in the proxy URL becomes
//! `Proxy-Authorization: Basic …`, sent to the proxy only.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BytesMut;
use hyper_util::client::proxy::matcher::Matcher;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::error::{Error, ErrorKind};
use super::limits::COALESCE_BODY;
use super::target::Target;
use super::tls;
use super::writer::{self, FieldLine};
use crate::model::Header;

/// A connection's byte stream: TCP, or TLS over a stream (TLS over TLS
/// through an `https://` proxy).
#[derive(Debug)]
pub enum Stream {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS.
    Tls(Box<TlsStream<Stream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// One request as it goes out: the writer puts exactly these on the wire.
/// The header fields are [`Header`]s (`Name: value`), or any other
/// [`FieldLine`] (`send` writes [`writer::Spaced`] lines, as curl does).
#[derive(Debug)]
pub struct Request<'a, F = Header> {
    /// The method.
    pub method: &'a str,
    /// The origin-form request target (path and query), or `*`.
    pub target: &'a str,
    /// Every header field, in order, with its case.
    pub headers: &'a [F],
    /// The body bytes (framed by the caller's `Content-Length`, if any).
    pub body: &'a [u8],
}

impl<F> Clone for Request<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Request<'_, F> {}

impl<F> Request<'_, F> {
    /// True for `HEAD`, whose answer has no body whatever its head says.
    pub fn head_only(&self) -> bool {
        self.method.eq_ignore_ascii_case("HEAD")
    }
}

/// How request targets are written on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    /// `/path?query`: straight to the server, or through a tunnel.
    Origin,
    /// `http://authority/path?query`, to a forwarding proxy, with its credentials.
    Absolute {
        origin: String,
        auth: Option<Header>,
    },
}

/// One HTTP/1.1 connection with its read buffer.
#[derive(Debug)]
pub struct Conn<S = Stream> {
    pub(super) io: S,
    pub(super) buf: BytesMut,
    wbuf: Vec<u8>,
    form: Form,
}

impl<S> Conn<S> {
    /// A connection over `io`, sending origin-form targets.
    pub fn new(io: S) -> Self {
        Self {
            io,
            buf: BytesMut::new(),
            wbuf: Vec::new(),
            form: Form::Origin,
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    /// Writes `req`: the head exactly as given (the target in absolute form
    /// through a forwarding proxy, which also gets its `Proxy-Authorization`),
    /// and the body, in one write when it is small.
    pub async fn send<F: FieldLine>(&mut self, req: &Request<'_, F>) -> Result<(), Error> {
        let mut out = std::mem::take(&mut self.wbuf);
        out.clear();
        match &self.form {
            Form::Origin => {
                writer::write_head(&mut out, req.method, req.target, req.headers, None);
            }
            Form::Absolute { origin, auth } => {
                let target = match req.target.starts_with('/') {
                    true => format!("{origin}{}", req.target),
                    false => req.target.to_owned(),
                };
                writer::write_head(&mut out, req.method, &target, req.headers, auth.as_ref());
            }
        }
        let small = req.body.len() <= COALESCE_BODY;
        if small {
            out.extend_from_slice(req.body);
        }
        let mut written = self.io.write_all(&out).await;
        if written.is_ok() && !small {
            written = self.io.write_all(req.body).await;
        }
        if written.is_ok() {
            written = self.io.flush().await;
        }
        // The buffer is kept for the next request, unless a big body grew it.
        if out.capacity() <= 4 * COALESCE_BODY {
            self.wbuf = out;
        }
        written.map_err(|e| Error::caused(ErrorKind::Write, "sending the request failed", e))
    }

    /// True when an idle connection still looks usable: nothing to read
    /// (a server that closed it, or sent stray bytes, makes it unusable).
    /// Checked without waiting.
    pub fn is_idle_usable(&mut self) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        let mut cx = Context::from_waker(Waker::noop());
        let mut probe = [0u8; 1];
        let mut probe = ReadBuf::new(&mut probe);
        Pin::new(&mut self.io)
            .poll_read(&mut cx, &mut probe)
            .is_pending()
    }
}

/// How connections are made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Accept any TLS certificate (`-k`).
    pub insecure: bool,
    /// Give up on connecting (TCP, proxy tunnel and TLS) after this long.
    pub connect_timeout: Option<Duration>,
    /// Use the proxies the environment names (`send`).
    pub env_proxies: bool,
}

/// Opens connections.
pub struct Connector {
    options: ConnectOptions,
    proxies: Option<Matcher>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("options", &self.options)
            .field("proxies", &self.proxies.is_some())
            .finish()
    }
}

impl Connector {
    /// A connector; the environment's proxy variables are read now, when asked for.
    pub fn new(options: ConnectOptions) -> Self {
        Self {
            options,
            proxies: options.env_proxies.then(Matcher::from_env),
        }
    }

    /// A new connection to `target`, through a proxy if the environment says so.
    pub async fn connect(&self, target: &Target) -> Result<Conn, Error> {
        let opening = self.open(target);
        match self.options.connect_timeout {
            None => opening.await,
            Some(limit) => tokio::time::timeout(limit, opening)
                .await
                .unwrap_or_else(|_| {
                    Err(Error::new(
                        ErrorKind::Connect,
                        format!(
                            "cannot connect to {}: no connection within {}",
                            target.host_port(),
                            humantime::format_duration(limit)
                        ),
                    ))
                }),
        }
    }

    async fn open(&self, target: &Target) -> Result<Conn, Error> {
        let Some(proxy) = self.proxy_for(target)? else {
            let stream = Stream::Tcp(tcp(target).await?);
            return Ok(Conn::new(self.secure(stream, target).await?));
        };
        let stream = Stream::Tcp(tcp(&proxy.target).await?);
        let stream = self.secure(stream, &proxy.target).await?;
        if target.is_https() {
            let tunnel = tunnel(Conn::new(stream), target, proxy.auth).await?;
            return Ok(Conn::new(self.secure(tunnel, target).await?));
        }
        let mut conn = Conn::new(stream);
        conn.form = Form::Absolute {
            origin: format!("http://{}", target.authority),
            auth: proxy.auth,
        };
        Ok(conn)
    }

    /// TLS over `stream` when `target` is `https`.
    async fn secure(&self, stream: Stream, target: &Target) -> Result<Stream, Error> {
        if !target.is_https() {
            return Ok(stream);
        }
        let tls = tls::handshake(stream, &target.host, self.options.insecure).await?;
        Ok(Stream::Tls(Box::new(tls)))
    }

    /// The proxy the environment names for `target`, if any.
    fn proxy_for(&self, target: &Target) -> Result<Option<Proxy>, Error> {
        let Some(matcher) = &self.proxies else {
            return Ok(None);
        };
        let destination = format!("{}://{}/", target.scheme.as_str(), target.authority);
        let Ok(uri) = destination.parse::<::http::Uri>() else {
            return Ok(None);
        };
        let Some(intercept) = matcher.intercept(&uri) else {
            return Ok(None);
        };
        let url = intercept.uri().to_string();
        let unusable = || {
            Error::new(
                ErrorKind::Connect,
                format!("unsupported proxy {url:?}: use an http:// or https:// proxy"),
            )
        };
        let (proxy, _) = Target::for_url(&url).map_err(|_| unusable())?;
        let auth = intercept
            .basic_auth()
            .map(|v| Header::new("Proxy-Authorization", v.as_bytes()));
        Ok(Some(Proxy {
            target: proxy,
            auth,
        }))
    }
}

/// A proxy to go through, and what it wants to see.
struct Proxy {
    target: Target,
    auth: Option<Header>,
}

async fn tcp(target: &Target) -> Result<TcpStream, Error> {
    let stream = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            Error::caused(
                ErrorKind::Connect,
                format!("cannot connect to {}", target.host_port()),
                e,
            )
        })?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Asks a proxy for a tunnel to `target` (`CONNECT host:port`) and returns
/// the stream once it is open.
async fn tunnel(mut conn: Conn, target: &Target, auth: Option<Header>) -> Result<Stream, Error> {
    let host_port = target.host_port();
    let mut headers = vec![Header::new("Host", host_port.as_str())];
    headers.extend(auth);
    let request = Request {
        method: "CONNECT",
        target: &host_port,
        headers: &headers,
        body: b"",
    };
    let refused = |e: Error| Error::caused(ErrorKind::Connect, "the proxy's tunnel failed", e);
    conn.send(&request).await.map_err(refused)?;
    let head = conn.read_head().await.map_err(refused)?;
    if !(200..300).contains(&head.status) || !conn.buf.is_empty() {
        return Err(Error::new(
            ErrorKind::Connect,
            format!(
                "the proxy refused to tunnel to {host_port}: {} {}",
                head.status, head.reason
            ),
        ));
    }
    Ok(conn.io)
}
