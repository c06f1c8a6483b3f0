//! The JSON form of captured data: what `show --json`, `ls --json`, `wait --json`,
//! the NDJSON stream of `listen --json`, `replay --json` (deliveries) and
//! `send --json-result` (bodies, headers) speak, and what `export` writes as
//! NDJSON and `import` reads back (HAR exports carry [`SignatureDoc`] too).
//!
//! Bytes that are not UTF-8 are never mangled: a body or header value that is
//! not valid UTF-8 is written as base64 and says so, so every document can be
//! turned back into the exact bytes ([`RequestDoc::to_request`] does, for import).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::model::{
    AnswerUsed, CapturedRequest, Delivery, DeliveryBrief, DeliveryKind, Header, HookFacts,
    NewRequest, RelayedFrom, RequestSummary, ResponseRecord, SignatureCheck, Timestamp, path_of,
};

/// A document that cannot be turned back into bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    /// Text that should be base64 is not.
    #[error("{0} is marked base64 but is not valid base64")]
    Base64(&'static str),
    /// An encoding other than `utf8` or `base64`.
    #[error("unknown body encoding {0:?} (expected utf8 or base64)")]
    Encoding(String),
    /// A time that is not RFC 3339.
    #[error("invalid time {0:?} (expected RFC 3339)")]
    Time(String),
}

/// A live signature verdict, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureDoc {
    /// The scheme checked.
    pub provider: String,
    /// `valid`, `invalid` or `unsigned`.
    pub outcome: String,
    /// One short line.
    pub reason: String,
}

impl SignatureDoc {
    /// The document of a stored verdict.
    pub fn of(s: &SignatureCheck) -> Self {
        Self {
            provider: s.provider.clone(),
            outcome: s.outcome.as_str().to_owned(),
            reason: s.reason.clone(),
        }
    }

    /// The verdict back, when its outcome is one this hookcap knows.
    pub fn to_check(&self) -> Option<SignatureCheck> {
        Some(SignatureCheck {
            provider: self.provider.clone(),
            outcome: crate::model::Outcome::parse(&self.outcome)?,
            reason: self.reason.clone(),
        })
    }
}

/// Bytes as JSON: UTF-8 text when possible, base64 otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyDoc {
    /// `utf8` or `base64`: how `data` encodes the bytes.
    pub encoding: String,
    /// The bytes, encoded as `encoding` says.
    pub data: String,
    /// The number of bytes.
    pub size: usize,
}

impl BodyDoc {
    /// Encodes `bytes`, as text if they are valid UTF-8.
    pub fn of(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self {
                encoding: "utf8".into(),
                data: text.into(),
                size: bytes.len(),
            },
            Err(_) => Self {
                encoding: "base64".into(),
                data: B64.encode(bytes),
                size: bytes.len(),
            },
        }
    }

    /// The bytes this document stands for.
    pub fn bytes(&self) -> Result<Vec<u8>, DocError> {
        match self.encoding.as_str() {
            "utf8" => Ok(self.data.clone().into_bytes()),
            "base64" => B64
                .decode(&self.data)
                .map_err(|_| DocError::Base64("a body")),
            other => Err(DocError::Encoding(other.to_owned())),
        }
    }
}

/// A header value as JSON: a string, or `{"base64": …}` for non-UTF-8 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HeaderValueDoc {
    /// A UTF-8 value.
    Text(String),
    /// Raw bytes that are not UTF-8.
    Bytes {
        /// The base64 of the value bytes.
        base64: String,
    },
}

impl HeaderValueDoc {
    /// The value bytes.
    pub fn bytes(&self) -> Result<Vec<u8>, DocError> {
        match self {
            Self::Text(s) => Ok(s.clone().into_bytes()),
            Self::Bytes { base64 } => B64
                .decode(base64)
                .map_err(|_| DocError::Base64("a header value")),
        }
    }
}

/// Headers back from their document form, order kept.
pub fn headers_from_doc(doc: &[(String, HeaderValueDoc)]) -> Result<Vec<Header>, DocError> {
    doc.iter()
        .map(|(name, value)| Ok(Header::new(name.clone(), value.bytes()?)))
        .collect()
}

/// Headers as an ordered list of `[name, value]` pairs.
pub fn headers_doc(headers: &[Header]) -> Vec<(String, HeaderValueDoc)> {
    headers
        .iter()
        .map(|h| {
            let value = match std::str::from_utf8(&h.value) {
                Ok(s) => HeaderValueDoc::Text(s.to_owned()),
                Err(_) => HeaderValueDoc::Bytes {
                    base64: B64.encode(&h.value),
                },
            };
            (h.name.clone(), value)
        })
        .collect()
}

/// What was answered, as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResponseDoc {
    /// Status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Vec<(String, HeaderValueDoc)>,
    /// Body bytes.
    pub body: BodyDoc,
}

impl ResponseDoc {
    /// The document of a response record.
    pub fn of(r: &ResponseRecord) -> Self {
        Self {
            status: r.status,
            headers: headers_doc(&r.headers),
            body: BodyDoc::of(&r.body),
        }
    }

    /// The response record back.
    pub fn to_record(&self) -> Result<ResponseRecord, DocError> {
        Ok(ResponseRecord {
            status: self.status,
            headers: headers_from_doc(&self.headers)?,
            body: self.body.bytes()?,
        })
    }
}

/// Everything captured about one request (`show --json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestDoc {
    /// Store id.
    pub id: i64,
    /// Session id.
    pub session_id: i64,
    /// Receive time, RFC 3339 UTC with microseconds.
    pub received_at: String,
    /// Method as sent.
    pub method: String,
    /// Raw request target.
    pub target: String,
    /// The target's path (derived from `target`; ignored when read back).
    #[serde(default)]
    pub path: String,
    /// The target's query, without `?`, if any (derived; ignored when read back).
    #[serde(default)]
    pub query: Option<String>,
    /// HTTP version.
    pub http_version: String,
    /// Peer address.
    pub remote_addr: String,
    /// Headers in arrival order, original case, duplicates kept.
    pub headers: Vec<(String, HeaderValueDoc)>,
    /// Body bytes as stored.
    pub body: BodyDoc,
    /// True when only the first `--max-body` bytes were kept.
    pub truncated: bool,
    /// What hookcap answered. For a request `forward` passed on, the status the
    /// caller got; the app's headers and body are in its forward delivery.
    pub response: ResponseDoc,
    /// Every time the request was forwarded or replayed, oldest first (written
    /// by `show --json` and `export`; an import does not bring deliveries back).
    #[serde(default, skip_deserializing)]
    pub deliveries: Vec<DeliveryDoc>,
    /// The live signature verdict, if `listen --verify` checked it.
    pub signature: Option<SignatureDoc>,
    /// Why a guard rejected it, if one did.
    pub rejected: Option<String>,
    /// What it is as a webhook (provider, event, delivery, attempt) and the
    /// rule that answered it; absent when none of that is known. Written,
    /// never read back: an import detects it again.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookDoc>,
    /// Where it came from, when it came through a relay (`listen --via`).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub via: Option<ViaDoc>,
}

/// Where a relayed request came from, as JSON (`show --json`, NDJSON, HAR's
/// `_hookcap.via`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViaDoc {
    /// The channel URL given to `--via`.
    pub url: String,
    /// The request's id on the relay.
    pub relay_id: i64,
    /// The relay database's instance id.
    pub relay_instance: String,
    /// The address that sent it to the relay.
    pub peer: String,
    /// When the relay received it, RFC 3339 UTC with microseconds.
    pub relay_received_at: String,
    /// SHA-256 of the head as the relay received it and the body, hex.
    pub sha256: String,
    /// True when the stored head and body still hash to `sha256`.
    pub identical: bool,
}

impl ViaDoc {
    /// The document of a relayed mark, checked against the stored `body`.
    pub fn of(mark: &RelayedFrom, body: &[u8]) -> Self {
        Self {
            url: mark.relay_url.clone(),
            relay_id: mark.relay_id,
            relay_instance: mark.relay_instance.clone(),
            peer: mark.peer.clone(),
            relay_received_at: mark.relay_received_at.rfc3339(),
            sha256: hex::encode(mark.sha256),
            identical: mark.is_identical(body),
        }
    }
}

impl RequestDoc {
    /// This document with what is known about the request as a webhook.
    pub fn with_hook(self, facts: Option<&HookFacts>) -> Self {
        Self {
            hook: facts.and_then(HookDoc::of),
            ..self
        }
    }

    /// This document with where the request came from, if it came through a relay.
    pub fn with_via(self, via: Option<ViaDoc>) -> Self {
        Self { via, ..self }
    }

    /// The document of a stored request and its deliveries.
    pub fn with_deliveries(r: &CapturedRequest, deliveries: &[Delivery]) -> Self {
        Self {
            deliveries: deliveries.iter().map(DeliveryDoc::of).collect(),
            ..Self::of(r)
        }
    }

    /// The document of a stored request, without its deliveries.
    pub fn of(r: &CapturedRequest) -> Self {
        Self {
            id: r.id,
            session_id: r.session_id,
            received_at: r.received_at.rfc3339(),
            method: r.method.clone(),
            target: r.target.clone(),
            path: path_of(&r.target).to_owned(),
            query: r.target.split_once('?').map(|(_, q)| q.to_owned()),
            http_version: r.http_version.clone(),
            remote_addr: r.remote_addr.clone(),
            headers: headers_doc(&r.headers),
            body: BodyDoc::of(&r.body),
            truncated: r.truncated,
            response: ResponseDoc::of(&r.response),
            deliveries: Vec::new(),
            signature: r.signature.as_ref().map(SignatureDoc::of),
            rejected: r.rejected.clone(),
            hook: None,
            via: None,
        }
    }

    /// The request this document describes, for `session_id` (ids are the
    /// store's to give, so the document's own are not kept).
    pub fn to_request(&self, session_id: i64) -> Result<NewRequest, DocError> {
        let received_at = humantime::parse_rfc3339_weak(&self.received_at)
            .map(Timestamp::from_system_time)
            .map_err(|_| DocError::Time(self.received_at.clone()))?;
        Ok(NewRequest {
            session_id,
            received_at,
            method: self.method.clone(),
            target: self.target.clone(),
            http_version: self.http_version.clone(),
            remote_addr: self.remote_addr.clone(),
            headers: headers_from_doc(&self.headers)?,
            body: self.body.bytes()?,
            truncated: self.truncated,
            response: self.response.to_record()?,
            signature: self.signature.as_ref().and_then(SignatureDoc::to_check),
            rejected: self.rejected.clone(),
        })
    }
}

/// What a request is as a webhook, as JSON (`show --json`, `ls --json`,
/// NDJSON and HAR exports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookDoc {
    /// `github`, `stripe`, …, or `generic`; null when only a rule is known.
    pub provider: Option<String>,
    /// The event, e.g. `pull_request.opened`.
    pub event: Option<String>,
    /// The provider's delivery id.
    pub delivery: Option<String>,
    /// The provider's retry marker, e.g. `retry 1 (http_timeout)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<String>,
    /// Its place among the delivery's attempts, when it has a delivery id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<AttemptDoc>,
    /// The `--respond` rule that answered it, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<AnswerUsed>,
}

/// A request's place among the attempts of its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttemptDoc {
    /// Its attempt number, from 1.
    pub number: u32,
    /// How many attempts are stored.
    pub of: u32,
    /// Milliseconds since the previous attempt; null for the first.
    pub since_previous_ms: Option<u64>,
    /// True when an earlier attempt was answered 2xx.
    pub dup: bool,
}

impl HookDoc {
    /// The document of a request's webhook facts, if there are any.
    pub fn of(f: &HookFacts) -> Option<Self> {
        if f.identity.is_none() && f.answer.is_none() {
            return None;
        }
        let id = f.identity.as_ref();
        Some(Self {
            provider: id.map(|i| i.provider.clone()),
            event: id.and_then(|i| i.event.clone()),
            delivery: id.and_then(|i| i.delivery.clone()),
            retry: id.and_then(|i| i.retry.clone()),
            attempt: f.attempt.map(|a| AttemptDoc {
                number: a.number,
                of: a.of,
                since_previous_ms: a
                    .since_previous
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                dup: a.dup,
            }),
            answered_by: f.answer.clone(),
        })
    }
}

/// One delivery of a request, as JSON (`show --json`, `replay --json`).
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryDoc {
    /// Store id of the delivery.
    pub id: i64,
    /// The request that was sent.
    pub request_id: i64,
    /// `forward` or `replay`.
    pub kind: DeliveryKind,
    /// The full URL it was sent to.
    pub destination: String,
    /// When sending started, RFC 3339 UTC with microseconds.
    pub started_at: String,
    /// How long it took, in microseconds.
    pub duration_us: u64,
    /// The destination's status; null when it did not answer.
    pub status: Option<u16>,
    /// Why the attempt failed; null when it did not.
    pub error: Option<String>,
    /// What the destination answered; null when it did not answer.
    pub response: Option<ResponseDoc>,
    /// True when only the start of the answer's body was kept.
    pub response_truncated: bool,
}

impl DeliveryDoc {
    /// The document of a stored delivery.
    pub fn of(d: &Delivery) -> Self {
        Self {
            id: d.id,
            request_id: d.request_id,
            kind: d.kind,
            destination: d.destination.clone(),
            started_at: d.started_at.rfc3339(),
            duration_us: micros(d.duration),
            status: d.status(),
            error: d.error.clone(),
            response: d.response.as_ref().map(ResponseDoc::of),
            response_truncated: d.response_truncated,
        }
    }
}

/// The newest delivery in a listing line.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryBriefDoc<'a> {
    /// `forward` or `replay`.
    pub kind: DeliveryKind,
    /// The destination's status; null when it did not answer.
    pub status: Option<u16>,
    /// How long it took, in microseconds.
    pub duration_us: u64,
    /// Why it failed; null when it did not.
    pub error: Option<&'a str>,
}

impl<'a> DeliveryBriefDoc<'a> {
    /// The document of a listing's delivery facts.
    pub fn of(d: &'a DeliveryBrief) -> Self {
        Self {
            kind: d.kind,
            status: d.status,
            duration_us: micros(d.duration),
            error: d.error.as_deref(),
        }
    }
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// One line of a listing (`ls --json`, `listen --json`).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryDoc<'a> {
    /// Always `request`, so NDJSON streams can mix event kinds.
    pub event: &'static str,
    /// Store id.
    pub id: i64,
    /// Session id.
    pub session_id: i64,
    /// Receive time, RFC 3339 UTC with microseconds.
    pub received_at: String,
    /// Method as sent.
    pub method: &'a str,
    /// Raw request target.
    pub target: &'a str,
    /// Status answered.
    pub status: u16,
    /// Stored body size in bytes.
    pub body_size: u64,
    /// True when the body was cut at the limit.
    pub truncated: bool,
    /// Content type, if sent.
    pub content_type: Option<&'a str>,
    /// The newest delivery (forward mode, or after a replay); absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryBriefDoc<'a>>,
    /// The live signature verdict, if checked.
    pub signature: Option<SignatureDoc>,
    /// Why a guard rejected it, if one did.
    pub rejected: Option<&'a str>,
    /// What it is as a webhook, if known (see [`HookDoc`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookDoc>,
}

impl<'a> SummaryDoc<'a> {
    /// This line with what is known about the request as a webhook.
    pub fn with_hook(self, facts: Option<&HookFacts>) -> Self {
        Self {
            hook: facts.and_then(HookDoc::of),
            ..self
        }
    }

    /// The document of a listing row.
    pub fn of(s: &'a RequestSummary) -> Self {
        Self {
            event: "request",
            id: s.id,
            session_id: s.session_id,
            received_at: s.received_at.rfc3339(),
            method: &s.method,
            target: &s.target,
            status: s.status,
            body_size: s.body_size,
            truncated: s.truncated,
            content_type: s.content_type.as_deref(),
            delivery: s.delivery.as_ref().map(DeliveryBriefDoc::of),
            signature: s.signature.as_ref().map(SignatureDoc::of),
            rejected: s.rejected.as_deref(),
            hook: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bodies_are_text_and_binary_bodies_base64() {
        assert_eq!(BodyDoc::of(b"hi").encoding, "utf8");
        let bin = BodyDoc::of(&[0xff, 0]);
        assert_eq!(
            (bin.encoding.as_str(), bin.data.as_str()),
            ("base64", "/wA=")
        );
    }

    #[test]
    fn a_document_reads_back_as_the_same_request() {
        let r = CapturedRequest {
            id: 4,
            request: NewRequest {
                session_id: 2,
                received_at: Timestamp(1_767_323_045_123_456),
                method: "POST".into(),
                target: "/a?b=1".into(),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:9".into(),
                headers: vec![
                    Header::new("B", "1"),
                    Header::new("A", vec![0xfe]),
                    Header::new("B", ""),
                ],
                body: vec![0, 0xff, b'x'],
                truncated: true,
                response: ResponseRecord {
                    status: 201,
                    headers: vec![Header::new("X", "y")],
                    body: b"ok".to_vec(),
                },
                signature: Some(SignatureCheck {
                    provider: "github".into(),
                    outcome: crate::model::Outcome::Invalid,
                    reason: "signature mismatch".into(),
                }),
                rejected: Some("invalid signature".into()),
            },
        };
        let json = serde_json::to_string(&RequestDoc::of(&r)).unwrap();
        let doc: RequestDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(doc.to_request(2).unwrap(), r.request);
    }

    #[test]
    fn headers_keep_order_and_mark_binary_values() {
        let doc = headers_doc(&[Header::new("B", "1"), Header::new("A", vec![0xfe])]);
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(json, r#"[["B","1"],["A",{"base64":"/g=="}]]"#);
    }
}
