//! Handling one request: read it, check it, store it, then answer.
//!
//! Reading, checking and storing are the same in every mode; only the answer
//! differs, as the [`Responder`] says: `listen` answers with the configured
//! [`ResponseShape`], `forward` passes the stored request on to the app and
//! answers with what the app said. A request the [`Guard`] rejects, or whose
//! body did not arrive whole (over the limit, stalled, broken), is stored and
//! answered by hookcap itself in both modes: it is never passed on. Nor is
//! one that has come back to a forwarder through a loop (`508`, see
//! [`super::loops`]).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Either;
use hyper::body::{Body, Incoming};
use hyper::header::{CONNECTION, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode, Version};

use super::body::{BodyEnd, read_body};
use super::budget::{BodyBudget, Held};
use super::conns::{Conn, InFlight};
use super::forward::Forwarder;
use super::head::{HeadQueue, MAX_HEAD_BYTES, take_head, take_refused};
use super::relay::AnswerBody;
use super::shape::{self, ResponseShape};
use super::{Guard, Limits};
use crate::model::{
    CaptureNotes, Header, NewRequest, PENDING_STATUS, ResponseRecord, Timestamp, fill_id,
};
use crate::rules::Fault;
use crate::sign::identity::identify;
use crate::store::WriterHandle;

/// How stored requests are answered.
pub enum Responder {
    /// `listen`: the same configured answer for every request.
    Shape(ResponseShape),
    /// `forward`: pass the request on and relay the app's answer.
    Forward(Forwarder),
    /// Another room decides, request by request (the relay), using this
    /// module's building blocks ([`read_checked`], [`store_then_answer`]).
    Routed(Arc<dyn Router>),
}

/// The answer a [`Router`] gives, once it is ready.
pub type Routed = Pin<Box<dyn Future<Output = Result<Response<AnswerBody>, Withheld>> + Send>>;

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
    /// The memory all bodies in flight may hold together.
    pub bodies: BodyBudget,
}

/// Per-connection facts the service needs.
pub struct ConnInfo {
    /// The peer address.
    pub remote: SocketAddr,
    /// The peer address as stored, formatted once per connection.
    pub remote_text: String,
    /// Heads recorded from this connection's bytes.
    pub heads: HeadQueue,
    /// The connection's entry in the connection cap.
    pub conn: Arc<Conn>,
}

/// The most header fields hyper parses in one head (its default, which the
/// capture server keeps); a head with more is answered `431` (and stored,
/// marked).
pub const MAX_HEADER_FIELDS: usize = 100;

/// The longest request target hyper accepts (`414` beyond).
const MAX_TARGET_LEN: usize = 65_534;

/// What became of a request once read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Served normally: the configured answer, or passed on to the app.
    Serve,
    /// Refused by the guard (`401`/`403`), or come back through a forward
    /// loop (`508`); the record holds the refusal.
    Rejected,
    /// The body did not arrive whole (`413`/`408`/`400`); the record holds the
    /// refusal and the connection is closed afterwards.
    Incomplete,
    /// The head is not valid HTTP/1.1 (see [`super::head`]): answered `400`
    /// without reading a body, and the connection is closed, so nothing after
    /// it is read as a request.
    Malformed,
}

impl Verdict {
    /// True when the connection must close after the answer.
    fn closes(self) -> bool {
        matches!(self, Self::Incomplete | Self::Malformed)
    }
}

/// The error that makes hyper close a connection without answering: a
/// `drop` or `hang` rule withheld the answer.
#[derive(Debug, thiserror::Error)]
#[error("no answer: a {0} rule withheld it")]
pub struct Withheld(pub &'static str);

/// How long a `hang` rule keeps the sender waiting at most before the
/// connection is closed without an answer.
pub const HANG_LIMIT: Duration = Duration::from_secs(3600);

/// Captures one request and answers it. Never answers 2xx unless the request
/// was committed to the store.
pub async fn handle(
    state: Arc<CaptureState>,
    conn: Arc<ConnInfo>,
    req: Request<Incoming>,
) -> Result<Response<Answering<AnswerBody>>, Withheld> {
    let in_flight = conn.conn.request_started();
    if let Responder::Routed(router) = &state.responder {
        let router = router.clone();
        let res = router.route(state, conn, req).await?;
        return Ok(res.map(|body| Answering {
            body,
            _in_flight: in_flight,
        }));
    }
    let (parts, body) = req.into_parts();
    let (request, verdict, _held) = read_request(&state, &conn, &parts, body).await;
    in_flight.busy();
    let res = match (&state.responder, verdict) {
        (Responder::Forward(forwarder), Verdict::Serve) => {
            forwarder
                .forward(&state.writer, *request, conn.remote)
                .await
        }
        _ => store_then_answer(&state, request, verdict).await?,
    };
    Ok(res.map(|body| Answering {
        body,
        _in_flight: in_flight,
    }))
}

/// An answer's body, holding its request [`InFlight`] until hyper has
/// written all of it (or dropped it with the connection).
pub struct Answering<B> {
    body: B,
    _in_flight: InFlight,
}

impl<B: Body + Unpin> Body for Answering<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<B::Data>, B::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Reads the head and body into a request record and runs the guard's checks.
/// Unless the verdict is [`Verdict::Serve`], the record already holds
/// hookcap's refusal. The body's share of the budget is held until the
/// returned [`Held`] is dropped, once the request is stored and answered.
async fn read_request<'a>(
    state: &'a CaptureState,
    conn: &ConnInfo,
    parts: &Parts,
    body: Incoming,
) -> (Box<NewRequest>, Verdict, Held<'a>) {
    let checks = Checks {
        guard: &state.guard,
        answer: state.responder.first_record(),
    };
    let read = read_checked(state, conn, (parts, body), checks).await;
    (read.request, read.verdict, read.held)
}

/// The checks and first answer a request is read with: the server's own, or
/// (for a [`Router`]) those of where the request is going.
pub struct Checks<'g> {
    /// Live signature, token and address checks.
    pub guard: &'g Guard,
    /// The answer the request is stored with when it is served.
    pub answer: ResponseRecord,
}

/// A request as read and checked, for a [`Router`].
pub struct Captured<'a> {
    /// The record to store; unless the verdict is [`Verdict::Serve`] it
    /// holds hookcap's refusal. Boxed once where it is made: it is moved
    /// through several futures on its way to the store.
    pub request: Box<NewRequest>,
    /// What became of it.
    pub verdict: Verdict,
    /// The head's bytes as read, on a connection that keeps them (a routed
    /// server's) and when the head recorder followed the connection;
    /// otherwise empty.
    pub raw_head: Vec<u8>,
    /// The body's share of the server's body budget, until dropped.
    pub held: Held<'a>,
}

/// Reads the head and body of a request with `checks`: the building block of
/// every capture, and of a [`Router`].
pub async fn read_checked<'a>(
    state: &'a CaptureState,
    conn: &ConnInfo,
    (parts, body): (&Parts, Incoming),
    checks: Checks<'_>,
) -> Captured<'a> {
    let (mut request, malformed, raw_head) = request_head(state, conn, parts);
    if let Some(why) = malformed {
        // Its body's framing is unknown: nothing more is read.
        let why = format!("malformed request head: {why}");
        request.truncated = announces_body(&request.headers);
        request.response = shape::plain_record(StatusCode::BAD_REQUEST, &format!("{why}\n"));
        request.rejected = Some(why);
        return Captured {
            request,
            verdict: Verdict::Malformed,
            raw_head,
            held: state.bodies.start(),
        };
    }
    let body = read_body(body, &state.limits, &state.bodies).await;
    let incomplete = body.end != BodyEnd::Complete;
    let (response, refused) = body
        .end
        .refusal(&state.bodies)
        .unwrap_or((checks.answer, None));
    request.body = body.bytes;
    request.truncated = incomplete;
    request.response = response;
    request.rejected = refused;
    let verdict = match (
        judge(checks.guard, conn, &mut request, incomplete),
        &state.responder,
    ) {
        (Verdict::Serve, Responder::Forward(f)) if f.refuse_loop(&mut request) => Verdict::Rejected,
        (verdict, _) => verdict,
    };
    Captured {
        request,
        verdict,
        raw_head,
        held: body.held,
    }
}

/// The record of a request's head (as the tap recorded it, else hyper's
/// view), with no body yet, why the head is malformed if it is, and its
/// bytes when the tap kept them.
fn request_head(
    state: &CaptureState,
    conn: &ConnInfo,
    parts: &Parts,
) -> (Box<NewRequest>, Option<String>, Vec<u8>) {
    let received_at = Timestamp::now();
    // A head too long to record whole is taken from hyper, which has all of it.
    let head = take_head(&conn.heads, parts.method.as_str(), &parts.uri).filter(|h| !h.truncated);
    let malformed = head.as_ref().and_then(|h| h.malformed.clone());
    let version = version_str(parts.version);
    // The tap's method is hyper's (`take_head` checked), and its version
    // as sent is hyper's whenever hyper accepted it: both are taken as
    // they are rather than copied again.
    let (method, target, http_version, headers, raw) = match head {
        Some(head) => {
            let http_version = match head.version == version {
                true => head.version,
                false => version.to_owned(),
            };
            (
                head.method,
                head.target,
                http_version,
                head.headers,
                head.raw,
            )
        }
        None => {
            let headers = parts
                .headers
                .iter()
                .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
                .collect();
            let method = parts.method.as_str().to_owned();
            (
                method,
                parts.uri.to_string(),
                version.to_owned(),
                headers,
                Vec::new(),
            )
        }
    };
    let request = Box::new(NewRequest {
        session_id: state.session_id,
        received_at,
        method,
        target,
        http_version,
        remote_addr: conn.remote_text.clone(),
        headers,
        body: Vec::new(),
        truncated: false,
        response: state.responder.first_record(),
        signature: None,
        rejected: None,
    });
    (request, malformed, raw)
}

/// Runs the guard's checks: the signature verdict is always recorded; a
/// rejection replaces the answer, unless the body was already refused.
fn judge(guard: &Guard, conn: &ConnInfo, request: &mut NewRequest, incomplete: bool) -> Verdict {
    let fallback = if incomplete {
        Verdict::Incomplete
    } else {
        Verdict::Serve
    };
    if guard.is_empty() {
        return fallback;
    }
    let judgement = guard.judge(request, conn.remote.ip());
    request.signature = judgement.signature;
    match judgement.rejected {
        Some((status, why)) if !incomplete => {
            request.response =
                shape::plain_record(status, &format!("rejected by hookcap: {why}\n"));
            request.rejected = Some(why);
            Verdict::Rejected
        }
        _ => fallback,
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

/// Stores `request` with what it is as a webhook, and answers with its
/// recorded response: for a served `listen` request the answer a rule or the
/// configuration gives (after its delay; a `drop` or `hang` withholds it),
/// with the connection closed for a body that was not read to the end.
pub async fn store_then_answer(
    state: &CaptureState,
    mut request: Box<NewRequest>,
    verdict: Verdict,
) -> Result<Response<AnswerBody>, Withheld> {
    let identity = identify(&request.headers, &request.body);
    let mut answer = match (&state.responder, verdict) {
        (Responder::Shape(shape), Verdict::Serve) => {
            let (back, mut answer) = shape.answer(*request, identity.as_ref());
            *request = back;
            let empty = ResponseRecord {
                status: answer.record.status,
                headers: Vec::new(),
                body: Vec::new(),
            };
            request.response = std::mem::replace(&mut answer.record, empty);
            Some(answer)
        }
        _ => None,
    };
    let mut record = request.response.clone();
    let notes = CaptureNotes {
        identity,
        answer: answer.as_mut().and_then(|a| a.used.take()),
        response_id_at: answer.as_ref().map(|a| a.id_at.clone()).unwrap_or_default(),
    };
    let id = match state.writer.insert_noted(request, notes).await {
        Ok(id) => id,
        Err(e) => return Ok(shape::unavailable(&e).map(Either::Left)),
    };
    tracing::debug!(id, status = record.status, "stored");
    if let Some(answer) = answer {
        if !answer.delay.is_zero() {
            tokio::time::sleep(answer.delay).await;
        }
        match answer.fault {
            Some(Fault::Drop) => return Err(Withheld("drop")),
            Some(Fault::Hang) => {
                tokio::time::sleep(HANG_LIMIT).await;
                return Err(Withheld("hang"));
            }
            None => {}
        }
        if !answer.id_at.is_empty() {
            record.body = fill_id(&record.body, &answer.id_at, id);
        }
    }
    let mut res = shape::build(&record);
    if verdict.closes() {
        res.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(res.map(Either::Left))
}

/// Stores the head hyper refused to parse (it has already answered `400`,
/// `414` or `431` and is closing the connection), marked with why, so the
/// user sees what was sent. Nothing if the tap could not record it either.
pub(super) async fn store_refused(state: &CaptureState, conn: &ConnInfo, err: &hyper::Error) {
    let Some(head) = take_refused(&conn.heads) else {
        return;
    };
    let (status, why) = if !err.is_parse_too_large() {
        let why = head.malformed.clone();
        (
            400,
            why.unwrap_or_else(|| format!("malformed request: {err}")),
        )
    } else if head.target.len() > MAX_TARGET_LEN {
        (
            414,
            format!("request target longer than {MAX_TARGET_LEN} bytes"),
        )
    } else if head.headers.len() > MAX_HEADER_FIELDS {
        let n = head.headers.len();
        (
            431,
            format!("{n} header fields, more than {MAX_HEADER_FIELDS}"),
        )
    } else {
        (
            431,
            format!("request head larger than {} KiB", MAX_HEAD_BYTES / 1024),
        )
    };
    let request = NewRequest {
        session_id: state.session_id,
        received_at: Timestamp::now(),
        method: head.method,
        target: head.target,
        http_version: head.version,
        remote_addr: conn.remote_text.clone(),
        truncated: head.truncated || announces_body(&head.headers),
        headers: head.headers,
        body: Vec::new(),
        // What hyper answered: the status, no headers of note, no body.
        response: ResponseRecord {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        },
        signature: None,
        rejected: Some(format!("refused by hookcap: {why}")),
    };
    if let Err(e) = state.writer.insert(request).await {
        tracing::warn!("a refused request could not be stored: {e}");
    }
}

/// True when a head says a body follows (which is then not read).
fn announces_body(headers: &[Header]) -> bool {
    headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("transfer-encoding")
            || (h.name.eq_ignore_ascii_case("content-length") && h.value_str().trim() != "0")
    })
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
