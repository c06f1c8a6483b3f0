//! A captured request as a curl command that sends the same request again:
//! same method, target, headers (order, case, duplicates, empty values) and
//! body bytes.
//!
//! curl adds headers of its own; each one the capture lacks is switched off
//! (`-H 'Accept:'`), and the captured ones replace curl's. One thing curl does
//! not let a command change: it always sends `Host` first.

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

/// The curl command for `r`, sent to `base` (scheme and authority, no path).
pub fn command(r: &CapturedRequest, base: &str) -> String {
    let mut args: Vec<String> = vec!["curl".into()];
    if r.http_version == "HTTP/1.0" {
        args.push("--http1.0".into());
    }
    let has_body = !r.body.is_empty();
    match (r.method.as_str(), has_body) {
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
        args.push(format!("-H {}", quote(&header_arg(&h.name, &h.value))));
    }
    for (name, needs_body) in CURL_DEFAULTS {
        if r.headers.all(name).next().is_none() && (has_body || !needs_body) {
            args.push(format!("-H {}", quote(format!("{name}:").as_bytes())));
        }
    }
    let mut prefix = String::new();
    if has_body {
        if r.body.contains(&0) {
            prefix = base64_pipe(&r.body);
            args.push("--data-binary @-".into());
        } else {
            args.push(format!("--data-raw {}", quote(&r.body)));
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
}
