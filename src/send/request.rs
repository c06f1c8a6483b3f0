//! From command-line pieces to a [`Draft`], and from a draft to the exact
//! [`Prepared`] request for one send: header lines in wire order, body bytes,
//! signature.
//!
//! The head is the one curl 7.88 writes for the same options (only the
//! `User-Agent` differs): `Host`, `Authorization` (`-u`), `User-Agent`,
//! `Accept`, `Accept-Encoding` (`--compressed`), the template's headers,
//! every `-H` line exactly as typed and in the order given, then for a body
//! `Content-Length`, `Content-Type` and, over 1 MiB, `Expect: 100-continue`.
//! A `-H` line of a default's name replaces that default (`-H 'Host: x'`
//! keeps its place first; `-H 'Accept:'` only removes it); `--json` adds its
//! `Content-Type` and `Accept` after the `-H` lines, as curl does. Signature
//! headers take the place of a header of that name, else come last (see
//! [`crate::sign::Signer`]).

use std::str::FromStr;

use base64::Engine as _;
use bytes::Bytes;

use super::BuildError;
use super::fresh::Fresh;
use super::multipart::{self, FormPart};
use super::templates::{SetOp, Template};
use crate::http::writer::{Spaced, is_valid_name, is_valid_value};
use crate::model::Header;
use crate::sign::{MessageId, Outbound, Signer, new_message_id};

/// The `User-Agent` sent unless `-A`, `-H` or a template says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("hookcap/", env!("CARGO_PKG_VERSION"));

/// The form content type curl sends for the data options.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// What `--compressed` asks for: what curl 7.88 built with zlib, brotli and
/// zstd sends.
pub const ACCEPT_ENCODING: &str = "deflate, gzip, br, zstd";

/// Bodies larger than this go out with `Expect: 100-continue`, as curl
/// sends them (the body follows at once; an interim `100` is skipped).
pub const EXPECT_100_OVER: usize = 1024 * 1024;

/// One `-H` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderArg {
    /// `Name: value` (or `Name;` for an empty value): this line, as typed.
    Set(Spaced),
    /// `Name:` with nothing after it: do not send the default header of that name.
    Remove(String),
}

impl HeaderArg {
    /// The header name.
    pub fn name(&self) -> &str {
        match self {
            Self::Set(f) => &f.header.name,
            Self::Remove(n) => n,
        }
    }
}

impl FromStr for HeaderArg {
    type Err = BuildError;

    fn from_str(arg: &str) -> Result<Self, BuildError> {
        let bad = |why: &str| BuildError::Invalid(format!("-H {arg:?}: {why}"));
        let (name, rest) = match arg.split_once(':') {
            Some((n, rest)) => (n, Some(rest)),
            None => match arg.strip_suffix(';') {
                Some(n) => (n, None),
                None => return Err(bad("expected 'Name: value'")),
            },
        };
        if !is_valid_name(name) {
            return Err(bad("invalid header name"));
        }
        let Some(rest) = rest else {
            return Ok(Self::Set(Spaced {
                header: Header::new(name, ""),
                gap: String::new(),
            }));
        };
        if !is_valid_value(rest.as_bytes()) {
            return Err(bad("control characters in the value"));
        }
        let value = rest.trim_start_matches([' ', '\t']);
        if value.is_empty() {
            return Ok(Self::Remove(name.to_owned()));
        }
        Ok(Self::Set(Spaced {
            header: Header::new(name, value),
            gap: rest[..rest.len() - value.len()].to_owned(),
        }))
    }
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
    /// The data options' bytes.
    Data {
        /// The bytes.
        data: Bytes,
        /// `--json`: JSON `Content-Type` and `Accept` instead of the form type.
        json: bool,
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
    /// `-A` (`Some("")` sends no `User-Agent`).
    pub user_agent: Option<String>,
    /// `--compressed`: ask for a compressed answer.
    pub compressed: bool,
    /// `-H` arguments, in order.
    pub edits: Vec<HeaderArg>,
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
    /// Every header line, in wire order, spelled as it is sent.
    pub fields: Vec<Spaced>,
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

    /// The header fields (names and values, without their spacing).
    pub fn headers(&self) -> Vec<Header> {
        self.fields.iter().map(|f| f.header.clone()).collect()
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

/// What the body adds to the head.
enum BodyKind {
    None,
    Form,
    Json,
    Multipart(String),
    Template(String, Vec<Header>),
}

impl Draft {
    /// True when every send is identical (no template, no multipart boundary,
    /// no signature), so the request can be prepared once and reused.
    pub fn is_static(&self, signer: Option<&Signer>) -> bool {
        signer.is_none() && matches!(self.body, BodySpec::None | BodySpec::Data { .. })
    }

    /// True when a `-H` line (any form) names `name`: curl then leaves out its
    /// own header of that name.
    fn custom(&self, name: &str) -> bool {
        self.edits
            .iter()
            .any(|e| e.name().eq_ignore_ascii_case(name))
    }

    /// The first `-H` line that names `name`.
    fn first_custom(&self, name: &str) -> Option<&HeaderArg> {
        self.edits
            .iter()
            .find(|e| e.name().eq_ignore_ascii_case(name))
    }

    /// The exact request for one send, with fresh ids, boundary and signature.
    pub fn prepare(
        &self,
        fresh: &mut dyn Fresh,
        signer: Option<&Signer>,
    ) -> Result<Prepared, BuildError> {
        let (body, kind) = self.body(fresh)?;
        let mut fields = self.leading_fields(&kind);
        self.push_custom(&mut fields, &kind);
        if let Some(body) = &body {
            self.push_body_fields(&mut fields, &kind, body.len())?;
        }
        let mut url = self.url.clone();
        if let Some(signer) = signer {
            // A built request's id is new already (a template's `msg_{{id}}`)
            // or the user's own (`-H webhook-id: …`): it is kept.
            let otherwise = new_message_id(fresh.uuid());
            let headers: Vec<Header> = fields.iter().map(|f| f.header.clone()).collect();
            let request = Outbound {
                headers: &headers,
                body: body.as_deref().unwrap_or_default(),
                url: &url,
            };
            let keep = MessageId::Keep {
                otherwise: &otherwise,
            };
            let signed = signer.resign(&request, fresh.now(), keep)?;
            fields = respace(&fields, signed.headers);
            url = signed.url;
        }
        let method = self
            .method
            .clone()
            .unwrap_or_else(|| if body.is_some() { "POST" } else { "GET" }.to_owned());
        Ok(Prepared {
            method,
            url,
            fields,
            body,
        })
    }

    /// `Host` … `Accept-Encoding`, then the template's own headers.
    fn leading_fields(&self, kind: &BodyKind) -> Vec<Spaced> {
        let usual = |name: &str, value: &str| Spaced::usual(Header::new(name, value));
        let mut fields = Vec::new();
        match self.first_custom("host") {
            Some(HeaderArg::Remove(_)) => {}
            Some(HeaderArg::Set(f)) => fields.push(Spaced {
                header: Header::new("Host", f.header.value.clone()),
                gap: f.gap.clone(),
            }),
            None => fields.push(usual("Host", &self.host)),
        }
        if let Some(auth) = self.auth.as_ref().filter(|_| !self.custom("authorization")) {
            fields.push(Spaced::usual(auth.clone()));
        }
        let template = match kind {
            BodyKind::Template(_, headers) => headers.as_slice(),
            _ => &[],
        };
        let from_template = |name: &str| {
            template
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value_str().into_owned())
        };
        let agent = match &self.user_agent {
            Some(a) => Some(a.clone()),
            None => from_template("user-agent").or_else(|| Some(DEFAULT_USER_AGENT.into())),
        };
        if let Some(agent) = agent.filter(|a| !a.is_empty() && !self.custom("user-agent")) {
            fields.push(usual("User-Agent", &agent));
        }
        if !self.custom("accept") && !matches!(kind, BodyKind::Json) {
            let accept = from_template("accept").unwrap_or_else(|| "*/*".into());
            fields.push(usual("Accept", &accept));
        }
        if self.compressed && !self.custom("accept-encoding") {
            fields.push(usual("Accept-Encoding", ACCEPT_ENCODING));
        }
        for h in template {
            let default = ["user-agent", "accept"]
                .iter()
                .any(|n| h.name.eq_ignore_ascii_case(n));
            if !default && !self.custom(&h.name) {
                fields.push(Spaced::usual(h.clone()));
            }
        }
        fields
    }

    /// The `-H` lines in order (and `--json`'s headers after them). A `Host`
    /// line went first already; a multipart body's `Content-Type` comes with
    /// the body.
    fn push_custom(&self, fields: &mut Vec<Spaced>, kind: &BodyKind) {
        let host_set = matches!(self.first_custom("host"), Some(HeaderArg::Set(_)));
        for edit in &self.edits {
            let HeaderArg::Set(f) = edit else { continue };
            let name = &f.header.name;
            let skip = (host_set && name.eq_ignore_ascii_case("host"))
                || (matches!(kind, BodyKind::Multipart(_))
                    && name.eq_ignore_ascii_case("content-type"));
            if !skip {
                fields.push(f.clone());
            }
        }
        if matches!(kind, BodyKind::Json) {
            for (name, value) in [
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ] {
                if !self.custom(name) {
                    fields.push(Spaced::usual(Header::new(name, value)));
                }
            }
        }
    }

    /// `Content-Length`, `Content-Type` and `Expect` for a body of `len` bytes.
    fn push_body_fields(
        &self,
        fields: &mut Vec<Spaced>,
        kind: &BodyKind,
        len: usize,
    ) -> Result<(), BuildError> {
        let usual = |name: &str, value: &str| Spaced::usual(Header::new(name, value));
        match self.first_custom("content-length") {
            None => fields.push(usual("Content-Length", &len.to_string())),
            Some(HeaderArg::Set(f)) if f.header.value_str().trim().parse::<usize>() == Ok(len) => {}
            Some(HeaderArg::Set(f)) => {
                return Err(BuildError::Invalid(format!(
                    "Content-Length: {} does not match the body ({len} bytes)",
                    f.header.value_str().trim()
                )));
            }
            Some(HeaderArg::Remove(_)) => {
                return Err(BuildError::Invalid(
                    "-H 'Content-Length:' would send the body without a length".into(),
                ));
            }
        }
        let content_type = match kind {
            BodyKind::Multipart(ct) => Some(ct.as_str()),
            BodyKind::Form if !self.custom("content-type") => Some(FORM_CONTENT_TYPE),
            BodyKind::Template(ct, _) if !self.custom("content-type") => Some(ct.as_str()),
            _ => None,
        };
        if let Some(ct) = content_type {
            fields.push(usual("Content-Type", ct));
        }
        if len > EXPECT_100_OVER && !self.custom("expect") {
            fields.push(usual("Expect", "100-continue"));
        }
        Ok(())
    }

    /// The body bytes and what they add to the head.
    fn body(&self, fresh: &mut dyn Fresh) -> Result<(Option<Bytes>, BodyKind), BuildError> {
        Ok(match &self.body {
            BodySpec::None => (None, BodyKind::None),
            BodySpec::Data { data, json } => {
                let kind = if *json {
                    BodyKind::Json
                } else {
                    BodyKind::Form
                };
                (Some(data.clone()), kind)
            }
            BodySpec::Multipart(parts) => {
                let base = match self.first_custom("content-type") {
                    Some(HeaderArg::Set(f)) => f.header.value_str().into_owned(),
                    _ => multipart::FORM_DATA.to_owned(),
                };
                let boundary = multipart::fresh_boundary(parts, &mut || fresh.random());
                let body = multipart::encode(parts, &boundary, &base);
                let ct = multipart::content_type(&base, &boundary);
                (Some(body.into()), BodyKind::Multipart(ct))
            }
            BodySpec::Template { template, sets } => {
                let r = template.render(sets, fresh)?;
                (
                    Some(r.body.into()),
                    BodyKind::Template(r.content_type, r.headers),
                )
            }
        })
    }
}

/// The signed header list with each line's spacing: a header the signer
/// kept or changed in place keeps the spacing it was typed with, an added
/// one gets the usual single space. (The signer keeps order and names; it
/// only changes values, drops later duplicates and appends.)
fn respace(before: &[Spaced], signed: Vec<Header>) -> Vec<Spaced> {
    let mut rest = before.iter();
    signed
        .into_iter()
        .map(|header| {
            let gap = rest
                .by_ref()
                .find(|f| f.header.name == header.name)
                .map_or_else(|| " ".to_owned(), |f| f.gap.clone());
            Spaced { header, gap }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HeaderList;
    use crate::send::fresh::testing::FixedFresh;
    use crate::sign::{ProviderKind, Secret};

    fn draft(url: &str) -> Draft {
        let (url, host, auth) = parse_url(url).unwrap();
        Draft {
            method: None,
            url,
            host,
            auth,
            user_agent: Some("ua/1".into()),
            compressed: false,
            edits: Vec::new(),
            body: BodySpec::None,
        }
    }

    fn with_headers(mut d: Draft, lines: &[&str]) -> Draft {
        d.edits = lines.iter().map(|l| l.parse().unwrap()).collect();
        d
    }

    fn form(data: &'static [u8]) -> BodySpec {
        BodySpec::Data {
            data: Bytes::from_static(data),
            json: false,
        }
    }

    /// The head lines as they go on the wire.
    fn lines(d: &Draft) -> Vec<String> {
        let p = d.prepare(&mut FixedFresh::default(), None).unwrap();
        p.fields
            .iter()
            .map(|f| {
                let mut line = Vec::new();
                crate::http::writer::FieldLine::write_line(f, &mut line);
                String::from_utf8(line).unwrap()
            })
            .collect()
    }

    #[test]
    fn header_arguments_keep_their_spelling() {
        let set = |n: &str, gap: &str, v: &str| {
            Ok(HeaderArg::Set(Spaced {
                header: Header::new(n, v),
                gap: gap.into(),
            }))
        };
        assert_eq!("X-A: 1 2 ".parse(), set("X-A", " ", "1 2 "));
        assert_eq!("X-A:x:y".parse(), set("X-A", "", "x:y"));
        assert_eq!("X-A: \t  v".parse(), set("X-A", " \t  ", "v"));
        assert_eq!("X-A;".parse(), set("X-A", "", ""));
        assert_eq!("Accept:".parse(), Ok(HeaderArg::Remove("Accept".into())));
        assert_eq!("Accept:  ".parse(), Ok(HeaderArg::Remove("Accept".into())));
        for bad in ["X-A", "Bad Name: 1", ": v", "X: a\r\nY: b", "X-A; v"] {
            assert!(bad.parse::<HeaderArg>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn defaults_come_in_curls_order() {
        let d = draft("http://u:p%40ss@example.com:8080/a?b=1#frag");
        let p = d.prepare(&mut FixedFresh::default(), None).unwrap();
        assert_eq!(
            (p.method.as_str(), p.url.as_str()),
            ("GET", "http://example.com:8080/a?b=1")
        );
        assert_eq!(p.target(), "/a?b=1");
        assert_eq!(
            lines(&d),
            [
                "Host: example.com:8080",
                "Authorization: Basic dTpwQHNz",
                "User-Agent: ua/1",
                "Accept: */*"
            ]
        );
    }

    #[test]
    fn h_lines_go_out_as_typed_in_order_and_replace_defaults() {
        let mut d = with_headers(
            draft("https://example.com"),
            &[
                "X-A: 1",
                "Host:  other.test",
                "X-B:2",
                "x-a: 3",
                "Accept:",
                "X-Empty;",
            ],
        );
        d.body = form(b"a=1");
        assert_eq!(
            lines(&d),
            [
                "Host:  other.test",
                "User-Agent: ua/1",
                "X-A: 1",
                "X-B:2",
                "x-a: 3",
                "X-Empty:",
                "Content-Length: 3",
                "Content-Type: application/x-www-form-urlencoded"
            ]
        );
        let d = with_headers(draft("http://h/"), &["Host:", "User-Agent:", "Accept:"]);
        assert!(lines(&d).is_empty());
    }

    #[test]
    fn json_and_compressed_follow_curl() {
        let mut d = with_headers(draft("http://h/"), &["X-Z: 1"]);
        d.body = BodySpec::Data {
            data: Bytes::from_static(b"{}"),
            json: true,
        };
        d.compressed = true;
        assert_eq!(
            lines(&d),
            [
                "Host: h",
                "User-Agent: ua/1",
                "Accept-Encoding: deflate, gzip, br, zstd",
                "X-Z: 1",
                "Content-Type: application/json",
                "Accept: application/json",
                "Content-Length: 2"
            ]
        );
        let d = with_headers(d, &["Accept: text/plain", "Accept-Encoding: gzip"]);
        assert_eq!(
            lines(&d)[2..],
            [
                "Accept: text/plain",
                "Accept-Encoding: gzip",
                "Content-Type: application/json",
                "Content-Length: 2"
            ]
        );
    }

    #[test]
    fn lengths_must_match_and_big_bodies_expect_100() {
        let mut d = with_headers(draft("http://h/"), &["Content-Length: 4"]);
        d.body = form(b"abc");
        assert!(d.prepare(&mut FixedFresh::default(), None).is_err());
        let mut d = with_headers(draft("http://h/"), &["Content-Length:"]);
        d.body = form(b"abc");
        assert!(d.prepare(&mut FixedFresh::default(), None).is_err());
        let mut d = draft("http://h/");
        d.body = BodySpec::Data {
            data: Bytes::from(vec![b'a'; EXPECT_100_OVER + 1]),
            json: false,
        };
        assert_eq!(lines(&d).last().unwrap(), "Expect: 100-continue");
    }

    #[test]
    fn template_signing_replaces_headers_and_is_fresh() {
        let mut d = draft("http://127.0.0.1:9/hook");
        d.user_agent = None;
        d.body = BodySpec::Template {
            template: Box::new(super::super::templates::load("standard.example").unwrap()),
            sets: Vec::new(),
        };
        let signer = standard_signer();
        let mut fresh = FixedFresh::default();
        let a = d.prepare(&mut fresh, Some(&signer)).unwrap();
        let b = d.prepare(&mut fresh, Some(&signer)).unwrap();
        assert_eq!(a.headers().all("webhook-id").count(), 1);
        assert_ne!(
            a.headers().get_str("webhook-id"),
            b.headers().get_str("webhook-id")
        );
        let names: Vec<&str> = a.fields.iter().map(|f| f.header.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "User-Agent",
                "Accept",
                "webhook-id",
                "webhook-timestamp",
                "Content-Length",
                "Content-Type",
                "webhook-signature"
            ],
            "the provider's own spelling"
        );
        assert!(format!("{signer:?}").contains("redacted"));
    }

    fn json_draft(url: &str, body: &'static [u8]) -> Draft {
        let mut d = draft(url);
        d.body = BodySpec::Data {
            data: Bytes::from_static(body),
            json: true,
        };
        d
    }

    fn standard_signer() -> Signer {
        let secret = Secret::from_bytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        Signer::new(ProviderKind::Standard, None, secret).unwrap()
    }

    #[test]
    fn a_message_id_given_with_h_is_kept_and_signed_in_its_place() {
        let d = with_headers(
            json_draft("http://127.0.0.1:9/hook", b"{}"),
            &[
                "webhook-id:msg_mine",
                "webhook-signature: v1,stale",
                "X-After: 1",
            ],
        );
        let p = d
            .prepare(&mut FixedFresh::default(), Some(&standard_signer()))
            .unwrap();
        let names: Vec<&str> = p.fields.iter().map(|f| f.header.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "User-Agent",
                "webhook-id",
                "webhook-signature",
                "X-After",
                "Content-Type",
                "Accept",
                "Content-Length",
                "webhook-timestamp"
            ]
        );
        assert_eq!(p.fields[2].gap, "", "the spelling of a kept line stays");
        assert_eq!(p.headers().get_str("webhook-id").unwrap(), "msg_mine");
        assert_ne!(
            p.headers().get_str("webhook-signature").unwrap(),
            "v1,stale"
        );
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
        assert!(basic_auth("nouser").is_err());
        assert_eq!(basic_auth("u:").unwrap().value, b"Basic dTo=");
    }
}
