//! Handling one request: read it, store it, then answer.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode, Version};

use super::head::{HeadQueue, take_head};
use super::shape::{self, ResponseShape};
use super::{Guard, Limits};
use crate::model::{Header, NewRequest, Timestamp};
use crate::render::sanitize;
use crate::store::WriterHandle;

/// Everything a capture task needs; shared by all connections.
pub struct CaptureState {
    /// Where requests are stored.
    pub writer: WriterHandle,
    /// The session requests belong to.
    pub session_id: i64,
    /// What to answer.
    pub shape: ResponseShape,
    /// Size and time limits.
    pub limits: Limits,
    /// Live signature, token and address checks.
    pub guard: Guard,
}

/// Per-connection facts the service needs.
pub struct ConnInfo {
    /// The peer address.
    pub remote: SocketAddr,
    /// Heads recorded from this connection's bytes.
    pub heads: HeadQueue,
}

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyEnd {
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

/// Captures one request and answers it. Never answers 2xx unless the request
/// was committed to the store.
pub async fn handle(
    state: Arc<CaptureState>,
    conn: Arc<ConnInfo>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let received_at = Timestamp::now();
    let (parts, body) = req.into_parts();
    let hyper_target = parts.uri.to_string();
    let head = take_head(&conn.heads, parts.method.as_str(), &hyper_target);
    let headers = match &head {
        Some(h) => h.headers.clone(),
        None => parts
            .headers
            .iter()
            .map(|(n, v)| Header::new(n.as_str(), v.as_bytes()))
            .collect(),
    };
    let body = read_body(body, &state.limits).await;
    let response = match body.end {
        BodyEnd::Complete => state.shape.record(),
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
        target: head.map_or(hyper_target, |h| h.target),
        http_version: version_str(parts.version).to_owned(),
        remote_addr: conn.remote.to_string(),
        headers,
        body: body.bytes,
        truncated: incomplete,
        response,
        signature: None,
        rejected: None,
    };
    if !state.guard.is_empty() {
        let judgement = state.guard.judge(&request, conn.remote.ip());
        request.signature = judgement.signature;
        if let (Some((status, why)), false) = (judgement.rejected, incomplete) {
            request.response =
                shape::plain_record(status, &format!("rejected by hookcap: {why}\n"));
            request.rejected = Some(why);
        }
    }
    let status = request.response.status;
    let shaped = !incomplete && request.rejected.is_none();
    let record = request.response.clone();
    match state.writer.insert(request).await {
        Ok(id) => {
            tracing::debug!(id, status, "stored");
            if shaped && !state.shape.delay.is_zero() {
                tokio::time::sleep(state.shape.delay).await;
            }
            let mut res = shape::build(&record);
            if incomplete {
                res.headers_mut().insert(
                    hyper::header::CONNECTION,
                    hyper::header::HeaderValue::from_static("close"),
                );
            }
            Ok(res)
        }
        Err(e) => {
            tracing::error!("{}", sanitize(&e.to_string()));
            let mut res = shape::plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "hookcap could not store this request; retry later\n",
            );
            res.headers_mut().insert(
                hyper::header::RETRY_AFTER,
                hyper::header::HeaderValue::from_static("1"),
            );
            Ok(res)
        }
    }
}

/// Reads the body up to `limits.max_body` bytes, giving up on a client that
/// stalls for `limits.body_idle_timeout`.
async fn read_body(mut body: Incoming, limits: &Limits) -> ReadBody {
    let max = usize::try_from(limits.max_body).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
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
