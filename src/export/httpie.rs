//! A captured request as an HTTPie (`http`) command: same method, target,
//! headers and body bytes.
//!
//! HTTPie's own default headers are unset (`'Accept:'`) unless captured, and
//! empty values use its `Name;` form. `Content-Length` is left to HTTPie (it
//! computes the same value; giving it too makes HTTPie send a conflicting
//! chunked body). HTTPie chooses the header order itself. Bodies that are not
//! UTF-8 text (or too big for one argument) are piped in on stdin.
//!
//! Some requests cannot be said to HTTPie at all ([`Inexpressible`]); the
//! script then has a comment in their place (see [`super::script`]), so it
//! still runs to the end. The curl export has none of these limits.

use super::curl::MAX_ARG_BODY;
use super::shell::{base64_pipe, quote};
use super::url_for;
use crate::model::{CapturedRequest, HeaderList};

/// Headers HTTPie sends unless told otherwise.
const HTTPIE_DEFAULTS: &[&str] = &["User-Agent", "Accept", "Accept-Encoding", "Connection"];

/// The characters HTTPie's item syntax treats as separators; a backslash
/// before one of them is an escape HTTPie removes.
const SEPARATORS: &[u8] = b":=@;";

/// Why a request cannot be written as an HTTPie command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inexpressible {
    /// HTTPie takes a method only as upper-case letters (anything else is
    /// read as the URL, and lower case is upper-cased).
    #[error("HTTPie sends only methods made of upper-case letters, not {0:?}")]
    Method(String),
    /// HTTPie encodes header values as UTF-8 and fails on other bytes.
    #[error("the value of header {0} is not UTF-8")]
    NotUtf8(String),
    /// A backslash before `:`, `=`, `@` or `;` is an escape to HTTPie, so the
    /// backslash would be lost.
    #[error("header {0} holds a backslash before one of : = @ ;, which HTTPie reads as an escape")]
    Escape(String),
}

/// The HTTPie command for `r`, sent to `base` (scheme and authority, no path).
pub fn command(r: &CapturedRequest, base: &str) -> Result<String, Inexpressible> {
    if r.method.is_empty() || !r.method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Inexpressible::Method(r.method.clone()));
    }
    let mut args: Vec<String> = vec!["http".into()];
    if r.http_version == "HTTP/1.0" {
        args.push("--http1.0".into());
    }
    let text = std::str::from_utf8(&r.body)
        .ok()
        .filter(|_| !r.body.contains(&0));
    let quoted = text.map(|t| quote(t.as_bytes()));
    let piped = match &quoted {
        None => Some(base64_pipe(&r.body)),
        Some(q) if q.len() > MAX_ARG_BODY => Some(format!("printf %s {q} | ")),
        Some(_) => None,
    };
    if piped.is_none() {
        args.push("--ignore-stdin".into());
    }
    args.push("--path-as-is".into());
    args.push(quote(r.method.as_bytes()));
    args.push(quote(url_for(r, base).as_bytes()));
    for h in r
        .headers
        .iter()
        .filter(|h| !h.name.eq_ignore_ascii_case("content-length"))
    {
        if std::str::from_utf8(&h.value).is_err() {
            return Err(Inexpressible::NotUtf8(h.name.clone()));
        }
        if has_escape(h.name.as_bytes()) || has_escape(&h.value) {
            return Err(Inexpressible::Escape(h.name.clone()));
        }
        let mut item = h.name.as_bytes().to_vec();
        item.push(if h.value.is_empty() { b';' } else { b':' });
        item.extend_from_slice(&h.value);
        args.push(quote(&item));
    }
    let body_default = (!r.body.is_empty()).then_some("Content-Type");
    for name in HTTPIE_DEFAULTS.iter().copied().chain(body_default) {
        if r.headers.all(name).next().is_none() {
            args.push(quote(format!("{name}:").as_bytes()));
        }
    }
    if let (None, Some(q)) = (&piped, quoted.filter(|_| !r.body.is_empty())) {
        args.push(format!("--raw {q}"));
    }
    Ok(format!(
        "{}{}",
        piped.unwrap_or_default(),
        args.join(" \\\n  ")
    ))
}

/// A backslash right before a separator.
fn has_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == b'\\' && SEPARATORS.contains(&w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;

    #[test]
    fn a_post_becomes_an_http_command_with_defaults_unset() {
        let r = sample(
            "POST",
            "/h?x=1",
            &[("Host", "a.test"), ("X-Empty", ""), ("Accept", "*/*")],
            b"hi there",
        );
        assert_eq!(
            command(&r, "http://127.0.0.1:9").unwrap(),
            "http \\\n  --ignore-stdin \\\n  --path-as-is \\\n  POST \\\n  'http://127.0.0.1:9/h?x=1' \\\n  \
             Host:a.test \\\n  'X-Empty;' \\\n  'Accept:*/*' \\\n  User-Agent: \\\n  \
             Accept-Encoding: \\\n  Connection: \\\n  Content-Type: \\\n  --raw 'hi there'"
        );
    }

    #[test]
    fn binary_and_big_bodies_are_piped_in() {
        let r = sample("PUT", "/b", &[], b"\0z");
        assert!(
            command(&r, "http://h")
                .unwrap()
                .starts_with("printf %s AHo= | base64 -d | http")
        );
        let r = sample("PUT", "/b", &[], b"\xff\xfe");
        assert!(
            command(&r, "http://h")
                .unwrap()
                .starts_with("printf %s //4= | base64 -d | http")
        );
        let big = "y".repeat(MAX_ARG_BODY + 1);
        let r = sample("PUT", "/b", &[], big.as_bytes());
        let cmd = command(&r, "http://h").unwrap();
        assert!(cmd.starts_with(&format!("printf %s {big} | http")));
        assert!(!cmd.contains("--ignore-stdin") && !cmd.contains("--raw"));
    }

    #[test]
    fn what_httpie_cannot_say_is_refused_with_the_reason() {
        let r = sample("M-SEARCH", "/", &[], b"");
        assert_eq!(
            command(&r, "http://h"),
            Err(Inexpressible::Method("M-SEARCH".into()))
        );
        let r = sample("get", "/", &[], b"");
        assert!(matches!(
            command(&r, "http://h"),
            Err(Inexpressible::Method(_))
        ));
        let mut r = sample("GET", "/", &[("X-Bin", "")], b"");
        r.request.headers[0].value = b"caf\xe9".to_vec();
        assert_eq!(
            command(&r, "http://h"),
            Err(Inexpressible::NotUtf8("X-Bin".into()))
        );
        let r = sample("GET", "/", &[("X-Path", r"a\=b")], b"");
        assert_eq!(
            command(&r, "http://h"),
            Err(Inexpressible::Escape("X-Path".into()))
        );
        let r = sample("PROPFIND", "/", &[("X-Q'uote", r"a\b")], b"");
        assert!(command(&r, "http://h").is_ok());
    }
}
