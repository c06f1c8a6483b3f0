//! The curl and HTTPie scripts: a header, then one command per request, with
//! what a command cannot do said in a comment in its place (and gathered for
//! one warning on stderr at the end).
//!
//! A script aimed elsewhere with `--url` sends each request with `Host` set to
//! the destination, as `replay --to` does, unless `--preserve-host` keeps the
//! captured one.

use std::borrow::Cow;
use std::io::Write;

use super::{Base, Format, curl, httpie};
use crate::model::{CapturedRequest, Header};
use crate::sanitize::sanitize;

/// What the script could not do as captured, by request id.
#[derive(Debug, Default)]
pub struct Notes {
    /// Requests whose body was cut at the size limit: sent with what was kept.
    truncated: Vec<i64>,
    /// Requests the format cannot express: a comment stands in their place.
    skipped: Vec<i64>,
}

impl Notes {
    /// One line per kind of note, for stderr.
    pub fn warnings(&self, format: Format) -> Vec<String> {
        let mut out = Vec::new();
        if !self.truncated.is_empty() {
            out.push(format!(
                "{} truncated when captured (--max-body); the script sends only the bytes kept",
                requests(&self.truncated, "was", "were")
            ));
        }
        if !self.skipped.is_empty() && format == Format::Httpie {
            out.push(format!(
                "{} cannot be expressed in HTTPie; a comment stands in the script in their place \
                 (--format curl can send them)",
                requests(&self.skipped, "", "")
            ));
        }
        out
    }
}

/// `request 7 was`, `3 requests (ids 4, 5, 9) were`; at most ten ids are listed.
fn requests(ids: &[i64], one: &str, many: &str) -> String {
    let verb = |v: &str| {
        if v.is_empty() {
            String::new()
        } else {
            format!(" {v}")
        }
    };
    if let [id] = ids {
        return format!("request {id}{}", verb(one));
    }
    let mut listed: Vec<String> = ids.iter().take(10).map(i64::to_string).collect();
    if ids.len() > 10 {
        listed.push("…".to_owned());
    }
    format!(
        "{} requests (ids {}){}",
        ids.len(),
        listed.join(", "),
        verb(many)
    )
}

/// The opening lines of a script.
pub fn header(out: &mut dyn Write, format: Format) -> std::io::Result<()> {
    let tool = if format == Format::Curl {
        "curl"
    } else {
        "HTTPie"
    };
    writeln!(
        out,
        "#!/usr/bin/env bash\n# Requests captured by hookcap, as {tool} commands that send them again.\nset -euo pipefail"
    )
}

/// Writes the command for `r` (or the comment that stands for it).
pub fn request(
    out: &mut dyn Write,
    r: &CapturedRequest,
    base: &Base,
    preserve_host: bool,
    format: Format,
    notes: &mut Notes,
) -> std::io::Result<()> {
    let r = aimed(r, base, preserve_host);
    let to = base.for_request(&r);
    writeln!(out, "\n# request {}", r.id)?;
    if r.truncated {
        notes.truncated.push(r.id);
        writeln!(
            out,
            "# truncated when captured: only the first {} bytes of the body were kept, and are sent",
            r.body.len()
        )?;
    }
    let command = match format {
        Format::Httpie => httpie::command(&r, &to).map_err(|why| why.to_string()),
        _ => Ok(curl::command(&r, &to)),
    };
    match command {
        Ok(command) => writeln!(out, "{command}"),
        Err(why) => {
            notes.skipped.push(r.id);
            writeln!(
                out,
                "# cannot be expressed in HTTPie ({}); `hookcap export id:{} --format curl` can send it",
                sanitize(&why),
                r.id
            )
        }
    }
}

/// `r` with its `Host` set to the destination of a `--url` base (in place,
/// keeping its position and case; later duplicates dropped), unless told to
/// keep it or the request has none (curl and HTTPie then send the URL's).
fn aimed<'a>(r: &'a CapturedRequest, base: &Base, preserve_host: bool) -> Cow<'a, CapturedRequest> {
    let Base::Fixed(url) = base else {
        return Cow::Borrowed(r);
    };
    let Some(authority) = authority_of(url) else {
        return Cow::Borrowed(r);
    };
    if preserve_host || !r.headers.iter().any(is_host) {
        return Cow::Borrowed(r);
    }
    let mut aimed = r.clone();
    let mut seen = false;
    aimed.request.headers.retain_mut(|h| {
        if !is_host(h) {
            return true;
        }
        if seen {
            return false;
        }
        seen = true;
        h.value = authority.as_bytes().to_vec();
        true
    });
    Cow::Owned(aimed)
}

fn is_host(h: &Header) -> bool {
    h.name.eq_ignore_ascii_case("host")
}

/// `host:port` of `scheme://[user@]host:port/path`.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end]
        .rsplit_once('@')
        .map_or(&rest[..end], |(_, h)| h);
    (!authority.is_empty()).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;

    fn script(r: &CapturedRequest, base: &Base, preserve_host: bool, format: Format) -> String {
        let mut out = Vec::new();
        let mut notes = Notes::default();
        request(&mut out, r, base, preserve_host, format, &mut notes).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_url_base_sets_host_to_the_destination_unless_preserved() {
        let r = sample(
            "GET",
            "/x",
            &[("X-A", "1"), ("host", "orig.test"), ("Host", "dup")],
            b"",
        );
        let to = Base::from_arg(Some("http://user@127.0.0.1:9/base"));
        let cmd = script(&r, &to, false, Format::Curl);
        assert!(cmd.contains("-H 'host: 127.0.0.1:9' \\"), "{cmd}");
        assert!(!cmd.contains("dup") && !cmd.contains("orig.test"), "{cmd}");
        let kept = script(&r, &to, true, Format::Curl);
        assert!(
            kept.contains("-H 'host: orig.test'") && kept.contains("-H 'Host: dup'"),
            "{kept}"
        );
        let own = script(&r, &Base::HostHeader, false, Format::Curl);
        assert!(own.contains("http://orig.test/x"), "{own}");
    }

    #[test]
    fn the_comment_for_an_inexpressible_request_is_sanitized() {
        let r = sample("POST", "/x", &[("X-\u{3164}\u{200b}\x1b", "a\\:b")], b"");
        let text = script(&r, &Base::HostHeader, false, Format::Httpie);
        assert!(
            text.contains(r"header X-\u{3164}\u{200b}\x1b holds a backslash"),
            "{text}"
        );
        assert!(!text.contains(['\u{3164}', '\u{200b}', '\x1b']), "{text}");
    }

    #[test]
    fn truncated_requests_get_a_comment_and_a_warning() {
        let mut r = sample("POST", "/x", &[], b"abc");
        r.request.truncated = true;
        let mut out = Vec::new();
        let mut notes = Notes::default();
        request(
            &mut out,
            &r,
            &Base::HostHeader,
            false,
            Format::Curl,
            &mut notes,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("# truncated when captured: only the first 3 bytes"),
            "{text}"
        );
        assert_eq!(
            notes.warnings(Format::Curl),
            [
                "request 1 was truncated when captured (--max-body); the script sends only the bytes kept"
            ]
        );
    }

    #[test]
    fn many_ids_are_listed_briefly() {
        let ids: Vec<i64> = (1..=12).collect();
        assert_eq!(
            requests(&ids, "were", "were"),
            "12 requests (ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …) were"
        );
    }
}
