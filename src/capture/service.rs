//! Handling one request: read it, store it, then answer.
//!
//! Reading and storing are the same in every mode; only the answer differs,
//! as the [`Responder`] says: `listen` answers with the configured
//! [`ResponseShape`], `forward` passes the stored request on to the app and
//! answers with what the app said.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Body as _, Incoming};
use hyper::header::{CONNECTION, HeaderValue, RETRY_AFTER};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode, Version};

use super::Limits;
use super::forward::{Forwarder, RelayBody};
use super::head::{HeadQueue, take_head};
use super::shape::{self, ResponseShape};
use crate::model::{Header, NewRequest, PENDING_STATUS, ResponseRecord, Timestamp};
use crate::render::sanitize;
use crate::store::WriterHandle;

/// How stored requests are answered.
pub enum Responder {
    /// `listen`: the same configured answer for every request.
    Shape(ResponseShape),
    /// `forward`: pass the request on and relay the app's answer.
    Forward(Forwarder),
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
}

/// Per-connection facts the service needs.
pub struct ConnInfo {
    /// The peer address.
    pub remote: SocketAddr,
    /// Heads recorded from this connection's bytes.
    pub heads: HeadQueue,
}

/// What the capture server answers with: a complete body, or the app's body
/// relayed as it arrives.
pub type AnswerBody = Either<Full<Bytes>, RelayBody>;

/// The most body memory reserved up front from a request's `Content-Length`.
const PREALLOCATE_MAX: u64 = 256 * 1024;

/// The body as read: at most the limit, and whether more was sent.
struct ReadBody {
    bytes: Vec<u8>,
    over_limit: bool,
    broken: bool,
}

/// Captures one request and answers it. Never answers 2xx unless the request
/// was committed to the store.
pub async fn handle(
    state: Arc<CaptureState>,
    conn: Arc<ConnInfo>,
    req: Request<Incoming>,
) -> Result<Response<AnswerBody>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let (request, refused) = read_request(&state, &conn, &parts, body).await;
    let res = match &state.responder {
        Responder::Forward(forwarder) if !refused => {
            forwarder
                .forward(&state.writer, parts, request, conn.remote)
                .await
        }
        Responder::Forward(_) => store_then_answer(&state, request, true).await,
        Responder::Shape(_) => store_then_answer(&state, request, refused).await,
    };
    Ok(res)
}

/// Reads the head and body into a request record. The second value is true
/// when the body was too large or broken: then the record already holds the
/// refusal (`413`/`400`) and the request is not served normally.
async fn read_request(
    state: &CaptureState,
    conn: &ConnInfo,
    parts: &Parts,
    body: Incoming,
) -> (NewRequest, bool) {
    let received_at = Timestamp::now();
    let hyper_target = parts.uri.to_string();
    let (target, headers) = match take_head(&conn.heads, parts.method.as_str(), &hyper_target) {
        Some(head) => (head.target, head.headers),
        None => {
            let headers = parts
                .headers
                .iter()
                .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
                .collect();
            (hyper_target, headers)
        }
    };
    let body = read_body(body, state.limits.max_body).await;
    let response = if body.over_limit {
        too_large_record()
    } else if body.broken {
        shape::plain_record(StatusCode::BAD_REQUEST, "request body could not be read\n")
    } else {
        state.responder.first_record()
    };
    let request = NewRequest {
        session_id: state.session_id,
        received_at,
        method: parts.method.as_str().to_owned(),
        target,
        http_version: version_str(parts.version).to_owned(),
        remote_addr: conn.remote.to_string(),
        headers,
        body: body.bytes,
        truncated: body.over_limit || body.broken,
        response,
    };
    (request, body.over_limit || body.broken)
}

impl Responder {
    /// The answer a request is stored with: final for `listen`, pending for `forward`.
    fn first_record(&self) -> ResponseRecord {
        match self {
            Self::Shape(shape) => shape.record(),
            Self::Forward(_) => ResponseRecord {
                status: PENDING_STATUS,
                headers: Vec::new(),
                body: Vec::new(),
            },
        }
    }
}

/// Stores `request` and answers with its recorded response (after the
/// configured delay, for successful `listen` answers). `close` ends the
/// connection afterwards, for requests whose body was not read to the end.
async fn store_then_answer(
    state: &CaptureState,
    request: NewRequest,
    close: bool,
) -> Response<AnswerBody> {
    let record = request.response.clone();
    match state.writer.insert(request).await {
        Ok(id) => {
            tracing::debug!(id, status = record.status, "stored");
            if let Responder::Shape(shape) = &state.responder
                && record.status < 400
                && !shape.delay.is_zero()
            {
                tokio::time::sleep(shape.delay).await;
            }
            let mut res = shape::build(&record);
            if close {
                res.headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            res.map(Either::Left)
        }
        Err(e) => unavailable(&e),
    }
}

/// The answer when a request could not be stored: `503`, retry later.
pub(super) fn unavailable(e: &dyn std::fmt::Display) -> Response<AnswerBody> {
    tracing::error!("{}", sanitize(&e.to_string()));
    let mut res = shape::plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "hookcap could not store this request; retry later\n",
    );
    res.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    res.map(Either::Left)
}

fn too_large_record() -> ResponseRecord {
    shape::plain_record(
        StatusCode::PAYLOAD_TOO_LARGE,
        "request body exceeds hookcap's --max-body limit\n",
    )
}

async fn read_body(mut body: Incoming, max: u64) -> ReadBody {
    // Trust the announced length only so far: a sender could announce 16 MiB and send nothing.
    let mut bytes =
        Vec::with_capacity(body.size_hint().lower().min(max).min(PREALLOCATE_MAX) as usize);
    loop {
        match body.frame().await {
            None => {
                return ReadBody {
                    bytes,
                    over_limit: false,
                    broken: false,
                };
            }
            Some(Err(e)) => {
                tracing::debug!("body read failed: {e}");
                return ReadBody {
                    bytes,
                    over_limit: false,
                    broken: true,
                };
            }
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                let room = (max as usize).saturating_sub(bytes.len());
                if data.len() > room {
                    bytes.extend_from_slice(&data[..room]);
                    return ReadBody {
                        bytes,
                        over_limit: true,
                        broken: false,
                    };
                }
                bytes.extend_from_slice(&data);
            }
        }
    }
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
