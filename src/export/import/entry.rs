//! One HAR entry as a captured request, read the way mitmproxy's HAR reader
//! reads: leniently, so that what browsers and tools actually write imports.
//!
//! What is taken as is: the method, the URL's path and query, the headers in
//! order with their case, the body, the response. What is adjusted, each time
//! for a reason:
//!
//! * a header value holding `\n` (Set-Cookie lines joined by Firefox, Firebug,
//!   chrome-har) is one header per line;
//! * a header whose name is no HTTP token (a request line or a broken
//!   continuation line, as WebPageTest stores them) is skipped with a warning;
//! * HTTP/2 pseudo-headers are dropped; when no `Host` header is left, one is
//!   added from `:authority` (in its place) or from the URL;
//! * a URL whose scheme is not `http` keeps its scheme and host in an
//!   absolute-form target (`https://api.example.com/x`, as a proxy receives
//!   it), so later exports point where the request went;
//! * a body given only as `postData.params` is rebuilt ([`super::form`]);
//! * `startedDateTime` with an offset is converted to UTC.
//!
//! hookcap's own extensions (`_hookcap`, `_valueBase64`, `_textBase64`,
//! `_addedByServer`) are honoured, so its exports read back byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde_json::Value;

use super::fields::{FieldError, Obj};
use super::form;
use super::json_text::{marker_byte, text_bytes};
use super::time::parse_iso8601;
use crate::document::SignatureDoc;
use crate::export::har::{Extra, reads_as_latin1};
use crate::model::{Header, HeaderList, NewRequest, ResponseRecord, Timestamp};

/// Base64 as HAR writers produce it: padded or not.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How the strings of one file are read.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// Characters U+F0080–U+F00FF stand for bytes (see [`super::json_text`]).
    pub markers: bool,
    /// The file was written by mitmproxy, which stores a body that names no
    /// charset (and is not JSON) as Latin-1 text.
    pub mitmproxy: bool,
    /// Used when an entry has no usable `startedDateTime`.
    pub now: Timestamp,
}

/// The request `entry` describes, for `session_id`; `warn` collects what was
/// adjusted or skipped inside it.
pub fn read_entry(
    entry: &Value,
    how: &Reading,
    session_id: i64,
    warn: &mut Vec<String>,
) -> Result<NewRequest, FieldError> {
    let e = Obj::of(entry, "")?;
    let received_at = started_at(&e, how, warn)?;
    e.num("time")?;
    let req = e
        .obj("request")?
        .ok_or_else(|| FieldError::missing("request", "an object"))?;
    let extra = hookcap_extra(&e, warn);
    let method = method(&req)?;
    let url = req.required_str("url")?;
    let (url_target, authority) =
        split_url(url, how.markers).ok_or_else(|| FieldError::new("request.url", "a URL"))?;
    let http_version = http_version(req.str("httpVersion")?);
    for number in ["headersSize", "bodySize"] {
        req.num(number)?;
    }
    for list in ["cookies", "queryString"] {
        req.arr(list)?;
    }
    // hookcap's own entries hold the captured headers exactly: no Host added.
    let mut headers = request_headers(&req, authority.as_deref(), extra.is_none(), how, warn)?;
    let body = request_body(&req, &mut headers, how, warn)?;
    let response = match e.obj("response")? {
        Some(resp) => response(&resp, how, warn)?,
        None => ResponseRecord {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
        },
    };
    Ok(NewRequest {
        session_id,
        received_at,
        method,
        target: extra.as_ref().map_or(url_target, |x| x.target.clone()),
        http_version,
        remote_addr: extra
            .as_ref()
            .map(|x| x.remote_addr.clone())
            .unwrap_or_default(),
        headers,
        body,
        truncated: extra.as_ref().is_some_and(|x| x.truncated),
        response,
        signature: extra
            .as_ref()
            .and_then(|x| x.signature.as_ref())
            .and_then(SignatureDoc::to_check),
        rejected: extra.and_then(|x| x.rejected),
    })
}

fn started_at(e: &Obj, how: &Reading, warn: &mut Vec<String>) -> Result<Timestamp, FieldError> {
    let parsed = e.str("startedDateTime")?.map(|s| (s, parse_iso8601(s)));
    Ok(match parsed {
        Some((_, Some(t))) => t,
        Some((s, None)) => {
            warn.push(format!(
                "startedDateTime: {s:?} is not an ISO 8601 time; using the time of import"
            ));
            how.now
        }
        None => {
            warn.push("startedDateTime: missing; using the time of import".to_owned());
            how.now
        }
    })
}

/// hookcap's `_hookcap` member, when it reads as one.
fn hookcap_extra(e: &Obj, warn: &mut Vec<String>) -> Option<Extra> {
    let value = e.get("_hookcap")?;
    match serde_json::from_value(value.clone()) {
        Ok(extra) => Some(extra),
        Err(err) => {
            warn.push(format!("_hookcap: ignored ({err})"));
            None
        }
    }
}

fn method(req: &Obj) -> Result<String, FieldError> {
    let method = req.required_str("method")?;
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(FieldError::new("request.method", "an HTTP method"));
    }
    Ok(method.to_owned())
}

/// A `tchar` of RFC 9110: what header names and methods are made of.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `HTTP/1.1` and friends from what writers put there (`http/2.0`, `h2`,
/// `1.1`, empty for unknown).
fn http_version(v: Option<&str>) -> String {
    let v = v.unwrap_or_default().trim();
    let known = match v.to_ascii_lowercase().as_str() {
        "" | "unknown" | "http/1.1" | "1.1" => "HTTP/1.1",
        "http/1.0" | "1.0" => "HTTP/1.0",
        "h2" | "http/2" | "http/2.0" | "2" | "2.0" => "HTTP/2",
        "h3" | "http/3" | "http/3.0" | "3" => "HTTP/3",
        _ if v.len() <= 16 && v.bytes().all(|b| b.is_ascii_graphic()) => v,
        _ => "HTTP/1.1",
    };
    known.to_owned()
}

/// The request target a URL stands for, and its authority.
fn split_url(url: &str, markers: bool) -> Option<(String, Option<String>)> {
    let url = url.trim();
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (scheme, rest) = match without_fragment.split_once("://") {
        Some((s, rest)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()) => {
            (s.to_ascii_lowercase(), rest)
        }
        _ if without_fragment.starts_with('/') => {
            return Some((target_text(without_fragment, markers), None));
        }
        _ => return None,
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() {
        return None;
    }
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path = &rest[end..];
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let target = if scheme == "http" {
        path
    } else {
        format!("{scheme}://{host}{path}")
    };
    Some((target_text(&target, markers), Some(host.to_owned())))
}

/// A target with every byte a request line cannot carry percent-encoded.
fn target_text(s: &str, markers: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(b) = marker_byte(c).filter(|_| markers) {
            out.push_str(&format!("%{b:02X}"));
        } else if c.is_ascii_graphic() {
            out.push(c);
        } else {
            for b in c.encode_utf8(&mut [0; 4]).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// One header of the file, before pseudo-headers are dealt with.
struct RawHeader {
    name: String,
    value: Vec<u8>,
}

/// The headers at `list` (`headers` of a request or response), split and
/// checked; pseudo-headers are kept here, named as they are.
fn headers_at(
    o: &Obj,
    list: &str,
    how: &Reading,
    warn: &mut Vec<String>,
) -> Result<Vec<RawHeader>, FieldError> {
    let mut out = Vec::new();
    for (i, item) in o.arr(list)?.iter().enumerate() {
        let path = format!("{}[{i}]", o.path_of(list));
        let Some((name, value)) = name_and_value(item, &path, how)? else {
            continue;
        };
        let name = name.trim();
        if name.starts_with(':') {
            out.push(RawHeader {
                name: name.to_owned(),
                value,
            });
            continue;
        }
        if name.is_empty() || !name.bytes().all(is_tchar) {
            warn.push(format!(
                "{path}: {name:?} is not a header name; header skipped"
            ));
            continue;
        }
        for line in split_lines(&value) {
            if line.iter().any(|b| matches!(b, b'\r' | 0)) {
                warn.push(format!(
                    "{path}: the value of {name:?} holds CR or NUL; header skipped"
                ));
                continue;
            }
            out.push(RawHeader {
                name: name.to_owned(),
                value: line.to_vec(),
            });
        }
    }
    Ok(out)
}

/// A header's name and value bytes: `{"name","value"}` objects (and
/// `[name, value]` pairs, as Slack writes). `None` for headers hookcap's
/// export added and the capture never held.
fn name_and_value<'a>(
    item: &'a Value,
    path: &str,
    how: &Reading,
) -> Result<Option<(&'a str, Vec<u8>)>, FieldError> {
    if let Value::Array(pair) = item {
        return match pair.as_slice() {
            [Value::String(n), Value::String(v)] => Ok(Some((n, text_bytes(v, how.markers)))),
            _ => Err(FieldError::new(path, "a header object or [name, value]")),
        };
    }
    let h = Obj::of(item, path)?;
    if h.flag("_addedByServer")? {
        return Ok(None);
    }
    let name = h.required_str("name")?;
    let value = match (h.str("_valueBase64")?, h.get("value")) {
        (Some(b64), _) => decode_base64(b64, &h.path_of("_valueBase64"))?,
        (None, Some(Value::String(v))) => text_bytes(v, how.markers),
        (None, None) => Vec::new(),
        (None, Some(v @ (Value::Number(_) | Value::Bool(_)))) => v.to_string().into_bytes(),
        (None, Some(_)) => return Err(FieldError::new(h.path_of("value"), "a string")),
    };
    Ok(Some((name, value)))
}

/// A value as header lines: split at `\n`, a `\r` before it dropped, empty
/// lines between others dropped.
fn split_lines(value: &[u8]) -> Vec<&[u8]> {
    if !value.contains(&b'\n') {
        return vec![value];
    }
    value
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty())
        .collect()
}

fn decode_base64(text: &str, path: &str) -> Result<Vec<u8>, FieldError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT_B64
        .decode(compact)
        .or_else(|_| general_purpose::URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .map_err(|_| FieldError::new(path, "base64"))
}

/// The request headers as stored: pseudo-headers dropped and, with
/// `add_host`, `Host` added from `:authority` (in its place) or the URL when
/// none is left.
fn request_headers(
    req: &Obj,
    url_authority: Option<&str>,
    add_host: bool,
    how: &Reading,
    warn: &mut Vec<String>,
) -> Result<Vec<Header>, FieldError> {
    let raw = headers_at(req, "headers", how, warn)?;
    let authority_at = raw.iter().position(|h| h.name == ":authority");
    let pseudo_authority = authority_at.map(|i| raw[i].value.clone());
    let mut headers: Vec<Header> = Vec::with_capacity(raw.len() + 1);
    let mut host_at = 0;
    for (i, h) in raw.into_iter().enumerate() {
        if Some(i) == authority_at {
            host_at = headers.len();
        }
        if !h.name.starts_with(':') {
            headers.push(Header::new(h.name, h.value));
        }
    }
    if add_host && headers.find("host").is_none() {
        let host = pseudo_authority.or_else(|| url_authority.map(|a| a.as_bytes().to_vec()));
        if let Some(host) = host.filter(|h| !h.is_empty()) {
            let name = if authority_at.is_some() {
                "host"
            } else {
                "Host"
            };
            headers.insert(host_at, Header::new(name, host));
        }
    }
    Ok(headers)
}

/// The request body; a body rebuilt from form fields may add the boundary
/// it needs to the `Content-Type` header.
fn request_body(
    req: &Obj,
    headers: &mut Vec<Header>,
    how: &Reading,
    warn: &mut Vec<String>,
) -> Result<Vec<u8>, FieldError> {
    let Some(p) = req.obj("postData")? else {
        return Ok(Vec::new());
    };
    let header_type = headers.get_str("content-type").unwrap_or_default();
    let content_type = p
        .str("mimeType")?
        .filter(|m| !m.is_empty())
        .unwrap_or(&header_type);
    if let Some(exact) = p.str("_textBase64")? {
        return decode_base64(exact, &p.path_of("_textBase64"));
    }
    let text = p.str("text")?;
    let params = p.arr("params")?;
    if text.is_none_or(str::is_empty) && !params.is_empty() {
        let path = p.path_of("params");
        let rebuilt = form::from_params(params, content_type, &path, how.markers)?;
        if let Some(boundary) = rebuilt.new_boundary {
            add_boundary(headers, content_type, boundary);
            warn.push(format!(
                "{path}: the multipart type names no boundary; the parts use {boundary:?}, \
                 added to Content-Type"
            ));
        }
        return Ok(rebuilt.body);
    }
    body_text(&p, text, &header_type, how, warn)
}

/// `; boundary=…` on the first `Content-Type` header (one is added if none).
fn add_boundary(headers: &mut Vec<Header>, content_type: &str, boundary: &str) {
    let param = format!("; boundary={boundary}");
    match headers
        .iter_mut()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
    {
        Some(h) => h.value.extend_from_slice(param.as_bytes()),
        None => headers.push(Header::new(
            "Content-Type",
            format!("{content_type}{param}"),
        )),
    }
}

/// The bytes of a `text` member, decoded as its `encoding` member says.
fn body_text(
    o: &Obj,
    text: Option<&str>,
    content_type: &str,
    how: &Reading,
    warn: &mut Vec<String>,
) -> Result<Vec<u8>, FieldError> {
    let text = text.unwrap_or_default();
    match o.str("encoding")? {
        Some(e) if e.eq_ignore_ascii_case("base64") => decode_base64(text, &o.path_of("text")),
        None | Some("") => Ok(plain_text_bytes(text, content_type, how)),
        Some(other) => {
            warn.push(format!(
                "{}: unknown encoding {other:?}; the text is taken as is",
                o.path_of("encoding")
            ));
            Ok(plain_text_bytes(text, content_type, how))
        }
    }
}

/// Body text as bytes: UTF-8, except in files mitmproxy wrote, where a body
/// whose type names no charset (and is not JSON) was decoded as Latin-1.
fn plain_text_bytes(text: &str, content_type: &str, how: &Reading) -> Vec<u8> {
    let latin1 = how.mitmproxy && reads_as_latin1(content_type);
    if latin1 && text.chars().all(|c| u32::from(c) <= 0xFF) {
        return text.chars().map(|c| u32::from(c) as u8).collect();
    }
    text_bytes(text, how.markers)
}

fn response(
    resp: &Obj,
    how: &Reading,
    warn: &mut Vec<String>,
) -> Result<ResponseRecord, FieldError> {
    let status = match resp.num("status")? {
        None => 0,
        Some(n) if n.fract() == 0.0 && (0.0..=999.0).contains(&n) => n as u16,
        Some(_) => return Err(FieldError::new("response.status", "a status code")),
    };
    resp.str("statusText")?;
    resp.str("httpVersion")?;
    resp.str("redirectURL")?;
    for number in ["headersSize", "bodySize"] {
        resp.num(number)?;
    }
    resp.arr("cookies")?;
    let headers: Vec<Header> = headers_at(resp, "headers", how, warn)?
        .into_iter()
        .filter(|h| !h.name.starts_with(':'))
        .map(|h| Header::new(h.name, h.value))
        .collect();
    let body = match resp.obj("content")? {
        None => Vec::new(),
        Some(c) => {
            c.num("size")?;
            c.str("mimeType")?;
            match c.str("_textBase64")? {
                Some(exact) => decode_base64(exact, &c.path_of("_textBase64"))?,
                None => {
                    let content_type = headers.get_str("content-type").unwrap_or_default();
                    body_text(&c, c.str("text")?, &content_type, how, warn)?
                }
            }
        }
    };
    Ok(ResponseRecord {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn how() -> Reading {
        Reading {
            markers: false,
            mitmproxy: false,
            now: Timestamp(0),
        }
    }

    fn read(entry: Value) -> (Result<NewRequest, FieldError>, Vec<String>) {
        let mut warn = Vec::new();
        (read_entry(&entry, &how(), 1, &mut warn), warn)
    }

    fn entry(request: Value) -> Value {
        serde_json::json!({"startedDateTime": "2026-01-02T03:04:05Z", "request": request,
            "response": {"status": 200, "content": {}}})
    }

    #[test]
    fn urls_give_targets_and_keep_other_schemes() {
        let t = |u| split_url(u, false).map(|(t, a)| (t, a.unwrap_or_default()));
        assert_eq!(
            t("http://a.test/x?q=1#f"),
            Some(("/x?q=1".into(), "a.test".into()))
        );
        assert_eq!(t("http://a.test"), Some(("/".into(), "a.test".into())));
        assert_eq!(t("http://a.test?x"), Some(("/?x".into(), "a.test".into())));
        assert_eq!(
            t("HTTPS://u:p@api.test:8443/v1/x y"),
            Some((
                "https://api.test:8443/v1/x%20y".into(),
                "api.test:8443".into()
            ))
        );
        assert_eq!(t("/relative"), Some(("/relative".into(), String::new())));
        assert_eq!(t("example.com/x"), None);
    }

    #[test]
    fn pseudo_headers_become_host_in_their_place() {
        let (r, _) = read(entry(serde_json::json!({
            "method": "POST", "url": "https://api.test/hook", "httpVersion": "http/2.0",
            "headers": [{"name": ":method", "value": "POST"}, {"name": ":authority", "value": "api.test"},
                        {"name": ":scheme", "value": "https"}, {"name": "accept", "value": "*/*"}]})));
        let r = r.unwrap();
        assert_eq!(r.target, "https://api.test/hook");
        assert_eq!(r.http_version, "HTTP/2");
        assert_eq!(
            r.headers,
            vec![
                Header::new("host", "api.test"),
                Header::new("accept", "*/*")
            ]
        );
    }

    #[test]
    fn joined_values_split_and_request_lines_are_skipped() {
        let (r, warn) = read(entry(serde_json::json!({
            "method": "GET", "url": "http://a.test/", "headers": [
                {"name": "GET /x HTTP/1.1", "value": ""},
                {"name": "Host", "value": "a.test"},
                {"name": "Cookie", "value": "a=1\nb=2\r\n"}]})));
        let r = r.unwrap();
        assert_eq!(
            r.headers,
            vec![
                Header::new("Host", "a.test"),
                Header::new("Cookie", "a=1"),
                Header::new("Cookie", "b=2")
            ]
        );
        assert_eq!(warn.len(), 1, "{warn:?}");
        assert!(
            warn[0].starts_with("request.headers[0]: \"GET /x HTTP/1.1\""),
            "{warn:?}"
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let (r, _) = read(entry(serde_json::json!({
            "method": "GET", "url": "http://a.test/", "headersSize": "big"})));
        assert_eq!(
            r.unwrap_err().to_string(),
            "request.headersSize: expected a number"
        );
        let (r, _) = read(
            serde_json::json!({"request": {"method": "GET", "url": "http://a/"},
            "response": {"status": 2.5}}),
        );
        assert_eq!(
            r.unwrap_err().to_string(),
            "response.status: expected a status code"
        );
    }

    #[test]
    fn mitmproxy_files_keep_latin1_bodies_as_bytes() {
        let mitm = Reading {
            mitmproxy: true,
            ..how()
        };
        assert_eq!(
            plain_text_bytes("\u{e9}\u{ff}", "application/octet-stream", &mitm),
            b"\xe9\xff"
        );
        assert_eq!(
            plain_text_bytes("\u{e9}", "application/json", &mitm),
            "é".as_bytes()
        );
        assert_eq!(
            plain_text_bytes("\u{e9}", "text/plain; charset=utf-8", &mitm),
            "é".as_bytes()
        );
        assert_eq!(
            plain_text_bytes("\u{e9}", "text/plain", &how()),
            "é".as_bytes()
        );
    }
}
