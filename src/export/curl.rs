//! A captured request as a curl command that sends the same request again:
//! same method, target, headers (order, case, duplicates, empty values) and
//! body bytes.
//!
//! curl adds headers of its own; each one the capture lacks is switched off
//! (`-H 'Accept:'`), and the captured ones replace curl's. `Content-Length`
//! is never copied: curl computes it from the body it sends, which is what
//! keeps a body cut at `--max-body` from promising more bytes than it has (a
//! captured `Content-Length` with an empty body is kept by sending empty
//! data). curl always sends `Host` first, and its own `Content-Length` after
//! the other headers. A body with NUL bytes, or too big for one argument
//! ([`MAX_ARG_BODY`]), is piped in on stdin.

use super::shell::{base64_pipe, quote};
use super::url_for;
use crate::model::{CapturedRequest, HeaderList};

/// Headers curl may add by itself, and when: (name, only with a body).
const CURL_DEFAULTS: &[(&str, bool)] = &[
    ("Host", false),
    ("User-Agent", false),
    ("Accept", false),
    ("Content-Type", true),
    ("Expect", true),
];

/// The longest quoted body passed as an argument. Linux refuses a single
/// argument over 128 KiB (`MAX_ARG_STRLEN`, "Argument list too long"); a
/// bigger body is piped in with the shell's builtin `printf`, which has no
/// such limit.
pub const MAX_ARG_BODY: usize = 64 * 1024;

/// The curl command for `r`, sent to `base` (scheme and authority, no path).
pub fn command(r: &CapturedRequest, base: &str) -> String {
    let mut args: Vec<String> = vec!["curl".into()];
    if r.http_version == "HTTP/1.0" {
        args.push("--http1.0".into());
    }
    let has_length = r.headers.find("content-length").is_some();
    let sends_data = !r.body.is_empty() || (has_length && r.method != "HEAD");
    match (r.method.as_str(), sends_data) {
        ("GET", false) | ("POST", true) => {}
        ("HEAD", false) => args.push("--head".into()),
        (m, _) => args.push(format!("-X {}", quote(m.as_bytes()))),
    }
    if r.target.contains("/.") {
        args.push("--path-as-is".into());
    }
    if r.target.contains(['[', ']', '{', '}']) {
        args.push("--globoff".into());
    }
    args.push(quote(url_for(r, base).as_bytes()));
    for h in &r.headers {
        if !h.name.eq_ignore_ascii_case("content-length") {
            args.push(format!("-H {}", quote(&header_arg(&h.name, &h.value))));
        }
    }
    for (name, needs_body) in CURL_DEFAULTS {
        if r.headers.all(name).next().is_none() && (sends_data || !needs_body) {
            args.push(format!("-H {}", quote(format!("{name}:").as_bytes())));
        }
    }
    let mut prefix = String::new();
    if sends_data {
        let quoted = (!r.body.contains(&0)).then(|| quote(&r.body));
        match quoted {
            None => {
                prefix = base64_pipe(&r.body);
                args.push("--data-binary @-".into());
            }
            Some(q) if q.len() > MAX_ARG_BODY => {
                prefix = format!("printf %s {q} | ");
                args.push("--data-binary @-".into());
            }
            // --data-raw, not --data-binary: a body starting with @ is text, not a file name.
            Some(q) => args.push(format!("--data-raw {q}")),
        }
    }
    format!("{prefix}{}", args.join(" \\\n  "))
}

/// `Name: value`, or `Name;` for an empty value (curl's way to send one).
pub fn header_arg(name: &str, value: &[u8]) -> Vec<u8> {
    let mut arg = name.as_bytes().to_vec();
    if value.is_empty() {
        arg.push(b';');
    } else {
        arg.extend_from_slice(b": ");
        arg.extend_from_slice(value);
    }
    arg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;

    #[test]
    fn a_json_post_becomes_a_readable_command() {
        let r = sample(
            "POST",
            "/hooks/gh?x=1",
            &[
                ("Host", "example.test"),
                ("Content-Type", "application/json"),
                ("X-Empty", ""),
            ],
            b"{\"a\":\"it's\"}",
        );
        assert_eq!(
            command(&r, "http://127.0.0.1:9"),
            "curl \\\n  'http://127.0.0.1:9/hooks/gh?x=1' \\\n  -H 'Host: example.test' \\\n  \
             -H 'Content-Type: application/json' \\\n  -H 'X-Empty;' \\\n  -H User-Agent: \\\n  \
             -H Accept: \\\n  -H Expect: \\\n  --data-raw '{\"a\":\"it'\\''s\"}'"
        );
    }

    #[test]
    fn bodies_with_nul_bytes_go_through_a_pipe() {
        let r = sample("PUT", "/bin", &[("Host", "h")], b"\0\x01\xff");
        let cmd = command(&r, "http://h");
        assert!(
            cmd.starts_with("printf %s AAH/ | base64 -d | curl"),
            "{cmd}"
        );
        assert!(
            cmd.contains("-X PUT") && cmd.ends_with("--data-binary @-"),
            "{cmd}"
        );
    }

    #[test]
    fn content_length_is_left_to_curl() {
        let r = sample(
            "POST",
            "/x",
            &[("Content-Length", "999"), ("X-A", "1")],
            b"cut",
        );
        let cmd = command(&r, "http://h");
        assert!(
            !cmd.to_ascii_lowercase().contains("content-length"),
            "{cmd}"
        );
        // An empty body that had a Content-Length still sends one (of 0).
        let r = sample("DELETE", "/x", &[("Content-Length", "0")], b"");
        let cmd = command(&r, "http://h");
        assert!(
            cmd.contains("-X DELETE") && cmd.ends_with("--data-raw ''"),
            "{cmd}"
        );
        let r = sample("GET", "/x", &[], b"");
        assert!(!command(&r, "http://h").contains("data"));
    }

    #[test]
    fn big_bodies_are_piped_in_with_printf() {
        let body = "x".repeat(MAX_ARG_BODY + 1);
        let r = sample("POST", "/big", &[], body.as_bytes());
        let cmd = command(&r, "http://h");
        assert!(
            cmd.starts_with(&format!("printf %s {body} | curl")),
            "{}",
            &cmd[..40]
        );
        assert!(cmd.ends_with("--data-binary @-"));
    }
}
