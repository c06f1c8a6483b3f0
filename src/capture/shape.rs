//! What the listener answers: the configurable response, for testing how a
//! sender reacts to statuses, bodies, headers and slowness.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};

use crate::model::{AnswerUsed, Header, HookIdentity, NewRequest, PENDING_STATUS, ResponseRecord};
use crate::rules::{Fault, RuleBook};
use crate::sanitize::sanitize;

/// The response every successfully stored request gets, unless a rule
/// answers it.
#[derive(Debug, Clone)]
pub struct ResponseShape {
    /// Status code (default 200).
    pub status: StatusCode,
    /// Extra headers, in order.
    pub headers: Vec<Header>,
    /// Body bytes (default empty).
    pub body: Bytes,
    /// Wait this long after storing, before answering.
    pub delay: Duration,
    /// `--respond`/`--rules`: answers for the requests they match; the
    /// fields above answer the rest.
    pub rules: Option<Arc<RuleBook>>,
}

impl Default for ResponseShape {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
            rules: None,
        }
    }
}

/// How one request is answered once it is stored.
#[derive(Debug, Clone)]
pub struct Answer {
    /// What is sent (and stored); a `{{id}}` body still lacks the id.
    pub record: ResponseRecord,
    /// Where the request id goes in `record.body`.
    pub id_at: Vec<usize>,
    /// Wait this long after storing.
    pub delay: Duration,
    /// Drop or hang instead of answering.
    pub fault: Option<Fault>,
    /// The rule that chose it, if one did.
    pub used: Option<AnswerUsed>,
}

impl ResponseShape {
    /// The record of this answer, as stored with each request.
    pub fn record(&self) -> ResponseRecord {
        ResponseRecord {
            status: self.status.as_u16(),
            headers: self.headers.clone(),
            body: self.body.to_vec(),
        }
    }
}

impl ResponseShape {
    /// The answer for `request` (identified as `identity`): a rule's, or the
    /// configured one. Hands the request back.
    pub fn answer(
        &self,
        request: NewRequest,
        identity: Option<&HookIdentity>,
    ) -> (NewRequest, Answer) {
        let default = Answer {
            record: self.record(),
            id_at: Vec::new(),
            delay: self.delay,
            fault: None,
            used: None,
        };
        let Some(book) = &self.rules else {
            return (request, default);
        };
        let (request, decision) = book.decide(request, identity);
        let Some(d) = decision else {
            return (request, default);
        };
        let step = d.step;
        let body = d.body.unwrap_or_default();
        let record = match (step.fault, step.status) {
            (Some(_), _) => ResponseRecord {
                status: PENDING_STATUS,
                headers: Vec::new(),
                body: Vec::new(),
            },
            (None, Some(status)) => ResponseRecord {
                status,
                headers: step.headers.clone(),
                body: body.bytes,
            },
            (None, None) => {
                let mut record = default.record;
                record.headers.extend(step.headers.iter().cloned());
                if step.body.is_some() {
                    record.body = body.bytes;
                }
                record
            }
        };
        let delay = match (step.delay.is_zero(), step.status) {
            (true, None) => self.delay,
            _ => step.delay,
        };
        let answer = Answer {
            record,
            id_at: body.id_at,
            delay,
            fault: step.fault,
            used: Some(d.used),
        };
        (request, answer)
    }
}

/// Builds the hyper response for a record. Header names and values were
/// validated when the shape was configured; any that are not valid are skipped.
pub fn build(record: &ResponseRecord) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(record.status);
    for h in &record.headers {
        builder = builder.header(h.name.as_str(), h.value.as_slice());
    }
    builder
        .body(Full::new(Bytes::from(record.body.clone())))
        .unwrap_or_else(|_| {
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "invalid response configured\n",
            )
        })
}

/// The record of a small text answer that needs no configuration (errors, limits).
pub fn plain_record(status: StatusCode, text: &str) -> ResponseRecord {
    ResponseRecord {
        status: status.as_u16(),
        headers: vec![Header::new("Content-Type", "text/plain; charset=utf-8")],
        body: text.as_bytes().to_vec(),
    }
}

/// A small text response that needs no configuration (errors, limits).
pub fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    build(&plain_record(status, text))
}

/// The answer when a request could not be stored: `503`, retry later.
pub fn unavailable(e: &dyn std::fmt::Display) -> Response<Full<Bytes>> {
    tracing::error!("{}", sanitize(&e.to_string()));
    let mut res = plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "hookcap could not store this request; retry later\n",
    );
    res.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    res
}
