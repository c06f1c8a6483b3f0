//! Outgoing connections to a relay: TCP, TLS (the outgoing-HTTP room's
//! rustls set-up with the system's trusted roots, or one that trusts only
//! the certificates of `--via-ca`), then a WebSocket handshake or one HTTP
//! GET.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{AUTHORIZATION, HOST, HeaderValue};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::ServerName;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::url::ChannelUrl;
use crate::relay::{CONSUMER_HEADER, FROM_HEADER, SEEN_HEADER};

/// How long connecting (TCP, TLS, the handshake) may take in all.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest message the relay may send (a request with its body).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;
/// The largest status document read.
const MAX_STATUS: usize = 1024 * 1024;

/// A byte stream to the relay: TCP, or TLS over TCP.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// A WebSocket to the relay.
pub type RelaySocket = WebSocketStream<Box<dyn Stream>>;

/// Why connecting failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// The relay answered, and said no (a wrong token: `401`): trying again
    /// will not help.
    #[error("the relay refused: {status} {text}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// What it said, on one line.
        text: String,
    },
    /// The relay could not be reached or the connection failed; worth retrying.
    #[error("{0}")]
    Transport(String),
    /// The TLS set-up itself is wrong (an unreadable `--via-ca`).
    #[error("{0}")]
    Setup(String),
}

/// How to reach a relay.
#[derive(Clone)]
pub struct Transport {
    tls: Arc<ClientConfig>,
}

impl Transport {
    /// TLS trusting the system's roots, or only the PEM certificates in `ca`.
    pub fn new(ca: Option<&Path>) -> Result<Self, ConnectError> {
        let Some(path) = ca else {
            let tls = crate::http::tls::client_config(false)
                .map_err(|e| ConnectError::Setup(e.to_string()))?;
            return Ok(Self { tls });
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectError::Setup(e.to_string()))?;
        let mut roots = rustls::RootCertStore::empty();
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| ConnectError::Setup(format!("cannot read {}: {e}", path.display())))?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(ConnectError::Setup(format!(
                "no usable certificate in {}",
                path.display()
            )));
        }
        let mut config = builder.with_root_certificates(roots).with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            tls: Arc::new(config),
        })
    }

    /// A TCP (and, for `https`, TLS) connection to the relay.
    async fn open(&self, url: &ChannelUrl) -> Result<Box<dyn Stream>, ConnectError> {
        let tcp = TcpStream::connect(url.authority()).await.map_err(|e| {
            ConnectError::Transport(format!("cannot connect to {}: {e}", url.authority()))
        })?;
        let _ = tcp.set_nodelay(true);
        if !url.tls {
            return Ok(Box::new(tcp));
        }
        let name = ServerName::try_from(url.host.clone())
            .map_err(|e| ConnectError::Transport(format!("invalid host name: {e}")))?;
        let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| ConnectError::Transport(format!("TLS with {} failed: {e}", url.host)))?;
        Ok(Box::new(tls))
    }

    /// Opens the channel's WebSocket as `consumer`, starting a new consumer
    /// at `from` (`now`, `earliest` or an id) when given, and saying which
    /// relay ids it has (`seen`: the last instance and its highest id).
    pub async fn websocket(
        &self,
        url: &ChannelUrl,
        (token, consumer): (&str, &str),
        from: Option<&str>,
        seen: Option<&(String, i64)>,
    ) -> Result<RelaySocket, ConnectError> {
        let attempt = async {
            let stream = self.open(url).await?;
            let mut request = url
                .connect_url()
                .into_client_request()
                .map_err(|e| ConnectError::Transport(e.to_string()))?;
            let headers = request.headers_mut();
            headers.insert(AUTHORIZATION, bearer(token)?);
            headers.insert(CONSUMER_HEADER, value(consumer)?);
            if let Some(from) = from {
                headers.insert(FROM_HEADER, value(from)?);
            }
            if let Some((instance, id)) = seen {
                headers.insert(SEEN_HEADER, value(&format!("{instance} {id}"))?);
            }
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_MESSAGE))
                .max_frame_size(Some(MAX_MESSAGE));
            let handshake =
                tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await;
            match handshake {
                Ok((ws, _)) => Ok(ws),
                Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                    let text = res
                        .body()
                        .as_deref()
                        .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                        .unwrap_or_default();
                    Err(refusal(res.status().as_u16(), text))
                }
                Err(e) => Err(ConnectError::Transport(format!(
                    "WebSocket handshake failed: {e}"
                ))),
            }
        };
        within(attempt).await
    }

    /// `GET` of one of the relay's endpoints for this channel with its token;
    /// the status and body of the answer.
    pub async fn get(
        &self,
        url: &ChannelUrl,
        what: &str,
        token: &str,
    ) -> Result<(u16, Vec<u8>), ConnectError> {
        let attempt = async {
            let stream = self.open(url).await?;
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| ConnectError::Transport(e.to_string()))?;
            tokio::spawn(conn);
            let req = hyper::Request::get(url.endpoint(what))
                .header(HOST, value(&url.authority())?)
                .header(AUTHORIZATION, bearer(token)?)
                .body(Empty::<Bytes>::new())
                .map_err(|e| ConnectError::Transport(e.to_string()))?;
            let res = sender
                .send_request(req)
                .await
                .map_err(|e| ConnectError::Transport(e.to_string()))?;
            let status = res.status().as_u16();
            let limited = http_body_util::Limited::new(res.into_body(), MAX_STATUS);
            let body = limited
                .collect()
                .await
                .map_err(|e| ConnectError::Transport(format!("reading the answer failed: {e}")))?
                .to_bytes();
            Ok((status, body.to_vec()))
        };
        within(attempt).await
    }
}

/// Refusals that retrying cannot fix are [`ConnectError::Refused`]; a relay
/// that is busy or restarting is worth trying again.
fn refusal(status: u16, text: String) -> ConnectError {
    let text = crate::sanitize::sanitize(text.lines().next().unwrap_or("")).into_owned();
    if matches!(status, 400 | 401 | 403 | 404) {
        ConnectError::Refused { status, text }
    } else {
        ConnectError::Transport(format!("the relay answered {status} {text}"))
    }
}

async fn within<T>(
    attempt: impl Future<Output = Result<T, ConnectError>>,
) -> Result<T, ConnectError> {
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .unwrap_or_else(|_| {
            Err(ConnectError::Transport(format!(
                "no connection within {}s",
                CONNECT_TIMEOUT.as_secs()
            )))
        })
}

fn bearer(token: &str) -> Result<HeaderValue, ConnectError> {
    value(&format!("Bearer {token}"))
}

fn value(s: &str) -> Result<HeaderValue, ConnectError> {
    HeaderValue::from_str(s).map_err(|_| {
        ConnectError::Setup("a header value is not valid (token or consumer name)".into())
    })
}
