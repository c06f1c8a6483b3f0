//! Where stored requests are passed on to, and what a proxy changes on the way.
//!
//! `forward` and `replay` share these rules: a [`Target`] is a base URL whose
//! path is prefixed to the request's own target, and hop-by-hop header fields
//! (RFC 9110 §7.6.1) describe one connection, so they are never passed on.

use std::fmt;

use hyper::header::{CONNECTION, HeaderMap};

use crate::model::Header;

/// A plain-HTTP base URL requests are sent to: `http://AUTHORITY[/BASE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host[:port]`, as given: what is connected to and sent as `Host`.
    pub authority: String,
    /// The base path without a trailing slash; empty for none.
    pub base_path: String,
}

/// A target that cannot be used, worded for the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a port, `:port`, `host:port` or `http://` URL.
    #[error(
        "invalid target {0:?}: use a port (3000), :3000, or a URL like http://localhost:3000/base"
    )]
    Invalid(String),
    /// An `https://` URL: hookcap speaks plain HTTP to the app.
    #[error(
        "https targets are not supported ({0:?}): point hookcap at the app's plain-HTTP address"
    )]
    Https(String),
    /// A URL with a query or fragment, which cannot be a base for request targets.
    #[error("the target URL {0:?} has a query or fragment; give only scheme, host, port and path")]
    QueryOrFragment(String),
}

impl Target {
    /// Parses `3000`, `:3000`, `host:3000` or `http://host[:port][/base]`.
    /// A bare port means `localhost`, so the app sees the `Host` it expects in development.
    pub fn parse(s: &str) -> Result<Self, TargetError> {
        let invalid = || TargetError::Invalid(s.to_owned());
        let port_only = s.strip_prefix(':').unwrap_or(s);
        if !port_only.is_empty() && port_only.bytes().all(|b| b.is_ascii_digit()) {
            let port = port_only.parse::<u16>().map_err(|_| invalid())?;
            return Self::from_parts(&format!("localhost:{port}"), "").ok_or_else(invalid);
        }
        if starts_with_ignore_case(s, "https://") {
            return Err(TargetError::Https(s.to_owned()));
        }
        let rest = if starts_with_ignore_case(s, "http://") {
            &s[7..]
        } else if s.contains("://") {
            return Err(invalid());
        } else {
            s
        };
        if rest.contains(['?', '#']) {
            return Err(TargetError::QueryOrFragment(s.to_owned()));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        Self::from_parts(authority, path).ok_or_else(invalid)
    }

    fn from_parts(authority: &str, path: &str) -> Option<Self> {
        let parsed = authority.parse::<hyper::http::uri::Authority>().ok()?;
        if parsed.host().is_empty() || authority.contains('@') {
            return None;
        }
        hyper::http::uri::PathAndQuery::try_from(if path.is_empty() { "/" } else { path }).ok()?;
        Some(Self {
            authority: authority.to_owned(),
            base_path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The request target to send for a stored one: the base path, then the
    /// stored path and query. An absolute-form target contributes its path and query.
    pub fn join(&self, request_target: &str) -> String {
        let own = origin_form(request_target);
        if own == "*" {
            return if self.base_path.is_empty() {
                own.to_owned()
            } else {
                self.base_path.clone()
            };
        }
        let slash = if own.starts_with('/') { "" } else { "/" };
        format!("{}{slash}{own}", self.base_path)
    }

    /// The full URL a stored request target is sent to.
    pub fn url_for(&self, request_target: &str) -> String {
        format!("http://{}{}", self.authority, self.join(request_target))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.authority, self.base_path)
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The path and query of a request target, dropping the scheme and authority
/// of an absolute-form target (`http://host/p?q` → `/p?q`).
fn origin_form(target: &str) -> &str {
    let Some(scheme_end) = target.find("://").filter(|_| !target.starts_with('/')) else {
        return target;
    };
    let after = &target[scheme_end + 3..];
    after.find('/').map_or("/", |i| &after[i..])
}

/// Header fields that describe one connection (RFC 9110 §7.6.1) and are
/// never passed on. `Trailer` joins them because hookcap sends bodies with a
/// `Content-Length`, never with trailers.
const HOP_BY_HOP: [&str; 7] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "te",
    "transfer-encoding",
    "upgrade",
    "trailer",
];

/// The hop-by-hop fields of one message: the fixed list plus every field the
/// message's `Connection` header names.
#[derive(Debug, Default)]
pub struct HopByHop {
    named: Vec<String>,
}

impl HopByHop {
    /// Collects the options of every `Connection` value.
    pub fn from_connection<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut named = Vec::new();
        for value in values {
            for option in String::from_utf8_lossy(value).split(',') {
                let option = option.trim();
                if !option.is_empty() {
                    named.push(option.to_ascii_lowercase());
                }
            }
        }
        Self { named }
    }

    /// True when a field with this name must not be passed on.
    pub fn contains(&self, name: &str) -> bool {
        HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h))
            || self.named.iter().any(|n| name.eq_ignore_ascii_case(n))
    }
}

/// Removes hop-by-hop fields from an ordered header list.
pub fn strip_hop_by_hop(headers: &mut Vec<Header>) {
    let hop = HopByHop::from_connection(
        headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("connection"))
            .map(|h| h.value.as_slice()),
    );
    headers.retain(|h| !hop.contains(&h.name));
}

/// Removes hop-by-hop fields from a `HeaderMap`, keeping the order of the rest
/// (`HeaderMap::remove` would move the last field into the gap).
pub fn strip_hop_by_hop_map(headers: &mut HeaderMap) {
    let hop = HopByHop::from_connection(headers.get_all(CONNECTION).iter().map(|v| v.as_bytes()));
    if !headers.keys().any(|name| hop.contains(name.as_str())) {
        return;
    }
    let mut current = None;
    for (name, value) in std::mem::take(headers) {
        // Only the first value of a name comes with the name.
        if name.is_some() {
            current = name;
        }
        if let Some(name) = current.as_ref().filter(|n| !hop.contains(n.as_str())) {
            headers.append(name.clone(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(s: &str) -> Target {
        Target::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn targets_parse_as_documented() {
        let table = [
            ("3000", "http://localhost:3000"),
            (":3000", "http://localhost:3000"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("HTTP://app:3000/", "http://app:3000"),
            ("http://localhost:3000/base/", "http://localhost:3000/base"),
            ("http://[::1]:3000/api/v1", "http://[::1]:3000/api/v1"),
            ("http://example.test", "http://example.test"),
        ];
        for (input, url) in table {
            assert_eq!(target(input).to_string(), url, "{input}");
        }
    }

    #[test]
    fn unusable_targets_say_why() {
        assert!(matches!(
            Target::parse("https://x:1"),
            Err(TargetError::Https(_))
        ));
        assert!(matches!(
            Target::parse("http://x:1/a?b=1"),
            Err(TargetError::QueryOrFragment(_))
        ));
        for bad in [
            "",
            "abc def",
            "ftp://x",
            "http://",
            "http://user@x:1",
            "99999",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_base_path_is_prefixed_to_the_request_target() {
        let base = target("http://localhost:3000/base");
        let none = target("3000");
        let table = [
            (&base, "/hook?a=1", "/base/hook?a=1"),
            (&base, "/", "/base/"),
            (&base, "*", "/base"),
            (&base, "http://other:1/p?q", "/base/p?q"),
            (&none, "/hook?a=1", "/hook?a=1"),
            (&none, "*", "*"),
            (&none, "http://other:1", "/"),
        ];
        for (t, input, joined) in table {
            assert_eq!(t.join(input), joined, "{t} + {input}");
        }
        assert_eq!(
            base.url_for("/x"),
            "http://localhost:3000/base/x",
            "full URL"
        );
    }

    #[test]
    fn hop_by_hop_fields_and_those_connection_names_are_removed() {
        let mut headers = vec![
            Header::new("Host", "a"),
            Header::new("Connection", "keep-alive, X-Private"),
            Header::new("x-private", "secret"),
            Header::new("Keep-Alive", "timeout=5"),
            Header::new("Transfer-Encoding", "chunked"),
            Header::new("TE", "trailers"),
            Header::new("X-Kept", "1"),
        ];
        strip_hop_by_hop(&mut headers);
        let names: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["Host", "X-Kept"]);
    }

    #[test]
    fn hop_by_hop_fields_leave_a_header_map_in_order() {
        let mut map = HeaderMap::new();
        for (name, value) in [
            ("host", "h"),
            ("connection", "close, x-a"),
            ("x-a", "1"),
            ("x-dup", "1"),
            ("upgrade", "websocket"),
            ("x-dup", "2"),
            ("content-type", "text/plain"),
        ] {
            map.append(name, value.parse().unwrap());
        }
        strip_hop_by_hop_map(&mut map);
        let fields: Vec<(&str, &str)> = map
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().unwrap()))
            .collect();
        assert_eq!(
            fields,
            [
                ("host", "h"),
                ("x-dup", "1"),
                ("x-dup", "2"),
                ("content-type", "text/plain")
            ]
        );
    }
}
