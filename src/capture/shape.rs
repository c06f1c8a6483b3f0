//! What the listener answers: the configurable response, for testing how a
//! sender reacts to statuses, bodies, headers and slowness.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};

use crate::model::{Header, ResponseRecord};
use crate::render::sanitize;

/// The response every successfully stored request gets.
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
}

impl Default for ResponseShape {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
        }
    }
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
