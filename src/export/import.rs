//! Reading HAR and NDJSON files back into requests (`hookcap import`).
//!
//! The format is detected: a JSON document with a `log` member is HAR,
//! anything else is read as NDJSON, one `show --json` document per line.
//! hookcap's own HAR extensions (`_hookcap`, `_valueBase64`) are used when
//! present, so its exports come back byte for byte; HAR from browsers and other
//! tools is read as well as HAR allows (HTTP/2 pseudo-headers are dropped).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::har::{self, Har, HarHeader};
use crate::document::{RequestDoc, SignatureDoc};
use crate::model::{Header, NewRequest, ResponseRecord, Timestamp};

/// Why a file could not be imported; every message names the entry or line.
#[derive(Debug, thiserror::Error)]
#[error("{place}: {reason}")]
pub struct ImportError {
    /// `line 3` or `entry 2`.
    pub place: String,
    /// What is wrong there.
    pub reason: String,
}

fn at(place: String) -> impl Fn(String) -> ImportError {
    move |reason| ImportError {
        place: place.clone(),
        reason,
    }
}

/// The requests in `bytes` (HAR or NDJSON), for session `session_id`.
pub fn read(bytes: &[u8], session_id: i64) -> Result<Vec<NewRequest>, ImportError> {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && value.get("log").is_some()
    {
        let har: Har = serde_json::from_value(value).map_err(|e| ImportError {
            place: "HAR".into(),
            reason: e.to_string(),
        })?;
        return har
            .log
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| from_entry(e, session_id).map_err(at(format!("entry {}", i + 1))))
            .collect();
    }
    read_ndjson(bytes, session_id)
}

fn read_ndjson(bytes: &[u8], session_id: i64) -> Result<Vec<NewRequest>, ImportError> {
    let mut out = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let err = at(format!("line {}", i + 1));
        let doc: RequestDoc = serde_json::from_slice(line).map_err(|e| {
            err(format!(
                "not a hookcap request document ({e}); import takes HAR or `hookcap export` NDJSON"
            ))
        })?;
        let r = doc.to_request(session_id).map_err(|e| err(e.to_string()))?;
        check(&r).map_err(&err)?;
        out.push(r);
    }
    Ok(out)
}

fn from_entry(e: &har::Entry, session_id: i64) -> Result<NewRequest, String> {
    let extra = e.hookcap.as_ref();
    let req = &e.request;
    let received_at = humantime::parse_rfc3339_weak(&e.started_date_time)
        .map(Timestamp::from_system_time)
        .unwrap_or_else(|_| Timestamp::now());
    let r = NewRequest {
        session_id,
        received_at,
        method: req.method.clone(),
        target: extra.map_or_else(|| target_of(&req.url), |x| x.target.clone()),
        http_version: if req.http_version.is_empty() {
            "HTTP/1.1".to_owned()
        } else {
            req.http_version.clone()
        },
        remote_addr: extra.map(|x| x.remote_addr.clone()).unwrap_or_default(),
        headers: headers(&req.headers)?,
        body: match &req.post_data {
            Some(p) if !p.params.is_empty() && p.text.is_none() => form_body(&p.params),
            Some(p) => decode(p.text.as_deref(), p.encoding.as_deref())?,
            None => Vec::new(),
        },
        truncated: extra.is_some_and(|x| x.truncated),
        response: ResponseRecord {
            status: e.response.status,
            headers: headers(&e.response.headers)?,
            body: decode(
                e.response.content.text.as_deref(),
                e.response.content.encoding.as_deref(),
            )?,
        },
        signature: extra
            .and_then(|x| x.signature.as_ref())
            .and_then(SignatureDoc::to_check),
        rejected: extra.and_then(|x| x.rejected.clone()),
    };
    check(&r)?;
    Ok(r)
}

/// The request target of an absolute URL: path and query, no fragment.
fn target_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let target = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    target.split('#').next().unwrap_or("/").to_owned()
}

fn headers(list: &[HarHeader]) -> Result<Vec<Header>, String> {
    list.iter()
        .filter(|h| !h.name.starts_with(':'))
        .map(|h| {
            let value = match &h.value_base64 {
                Some(b) => B64
                    .decode(b)
                    .map_err(|_| format!("header {:?}: _valueBase64 is not base64", h.name))?,
                None => h.value.clone().into_bytes(),
            };
            Ok(Header::new(h.name.clone(), value))
        })
        .collect()
}

fn decode(text: Option<&str>, encoding: Option<&str>) -> Result<Vec<u8>, String> {
    let text = text.unwrap_or_default();
    match encoding {
        None | Some("") => Ok(text.as_bytes().to_vec()),
        Some("base64") => B64
            .decode(text)
            .map_err(|_| "a body marked base64 is not base64".to_owned()),
        Some(other) => Err(format!("unknown body encoding {other:?}")),
    }
}

fn form_body(params: &[har::NameValue]) -> Vec<u8> {
    params
        .iter()
        .map(|p| format!("{}={}", p.name, p.value))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// What the store needs to keep a request exact: header lines are stored as
/// `Name: value` CRLF, so names are HTTP tokens and values hold no CR, LF or NUL.
fn check(r: &NewRequest) -> Result<(), String> {
    if r.method.is_empty()
        || r.method
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(format!("{:?} is not an HTTP method", r.method));
    }
    for h in r.headers.iter().chain(&r.response.headers) {
        let name_ok =
            !h.name.is_empty() && h.name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        if !name_ok {
            return Err(format!("{:?} is not a header name", h.name));
        }
        if h.value.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(format!(
                "the value of header {:?} holds CR, LF or NUL",
                h.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;

    #[test]
    fn targets_come_from_urls_without_fragments() {
        assert_eq!(target_of("https://a.test/x/y?q=1#frag"), "/x/y?q=1");
        assert_eq!(target_of("http://a.test"), "/");
    }

    #[test]
    fn hookcap_har_reads_back_exactly() {
        let mut r = sample("PATCH", "/a//b?x=%20", &[("X-Bin", "")], &[0, 0xff, 1]);
        r.request.headers[0].value = vec![0xfe, b'a'];
        r.request.signature = Some(crate::model::SignatureCheck {
            provider: "stripe".into(),
            outcome: crate::model::Outcome::Unsigned,
            reason: "no Stripe-Signature header".into(),
        });
        r.request.rejected = Some("unsigned".into());
        let entry = har::entry_of(&r, &[], "http://h");
        let har = serde_json::json!({"log": {"version": "1.2", "entries": [entry]}});
        let back = read(har.to_string().as_bytes(), 1).unwrap();
        assert_eq!(back, vec![r.request]);
    }

    #[test]
    fn browser_har_drops_pseudo_headers_and_takes_form_params() {
        let har = r#"{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-01-02T03:04:05.000Z",
            "request":{"method":"POST","url":"https://x.test/f?a=1","httpVersion":"h2",
              "headers":[{"name":":authority","value":"x.test"},{"name":"content-type","value":"application/x-www-form-urlencoded"}],
              "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a","value":"1"},{"name":"b","value":"2"}]}},
            "response":{"status":204,"content":{"size":0,"mimeType":""}}}]}}"#;
        let r = &read(har.as_bytes(), 1).unwrap()[0];
        assert_eq!(
            (r.target.as_str(), r.body.as_slice()),
            ("/f?a=1", &b"a=1&b=2"[..])
        );
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.response.status, 204);
    }

    #[test]
    fn bad_input_names_the_line() {
        let err = read(b"\n{\"nope\":1}\n", 1).unwrap_err();
        assert_eq!(err.place, "line 2");
    }
}
