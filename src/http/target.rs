//! Where outgoing requests go: one [`Target`] type for `forward`, `replay`
//! and `send`.
//!
//! A target is a scheme, a host and port to connect to, the authority as the
//! user gave it (sent as `Host`), and a base path that is prefixed to every
//! request target sent to it. `forward` and `replay` take a base URL
//! ([`Target::parse`]: `3000`, `:3000`, `host:3000`, `http(s)://host[:port][/base]`);
//! `send` takes a full URL with its query ([`Target::for_url`], after
//! [`expand_shorthand`] has turned `:8080/hook` into `http://127.0.0.1:8080/hook`).

use std::fmt;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP/1.1 over TCP.
    Http,
    /// HTTP/1.1 over TLS.
    Https,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// A base URL requests are sent to: `SCHEME://AUTHORITY[/BASE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// The host to connect to (an IPv6 address without its brackets); also
    /// the name TLS checks the certificate against.
    pub host: String,
    /// The port to connect to (the scheme's default when none was given).
    pub port: u16,
    /// `host[:port]` as given: what is sent as `Host`.
    pub authority: String,
    /// The base path without a trailing slash; empty for none.
    pub base_path: String,
}

/// A target that cannot be used, worded for the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not a port, `:port`, `host:port` or `http(s)://` URL.
    #[error(
        "invalid target {0:?}: use a port (3000), :3000, or a URL like http://localhost:3000/base"
    )]
    Invalid(String),
    /// A URL with a query or fragment, which cannot be a base for request targets.
    #[error("the target URL {0:?} has a query or fragment; give only scheme, host, port and path")]
    QueryOrFragment(String),
    /// Not an `http://` or `https://` URL.
    #[error("invalid URL {0:?}: only http:// and https:// are supported")]
    Url(String),
}

impl Target {
    /// Parses a base URL for `forward` and `replay`: `3000`, `:3000`,
    /// `host:3000` or `http(s)://host[:port][/base]`. A bare port means
    /// `http://localhost:PORT`, so the app sees the `Host` it expects in development.
    pub fn parse(s: &str) -> Result<Self, TargetError> {
        let invalid = || TargetError::Invalid(s.to_owned());
        let port_only = s.strip_prefix(':').unwrap_or(s);
        if !port_only.is_empty() && port_only.bytes().all(|b| b.is_ascii_digit()) {
            let port = port_only.parse::<u16>().map_err(|_| invalid())?;
            return Self::from_parts(Scheme::Http, &format!("localhost:{port}"), "")
                .ok_or_else(invalid);
        }
        let (scheme, rest) = match split_scheme(s) {
            Some((scheme, rest)) => (scheme.ok_or_else(invalid)?, rest),
            None => (Scheme::Http, s),
        };
        if rest.contains(['?', '#']) {
            return Err(TargetError::QueryOrFragment(s.to_owned()));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        Self::from_parts(scheme, authority, path).ok_or_else(invalid)
    }

    /// Splits an absolute `http(s)://` URL (as `send` normalizes it: no user
    /// info) into its target, without a base path, and the origin-form
    /// request target: path and query, without the fragment.
    pub fn for_url(url: &str) -> Result<(Self, String), TargetError> {
        let bad = || TargetError::Url(url.to_owned());
        let (scheme, rest) = split_scheme(url).ok_or_else(bad)?;
        let scheme = scheme.ok_or_else(bad)?;
        let rest = rest.split('#').next().unwrap_or(rest);
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let target = match tail.chars().next() {
            None => "/".to_owned(),
            Some('?') => format!("/{tail}"),
            Some(_) => tail.to_owned(),
        };
        let own = Self::from_parts(scheme, authority, "").ok_or_else(bad)?;
        Ok((own, target))
    }

    fn from_parts(scheme: Scheme, authority: &str, path: &str) -> Option<Self> {
        let parsed = authority.parse::<::http::uri::Authority>().ok()?;
        if parsed.host().is_empty() || authority.contains('@') {
            return None;
        }
        ::http::uri::PathAndQuery::try_from(if path.is_empty() { "/" } else { path }).ok()?;
        let host = parsed.host();
        // `Authority` takes `host:99999`, and then has no port to give.
        let port_text = authority.get(host.len()..)?.strip_prefix(':').unwrap_or("");
        let port = match port_text {
            "" => scheme.default_port(),
            text => text.parse::<u16>().ok()?,
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        Some(Self {
            scheme,
            host: host.to_owned(),
            port,
            authority: authority.to_owned(),
            base_path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// True for `https://` targets.
    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::Https
    }

    /// The request target to send for a stored one: the base path, then the
    /// stored path and query. An absolute-form target contributes its path and
    /// query. `*` (`OPTIONS *`) stays `*` whatever the base path: it asks
    /// about the server as a whole (RFC 9110 §9.3.7), and a path would make
    /// it a question about one resource.
    pub fn join(&self, request_target: &str) -> String {
        let own = origin_form(request_target);
        if own == "*" {
            return own.to_owned();
        }
        let mut joined = String::with_capacity(self.base_path.len() + own.len() + 1);
        joined.push_str(&self.base_path);
        if !own.starts_with('/') {
            joined.push('/');
        }
        joined.push_str(own);
        joined
    }

    /// The full URL a stored request target is sent to. For `*` that is the
    /// origin alone (`http://host:port`): asterisk-form has an empty path
    /// (RFC 9112 §3.3).
    pub fn url_for(&self, request_target: &str) -> String {
        let joined = self.join(request_target);
        let joined = if joined == "*" { "" } else { joined.as_str() };
        let scheme = self.scheme.as_str();
        let mut url = String::with_capacity(scheme.len() + 3 + self.authority.len() + joined.len());
        url.push_str(scheme);
        url.push_str("://");
        url.push_str(&self.authority);
        url.push_str(joined);
        url
    }

    /// `host:port` with IPv6 hosts in brackets, as in a `CONNECT` request.
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme.as_str(),
            self.authority,
            self.base_path
        )
    }
}

/// The scheme of `s` and the rest after `://`: `None` without `://`,
/// `Some((None, _))` for a scheme other than http and https.
fn split_scheme(s: &str) -> Option<(Option<Scheme>, &str)> {
    let (scheme, rest) = s.split_once("://")?;
    let scheme = if scheme.eq_ignore_ascii_case("http") {
        Some(Scheme::Http)
    } else if scheme.eq_ignore_ascii_case("https") {
        Some(Scheme::Https)
    } else {
        None
    };
    Some((scheme, rest))
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

/// `send`'s shorthands: `:8080/hook` and `8080/hook` mean
/// `http://127.0.0.1:8080/hook`, and a URL without a scheme gets `http://`
/// (like curl). Anything with `://` is returned unchanged.
pub fn expand_shorthand(input: &str) -> String {
    if input.contains("://") {
        return input.to_owned();
    }
    let rest = input.strip_prefix(':').unwrap_or(input);
    let port_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after_port = &rest[port_len..];
    let is_port = port_len > 0 && (after_port.is_empty() || after_port.starts_with(['/', '?']));
    if is_port {
        let path = if after_port.starts_with('/') {
            after_port.to_owned()
        } else {
            format!("/{after_port}")
        };
        return format!("http://127.0.0.1:{}{path}", &rest[..port_len]);
    }
    format!("http://{input}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(s: &str) -> Target {
        Target::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn base_urls_parse_as_documented() {
        // input, Display, host, port, Host header
        let table = [
            (
                "3000",
                "http://localhost:3000",
                "localhost",
                3000,
                "localhost:3000",
            ),
            (
                ":3000",
                "http://localhost:3000",
                "localhost",
                3000,
                "localhost:3000",
            ),
            (
                "127.0.0.1:8080",
                "http://127.0.0.1:8080",
                "127.0.0.1",
                8080,
                "127.0.0.1:8080",
            ),
            (
                "http://localhost:3000",
                "http://localhost:3000",
                "localhost",
                3000,
                "localhost:3000",
            ),
            (
                "HTTP://app:3000/",
                "http://app:3000",
                "app",
                3000,
                "app:3000",
            ),
            (
                "http://localhost:3000/base/",
                "http://localhost:3000/base",
                "localhost",
                3000,
                "localhost:3000",
            ),
            (
                "http://[::1]:3000/api/v1",
                "http://[::1]:3000/api/v1",
                "::1",
                3000,
                "[::1]:3000",
            ),
            (
                "http://example.test",
                "http://example.test",
                "example.test",
                80,
                "example.test",
            ),
            (
                "https://example.test",
                "https://example.test",
                "example.test",
                443,
                "example.test",
            ),
            (
                "HTTPS://app:8443/hooks",
                "https://app:8443/hooks",
                "app",
                8443,
                "app:8443",
            ),
        ];
        for (input, url, host, port, authority) in table {
            let t = target(input);
            assert_eq!(t.to_string(), url, "{input}");
            assert_eq!((t.host.as_str(), t.port), (host, port), "{input}");
            assert_eq!(t.authority, authority, "{input}");
        }
        assert!(target("https://x").is_https() && !target("3000").is_https());
    }

    #[test]
    fn unusable_targets_say_why() {
        assert!(matches!(
            Target::parse("http://x:1/a?b=1"),
            Err(TargetError::QueryOrFragment(_))
        ));
        assert!(matches!(
            Target::parse("https://x:1/#top"),
            Err(TargetError::QueryOrFragment(_))
        ));
        for bad in [
            "",
            "abc def",
            "ftp://x",
            "http://",
            "https://",
            "http://user@x:1",
            "99999",
            "http://x:99999",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn send_urls_split_into_target_and_request_target() {
        // url, Display, host, port, request target
        let table = [
            (
                "http://127.0.0.1:8080/hook",
                "http://127.0.0.1:8080",
                "127.0.0.1",
                8080,
                "/hook",
            ),
            (
                "https://example.com/a?x=1&y=2",
                "https://example.com",
                "example.com",
                443,
                "/a?x=1&y=2",
            ),
            (
                "http://example.com",
                "http://example.com",
                "example.com",
                80,
                "/",
            ),
            (
                "http://example.com?q=1",
                "http://example.com",
                "example.com",
                80,
                "/?q=1",
            ),
            ("http://h/p#frag", "http://h", "h", 80, "/p"),
            ("http://[::1]:9/x", "http://[::1]:9", "::1", 9, "/x"),
        ];
        for (url, origin, host, port, request_target) in table {
            let (t, rt) = Target::for_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(t.to_string(), origin, "{url}");
            assert_eq!((t.host.as_str(), t.port), (host, port), "{url}");
            assert_eq!(rt, request_target, "{url}");
        }
        for bad in ["ftp://x/", "example.com/x", "http:///x", "http://u@h/"] {
            assert!(Target::for_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shorthands_mean_loopback_http() {
        let table = [
            (":8080/hook", "http://127.0.0.1:8080/hook"),
            ("8080/hook", "http://127.0.0.1:8080/hook"),
            (":8080", "http://127.0.0.1:8080/"),
            ("8080?x=1", "http://127.0.0.1:8080/?x=1"),
            ("localhost:3000/a", "http://localhost:3000/a"),
            ("example.com", "http://example.com"),
            ("https://example.com/x", "https://example.com/x"),
            ("8080abc", "http://8080abc"),
        ];
        for (input, want) in table {
            assert_eq!(expand_shorthand(input), want, "{input}");
        }
    }

    #[test]
    fn the_base_path_is_prefixed_to_the_request_target() {
        let base = target("http://localhost:3000/base");
        let none = target("3000");
        let table = [
            (&base, "/hook?a=1", "/base/hook?a=1"),
            (&base, "/", "/base/"),
            (&base, "*", "*"),
            (&base, "http://other:1/p?q", "/base/p?q"),
            (&none, "/hook?a=1", "/hook?a=1"),
            (&none, "*", "*"),
            (&none, "http://other:1", "/"),
        ];
        for (t, input, joined) in table {
            assert_eq!(t.join(input), joined, "{t} + {input}");
        }
        assert_eq!(base.url_for("/x"), "http://localhost:3000/base/x");
        assert_eq!(base.url_for("*"), "http://localhost:3000");
        assert_eq!(none.url_for("*"), "http://localhost:3000");
        assert_eq!(
            target("https://app:1/v1").url_for("/x?y"),
            "https://app:1/v1/x?y"
        );
        assert_eq!(target("http://[::1]:3000").host_port(), "[::1]:3000");
        assert_eq!(target("https://a.test").host_port(), "a.test:443");
    }
}
