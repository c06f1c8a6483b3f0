//! HTTP Archive (HAR) 1.2: requests as entries, what answered them as responses.
//!
//! Written as the spec asks (<http://www.softwareishard.com/blog/har-12-spec/>)
//! so browser devtools, Insomnia, haralyzer and mitmproxy read it: the standard
//! fields hold what standard readers understand ([`body`] says how bodies are
//! written so that mitmproxy's reader gets their bytes back). What HAR cannot
//! hold exactly, hookcap keeps in members starting with `_`, which the spec
//! reserves for extensions:
//!
//! * `_hookcap` on each entry ([`Extra`]: raw target, peer, truncation, live
//!   verdict; the place for more of hookcap's own facts);
//! * `_textBase64` on `postData` and `content` when the text is not exactly
//!   the body;
//! * `_valueBase64` on a header whose value is not UTF-8;
//! * `_addedByServer` on the response headers hookcap's HTTP server added when
//!   it answered (`content-length`, `date`), which the capture does not record.
//!
//! [`crate::export::import`] reads them back, so export → import → export
//! keeps every byte. A body cut at the size limit is marked with a `comment`.
//!
//! The response of an entry is what the caller got: hookcap's own answer, or,
//! for a request `forward` passed on, the app's answer as its forward delivery
//! recorded it (see [`response_for`]); the entry's time is then the delivery's.

mod answer;
mod body;
mod json;

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

pub use answer::response_for;
pub use body::reads_as_latin1;
pub use json::HarText;

use super::url_for;
use crate::document::{HookDoc, SignatureDoc, ViaDoc};
use crate::model::{CapturedRequest, Delivery, Header, HeaderList, HookFacts};

/// One request and its response.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// When the request started, ISO 8601.
    pub started_date_time: String,
    /// Total time in milliseconds.
    pub time: f64,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
    /// Cache state: always empty here.
    pub cache: serde_json::Map<String, serde_json::Value>,
    /// Timings in milliseconds.
    pub timings: Timings,
    /// What HAR cannot say exactly.
    #[serde(rename = "_hookcap", skip_serializing_if = "Option::is_none")]
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
    /// What it is as a webhook (provider, event, delivery, attempt) and the
    /// rule that answered it, if known. An import detects it again.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub hook: Option<HookDoc>,
    /// Where it came from, when it came through a relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<ViaDoc>,
}

/// `request`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// `HTTP/1.1` and the like.
    pub http_version: String,
    /// Cookies sent.
    pub cookies: Vec<NameValue>,
    /// Headers in order.
    pub headers: Vec<HarHeader>,
    /// The query, split.
    pub query_string: Vec<NameValue>,
    /// The body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_data: Option<PostData>,
    /// Header bytes (-1: unknown).
    pub headers_size: i64,
    /// Body bytes.
    pub body_size: i64,
}

/// A header.
#[derive(Debug, Clone, Serialize)]
pub struct HarHeader {
    /// Name with its original case.
    pub name: String,
    /// Value as text (invalid UTF-8 replaced).
    pub value: String,
    /// The exact value bytes when they are not UTF-8.
    #[serde(rename = "_valueBase64", skip_serializing_if = "Option::is_none")]
    pub value_base64: Option<String>,
    /// Why the header is there, when the capture did not record it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// True for a header hookcap's HTTP server added when answering.
    #[serde(rename = "_addedByServer", skip_serializing_if = "std::ops::Not::not")]
    pub added_by_server: bool,
}

impl HarHeader {
    /// A header as captured.
    pub fn of(h: &Header) -> Self {
        Self {
            name: h.name.clone(),
            value: h.value_str().into_owned(),
            value_base64: std::str::from_utf8(&h.value)
                .is_err()
                .then(|| B64.encode(&h.value)),
            comment: None,
            added_by_server: false,
        }
    }
}

/// A name and a value (cookies, query parameters).
#[derive(Debug, Clone, Serialize)]
pub struct NameValue {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// `postData`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    /// The request's `Content-Type` (empty without one).
    pub mime_type: String,
    /// The body as text (see [`body`]).
    pub text: HarText,
    /// The exact body bytes, when `text` is not them.
    #[serde(rename = "_textBase64", skip_serializing_if = "Option::is_none")]
    pub text_base64: Option<String>,
    /// Says the body was cut at the size limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `response`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub status_text: String,
    /// `HTTP/1.1`.
    pub http_version: String,
    /// Cookies set.
    pub cookies: Vec<NameValue>,
    /// Headers in order.
    pub headers: Vec<HarHeader>,
    /// The body.
    pub content: Content,
    /// The `Location` header, if any.
    #[serde(rename = "redirectURL")]
    pub redirect_url: String,
    /// Header bytes (-1: unknown).
    pub headers_size: i64,
    /// Body bytes as sent.
    pub body_size: i64,
}

/// `content`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Length of the content in bytes (after undoing `Content-Encoding`).
    pub size: i64,
    /// Bytes saved by the `Content-Encoding`, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<i64>,
    /// The `Content-Type` (empty without one).
    pub mime_type: String,
    /// The content (base64 when `encoding` says so).
    pub text: String,
    /// `base64` for content that is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The exact body bytes, when `text` is decoded content.
    #[serde(rename = "_textBase64", skip_serializing_if = "Option::is_none")]
    pub text_base64: Option<String>,
    /// Says the body was cut at the size limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `timings` (milliseconds; hookcap does not time the phases).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Sending.
    pub send: f64,
    /// Waiting for the answer.
    pub wait: f64,
    /// Receiving.
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
    (r, deliveries, hook, via): (
        &CapturedRequest,
        &[Delivery],
        Option<&HookFacts>,
        Option<ViaDoc>,
    ),
    base: &str,
    first: bool,
) -> std::io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    let mut entry = entry_of(r, deliveries, base);
    if let Some(extra) = &mut entry.hookcap {
        extra.hook = hook.and_then(HookDoc::of);
        extra.via = via;
    }
    json::write(&mut *out, &entry)
}

/// Closes the document.
pub fn end(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"\n]}}\n")
}

/// A whole document of `entries`, as [`begin`], [`entry`] and [`end`] write it.
#[cfg(test)]
pub fn document(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = begin(&mut out);
    for (i, e) in entries.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(&json::to_vec(e));
    }
    let _ = end(&mut out);
    out
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
            hook: None,
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
        headers: r.headers.iter().map(HarHeader::of).collect(),
        query_string: pairs(query, '&'),
        post_data: (!r.body.is_empty() || r.truncated).then(|| {
            let body = body::request_text(&r.headers, &r.body);
            PostData {
                mime_type: mime(&r.headers),
                text: body.text,
                text_base64: body.exact,
                comment: r.truncated.then(|| truncated_note(r.body.len())),
            }
        }),
        headers_size: -1,
        body_size: r.body.len() as i64,
    }
}

/// The `comment` of a body cut at the size limit.
fn truncated_note(kept: usize) -> String {
    format!("truncated: hookcap kept only the first {kept} bytes of this body (its size limit)")
}

/// The `Content-Type`, or empty without one (as the spec and mitmproxy do).
fn mime(headers: &[Header]) -> String {
    headers.get_str("content-type").unwrap_or_default()
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
    use super::*;
    use crate::export::testing::sample;

    fn json_of(entry: &Entry) -> serde_json::Value {
        serde_json::from_slice(&json::to_vec(entry)).unwrap()
    }

    #[test]
    fn a_truncated_body_says_so_in_a_comment() {
        let mut r = sample("POST", "/hook", &[("Content-Type", "text/plain")], b"abc");
        r.request.truncated = true;
        let e = json_of(&entry_of(&r, &[], "http://h"));
        let post = &e["request"]["postData"];
        assert_eq!(post["text"], "abc");
        assert!(post["comment"].as_str().unwrap().contains("first 3 bytes"));
        assert_eq!(e["_hookcap"]["truncated"], true);
    }

    #[test]
    fn mime_types_are_the_content_type_or_empty() {
        let r = sample("POST", "/hook", &[], b"x");
        let e = json_of(&entry_of(&r, &[], "http://h"));
        assert_eq!(e["request"]["postData"]["mimeType"], "");
        assert_eq!(e["response"]["content"]["mimeType"], "");
    }

    #[test]
    fn non_utf8_header_values_keep_their_bytes_beside_the_text() {
        let mut r = sample("GET", "/", &[("X-Bin", "")], b"");
        r.request.headers[0].value = b"caf\xe9".to_vec();
        let e = json_of(&entry_of(&r, &[], "http://h"));
        assert_eq!(
            e["request"]["headers"][0],
            serde_json::json!({"name": "X-Bin", "value": "caf\u{fffd}", "_valueBase64": "Y2Fm6Q=="})
        );
    }
}
