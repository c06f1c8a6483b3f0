//! Bodies in HAR: what standard readers understand in the standard fields,
//! and the exact bytes in `_textBase64` whenever the standard text is not
//! exactly the body.
//!
//! HAR 1.2 defines `encoding: "base64"` on response `content` only, and
//! readers ignore it on request `postData` (mitmproxy's and haralyzer's do),
//! so a request body is always written as text:
//!
//! * UTF-8 bodies as they are;
//! * other bodies the way mitmproxy's own HAR exporter writes them, so that
//!   its reader gets the bytes back: as Latin-1 (one character per byte) when
//!   mitmproxy would read the body as Latin-1 (no `charset`, not JSON), else
//!   as UTF-8 with each stray byte a lone surrogate (`\udce9`), which its
//!   reader turns back into that byte;
//! * a body with a `Content-Encoding` hookcap can undo is written decoded, as
//!   HAR's text is the content (mitmproxy and browsers do the same).
//!
//! `_textBase64` (the member haralyzer reads first) then holds the exact
//! bytes. Response bodies are text, or base64 with `encoding`, decoded like
//! request bodies, with `_textBase64` when decoded.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::json::HarText;
use crate::model::{Header, HeaderList};
use crate::render::body::decode_content_encoding;

/// A request body as HAR writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestText {
    /// `postData.text`.
    pub text: HarText,
    /// `postData._textBase64`: the exact bytes, when `text` is not them.
    pub exact: Option<String>,
}

/// A response body as HAR writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseText {
    /// `content.text`.
    pub text: String,
    /// `content.encoding`: `base64` when the content is not UTF-8.
    pub encoding: Option<String>,
    /// `content.size`: the length of the content (decoded).
    pub size: usize,
    /// `content._textBase64`: the exact bytes, when the content was decoded.
    pub exact: Option<String>,
}

/// The content of a body: its `Content-Encoding` undone when hookcap can,
/// otherwise the bytes as they are (as mitmproxy does for what it cannot decode).
fn content<'a>(headers: &[Header], body: &'a [u8]) -> Cow<'a, [u8]> {
    decode_content_encoding(headers, body).unwrap_or(Cow::Borrowed(body))
}

/// `postData` of a request body.
pub fn request_text(headers: &[Header], body: &[u8]) -> RequestText {
    let content = content(headers, body);
    let decoded = content.as_ref() != body;
    let text = match std::str::from_utf8(&content) {
        Ok(s) => HarText::Text(s.to_owned()),
        Err(_) if reads_as_latin1(&headers.get_str("content-type").unwrap_or_default()) => {
            HarText::Text(content.iter().map(|&b| char::from(b)).collect())
        }
        Err(_) => HarText::Bytes(content.into_owned()),
    };
    let exact_text = matches!(&text, HarText::Text(t) if t.as_bytes() == body);
    RequestText {
        text,
        exact: (decoded || !exact_text).then(|| B64.encode(body)),
    }
}

/// `content` of a response body.
pub fn response_text(headers: &[Header], body: &[u8]) -> ResponseText {
    let content = content(headers, body);
    let decoded = content.as_ref() != body;
    let (text, encoding) = match std::str::from_utf8(&content) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => (B64.encode(&content), Some("base64".to_owned())),
    };
    ResponseText {
        text,
        encoding,
        size: content.len(),
        exact: decoded.then(|| B64.encode(body)),
    }
}

/// Whether mitmproxy reads (and writes) a body of this type as Latin-1: its
/// `infer_content_encoding` takes the `charset` parameter, else UTF-8 for
/// JSON, else Latin-1. Import uses it to read mitmproxy's HAR files.
pub fn reads_as_latin1(content_type: &str) -> bool {
    let lower = content_type.to_ascii_lowercase();
    let charset = lower.split(';').skip(1).find_map(|p| {
        let (name, value) = p.split_once('=')?;
        (name.trim() == "charset").then(|| value.trim().trim_matches('"').to_owned())
    });
    match charset {
        Some(c) => matches!(
            c.as_str(),
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp819" | "8859"
        ),
        None => !lower.contains("json"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn ct(v: &str) -> Vec<Header> {
        vec![Header::new("Content-Type", v)]
    }

    #[test]
    fn text_bodies_are_text_without_a_copy() {
        let r = request_text(&ct("application/json"), "{\"a\":\"é\"}".as_bytes());
        assert_eq!(r.text, HarText::Text("{\"a\":\"é\"}".into()));
        assert_eq!(r.exact, None);
    }

    #[test]
    fn binary_bodies_are_written_as_mitmproxy_reads_them() {
        let bin = b"\x00\xff\xe9ab";
        let r = request_text(&ct("application/octet-stream"), bin);
        assert_eq!(r.text, HarText::Text("\u{0}\u{ff}\u{e9}ab".into()));
        assert_eq!(r.exact.as_deref(), Some("AP/pYWI="));
        let r = request_text(&ct("application/json"), b"{\"a\":\"\xe9\"}");
        assert_eq!(r.text, HarText::Bytes(b"{\"a\":\"\xe9\"}".to_vec()));
        let r = request_text(&ct("text/plain; charset=ISO-8859-1"), b"caf\xe9");
        assert_eq!(r.text, HarText::Text("caf\u{e9}".into()));
    }

    #[test]
    fn encoded_bodies_are_decoded_with_the_bytes_kept() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"x\":1}").unwrap();
        let raw = gz.finish().unwrap();
        let headers = vec![
            Header::new("Content-Type", "application/json"),
            Header::new("Content-Encoding", "gzip"),
        ];
        let r = request_text(&headers, &raw);
        assert_eq!(r.text, HarText::Text("{\"x\":1}".into()));
        assert_eq!(r.exact, Some(B64.encode(&raw)));
        let c = response_text(&headers, &raw);
        assert_eq!((c.text.as_str(), c.size), ("{\"x\":1}", 7));
        assert_eq!(c.exact, Some(B64.encode(&raw)));
        // A body that does not decode (cut short) is kept as it is.
        let cut = &raw[..raw.len() / 2];
        assert_eq!(request_text(&headers, cut).exact, Some(B64.encode(cut)));
    }

    #[test]
    fn binary_answers_are_base64() {
        let c = response_text(&ct("image/png"), b"\x89PNG");
        assert_eq!(
            (c.text.as_str(), c.encoding.as_deref()),
            ("iVBORw==", Some("base64"))
        );
        assert_eq!(c.exact, None);
    }
}
