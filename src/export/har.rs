//! HTTP Archive (HAR) 1.2: requests as entries, what answered them as responses.
//!
//! Written as the spec asks (<http://www.softwareishard.com/blog/har-12-spec/>)
//! so browser devtools, Insomnia and mitmproxy load it. Bodies that are not
//! UTF-8 are base64 with `"encoding": "base64"` (the spec's field on response
//! content; the same field on request `postData`, which the spec lacks, is what
//! HAR writers use for binary uploads). What HAR cannot hold exactly, hookcap
//! keeps in fields starting with `_`, which the spec reserves for extensions:
//! `_hookcap` on each entry (raw target, peer, truncation, live verdict) and `_valueBase64`
//! on a header whose value is not UTF-8. [`super::import`] reads them back, so
//! export → import → export keeps every byte.
//!
//! The response of an entry is what the caller got: hookcap's own answer, or,
//! for a request `forward` passed on, the app's answer as its forward delivery
//! recorded it (see [`response_for`]); the entry's time is then the delivery's.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::url_for;
use crate::document::{SignatureDoc, ViaDoc};
use crate::model::{CapturedRequest, Delivery, DeliveryKind, Header, HeaderList, ResponseRecord};

/// A whole HAR document (what import reads).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Har {
    /// The log.
    pub log: Log,
}

/// `log`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Log {
    /// Format version, `1.2`.
    #[serde(default)]
    pub version: String,
    /// The entries, oldest first.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// One request and its response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// When the request started, ISO 8601.
    pub started_date_time: String,
    /// Total time in milliseconds.
    #[serde(default)]
    pub time: f64,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
    /// Cache state: always empty here.
    #[serde(default)]
    pub cache: serde_json::Map<String, serde_json::Value>,
    /// Timings in milliseconds.
    #[serde(default)]
    pub timings: Timings,
    /// What HAR cannot say exactly.
    #[serde(rename = "_hookcap", default, skip_serializing_if = "Option::is_none")]
    pub hookcap: Option<Extra>,
}

/// hookcap's extension of an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extra {
    /// The id it had when exported.
    pub id: i64,
    /// The session it had when exported.
    pub session_id: i64,
    /// The raw request target, exactly as sent.
    pub target: String,
    /// The peer address.
    pub remote_addr: String,
    /// True when the body was cut at the size limit.
    pub truncated: bool,
    /// The live signature verdict, if one was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureDoc>,
    /// Why a guard rejected the request, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
    /// Where it came from, when it came through a relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<ViaDoc>,
}

/// `request`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// `HTTP/1.1` and the like.
    #[serde(default)]
    pub http_version: String,
    /// Cookies sent.
    #[serde(default)]
    pub cookies: Vec<NameValue>,
    /// Headers in order.
    #[serde(default)]
    pub headers: Vec<HarHeader>,
    /// The query, split.
    #[serde(default)]
    pub query_string: Vec<NameValue>,
    /// The body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    /// Header bytes (-1: unknown).
    #[serde(default)]
    pub headers_size: i64,
    /// Body bytes.
    #[serde(default)]
    pub body_size: i64,
}

/// A header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HarHeader {
    /// Name with its original case.
    pub name: String,
    /// Value as text (invalid UTF-8 replaced).
    #[serde(default)]
    pub value: String,
    /// The exact value bytes when they are not UTF-8.
    #[serde(
        rename = "_valueBase64",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value_base64: Option<String>,
}

/// A name and a value (cookies, query parameters, form parameters).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NameValue {
    /// Name.
    pub name: String,
    /// Value.
    #[serde(default)]
    pub value: String,
}

/// `postData`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    /// The request's content type.
    #[serde(default)]
    pub mime_type: String,
    /// The body (base64 when `encoding` says so).
    #[serde(default)]
    pub text: Option<String>,
    /// Form parameters, as some writers give instead of `text`.
    #[serde(default, skip_serializing)]
    pub params: Vec<NameValue>,
    /// `base64` for binary bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// `response`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    #[serde(default)]
    pub status_text: String,
    /// `HTTP/1.1`.
    #[serde(default)]
    pub http_version: String,
    /// Cookies set.
    #[serde(default)]
    pub cookies: Vec<NameValue>,
    /// Headers in order.
    #[serde(default)]
    pub headers: Vec<HarHeader>,
    /// The body.
    pub content: Content,
    /// The `Location` header, if any.
    #[serde(rename = "redirectURL", default)]
    pub redirect_url: String,
    /// Header bytes (-1: unknown).
    #[serde(default)]
    pub headers_size: i64,
    /// Body bytes.
    #[serde(default)]
    pub body_size: i64,
}

/// `content`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Body length in bytes.
    #[serde(default)]
    pub size: i64,
    /// Content type.
    #[serde(default)]
    pub mime_type: String,
    /// The body (base64 when `encoding` says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `base64` for binary bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// `timings` (milliseconds; hookcap does not time the phases).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    /// Sending.
    #[serde(default)]
    pub send: f64,
    /// Waiting for the answer.
    #[serde(default)]
    pub wait: f64,
    /// Receiving.
    #[serde(default)]
    pub receive: f64,
}

/// Writes the opening of the document, up to the entries array.
pub fn begin(out: &mut dyn Write) -> std::io::Result<()> {
    let creator = serde_json::json!({"name": "hookcap", "version": env!("CARGO_PKG_VERSION")});
    write!(
        out,
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"pages\":[],\"entries\":["
    )
}

/// Writes one entry; `first` says whether a comma is needed before it.
/// `deliveries` are the request's, oldest first (see [`response_for`]).
pub fn entry(
    out: &mut dyn Write,
    r: &CapturedRequest,
    deliveries: &[Delivery],
    via: Option<ViaDoc>,
    base: &str,
    first: bool,
) -> std::io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    let mut entry = entry_of(r, deliveries, base);
    if let Some(extra) = entry.hookcap.as_mut() {
        extra.via = via;
    }
    serde_json::to_writer(&mut *out, &entry)?;
    Ok(())
}

/// Closes the document.
pub fn end(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"\n]}}\n")
}

/// The entry of a captured request and its deliveries.
pub fn entry_of(r: &CapturedRequest, deliveries: &[Delivery], base: &str) -> Entry {
    let (response, waited) = response_for(r, deliveries);
    let ms = waited.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    Entry {
        started_date_time: r.received_at.rfc3339(),
        time: ms,
        request: request_of(r, base),
        response,
        cache: serde_json::Map::new(),
        timings: Timings {
            wait: ms,
            ..Timings::default()
        },
        hookcap: Some(Extra {
            id: r.id,
            session_id: r.session_id,
            target: r.target.clone(),
            remote_addr: r.remote_addr.clone(),
            truncated: r.truncated,
            signature: r.signature.as_ref().map(SignatureDoc::of),
            rejected: r.rejected.clone(),
            via: None,
        }),
    }
}

fn request_of(r: &CapturedRequest, base: &str) -> Request {
    let query = r.target.split_once('?').map_or("", |(_, q)| q);
    Request {
        method: r.method.clone(),
        url: url_for(r, base),
        http_version: r.http_version.clone(),
        cookies: cookies(&r.headers),
        headers: headers(&r.headers),
        query_string: pairs(query, '&'),
        post_data: (!r.body.is_empty()).then(|| {
            let (text, encoding) = body_text(&r.body);
            PostData {
                mime_type: mime(&r.headers),
                text: Some(text),
                params: Vec::new(),
                encoding,
            }
        }),
        headers_size: -1,
        body_size: r.body.len() as i64,
    }
}

/// The response of an entry: what the caller got. For a request `forward`
/// passed on and the app answered, that is the app's answer, kept in the
/// forward delivery (with how long it took); otherwise hookcap's own answer
/// (including its `502`/`504` when the app could not answer). Replays are
/// not what the caller got, so they never take its place.
pub fn response_for(
    r: &CapturedRequest,
    deliveries: &[Delivery],
) -> (Response, Option<std::time::Duration>) {
    let forwarded = deliveries
        .iter()
        .find(|d| d.kind == DeliveryKind::Forward && d.request_id == r.id);
    match forwarded.and_then(|d| d.response.as_ref().map(|resp| (d, resp))) {
        Some((d, resp)) => (response_of(resp, "HTTP/1.1"), Some(d.duration)),
        None => (response_of(&r.response, &r.http_version), None),
    }
}

fn response_of(resp: &ResponseRecord, http_version: &str) -> Response {
    let (text, encoding) = body_text(&resp.body);
    let reason = http::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    Response {
        status: resp.status,
        status_text: reason.to_owned(),
        http_version: http_version.to_owned(),
        cookies: Vec::new(),
        headers: headers(&resp.headers),
        content: Content {
            size: resp.body.len() as i64,
            mime_type: mime(&resp.headers),
            text: Some(text),
            encoding,
        },
        redirect_url: resp.headers.get_str("location").unwrap_or_default(),
        headers_size: -1,
        body_size: resp.body.len() as i64,
    }
}

/// Text as is, or base64 with its encoding named.
fn body_text(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => (B64.encode(bytes), Some("base64".to_owned())),
    }
}

fn headers(list: &[Header]) -> Vec<HarHeader> {
    list.iter()
        .map(|h| HarHeader {
            name: h.name.clone(),
            value: h.value_str().into_owned(),
            value_base64: std::str::from_utf8(&h.value)
                .is_err()
                .then(|| B64.encode(&h.value)),
        })
        .collect()
}

fn mime(headers: &[Header]) -> String {
    headers
        .get_str("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

fn cookies(headers: &[Header]) -> Vec<NameValue> {
    headers
        .all("cookie")
        .flat_map(|h| pairs(&h.value_str(), ';'))
        .collect()
}

/// `a=1&b` split into name/value pairs (left encoded, as sent).
fn pairs(s: &str, sep: char) -> Vec<NameValue> {
    s.split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            NameValue {
                name: name.to_owned(),
                value: value.to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::export::tests::sample;
    use crate::model::{NewDelivery, Timestamp};

    fn delivery(kind: DeliveryKind, response: Option<ResponseRecord>) -> Delivery {
        Delivery {
            id: 1,
            delivery: NewDelivery {
                request_id: 1,
                kind,
                destination: "http://app/hook".into(),
                started_at: Timestamp(2),
                duration: Duration::from_millis(14),
                response,
                response_truncated: false,
                error: None,
            },
        }
    }

    fn app_answer() -> ResponseRecord {
        ResponseRecord {
            status: 201,
            headers: vec![Header::new("X-App", "1")],
            body: b"made".to_vec(),
        }
    }

    #[test]
    fn a_forwarded_request_has_the_apps_answer_and_time() {
        let r = sample("POST", "/hook", &[], b"{}");
        let forwarded = [delivery(DeliveryKind::Forward, Some(app_answer()))];
        let entry = entry_of(&r, &forwarded, "http://h");
        assert_eq!(entry.response.status, 201);
        assert_eq!(entry.response.content.text.as_deref(), Some("made"));
        assert_eq!(entry.response.headers[0].name, "X-App");
        assert_eq!((entry.time, entry.timings.wait), (14.0, 14.0));
    }

    #[test]
    fn without_an_app_answer_the_entry_has_hookcaps_own() {
        let r = sample("POST", "/hook", &[], b"{}");
        for deliveries in [
            vec![],
            vec![delivery(DeliveryKind::Forward, None)],
            vec![delivery(DeliveryKind::Replay, Some(app_answer()))],
        ] {
            let entry = entry_of(&r, &deliveries, "http://h");
            assert_eq!((entry.response.status, entry.time), (200, 0.0));
        }
    }
}
