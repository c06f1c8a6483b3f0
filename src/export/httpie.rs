//! A captured request as an HTTPie (`http`) command: same method, target,
//! headers and body bytes.
//!
//! HTTPie's own default headers are unset (`'Accept:'`) unless captured, and
//! empty values use its `Name;` form. `Content-Length` is left to HTTPie (it
//! computes the same value; giving it too makes HTTPie send a conflicting
//! chunked body). HTTPie chooses the header order itself, and treats `\`
//! before a separator in an item specially, so values with such backslashes
//! may need a touch by hand; the curl export has no such limits.

use super::shell::{base64_pipe, quote};
use super::url_for;
use crate::model::{CapturedRequest, HeaderList};

/// Headers HTTPie sends unless told otherwise.
const HTTPIE_DEFAULTS: &[&str] = &["User-Agent", "Accept", "Accept-Encoding", "Connection"];

/// The HTTPie command for `r`, sent to `base` (scheme and authority, no path).
pub fn command(r: &CapturedRequest, base: &str) -> String {
    let mut args: Vec<String> = vec!["http".into()];
    if r.http_version == "HTTP/1.0" {
        args.push("--http1.0".into());
    }
    let piped = r.body.contains(&0);
    if !piped {
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
    let mut prefix = String::new();
    if piped {
        prefix = base64_pipe(&r.body);
    } else if !r.body.is_empty() {
        args.push(format!("--raw {}", quote(&r.body)));
    }
    format!("{prefix}{}", args.join(" \\\n  "))
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
            command(&r, "http://127.0.0.1:9"),
            "http \\\n  --ignore-stdin \\\n  --path-as-is \\\n  POST \\\n  'http://127.0.0.1:9/h?x=1' \\\n  \
             Host:a.test \\\n  'X-Empty;' \\\n  'Accept:*/*' \\\n  User-Agent: \\\n  \
             Accept-Encoding: \\\n  Connection: \\\n  Content-Type: \\\n  --raw 'hi there'"
        );
    }

    #[test]
    fn binary_bodies_are_piped_in() {
        let r = sample("PUT", "/b", &[], b"\0z");
        assert!(command(&r, "http://h").starts_with("printf %s AHo= | base64 -d | http"));
    }
}
