//! From command-line pieces to a [`Draft`], and from a draft to the exact
//! [`Prepared`] request for one send: headers in wire order, body bytes, signature.
//!
//! Header order of a prepared request:
//! `Host`, `Authorization` (`-u`), `User-Agent`, `Accept`, the template's headers
//! (a template `User-Agent`/`Accept` replaces the default in place),
//! `Content-Type`, then every `-H` (the first `-H` of a name drops the earlier
//! headers of that name, like curl), the signature headers (each in the place
//! of a header of that name, else appended: see [`crate::sign::Signer`]), and
//! `Content-Length`. `Accept` and `Host` cannot be removed: the
//! HTTP stack adds them back at the end, and so does [`Draft::prepare`], so
//! what it reports stays what is sent.

use std::str::FromStr;

use base64::Engine as _;
use bytes::Bytes;

use super::BuildError;
use super::fresh::Fresh;
use super::multipart::{self, FormPart};
use super::templates::{SetOp, Template};
use crate::model::{Header, HeaderList};
use crate::sign::{MessageId, Outbound, Signer, new_message_id};

/// The `User-Agent` sent unless `-A`, `-H` or a template says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("hookcap/", env!("CARGO_PKG_VERSION"));

/// The form content type curl sends for `-d` and `--data-binary`.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// One `-H` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderEdit {
    /// `Name: value` (or `Name;` for an empty value): send this header.
    Set(Header),
    /// `Name:` with nothing after it: do not send the default header of that name.
    Remove(String),
}

impl FromStr for HeaderEdit {
    type Err = BuildError;

    fn from_str(arg: &str) -> Result<Self, BuildError> {
        let bad = |why: &str| BuildError::Invalid(format!("-H {arg:?}: {why}"));
        let (name, value) = match arg.split_once(':') {
            Some((n, v)) => (n, Some(v.trim_start_matches([' ', '\t']))),
            None => match arg.strip_suffix(';') {
                Some(n) => (n, None),
                None => return Err(bad("expected 'Name: value'")),
            },
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(bad("invalid header name"));
        }
        match value {
            Some("") => Ok(Self::Remove(name.to_owned())),
            Some(v) if !valid_value(v.as_bytes()) => Err(bad("control characters in the value")),
            Some(v) => Ok(Self::Set(Header::new(name, v))),
            None => Ok(Self::Set(Header::new(name, ""))),
        }
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Visible characters, space, tab and obs-text; no CR, LF or other controls.
fn valid_value(v: &[u8]) -> bool {
    v.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// The name as hyper writes it in Title-Case: first letter and letters after
/// `-` uppercased, the rest lowercased (`x-github-event` → `X-Github-Event`).
pub fn wire_name(name: &str) -> String {
    let mut prev = b'-';
    name.bytes()
        .map(|b| {
            let c = if prev == b'-' {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            };
            prev = b;
            char::from(c)
        })
        .collect()
}

/// How `-d`/`--data-binary`/`--json` read their argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// `-d`: `@FILE` contents lose CR and LF, like curl.
    Form,
    /// `--data-binary`: bytes exactly as given.
    Binary,
    /// `--json`: bytes exactly as given.
    Json,
}

/// One data argument's bytes: the text itself, or `@FILE` read by `read`
/// (`@-` is stdin).
pub fn read_data(
    arg: &str,
    kind: DataKind,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, BuildError>,
) -> Result<Vec<u8>, BuildError> {
    let Some(path) = arg.strip_prefix('@') else {
        return Ok(arg.as_bytes().to_vec());
    };
    let mut bytes = read(path)?;
    if kind == DataKind::Form {
        bytes.retain(|b| *b != b'\r' && *b != b'\n');
    }
    Ok(bytes)
}

/// Joins the parts of repeated data options: `&` for `-d`/`--data-binary`,
/// nothing for `--json` (curl's rules).
pub fn join_data(parts: Vec<Vec<u8>>, kind: DataKind) -> Vec<u8> {
    let sep: &[u8] = if kind == DataKind::Json { b"" } else { b"&" };
    parts.join(sep)
}

/// `Authorization: Basic …` for `-u user:password`.
pub fn basic_auth(user_pass: &str) -> Result<Header, BuildError> {
    if !user_pass.contains(':') {
        return Err(BuildError::Invalid(
            "-u expects user:password (an empty password is 'user:')".into(),
        ));
    }
    let token = base64::engine::general_purpose::STANDARD.encode(user_pass);
    Ok(Header::new("Authorization", format!("Basic {token}")))
}

/// What the body is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum BodySpec {
    /// No body at all (no `Content-Length` either).
    None,
    /// Fixed bytes and their content type.
    Bytes {
        /// The bytes.
        data: Bytes,
        /// The `Content-Type` to send.
        content_type: String,
    },
    /// `-F` fields; a fresh boundary per request.
    Multipart(Vec<FormPart>),
    /// A provider template with `--set` edits; fresh placeholders per request.
    Template {
        /// The template.
        template: Box<Template>,
        /// The edits, in order.
        sets: Vec<SetOp>,
    },
}

/// Everything about the request that does not change between sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// `-X`, or `None` for POST with a body and GET without.
    pub method: Option<String>,
    /// The absolute URL, normalized as it will be sent, query included.
    pub url: String,
    /// The `Host` header value (`host[:port]`, the port only when not the default).
    pub host: String,
    /// `Authorization` from `-u` or the URL's user info.
    pub auth: Option<Header>,
    /// `-A`.
    pub user_agent: Option<String>,
    /// The `Accept` value (`--json` asks for JSON); `*/*` otherwise.
    pub accept: Option<String>,
    /// `-H` arguments, in order.
    pub edits: Vec<HeaderEdit>,
    /// The body.
    pub body: BodySpec,
}

/// A request exactly as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The method.
    pub method: String,
    /// The absolute URL (Twilio JSON signing may have added `bodySHA256`).
    pub url: String,
    /// Every header, names in wire case, in wire order.
    pub headers: Vec<Header>,
    /// The body; `None` sends no body and no `Content-Length`.
    pub body: Option<Bytes>,
}

impl Prepared {
    /// The request target: path and query, as in the request line.
    pub fn target(&self) -> &str {
        let after_scheme = self.url.split_once("://").map_or(&*self.url, |(_, r)| r);
        let target = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
        target.split('#').next().unwrap_or(target)
    }
}

/// Splits a URL into the normalized URL to send (user info removed), the
/// `Host` header value and the `Authorization` its user info implies.
pub fn parse_url(url: &str) -> Result<(String, String, Option<Header>), BuildError> {
    let bad = |why: String| BuildError::Invalid(format!("invalid URL {url:?}: {why}"));
    let mut parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("only http:// and https:// are supported".into()));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| bad("no host".into()))?
        .to_owned();
    let host = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    let auth = if parsed.username().is_empty() {
        None
    } else {
        let user = percent_decode(parsed.username());
        let pass = percent_decode(parsed.password().unwrap_or(""));
        let header = basic_auth(&format!("{user}:{pass}"))?;
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        Some(header)
    };
    parsed.set_fragment(None);
    Ok((parsed.to_string(), host, auth))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Draft {
    /// True when every send is identical (no template, no multipart boundary,
    /// no signature), so the request can be prepared once and reused.
    pub fn is_static(&self, signer: Option<&Signer>) -> bool {
        signer.is_none() && matches!(self.body, BodySpec::None | BodySpec::Bytes { .. })
    }

    /// The exact request for one send, with fresh ids, boundary and signature.
    pub fn prepare(
        &self,
        fresh: &mut dyn Fresh,
        signer: Option<&Signer>,
    ) -> Result<Prepared, BuildError> {
        let (body, content_type, template_headers) = self.body(fresh)?;
        let mut headers = vec![Header::new("Host", self.host.as_str())];
        headers.extend(self.auth.clone());
        headers.push(Header::new("User-Agent", DEFAULT_USER_AGENT));
        headers.push(Header::new("Accept", "*/*"));
        for h in template_headers {
            replace_or_push(&mut headers, h);
        }
        if let Some(ua) = &self.user_agent {
            replace_or_push(&mut headers, Header::new("User-Agent", ua.as_str()));
        }
        if let Some(accept) = &self.accept {
            replace_or_push(&mut headers, Header::new("Accept", accept.as_str()));
        }
        if let Some(ct) = content_type {
            headers.push(Header::new("Content-Type", ct));
        }
        apply_edits(&mut headers, &self.edits);
        let mut url = self.url.clone();
        if let Some(signer) = signer {
            // A built request's id is new already (a template's `msg_{{id}}`)
            // or the user's own (`-H webhook-id: …`): it is kept.
            let otherwise = new_message_id(fresh.uuid());
            let request = Outbound {
                headers: &headers,
                body: body.as_deref().unwrap_or_default(),
                url: &url,
            };
            let keep = MessageId::Keep {
                otherwise: &otherwise,
            };
            let signed = signer.resign(&request, fresh.now(), keep)?;
            headers = signed.headers;
            url = signed.url;
        }
        if let Some(body) = &body {
            set_content_length(&mut headers, body.len())?;
        }
        // The HTTP stack puts these back at the end when `-H 'Name:'` removed them.
        if headers.find("accept").is_none() {
            headers.push(Header::new("Accept", "*/*"));
        }
        if headers.find("host").is_none() {
            headers.push(Header::new("Host", self.host.as_str()));
        }
        for h in &mut headers {
            h.name = wire_name(&h.name);
        }
        let method = self
            .method
            .clone()
            .unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.to_owned());
        Ok(Prepared {
            method,
            url,
            headers,
            body,
        })
    }

    /// The body bytes, its content type and a template's headers.
    #[allow(clippy::type_complexity)]
    fn body(
        &self,
        fresh: &mut dyn Fresh,
    ) -> Result<(Option<Bytes>, Option<String>, Vec<Header>), BuildError> {
        Ok(match &self.body {
            BodySpec::None => (None, None, Vec::new()),
            BodySpec::Bytes { data, content_type } => {
                (Some(data.clone()), Some(content_type.clone()), Vec::new())
            }
            BodySpec::Multipart(parts) => {
                let boundary = multipart::fresh_boundary(parts, &mut || fresh.random());
                let body = multipart::encode(parts, &boundary);
                let ct = multipart::content_type(&boundary);
                (Some(body.into()), Some(ct), Vec::new())
            }
            BodySpec::Template { template, sets } => {
                let r = template.render(sets, fresh)?;
                (Some(r.body.into()), Some(r.content_type), r.headers)
            }
        })
    }
}

fn remove(headers: &mut Vec<Header>, name: &str) {
    headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
}

/// Replaces the first header of the same name in place (dropping later ones), or appends.
fn replace_or_push(headers: &mut Vec<Header>, new: Header) {
    match headers
        .iter()
        .position(|h| h.name.eq_ignore_ascii_case(&new.name))
    {
        Some(i) => {
            let name = new.name.clone();
            headers[i] = new;
            let mut seen = 0;
            headers.retain(|h| {
                let same = h.name.eq_ignore_ascii_case(&name);
                seen += usize::from(same);
                !same || seen == 1
            });
        }
        None => headers.push(new),
    }
}

/// `-H` edits: the first of each name replaces the defaults of that name.
fn apply_edits(headers: &mut Vec<Header>, edits: &[HeaderEdit]) {
    let mut replaced: Vec<String> = Vec::new();
    for edit in edits {
        let name = match edit {
            HeaderEdit::Set(h) => &h.name,
            HeaderEdit::Remove(n) => n,
        };
        let lower = name.to_ascii_lowercase();
        if !replaced.contains(&lower) {
            remove(headers, name);
            replaced.push(lower);
        }
        if let HeaderEdit::Set(h) = edit {
            headers.push(h.clone());
        }
    }
}

/// Adds `Content-Length`, or checks that a `-H Content-Length` matches the body.
fn set_content_length(headers: &mut Vec<Header>, len: usize) -> Result<(), BuildError> {
    match headers.get_str("content-length") {
        Some(v) if v.trim().parse::<usize>() == Ok(len) => Ok(()),
        Some(v) => Err(BuildError::Invalid(format!(
            "Content-Length: {v} does not match the body ({len} bytes)"
        ))),
        None => {
            headers.push(Header::new("Content-Length", len.to_string()));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::fresh::testing::FixedFresh;
    use crate::sign::{ProviderKind, Secret};

    fn draft(url: &str) -> Draft {
        let (url, host, auth) = parse_url(url).unwrap();
        Draft {
            method: None,
            url,
            host,
            auth,
            user_agent: None,
            accept: None,
            edits: Vec::new(),
            body: BodySpec::None,
        }
    }

    fn names(p: &Prepared) -> Vec<String> {
        p.headers
            .iter()
            .map(|h| format!("{}: {}", h.name, h.value_str()))
            .collect()
    }

    #[test]
    fn header_arguments_table() {
        let set = |n: &str, v: &str| Ok(HeaderEdit::Set(Header::new(n, v)));
        assert_eq!("X-A: 1 2 ".parse(), set("X-A", "1 2 "));
        assert_eq!("X-A:x:y".parse(), set("X-A", "x:y"));
        assert_eq!("X-A;".parse(), set("X-A", ""));
        assert_eq!("Accept:".parse(), Ok(HeaderEdit::Remove("Accept".into())));
        for bad in ["X-A", "Bad Name: 1", ": v", "X: a\r\nY: b"] {
            assert!(bad.parse::<HeaderEdit>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn get_has_default_headers_and_no_length() {
        let p = draft("http://u:p%40ss@example.com:8080/a?b=1#frag")
            .prepare(&mut FixedFresh::default(), None)
            .unwrap();
        assert_eq!(p.method, "GET");
        assert_eq!(p.url, "http://example.com:8080/a?b=1");
        assert_eq!(p.target(), "/a?b=1");
        assert_eq!(
            names(&p),
            [
                "Host: example.com:8080",
                "Authorization: Basic dTpwQHNz",
                &format!("User-Agent: {DEFAULT_USER_AGENT}"),
                "Accept: */*"
            ]
        );
    }

    #[test]
    fn edits_replace_remove_and_keep_order() {
        let mut d = draft("https://example.com");
        d.body = BodySpec::Bytes {
            data: Bytes::from_static(b"a=1"),
            content_type: FORM_CONTENT_TYPE.into(),
        };
        d.user_agent = Some("ua/1".into());
        d.edits = [
            "X-B: 1",
            "accept:",
            "X-A: 2",
            "x-b: 3",
            "content-type: text/plain",
        ]
        .iter()
        .map(|e| e.parse().unwrap())
        .collect();
        let p = d.prepare(&mut FixedFresh::default(), None).unwrap();
        assert_eq!(p.method, "POST");
        assert_eq!(
            names(&p),
            [
                "Host: example.com",
                "User-Agent: ua/1",
                "X-B: 1",
                "X-A: 2",
                "X-B: 3",
                "Content-Type: text/plain",
                "Content-Length: 3",
                "Accept: */*"
            ]
        );
        d.edits = vec!["Content-Length: 4".parse().unwrap()];
        assert!(d.prepare(&mut FixedFresh::default(), None).is_err());
    }

    #[test]
    fn data_arguments_follow_curl() {
        let mut read = |p: &str| Ok(format!("{p}\r\nline2\n").into_bytes());
        assert_eq!(
            read_data("@f", DataKind::Form, &mut read).unwrap(),
            b"fline2"
        );
        assert_eq!(
            read_data("@f", DataKind::Binary, &mut read).unwrap(),
            b"f\r\nline2\n"
        );
        assert_eq!(read_data("a b", DataKind::Form, &mut read).unwrap(), b"a b");
        assert_eq!(
            join_data(vec![b"a".to_vec(), b"b".to_vec()], DataKind::Form),
            b"a&b"
        );
        assert_eq!(
            join_data(vec![b"{".to_vec(), b"}".to_vec()], DataKind::Json),
            b"{}"
        );
        assert!(basic_auth("nouser").is_err());
        assert_eq!(basic_auth("u:").unwrap().value, b"Basic dTo=");
    }

    #[test]
    fn wire_names_are_title_case() {
        assert_eq!(wire_name("X-GitHub-Event"), "X-Github-Event");
        assert_eq!(wire_name("webhook-id"), "Webhook-Id");
        assert_eq!(wire_name("content-type"), "Content-Type");
    }

    #[test]
    fn template_signing_replaces_headers_and_is_fresh() {
        let mut d = draft("http://127.0.0.1:9/hook");
        d.body = BodySpec::Template {
            template: Box::new(super::super::templates::load("standard.example").unwrap()),
            sets: Vec::new(),
        };
        let signer = standard_signer();
        let mut fresh = FixedFresh::default();
        let a = d.prepare(&mut fresh, Some(&signer)).unwrap();
        let b = d.prepare(&mut fresh, Some(&signer)).unwrap();
        assert_eq!(a.headers.all("webhook-id").count(), 1);
        assert_ne!(
            a.headers.get_str("webhook-id"),
            b.headers.get_str("webhook-id")
        );
        let last = a.headers.last().unwrap();
        assert_eq!(last.name, "Content-Length");
        assert!(format!("{signer:?}").contains("redacted"));
    }

    fn json_draft(url: &str, body: &'static [u8]) -> Draft {
        let mut d = draft(url);
        d.body = BodySpec::Bytes {
            data: Bytes::from_static(body),
            content_type: "application/json".into(),
        };
        d
    }

    fn standard_signer() -> Signer {
        let secret = Secret::from_bytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        Signer::new(ProviderKind::Standard, None, secret).unwrap()
    }

    #[test]
    fn a_message_id_given_with_h_is_kept_and_signed_in_its_place() {
        let mut d = json_draft("http://127.0.0.1:9/hook", b"{}");
        d.edits = vec![
            "webhook-id: msg_mine".parse().unwrap(),
            "webhook-signature: v1,stale".parse().unwrap(),
            "X-After: 1".parse().unwrap(),
        ];
        let p = d
            .prepare(&mut FixedFresh::default(), Some(&standard_signer()))
            .unwrap();
        let names: Vec<&str> = p.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "User-Agent",
                "Accept",
                "Content-Type",
                "Webhook-Id",
                "Webhook-Signature",
                "X-After",
                "Webhook-Timestamp",
                "Content-Length"
            ]
        );
        assert_eq!(p.headers.get_str("webhook-id").unwrap(), "msg_mine");
        assert_ne!(p.headers.get_str("webhook-signature").unwrap(), "v1,stale");
    }

    #[test]
    fn a_stale_twilio_body_hash_in_the_url_is_replaced() {
        let d = json_draft("http://127.0.0.1:9/sms?bodySHA256=stale&a=1", b"{\"x\":1}");
        let signer = Signer::new(ProviderKind::Twilio, None, Secret::from_bytes("t")).unwrap();
        let p = d
            .prepare(&mut FixedFresh::default(), Some(&signer))
            .unwrap();
        assert!(
            p.url.starts_with("http://127.0.0.1:9/sms?a=1&bodySHA256="),
            "{}",
            p.url
        );
        assert!(!p.url.contains("stale"), "{}", p.url);
    }
}
