//! A channel's public URL as `--via` takes it: `https://hooks.example.com/c/NAME`
//! (a path before `/c/` is kept, for a relay behind a proxy that adds one).

use std::fmt;

use crate::relay::token::check_name;

/// Where a channel lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelUrl {
    /// `https` (TLS) or `http`.
    pub tls: bool,
    /// The host name or address (without brackets for IPv6).
    pub host: String,
    /// The port (443 or 80 unless given).
    pub port: u16,
    /// A path before `/c/NAME`, without a trailing slash; usually empty.
    pub base: String,
    /// The channel's name.
    pub channel: String,
    /// The URL as given, for messages.
    given: String,
}

/// A `--via` value that is not a channel URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid relay URL {0:?}: use https://HOST[:PORT]/c/CHANNEL")]
pub struct UrlError(pub String);

impl ChannelUrl {
    /// Parses `http(s)://HOST[:PORT][/BASE]/c/NAME`.
    pub fn parse(s: &str) -> Result<Self, UrlError> {
        let err = || UrlError(crate::sanitize::sanitize(s).into_owned());
        let uri: hyper::Uri = s.trim_end_matches('/').parse().map_err(|_| err())?;
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(err()),
        };
        if uri.query().is_some() {
            return Err(err());
        }
        let authority = uri.authority().ok_or_else(err)?;
        if authority.as_str().contains('@') {
            return Err(err());
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let (base, channel) = uri.path().rsplit_once("/c/").ok_or_else(err)?;
        check_name(channel).map_err(|_| err())?;
        if host.is_empty() {
            return Err(err());
        }
        Ok(Self {
            tls,
            host,
            port,
            base: base.to_owned(),
            channel: channel.to_owned(),
            given: s.trim_end_matches('/').to_owned(),
        })
    }

    /// `host:port` for connecting (IPv6 in brackets).
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The path of one of the relay's own endpoints for this channel,
    /// e.g. `connect` → `/_hookcap/connect/NAME`.
    pub fn endpoint(&self, what: &str) -> String {
        format!("{}/_hookcap/{what}/{}", self.base, self.channel)
    }

    /// The WebSocket URL consumers connect to.
    pub fn connect_url(&self) -> String {
        let scheme = if self.tls { "wss" } else { "ws" };
        format!(
            "{scheme}://{}{}",
            self.authority(),
            self.endpoint("connect")
        )
    }
}

impl fmt::Display for ChannelUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_urls_parse_with_defaults() {
        let u = ChannelUrl::parse("https://hooks.example.com/c/github").unwrap();
        assert!(u.tls);
        assert_eq!((u.host.as_str(), u.port), ("hooks.example.com", 443));
        assert_eq!(u.channel, "github");
        assert_eq!(
            u.connect_url(),
            "wss://hooks.example.com:443/_hookcap/connect/github"
        );
        assert_eq!(u.to_string(), "https://hooks.example.com/c/github");

        let u = ChannelUrl::parse("http://127.0.0.1:8080/relay/c/ab-1/").unwrap();
        assert_eq!((u.tls, u.port, u.base.as_str()), (false, 8080, "/relay"));
        assert_eq!(u.endpoint("status"), "/relay/_hookcap/status/ab-1");

        let u = ChannelUrl::parse("https://[::1]:9443/c/abc").unwrap();
        assert_eq!(u.authority(), "[::1]:9443");
    }

    #[test]
    fn other_urls_are_refused() {
        for bad in [
            "hooks.example.com/c/github",
            "ftp://h/c/github",
            "https://h/github",
            "https://h/c/GitHub",
            "https://h/c/github?x=1",
            "https://user@h/c/github",
            "https:///c/github",
        ] {
            assert!(ChannelUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
