//! Reading HAR and NDJSON files back into requests (`hookcap import`).
//!
//! The format is detected: a JSON document with a `log` member is HAR, lines
//! of `hookcap export` documents are NDJSON, anything else is refused as
//! neither. Reading is lenient, like mitmproxy's HAR reader: an entry (or
//! line) that cannot be read is skipped with a warning naming it and the field
//! (`entry 12: request.headersSize: expected a number`), and the rest are
//! imported. [`entry`] says what is adjusted inside an entry and why.
//!
//! hookcap's own HAR extensions are used when present, so its exports come
//! back byte for byte.

mod entry;
mod fields;
mod form;
mod json_text;
mod time;

use serde_json::Value;

pub use fields::FieldError;

use crate::document::RequestDoc;
use crate::model::{NewRequest, Timestamp};

/// What a file held.
#[derive(Debug)]
pub struct Imported {
    /// The requests read, in file order.
    pub requests: Vec<NewRequest>,
    /// How many entries (or lines) the file had, skipped ones included.
    pub total: usize,
    /// What the file is made of.
    pub kind: Kind,
    /// What was adjusted or skipped, one line each, naming the entry or line.
    pub warnings: Vec<String>,
}

/// The formats import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTTP Archive: its entries.
    Har,
    /// `hookcap export` NDJSON: its lines.
    Ndjson,
}

impl Kind {
    /// What one item of this kind is called, in the plural.
    pub fn items(self) -> &'static str {
        match self {
            Self::Har => "entries",
            Self::Ndjson => "lines",
        }
    }
}

/// Why nothing could be read from a file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Neither HAR nor NDJSON.
    #[error(
        "this is neither HAR (a JSON object with log.entries) nor NDJSON from \
         `hookcap export` (one request document per line)"
    )]
    Unrecognized,
    /// One HAR entry on its own, as haralyzer's test data keeps some.
    #[error(
        "this is a single HAR entry, not a HAR file: import reads the entries of \
         {{\"log\": {{\"entries\": [...]}}}}"
    )]
    LoneEntry,
    /// It starts like HAR but does not parse.
    #[error("this looks like HAR but is not valid JSON: {0}")]
    BrokenHar(String),
    /// A HAR document whose `log.entries` is not a list.
    #[error("{0}")]
    NotHar(FieldError),
}

/// The requests in `bytes` (HAR or NDJSON), for session `session_id`.
pub fn read(bytes: &[u8], session_id: i64) -> Result<Imported, ImportError> {
    let bytes = json_text::strip_bom(bytes);
    let prepared = json_text::prepare(bytes);
    match serde_json::from_slice::<Value>(&prepared.text) {
        Ok(doc) if doc.get("log").is_some() => read_har(&doc, &prepared, session_id),
        Ok(doc) if is_request_doc(&doc) => Ok(read_ndjson(bytes, session_id)),
        Ok(doc) if is_lone_entry(&doc) => Err(ImportError::LoneEntry),
        Ok(_) => Err(ImportError::Unrecognized),
        Err(err) => {
            let first = bytes
                .split(|&b| b == b'\n')
                .find(|l| !l.iter().all(u8::is_ascii_whitespace));
            let first_doc = first.and_then(|l| serde_json::from_slice::<Value>(l).ok());
            if first_doc.as_ref().is_some_and(is_request_doc) {
                Ok(read_ndjson(bytes, session_id))
            } else if looks_like_har(bytes) {
                Err(ImportError::BrokenHar(err.to_string()))
            } else {
                Err(ImportError::Unrecognized)
            }
        }
    }
}

/// A `show --json` document: an object with a method and a target.
fn is_request_doc(v: &Value) -> bool {
    v.get("method").is_some_and(Value::is_string) && v.get("target").is_some_and(Value::is_string)
}

/// A HAR entry: an object with a `request` object and a `startedDateTime`
/// or `response`.
fn is_lone_entry(v: &Value) -> bool {
    v.get("request").is_some_and(Value::is_object)
        && (v.get("response").is_some() || v.get("startedDateTime").is_some())
}

/// An object whose first member is `log`, as HAR writers put it.
fn looks_like_har(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    let text: String = String::from_utf8_lossy(head)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.starts_with("{\"log\"")
}

fn read_har(
    doc: &Value,
    prepared: &json_text::Prepared,
    session_id: i64,
) -> Result<Imported, ImportError> {
    let root = fields::Obj::of(doc, "").map_err(ImportError::NotHar)?;
    let log = root
        .obj("log")
        .and_then(|l| l.ok_or_else(|| FieldError::new("log", "an object")))
        .map_err(ImportError::NotHar)?;
    let entries = match log.get("entries") {
        Some(Value::Array(entries)) => entries.as_slice(),
        _ => {
            return Err(ImportError::NotHar(FieldError::new(
                "log.entries",
                "an array",
            )));
        }
    };
    let creator = log
        .obj("creator")
        .ok()
        .flatten()
        .and_then(|c| c.str("name").ok().flatten())
        .unwrap_or_default();
    let how = entry::Reading {
        markers: prepared.markers,
        mitmproxy: creator.to_ascii_lowercase().starts_with("mitmproxy"),
        now: Timestamp::now(),
    };
    let mut warnings: Vec<String> = prepared.note.iter().cloned().collect();
    let mut requests = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let mut adjusted = Vec::new();
        // What was adjusted in an entry that is then skipped is not news:
        // only why it was skipped is said.
        let said = match entry::read_entry(e, &how, session_id, &mut adjusted) {
            Ok(r) => {
                requests.push(r);
                adjusted
            }
            Err(err) => vec![format!("{err}; entry skipped")],
        };
        warnings.extend(said.into_iter().map(|w| format!("entry {}: {w}", i + 1)));
    }
    Ok(Imported {
        requests,
        total: entries.len(),
        kind: Kind::Har,
        warnings,
    })
}

/// One `hookcap export` document per line; a line that is not one is
/// skipped with a warning.
fn read_ndjson(bytes: &[u8], session_id: i64) -> Imported {
    let mut requests = Vec::new();
    let mut warnings = Vec::new();
    let mut total = 0;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        total += 1;
        let read = serde_json::from_slice::<RequestDoc>(line)
            .map_err(|e| format!("not a hookcap request document ({e})"))
            .and_then(|doc| doc.to_request(session_id).map_err(|e| e.to_string()))
            .and_then(|r| check(&r).map(|()| r));
        match read {
            Ok(r) => requests.push(r),
            Err(why) => warnings.push(format!("line {}: {why}; line skipped", i + 1)),
        }
    }
    Imported {
        requests,
        total,
        kind: Kind::Ndjson,
        warnings,
    }
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
    use crate::export::har;
    use crate::export::testing::sample;

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
        let mut json = sample(
            "POST",
            "/j",
            &[("Content-Type", "application/json")],
            b"\"\xe9\"",
        );
        json.id = 2;
        let entries = [
            har::entry_of(&r, &[], "http://h"),
            har::entry_of(&json, &[], "http://h"),
        ];
        let back = read(&har::document(&entries), 1).unwrap();
        assert_eq!(back.requests, vec![r.request, json.request]);
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    #[test]
    fn one_bad_entry_is_skipped_and_named() {
        let good = r#"{"startedDateTime":"2026-01-02T03:04:05Z","request":{"method":"GET","url":"http://a/"},"response":{"status":200}}"#;
        let bad = r#"{"startedDateTime":"2026-01-02T03:04:05Z","request":{"method":"GET","url":"http://a/","headersSize":"x"},"response":{"status":200}}"#;
        let har = format!(r#"{{"log":{{"entries":[{good},{bad},{good}]}}}}"#);
        let got = read(har.as_bytes(), 1).unwrap();
        assert_eq!((got.requests.len(), got.total), (2, 3));
        assert_eq!(
            got.warnings,
            vec!["entry 2: request.headersSize: expected a number; entry skipped"]
        );
    }

    #[test]
    fn a_skipped_entry_says_only_why() {
        // haralyzer's missing_page.har: the request's members sit inside
        // postData, and startedDateTime inside the request.
        let moved = r#"{"request":{"postData":{"method":"POST","url":"https://a/x"},"startedDateTime":"2026-01-02T03:04:05Z"},"response":{"status":200}}"#;
        let har = format!(r#"{{"log":{{"entries":[{moved}]}}}}"#);
        let got = read(har.as_bytes(), 1).unwrap();
        assert_eq!((got.requests.len(), got.total), (0, 1));
        assert_eq!(
            got.warnings,
            vec!["entry 1: request.method: missing (expected a string); entry skipped"]
        );
    }

    #[test]
    fn neither_har_nor_ndjson_says_so() {
        for text in ["{\"x\":1}\n", "hello\n", "[1,2]", ""] {
            assert!(
                matches!(read(text.as_bytes(), 1), Err(ImportError::Unrecognized)),
                "{text:?}"
            );
        }
        assert!(matches!(
            read(b"{\"log\": {\"entries\": [", 1),
            Err(ImportError::BrokenHar(_))
        ));
        let entry = br#"{"startedDateTime":"2015-02-22T19:28:12.136-08:00","request":{"method":"GET","url":"http://a/"},"response":{"status":200}}"#;
        assert!(matches!(read(entry, 1), Err(ImportError::LoneEntry)));
        let err = read(b"{\"log\": {\"entries\": 3}}", 1).unwrap_err();
        assert_eq!(err.to_string(), "log.entries: expected an array");
    }

    #[test]
    fn ndjson_lines_that_are_not_documents_are_skipped() {
        let r = sample("POST", "/x", &[("Host", "h")], b"{}");
        let doc = serde_json::to_string(&RequestDoc::with_deliveries(&r, &[])).unwrap();
        let text = format!("{doc}\n{{\"nope\":1}}\n\n{doc}\n");
        let got = read(text.as_bytes(), 1).unwrap();
        assert_eq!(
            (got.requests.len(), got.total, got.kind),
            (2, 3, Kind::Ndjson)
        );
        assert_eq!(got.warnings.len(), 1);
        assert!(got.warnings[0].starts_with("line 2: not a hookcap request document"));
    }
}
