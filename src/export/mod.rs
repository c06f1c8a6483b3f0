//! Writing captured requests out for other tools, and reading them back in.
//!
//! | format | what | module |
//! |--------|------|--------|
//! | `har` | HTTP Archive 1.2, one document | [`har`] |
//! | `ndjson` | the `show --json` document per line | [`ndjson`] |
//! | `curl` | a bash script of curl commands | [`curl`] |
//! | `httpie` | a bash script of HTTPie commands | [`httpie`] |
//!
//! [`import`] reads HAR and NDJSON back (export → import → export keeps bodies,
//! headers and their order byte for byte). Exports stream: a page of requests
//! at a time, whatever the size of the store.

pub mod curl;
pub mod har;
pub mod httpie;
pub mod import;
pub mod ndjson;
mod script;
pub mod shell;
#[cfg(test)]
pub(crate) mod testing;

use std::io::Write;

use crate::document::ViaDoc;
use crate::filter::Filter;
use crate::model::{CapturedRequest, HeaderList};
use crate::store::Store;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// HTTP Archive 1.2, one document
    Har,
    /// One `show --json` document per line
    Ndjson,
    /// A bash script of curl commands
    Curl,
    /// A bash script of HTTPie commands
    Httpie,
}

/// Where exported commands and HAR URLs point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// Where each request was sent: the scheme and authority of an
    /// absolute-form target (an imported `https://…` request, a proxy
    /// request), otherwise `http://` and the request's own `Host` header.
    HostHeader,
    /// This scheme and authority (and base path) for every request.
    Fixed(String),
}

impl Base {
    /// From `--url`: a trailing `/` is dropped, so `URL + target` is right.
    pub fn from_arg(url: Option<&str>) -> Self {
        match url {
            Some(u) => Self::Fixed(u.trim_end_matches('/').to_owned()),
            None => Self::HostHeader,
        }
    }

    /// The scheme and authority `r` is sent to.
    pub fn for_request(&self, r: &CapturedRequest) -> String {
        match self {
            Self::Fixed(u) => u.clone(),
            Self::HostHeader => match absolute_origin(&r.target) {
                Some(origin) => origin.to_owned(),
                None => match r.headers.get_str("host") {
                    Some(h) if !h.is_empty() => format!("http://{h}"),
                    _ => "http://localhost".to_owned(),
                },
            },
        }
    }
}

/// `scheme://authority` of an absolute-form target.
fn absolute_origin(target: &str) -> Option<&str> {
    let (scheme, rest) = target.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(&target[..scheme.len() + 3 + end])
}

/// The path and query of a target: an absolute-form target loses its origin.
fn origin_form(target: &str) -> &str {
    match absolute_origin(target) {
        Some(origin) => &target[origin.len()..],
        None => target,
    }
}

/// `base` + the raw target's path and query (`base` says where it goes, see
/// [`Base::for_request`]).
pub fn url_for(r: &CapturedRequest, base: &str) -> String {
    let own = origin_form(&r.target);
    if own.starts_with('/') {
        format!("{base}{own}")
    } else if let Some(query) = own.strip_prefix('?') {
        format!("{base}/?{query}")
    } else {
        format!("{base}/")
    }
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// How many requests matched.
    pub count: u64,
    /// What the reader of a script should know (truncated bodies, requests
    /// a format cannot express), one line each, for stderr.
    pub warnings: Vec<String>,
}

/// Writes every request matching `filter`, oldest first. `preserve_host`
/// keeps the captured `Host` in scripts aimed elsewhere with a fixed `base`.
pub fn export(
    store: &Store,
    filter: &Filter,
    format: Format,
    base: &Base,
    preserve_host: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Exported> {
    match format {
        Format::Har => har::begin(out)?,
        Format::Curl | Format::Httpie => script::header(out, format)?,
        Format::Ndjson => {}
    }
    let mut first = true;
    let mut notes = script::Notes::default();
    let count = store.for_each_request(filter, true, |r| -> anyhow::Result<()> {
        match format {
            Format::Har => {
                let deliveries = store.deliveries_for(r.id)?;
                let url = base.for_request(&r);
                let hook = store.hook_facts(&[r.id])?.remove(&r.id);
                let item = (&r, deliveries.as_slice(), hook.as_ref(), via_of(store, &r)?);
                har::entry(out, item, &url, std::mem::take(&mut first))?
            }
            Format::Ndjson => {
                let hook = store.hook_facts(&[r.id])?.remove(&r.id);
                let deliveries = store.deliveries_for(r.id)?;
                ndjson::line(out, &r, (&deliveries, hook.as_ref()), via_of(store, &r)?)?
            }
            Format::Curl | Format::Httpie => {
                script::request(out, &r, base, preserve_host, format, &mut notes)?
            }
        }
        Ok(())
    })?;
    if format == Format::Har {
        har::end(out)?;
    }
    out.flush()?;
    Ok(Exported {
        count,
        warnings: notes.warnings(format),
    })
}

/// Where `r` came from, when it came through a relay.
fn via_of(store: &Store, r: &CapturedRequest) -> Result<Option<ViaDoc>, crate::store::StoreError> {
    Ok(store
        .relayed_from(r.id)?
        .map(|mark| ViaDoc::of(&mark, &r.body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::sample;

    #[test]
    fn urls_follow_the_target_unless_a_base_is_given() {
        let url = |target: &str, base: &Base| {
            let r = sample("GET", target, &[("Host", "h.test")], b"");
            url_for(&r, &base.for_request(&r))
        };
        let fixed = Base::from_arg(Some("http://127.0.0.1:9/"));
        assert_eq!(url("/a?b", &Base::HostHeader), "http://h.test/a?b");
        assert_eq!(
            url("https://x.test:8/a?b", &Base::HostHeader),
            "https://x.test:8/a?b"
        );
        assert_eq!(
            url("https://x.test?b", &Base::HostHeader),
            "https://x.test/?b"
        );
        assert_eq!(
            url("https://x.test:8/a?b", &fixed),
            "http://127.0.0.1:9/a?b"
        );
        assert_eq!(url("*", &fixed), "http://127.0.0.1:9/");
    }
}
