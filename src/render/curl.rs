//! A captured request as a `curl` command line that sends the same bytes again.
//!
//! Quoting is for POSIX shells: plain text goes in single quotes (`'` written
//! as `'\''`). Anything else (control characters, invalid UTF-8, C1 and bidi
//! controls) uses bash/zsh `$'…'` quoting with `\xNN` escapes, so the command
//! is printable and pastes safely. A body with NUL bytes (which no shell
//! argument can hold) or starting with `@` (which curl would read as a file
//! name) is piped in from `printf` instead, with octal escapes.

use std::fmt::Write as _;

use super::sanitize::is_dangerous;
use crate::model::{Header, HeaderList, NewRequest};

/// Headers curl must compute itself: the body is stored de-chunked, so the
/// original framing no longer applies.
const FRAMING_HEADERS: [&str; 2] = ["content-length", "transfer-encoding"];

/// `curl` sending `r` (method, target, headers in order, body bytes) to
/// `base_url` (e.g. `http://127.0.0.1:4665`). An empty `base_url` means the
/// request's own `Host` header.
pub fn curl_command(r: &NewRequest, base_url: &str) -> String {
    let url = request_url(r, base_url);
    let piped = needs_pipe(&r.body);
    let mut cmd = if piped {
        format!("printf {} | curl", printf_format(&r.body))
    } else {
        "curl".to_owned()
    };
    if let Some(flag) = method_flag(&r.method, !r.body.is_empty()) {
        cmd.push_str(&flag);
    }
    if r.http_version == "HTTP/1.0" {
        cmd.push_str(" --http1.0");
    }
    if url.contains(['[', ']', '{', '}']) {
        cmd.push_str(" --globoff");
    }
    push_headers(&mut cmd, r);
    match (r.body.is_empty(), piped) {
        (true, _) => {}
        (false, true) => cmd.push_str(" --data-binary @-"),
        (false, false) => {
            let _ = write!(cmd, " --data-binary {}", shell_quote_bytes(&r.body));
        }
    }
    let _ = write!(cmd, " {}", shell_quote(&url));
    cmd
}

/// The absolute URL: `base_url` (or `http://HOST`) followed by the raw target.
fn request_url(r: &NewRequest, base_url: &str) -> String {
    if r.target.starts_with("http://") || r.target.starts_with("https://") {
        return r.target.clone();
    }
    let base = if base_url.is_empty() {
        let host = r
            .headers
            .get_str("host")
            .unwrap_or_else(|| "localhost".into());
        format!("http://{host}")
    } else {
        base_url.trim_end_matches('/').to_owned()
    };
    format!("{base}{}", r.target)
}

/// ` -X METHOD` unless curl picks that method by itself (GET without a body,
/// POST with one); ` --head` for HEAD, which `-X` would make curl wait on.
fn method_flag(method: &str, has_body: bool) -> Option<String> {
    match (method, has_body) {
        ("GET", false) | ("POST", true) => None,
        ("HEAD", false) => Some(" --head".to_owned()),
        _ => Some(format!(" -X {}", shell_quote(method))),
    }
}

/// `-H` for every header but the framing ones, in order. A body without a
/// `Content-Type` gets `-H 'Content-Type:'`, which stops curl adding its own.
fn push_headers(cmd: &mut String, r: &NewRequest) {
    for h in &r.headers {
        if FRAMING_HEADERS
            .iter()
            .any(|f| h.name.eq_ignore_ascii_case(f))
        {
            continue;
        }
        let _ = write!(cmd, " -H {}", shell_quote_bytes(&header_arg(h)));
    }
    if !r.body.is_empty() && HeaderList::find(r.headers.as_slice(), "content-type").is_none() {
        cmd.push_str(" -H 'Content-Type:'");
    }
}

/// `Name: value`, or `Name;` for an empty value (curl's syntax for that).
fn header_arg(h: &Header) -> Vec<u8> {
    let mut arg = h.name.as_bytes().to_vec();
    if h.value.is_empty() {
        arg.push(b';');
    } else {
        arg.extend_from_slice(b": ");
        arg.extend_from_slice(&h.value);
    }
    arg
}

/// `s` in single quotes, each `'` written as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `b` as one shell word: single-quoted when it is text without control,
/// C1 or bidi characters, otherwise `$'…'` with `\xNN` escapes.
/// (A NUL byte cannot be part of a shell word; it comes out as `\x00`,
/// which bash would end the word at.)
pub fn shell_quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if !s.chars().any(is_dangerous) => shell_quote(s),
        _ => dollar_quote(b),
    }
}

/// `$'…'`: printable ASCII as is (with `\` and `'` escaped), every other byte `\xNN`.
fn dollar_quote(b: &[u8]) -> String {
    let mut out = String::from("$'");
    for &byte in b {
        match byte {
            b'\\' | b'\'' => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('\'');
    out
}

/// True when the body cannot be a `--data-binary` argument.
fn needs_pipe(body: &[u8]) -> bool {
    body.first() == Some(&b'@') || body.contains(&0)
}

/// A single-quoted `printf` format that prints exactly `b`: letters, digits
/// and harmless punctuation as is, every other byte as a `\ooo` octal escape.
fn printf_format(b: &[u8]) -> String {
    let mut out = String::from("'");
    for &byte in b {
        if byte.is_ascii_alphanumeric() || b" ,.:;_-+=/!?()[]{}<>#@*~^|&$\"`".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "\\{byte:03o}");
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResponseRecord, Timestamp};

    fn request(method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> NewRequest {
        NewRequest {
            session_id: 1,
            received_at: Timestamp(0),
            method: method.into(),
            target: target.into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:1".into(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            body: body.to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
            signature: None,
            rejected: None,
        }
    }

    /// What bash makes of `words` when it runs `printf %s WORDS`.
    fn bash_bytes(script: &str) -> Option<Vec<u8>> {
        let out = std::process::Command::new("bash")
            .args(["-c", script])
            .output()
            .ok()?;
        assert!(out.status.success(), "{script}");
        Some(out.stdout)
    }

    #[test]
    fn a_json_post_is_one_readable_line() {
        let r = request(
            "POST",
            "/hook?a=1",
            &[
                ("Host", b"x"),
                ("Content-Type", b"application/json"),
                ("Content-Length", b"9"),
            ],
            br#"{"a":"b"}"#,
        );
        assert_eq!(
            curl_command(&r, "http://127.0.0.1:4665/"),
            "curl -H 'Host: x' -H 'Content-Type: application/json' \
             --data-binary '{\"a\":\"b\"}' 'http://127.0.0.1:4665/hook?a=1'"
        );
    }

    #[test]
    fn methods_flags_and_urls_follow_curl_defaults() {
        let get = request("GET", "/x[1]", &[("Host", b"h:1")], b"");
        assert_eq!(
            curl_command(&get, ""),
            "curl --globoff -H 'Host: h:1' 'http://h:1/x[1]'"
        );
        let del = request("DELETE", "/d", &[("X-Empty", b"")], b"");
        assert_eq!(
            curl_command(&del, "http://a"),
            "curl -X 'DELETE' -H 'X-Empty;' 'http://a/d'"
        );
        let head = request("HEAD", "/", &[], b"");
        assert_eq!(curl_command(&head, "http://a"), "curl --head 'http://a/'");
    }

    #[test]
    fn a_body_without_content_type_stops_curl_adding_one() {
        let r = request("PUT", "/p", &[], b"it's");
        assert_eq!(
            curl_command(&r, "http://a"),
            "curl -X 'PUT' -H 'Content-Type:' --data-binary 'it'\\''s' 'http://a/p'"
        );
    }

    #[test]
    fn single_quotes_survive_the_shell() {
        let word = shell_quote("a'b\"c $HOME `x` \\n");
        let out = bash_bytes(&format!("printf %s {word}")).expect("bash");
        assert_eq!(out, b"a'b\"c $HOME `x` \\n");
    }

    #[test]
    fn control_and_invalid_bytes_use_dollar_quotes_that_bash_reads_back() {
        let bytes = b"\x1b[2J\r\n\xff\xfe'\\ ok \xc2\x9b".to_vec();
        let word = shell_quote_bytes(&bytes);
        assert!(word.starts_with("$'") && word.is_ascii(), "{word}");
        assert!(!word.chars().any(|c| c.is_control()));
        let out = bash_bytes(&format!("printf %s {word}")).expect("bash");
        assert_eq!(out, bytes);
    }

    #[test]
    fn bodies_with_nul_or_a_leading_at_are_piped_from_printf() {
        let body = b"@file\x00\x01'%\\\n\xff end".to_vec();
        let r = request(
            "POST",
            "/b",
            &[("Content-Type", b"application/octet-stream")],
            &body,
        );
        let cmd = curl_command(&r, "http://a");
        assert!(cmd.starts_with("printf '@file\\000\\001\\047\\045\\134\\012\\377 end' | curl"));
        assert!(cmd.contains(" --data-binary @- "), "{cmd}");
        let printf = cmd.split(" | ").next().unwrap_or_default();
        assert_eq!(bash_bytes(printf).expect("bash"), body);
    }

    #[test]
    fn framing_headers_are_left_to_curl() {
        let r = request(
            "POST",
            "/c",
            &[
                ("Transfer-Encoding", b"chunked"),
                ("Content-Type", b"text/plain"),
            ],
            b"hi",
        );
        assert!(!curl_command(&r, "http://a").contains("chunked"));
    }
}
