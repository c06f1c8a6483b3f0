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
pub mod shell;

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
    /// `http://` and each request's own `Host` header.
    HostHeader,
    /// This scheme and authority for every request.
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
            Self::HostHeader => match r.headers.get_str("host") {
                Some(h) if !h.is_empty() => format!("http://{h}"),
                _ => "http://localhost".to_owned(),
            },
        }
    }
}

/// `base` + the raw target; an absolute-form target (a proxy request) is used as is.
pub fn url_for(r: &CapturedRequest, base: &str) -> String {
    if r.target.starts_with('/') {
        format!("{base}{}", r.target)
    } else if r.target.contains("://") {
        r.target.clone()
    } else {
        format!("{base}/")
    }
}

/// Writes every request matching `filter`, oldest first; returns how many.
pub fn export(
    store: &Store,
    filter: &Filter,
    format: Format,
    base: &Base,
    out: &mut dyn Write,
) -> anyhow::Result<u64> {
    match format {
        Format::Har => har::begin(out)?,
        Format::Curl | Format::Httpie => script_header(out, format)?,
        Format::Ndjson => {}
    }
    let mut first = true;
    let n = store.for_each_request(filter, true, |r| -> anyhow::Result<()> {
        let url = base.for_request(&r);
        match format {
            Format::Har => {
                let deliveries = store.deliveries_for(r.id)?;
                let via = via_of(store, &r)?;
                har::entry(out, &r, &deliveries, via, &url, std::mem::take(&mut first))?
            }
            Format::Ndjson => {
                ndjson::line(out, &r, &store.deliveries_for(r.id)?, via_of(store, &r)?)?
            }
            Format::Curl => writeln!(out, "\n# request {}\n{}", r.id, curl::command(&r, &url))?,
            Format::Httpie => writeln!(out, "\n# request {}\n{}", r.id, httpie::command(&r, &url))?,
        }
        Ok(())
    });
    let n = n?;
    if format == Format::Har {
        har::end(out)?;
    }
    out.flush()?;
    Ok(n)
}

/// Where `r` came from, when it came through a relay.
fn via_of(store: &Store, r: &CapturedRequest) -> Result<Option<ViaDoc>, crate::store::StoreError> {
    Ok(store
        .relayed_from(r.id)?
        .map(|mark| ViaDoc::of(&mark, &r.body)))
}

fn script_header(out: &mut dyn Write, format: Format) -> std::io::Result<()> {
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

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::{CapturedRequest, Header, NewRequest, ResponseRecord, Timestamp};

    /// A captured request for format tests.
    pub fn sample(
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> CapturedRequest {
        CapturedRequest {
            id: 1,
            request: NewRequest {
                session_id: 1,
                received_at: Timestamp(1_767_323_045_123_456),
                method: method.into(),
                target: target.into(),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:5000".into(),
                headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
                body: body.to_vec(),
                truncated: false,
                response: ResponseRecord {
                    status: 200,
                    headers: vec![Header::new("Content-Length", "0")],
                    body: vec![],
                },
                signature: None,
                rejected: None,
            },
        }
    }
}
