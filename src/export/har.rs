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
//! The response of an entry is hookcap's own answer; once deliveries
//! (forward/replay) are stored, [`response_for`] is where the upstream's
//! answer takes its place.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::url_for;
use crate::document::SignatureDoc;
use crate::model::{CapturedRequest, Header, HeaderList, ResponseRecord};

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
pub fn entry(
    out: &mut dyn Write,
    r: &CapturedRequest,
    base: &str,
    first: bool,
) -> std::io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    serde_json::to_writer(&mut *out, &entry_of(r, base))?;
    Ok(())
}

/// Closes the document.
pub fn end(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"\n]}}\n")
}

/// The entry of a captured request.
pub fn entry_of(r: &CapturedRequest, base: &str) -> Entry {
    Entry {
        started_date_time: r.received_at.rfc3339(),
        time: 0.0,
        request: request_of(r, base),
        response: response_for(r),
        cache: serde_json::Map::new(),
        timings: Timings::default(),
        hookcap: Some(Extra {
            id: r.id,
            session_id: r.session_id,
            target: r.target.clone(),
            remote_addr: r.remote_addr.clone(),
            truncated: r.truncated,
            signature: r.signature.as_ref().map(SignatureDoc::of),
            rejected: r.rejected.clone(),
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

/// The response of an entry: for now, what hookcap answered.
pub fn response_for(r: &CapturedRequest) -> Response {
    response_of(&r.response, &r.http_version)
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
