//! `forward`: pass each stored request on to the developer's app, relay the
//! app's answer to the caller, and record it as a delivery.
//!
//! The request is committed before it is sent (see [`super::service`]), so it
//! survives an app that is down. What is passed on:
//!
//! - method, path and query (after the target's base path), body bytes unchanged;
//! - headers unchanged, with the case the caller used, except: hop-by-hop
//!   fields are dropped ([`crate::upstream`]), `X-Forwarded-For` gains the
//!   caller's address, `X-Forwarded-Proto` (`http`) and `X-Forwarded-Host`
//!   (the caller's `Host`) are added unless the caller sent them (a proxy in
//!   front of hookcap knows better), and `Host` becomes the target's unless
//!   `--preserve-host`. The HTTP client writes fields in `HeaderMap` order: the
//!   arrival order, except that repeated names are grouped at their first
//!   occurrence. Always HTTP/1.1 upstream, the body always with `Content-Length`.
//!
//! The answer goes back with its status, headers (hop-by-hop dropped; names in
//! the app's case) and body. A small body of known length (up to
//! [`BUFFERED_ANSWER_MAX`], the usual webhook answer) is read whole and sent
//! with the head in one write; any other streams as it arrives while a copy of
//! at most `--max-body` bytes is kept for the delivery record. An app that
//! cannot be reached is answered `502`, one that takes longer than
//! `--upstream-timeout` (for the whole answer) `504`; the delivery records the
//! error. (A small body that breaks off is answered `502` too; a streamed one
//! can only be cut off.)
//!
//! Ack-after-commit holds for deliveries too: a [`DeliverySlot`] is reserved
//! before sending and filled once the answer's body has ended, and the end of
//! the answer (its last frame, or hookcap's own `502`/`504`) reaches the
//! caller only after the delivery is committed. So once a caller has the
//! whole answer, `hookcap show` has it as well. A body that fails, or that the
//! caller abandons, is recorded without waiting.

use std::error::Error as _;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HOST, HeaderMap, HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::Limits;
use super::service::{AnswerBody, unavailable};
use super::shape;
use crate::model::{
    DeliveryKind, Header, NewDelivery, NewRequest, RequestSummary, ResponseRecord, Timestamp,
};
use crate::store::{Committed, DeliverySlot, WriterHandle};
use crate::upstream::{Target, strip_hop_by_hop_map};

/// Answers up to this size (with a known length) are read whole before they
/// are passed on, so the caller gets head and body in one write; larger ones
/// stream.
const BUFFERED_ANSWER_MAX: u64 = 64 * 1024;

/// How long an idle pooled connection to the app is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What `forward` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardConfig {
    /// Where requests go.
    pub target: Target,
    /// Pass the caller's `Host` on instead of the target's.
    pub preserve_host: bool,
    /// The longest the app may take for a whole answer before the caller gets `504`.
    pub upstream_timeout: Duration,
}

/// The forwarding half of the capture server: a pooled HTTP/1 client to the app.
pub struct Forwarder {
    config: ForwardConfig,
    client: Client<HttpConnector, Full<Bytes>>,
    max_record: usize,
}

impl Forwarder {
    /// A forwarder with its own connection pool; answer bodies are recorded up
    /// to `limits.max_body` bytes.
    pub fn new(config: ForwardConfig, limits: &Limits) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(config.upstream_timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .http1_preserve_header_case(true)
            .build(connector);
        Self {
            config,
            client,
            max_record: usize::try_from(limits.max_body).unwrap_or(usize::MAX),
        }
    }

    /// Stores `request`, passes it on, and answers with what came back.
    /// `parts` is hyper's view of the same request (with the caller's header
    /// case in its extensions); `request` is what is stored.
    pub(super) async fn forward(
        &self,
        writer: &WriterHandle,
        parts: Parts,
        request: NewRequest,
        remote: SocketAddr,
    ) -> Response<AnswerBody> {
        let (id, request) = match writer.insert_keeping(request).await {
            Ok(stored) => stored,
            Err(e) => return unavailable(&e),
        };
        self.pass_on(writer, parts, id, request, remote).await
    }

    /// Passes on a request already stored as `id` and answers with what came
    /// back (recording the delivery through `writer` first, as [`Self::forward`]
    /// does). A relayed request (`forward --via`) takes this way in.
    pub async fn pass_on(
        &self,
        writer: &WriterHandle,
        parts: Parts,
        id: i64,
        request: NewRequest,
        remote: SocketAddr,
    ) -> Response<AnswerBody> {
        let slot = writer
            .reserve_delivery()
            .await
            .inspect_err(|e| tracing::warn!("request {id} is forwarded but not recorded: {e}"))
            .ok();
        let destination = self.config.target.url_for(&request.target);
        // Someone prints requests as they settle: the writer broadcasts this
        // summary once the delivery is committed.
        let summary = writer
            .followed()
            .then(|| RequestSummary::of_new(id, &request));
        let outcome = Outcome::start(slot, id, destination, self.max_record, summary);
        let deadline = outcome.started + self.config.upstream_timeout;
        let destination = &outcome.delivery.destination;
        let upstream = match self.upstream_request(parts, destination, request.body, remote) {
            Ok(req) => req,
            Err(e) => return outcome.fail(StatusCode::BAD_GATEWAY, e).await,
        };
        let sent = tokio::time::timeout_at(deadline.into(), self.client.request(upstream)).await;
        match sent {
            Ok(Ok(res)) => outcome.relay(res, deadline).await,
            // The client's own message ("client error (Connect)") adds nothing to its cause.
            Ok(Err(e)) => {
                let cause = describe(e.source().unwrap_or(&e));
                outcome.fail(StatusCode::BAD_GATEWAY, cause).await
            }
            Err(_) => {
                let waited = humantime::format_duration(self.config.upstream_timeout);
                let cause = format!("no answer within {waited}");
                outcome.fail(StatusCode::GATEWAY_TIMEOUT, cause).await
            }
        }
    }

    fn upstream_request(
        &self,
        parts: Parts,
        destination: &str,
        body: Vec<u8>,
        remote: SocketAddr,
    ) -> Result<Request<Full<Bytes>>, String> {
        let uri: Uri = destination
            .parse()
            .map_err(|e| format!("cannot send to {destination:?}: {e}"))?;
        let Parts {
            method,
            mut headers,
            extensions,
            ..
        } = parts;
        strip_hop_by_hop_map(&mut headers);
        add_forwarded(&mut headers, remote);
        if !self.config.preserve_host {
            let host = HeaderValue::from_str(&self.config.target.authority)
                .map_err(|e| format!("invalid target host: {e}"))?;
            headers.insert(HOST, host);
        }
        let mut req = Request::new(Full::new(Bytes::from(body)));
        *req.method_mut() = method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        // Carries hyper's record of the caller's header case, which the client
        // uses to write the same case upstream.
        *req.extensions_mut() = extensions;
        Ok(req)
    }
}

/// Adds the `X-Forwarded-*` fields: the caller's address is appended as a
/// field line of its own; proto and host only when the caller sent none.
fn add_forwarded(headers: &mut HeaderMap, remote: SocketAddr) {
    let for_name = HeaderName::from_static("x-forwarded-for");
    if let Ok(ip) = HeaderValue::from_str(&remote.ip().to_string()) {
        headers.append(for_name, ip);
    }
    headers
        .entry(HeaderName::from_static("x-forwarded-proto"))
        .or_insert(HeaderValue::from_static("http"));
    if let Some(host) = headers.get(HOST).cloned() {
        headers
            .entry(HeaderName::from_static("x-forwarded-host"))
            .or_insert(host);
    }
}

/// An error with its causes, e.g. `client error (Connect): tcp connect error:
/// Connection refused (os error 111)`.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// One forward's delivery record while it is being made.
struct Outcome {
    slot: Option<DeliverySlot>,
    delivery: NewDelivery,
    summary: Option<RequestSummary>,
    started: Instant,
    max_record: usize,
}

impl Outcome {
    fn start(
        slot: Option<DeliverySlot>,
        request_id: i64,
        destination: String,
        max_record: usize,
        summary: Option<RequestSummary>,
    ) -> Self {
        Self {
            slot,
            summary,
            delivery: NewDelivery {
                request_id,
                kind: DeliveryKind::Forward,
                destination,
                started_at: Timestamp::now(),
                duration: Duration::ZERO,
                response: None,
                response_truncated: false,
                error: None,
            },
            started: Instant::now(),
            max_record,
        }
    }

    /// Records a failed attempt and, once that is committed, answers the
    /// caller with `status` itself.
    async fn fail(mut self, status: StatusCode, error: String) -> Response<AnswerBody> {
        tracing::debug!(
            request = self.delivery.request_id,
            "forward failed: {error}"
        );
        let text = match status {
            StatusCode::GATEWAY_TIMEOUT => format!(
                "hookcap: the app at {} did not answer in time ({error}); the request is stored for replay\n",
                self.delivery.destination
            ),
            _ => format!(
                "hookcap: could not reach the app at {} ({error}); the request is stored for replay\n",
                self.delivery.destination
            ),
        };
        let answer = shape::plain_record(status, &text);
        let res = shape::build(&answer).map(Either::Left);
        self.delivery.error = Some(error);
        if let Some(committed) = self.record(answer) {
            let _ = committed.await;
        }
        res
    }

    /// Answers the caller with the app's response. A small answer of known
    /// length is read whole first, recorded, and sent in one piece once the
    /// record is committed; any other is streamed ([`RelayBody`]).
    async fn relay(mut self, res: Response<Incoming>, deadline: Instant) -> Response<AnswerBody> {
        let (mut parts, body) = res.into_parts();
        self.take_head(&mut parts);
        let small = body
            .size_hint()
            .exact()
            .is_some_and(|n| n <= BUFFERED_ANSWER_MAX.min(self.max_record as u64));
        if !small {
            let body = RelayBody {
                inner: body,
                deadline: Box::pin(tokio::time::sleep_until(deadline.into())),
                outcome: Some(self),
                held: None,
            };
            return Response::from_parts(parts, Either::Right(body));
        }
        let bytes = match tokio::time::timeout_at(deadline.into(), body.collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) => {
                let cause = format!("the answer's body broke off: {}", describe(&e));
                return self.fail(StatusCode::BAD_GATEWAY, cause).await;
            }
            Err(_) => {
                let cause = "the answer's body did not end in time".to_owned();
                return self.fail(StatusCode::GATEWAY_TIMEOUT, cause).await;
            }
        };
        self.keep(&bytes);
        if let Some(committed) = self.finish(None) {
            let _ = committed.await;
        }
        Response::from_parts(parts, Either::Left(Full::new(bytes)))
    }

    /// Records the app's status and headers, and readies the head for the
    /// caller: hop-by-hop fields dropped, HTTP/1.1 whatever the app speaks.
    fn take_head(&mut self, parts: &mut hyper::http::response::Parts) {
        let headers = parts
            .headers
            .iter()
            .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
            .collect();
        self.delivery.response = Some(ResponseRecord {
            status: parts.status.as_u16(),
            headers,
            body: Vec::new(),
        });
        strip_hop_by_hop_map(&mut parts.headers);
        parts.version = hyper::Version::HTTP_11;
    }

    /// Keeps a copy of relayed body bytes, up to the limit.
    fn keep(&mut self, data: &[u8]) {
        let Some(response) = self.delivery.response.as_mut() else {
            return;
        };
        let room = self.max_record.saturating_sub(response.body.len());
        if data.len() > room {
            self.delivery.response_truncated = true;
        }
        response
            .body
            .extend_from_slice(&data[..data.len().min(room)]);
    }

    /// Queues the delivery; `answer` is what the caller got, stored on the request.
    fn record(mut self, answer: ResponseRecord) -> Option<Committed> {
        self.delivery.duration = self.started.elapsed();
        let slot = self.slot?;
        Some(slot.record(self.delivery, Some(answer), self.summary))
    }

    /// Records a relayed answer once its body has ended (or failed with `error`).
    fn finish(mut self, error: Option<String>) -> Option<Committed> {
        self.delivery.error = error;
        let status = self
            .delivery
            .status()
            .unwrap_or(StatusCode::BAD_GATEWAY.as_u16());
        // The app's headers and body are stored once, in the delivery.
        let answer = ResponseRecord {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        };
        self.record(answer)
    }
}

/// The app's answer body on its way to the caller, copied into the delivery
/// record as it passes, and cut off at the upstream deadline. Its last frame
/// (`None`: the end of a body of unknown length) is held back until the
/// delivery is committed.
pub struct RelayBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    outcome: Option<Outcome>,
    held: Option<(Option<Frame<Bytes>>, Committed)>,
}

type Polled = Poll<Option<Result<Frame<Bytes>, Box<dyn std::error::Error + Send + Sync>>>>;

impl RelayBody {
    /// Records a delivery that went wrong; nobody waits for its commit.
    fn fail(&mut self, error: String) {
        if let Some(outcome) = self.outcome.take() {
            drop(outcome.finish(Some(error)));
        }
    }

    /// The app's body has ended with `last`: records the delivery and holds
    /// `last` back until the record is committed.
    fn end(&mut self, last: Option<Frame<Bytes>>, cx: &mut Context<'_>) -> Polled {
        match self.outcome.take().and_then(|o| o.finish(None)) {
            Some(committed) => {
                self.held = Some((last, committed));
                self.release(cx)
            }
            None => Poll::Ready(last.map(Ok)),
        }
    }

    /// Passes the held last frame on once its delivery is committed.
    fn release(&mut self, cx: &mut Context<'_>) -> Polled {
        let Some((_, committed)) = self.held.as_mut() else {
            return Poll::Ready(None);
        };
        // An error means the record was lost (the writer logged why): go on.
        if Pin::new(committed).poll(cx).is_pending() {
            return Poll::Pending;
        }
        Poll::Ready(self.held.take().and_then(|(last, _)| last).map(Ok))
    }
}

impl Body for RelayBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Polled {
        let this = &mut *self;
        if this.held.is_some() {
            return this.release(cx);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(outcome)) = (frame.data_ref(), this.outcome.as_mut()) {
                    outcome.keep(data);
                }
                if this.inner.is_end_stream() {
                    return this.end(Some(frame), cx);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.fail(format!("the answer's body broke off: {}", describe(&e)));
                Poll::Ready(Some(Err(e.into())))
            }
            Poll::Ready(None) => this.end(None, cx),
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.fail("the answer's body did not end in time".into());
                    return Poll::Ready(Some(Err("the app's answer did not end in time".into())));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        // Until the delivery is recorded, the end is not reached even for an
        // empty body: hyper must poll once more so that it waits for the commit.
        self.outcome.is_none() && self.held.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for RelayBody {
    fn drop(&mut self) {
        if let Some(outcome) = self.outcome.take() {
            let error = (!self.inner.is_end_stream())
                .then(|| "the caller left before the whole answer was passed on".to_owned());
            drop(outcome.finish(error));
        }
    }
}
