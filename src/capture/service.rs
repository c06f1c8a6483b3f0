//! Handling one request: read it, check it, store it, then answer.
//!
//! Reading, checking and storing are the same in every mode; only the answer
//! differs, as the [`Responder`] says: `listen` answers with the configured
//! [`ResponseShape`], `forward` passes the stored request on to the app and
//! answers with what the app said. A request the [`Guard`] rejects, or whose
//! body did not arrive whole (over the limit, stalled, broken), is stored and
//! answered by hookcap itself in both modes: it is never passed on.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Body as _, Incoming};
use hyper::header::{CONNECTION, HeaderValue, RETRY_AFTER};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode, Version};

use super::forward::{Forwarder, RelayBody};
use super::head::{HeadQueue, take_head};
use super::shape::{self, ResponseShape};
use super::{Guard, Limits};
use crate::model::{Header, NewRequest, PENDING_STATUS, ResponseRecord, Timestamp};
use crate::sanitize::sanitize;
use crate::store::WriterHandle;

/// How stored requests are answered.
pub enum Responder {
    /// `listen`: the same configured answer for every request.
    Shape(ResponseShape),
    /// `forward`: pass the request on and relay the app's answer.
    Forward(Forwarder),
    /// Another room decides, request by request (the relay), using this
    /// module's building blocks ([`read_request`], [`store_then_answer`]).
    Routed(Arc<dyn Router>),
}

/// The answer a [`Router`] gives, once it is ready.
pub type Routed = Pin<Box<dyn Future<Output = Response<AnswerBody>> + Send>>;

/// Handles every request of a capture server whose [`Responder`] is
/// [`Responder::Routed`]; connections of such a server may be upgraded
/// (`hyper::upgrade::on`), and their heads are recorded with their bytes
/// ([`super::head::RawHead::raw`]).
pub trait Router: Send + Sync + 'static {
    /// Answers one request.
    fn route(
        &self,
        state: Arc<CaptureState>,
        conn: Arc<ConnInfo>,
        req: Request<Incoming>,
    ) -> Routed;
}

/// Everything a capture task needs; shared by all connections.
pub struct CaptureState {
    /// Where requests are stored.
    pub writer: WriterHandle,
    /// The session requests belong to.
    pub session_id: i64,
    /// How to answer.
    pub responder: Responder,
    /// Size and time limits.
    pub limits: Limits,
    /// Live signature, token and address checks.
    pub guard: Guard,
}

/// Per-connection facts the service needs.
pub struct ConnInfo {
    /// The peer address.
    pub remote: SocketAddr,
    /// The peer address as stored, formatted once per connection.
    pub remote_text: String,
    /// Heads recorded from this connection's bytes.
    pub heads: HeadQueue,
}

/// What the capture server answers with: a complete body, or the app's body
/// relayed as it arrives.
pub type AnswerBody = Either<Full<Bytes>, RelayBody>;

/// The most body memory reserved up front from a request's `Content-Length`.
const PREALLOCATE_MAX: u64 = 256 * 1024;

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEnd {
    /// The whole body arrived.
    Complete,
    /// It was longer than the limit; only the start was kept.
    OverLimit,
    /// The client went silent for too long.
    Stalled,
    /// The connection failed or the framing was broken.
    Broken,
}

/// The body as read: at most the limit, and how reading ended.
struct ReadBody {
    bytes: Vec<u8>,
    end: BodyEnd,
}

/// What became of a request once read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Served normally: the configured answer, or passed on to the app.
    Serve,
    /// Refused by the guard (`401`/`403`); the record holds the refusal.
    Rejected,
    /// The body did not arrive whole (`413`/`408`/`400`); the record holds the
    /// refusal and the connection is closed afterwards.
    Incomplete,
}

/// Captures one request and answers it. Never answers 2xx unless the request
/// was committed to the store.
pub async fn handle(
    state: Arc<CaptureState>,
    conn: Arc<ConnInfo>,
    req: Request<Incoming>,
) -> Result<Response<AnswerBody>, std::convert::Infallible> {
    if let Responder::Routed(router) = &state.responder {
        let router = router.clone();
        return Ok(router.route(state, conn, req).await);
    }
    let (parts, body) = req.into_parts();
    let Captured {
        request, verdict, ..
    } = read_request(&state, &conn, &parts, body).await;
    let res = match (&state.responder, verdict) {
        (Responder::Forward(forwarder), Verdict::Serve) => {
            forwarder
                .forward(&state.writer, parts, request, conn.remote)
                .await
        }
        _ => store_then_answer(&state, request, verdict).await,
    };
    Ok(res)
}

/// A request as read and checked.
pub struct Captured {
    /// The record to store.
    pub request: NewRequest,
    /// What became of it.
    pub verdict: Verdict,
    /// The head's bytes as read, on a connection that keeps them
    /// ([`Responder::Routed`]) and when the head recorder followed the
    /// connection; otherwise empty.
    pub raw_head: Vec<u8>,
}

/// Reads the head and body into a request record and runs the guard's checks.
/// Unless the verdict is [`Verdict::Serve`], the record already holds
/// hookcap's refusal.
pub async fn read_request(
    state: &CaptureState,
    conn: &ConnInfo,
    parts: &Parts,
    body: Incoming,
) -> Captured {
    let received_at = Timestamp::now();
    let (target, headers, raw_head) =
        match take_head(&conn.heads, parts.method.as_str(), &parts.uri) {
            Some(head) => (head.target, head.headers, head.raw),
            None => {
                let headers = parts
                    .headers
                    .iter()
                    .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
                    .collect();
                (parts.uri.to_string(), headers, Vec::new())
            }
        };
    let body = read_body(body, &state.limits).await;
    let response = match body.end {
        BodyEnd::Complete => state.responder.first_record(),
        BodyEnd::OverLimit => shape::plain_record(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body exceeds hookcap's --max-body limit\n",
        ),
        BodyEnd::Stalled => {
            shape::plain_record(StatusCode::REQUEST_TIMEOUT, "request body stalled\n")
        }
        BodyEnd::Broken => {
            shape::plain_record(StatusCode::BAD_REQUEST, "request body could not be read\n")
        }
    };
    let incomplete = body.end != BodyEnd::Complete;
    let mut request = NewRequest {
        session_id: state.session_id,
        received_at,
        method: parts.method.as_str().to_owned(),
        target,
        http_version: version_str(parts.version).to_owned(),
        remote_addr: conn.remote_text.clone(),
        headers,
        body: body.bytes,
        truncated: incomplete,
        response,
        signature: None,
        rejected: None,
    };
    let mut verdict = if incomplete {
        Verdict::Incomplete
    } else {
        Verdict::Serve
    };
    if !state.guard.is_empty() {
        let judgement = state.guard.judge(&request, conn.remote.ip());
        request.signature = judgement.signature;
        if let (Some((status, why)), false) = (judgement.rejected, incomplete) {
            request.response =
                shape::plain_record(status, &format!("rejected by hookcap: {why}\n"));
            request.rejected = Some(why);
            verdict = Verdict::Rejected;
        }
    }
    Captured {
        request,
        verdict,
        raw_head,
    }
}

impl Responder {
    /// The answer a request is stored with: final for `listen`, pending for
    /// `forward` (and for a router, which answers on its own).
    fn first_record(&self) -> ResponseRecord {
        match self {
            Self::Shape(shape) => shape.record(),
            Self::Forward(_) | Self::Routed(_) => ResponseRecord {
                status: PENDING_STATUS,
                headers: Vec::new(),
                body: Vec::new(),
            },
        }
    }
}

/// Stores `request` and answers with its recorded response: after the
/// configured delay for a shaped `listen` answer, with the connection closed
/// for a body that was not read to the end.
pub async fn store_then_answer(
    state: &CaptureState,
    request: NewRequest,
    verdict: Verdict,
) -> Response<AnswerBody> {
    let record = request.response.clone();
    match state.writer.insert(request).await {
        Ok(id) => {
            tracing::debug!(id, status = record.status, "stored");
            if let (Responder::Shape(shape), Verdict::Serve) = (&state.responder, verdict)
                && !shape.delay.is_zero()
            {
                tokio::time::sleep(shape.delay).await;
            }
            let mut res = shape::build(&record);
            if verdict == Verdict::Incomplete {
                res.headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            res.map(Either::Left)
        }
        Err(e) => unavailable(&e),
    }
}

/// The answer when a request could not be stored: `503`, retry later.
pub fn unavailable(e: &dyn std::fmt::Display) -> Response<AnswerBody> {
    tracing::error!("{}", sanitize(&e.to_string()));
    let mut res = shape::plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "hookcap could not store this request; retry later\n",
    );
    res.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    res.map(Either::Left)
}

/// Reads the body up to `limits.max_body` bytes, giving up on a client that
/// stalls for `limits.body_idle_timeout`.
async fn read_body(mut body: Incoming, limits: &Limits) -> ReadBody {
    let max = usize::try_from(limits.max_body).unwrap_or(usize::MAX);
    // Trust the announced length only so far: a sender could announce 16 MiB and send nothing.
    let reserve = body
        .size_hint()
        .lower()
        .min(limits.max_body)
        .min(PREALLOCATE_MAX);
    let mut bytes = Vec::with_capacity(reserve as usize);
    let end = loop {
        let frame = match tokio::time::timeout(limits.body_idle_timeout, body.frame()).await {
            Err(_) => break BodyEnd::Stalled,
            Ok(None) => break BodyEnd::Complete,
            Ok(Some(Err(e))) => {
                tracing::debug!("body read failed: {e}");
                break BodyEnd::Broken;
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let room = max.saturating_sub(bytes.len());
        if data.len() > room {
            bytes.extend_from_slice(&data[..room]);
            break BodyEnd::OverLimit;
        }
        bytes.extend_from_slice(&data);
    };
    ReadBody { bytes, end }
}

fn version_str(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}
