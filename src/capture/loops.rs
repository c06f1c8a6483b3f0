//! Keeping `forward` from passing requests back to itself.
//!
//! A target that is the listener's own address would turn one request into
//! as many as the machine can hold: it is refused at start
//! ([`is_own_address`]), once the listening port is known (also with
//! `--port 0`). A loop through other hops (two forwarders pointing at each
//! other, a proxy that sends the request back) is caught at run time by the
//! listener's own [`ViaMark`]: every request passed on carries it in `Via`
//! (RFC 9110 §7.6.3), and a request that arrives carrying it has been here
//! before.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use crate::http::Target;
use crate::model::Header;

/// This listener's name in `Via` (`hookcap-` and 12 random hex digits, new
/// for every process, so two hookcaps never share one), and the entry it
/// adds to every request it passes on: `via: 1.1 hookcap-3f9a0c71be42`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViaMark {
    name: String,
}

impl ViaMark {
    /// A mark no other process has.
    pub fn new() -> Self {
        Self {
            name: format!("hookcap-{:012x}", fastrand::u64(..) >> 16),
        }
    }

    /// The pseudonym in `Via`, `hookcap-…`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The field line added at the end of a request passed on, after any
    /// `Via` the caller sent, so the list reads in hop order: the protocol
    /// the request was received with (`1.1`, `1.0`), then the mark.
    pub fn field(&self, received_with: &str) -> Header {
        let version = received_with.strip_prefix("HTTP/").unwrap_or("1.1");
        Header::new("via", format!("{version} {}", self.name))
    }

    /// True when a `Via` entry of `headers` names this listener: the request
    /// has passed through it before.
    pub fn seen_in(&self, headers: &[Header]) -> bool {
        let names_me = |entry: &str| entry.split_whitespace().nth(1) == Some(self.name.as_str());
        headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("via"))
            .any(|h| h.value_str().split(',').any(names_me))
    }
}

impl Default for ViaMark {
    fn default() -> Self {
        Self::new()
    }
}

/// How long the start-up check waits for the target's name to resolve. A
/// name that does not resolve by then is not checked: whether the app can be
/// reached is found out per request.
const RESOLVE_WAIT: Duration = Duration::from_secs(2);

/// True when a connection to one of `target`'s addresses would reach the
/// listener bound at `bound` itself: the same port on the bound address, on
/// loopback, `0.0.0.0` or `localhost`, or on any of this host's addresses
/// when the listener is bound to all of them.
pub async fn is_own_address(target: &Target, bound: SocketAddr) -> bool {
    if target.port != bound.port() {
        return false;
    }
    let lookup = tokio::net::lookup_host((target.host.as_str(), target.port));
    match tokio::time::timeout(RESOLVE_WAIT, lookup).await {
        Ok(Ok(mut addrs)) => addrs.any(|addr| reaches(addr, bound)),
        _ => false,
    }
}

/// True when connecting to `dest` would reach a listener bound at `bound`.
fn reaches(dest: SocketAddr, bound: SocketAddr) -> bool {
    if dest.port() != bound.port() {
        return false;
    }
    let dest = connected_ip(dest.ip());
    match bound.ip().to_canonical() {
        IpAddr::V4(any) if any.is_unspecified() => dest.is_ipv4() && is_local(dest),
        // Dual-stack, as Linux binds `::` by default.
        IpAddr::V6(any) if any.is_unspecified() => is_local(dest),
        ip => dest == ip,
    }
}

/// The address a connection to `ip` really goes to: the unspecified address
/// means this host's loopback.
fn connected_ip(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(any) if any.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        IpAddr::V6(any) if any.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    }
}

/// True when `ip` is one of this host's addresses: a socket can be bound to it.
fn is_local(ip: IpAddr) -> bool {
    ip.is_loopback() || UdpSocket::bind((ip, 0)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_listeners_own_address_is_recognised_in_every_spelling() {
        // (where the target points, where the listener is bound, a loop?)
        let table = [
            ("127.0.0.1:4667", "127.0.0.1:4667", true),
            ("0.0.0.0:4667", "127.0.0.1:4667", true),
            ("[::ffff:127.0.0.1]:4667", "127.0.0.1:4667", true),
            ("127.0.0.1:4668", "127.0.0.1:4667", false),
            ("127.0.0.2:4667", "127.0.0.1:4667", false),
            ("[::1]:4667", "127.0.0.1:4667", false),
            ("[::1]:4667", "[::1]:4667", true),
            ("[::]:4667", "[::1]:4667", true),
            ("127.0.0.1:4667", "0.0.0.0:4667", true),
            ("127.0.0.9:4667", "0.0.0.0:4667", true),
            ("0.0.0.0:4667", "0.0.0.0:4667", true),
            ("[::1]:4667", "0.0.0.0:4667", false),
            ("127.0.0.1:4667", "[::]:4667", true),
            ("[::1]:4667", "[::]:4667", true),
            // TEST-NET-1: never one of this host's addresses.
            ("192.0.2.1:4667", "0.0.0.0:4667", false),
            ("192.0.2.1:4667", "127.0.0.1:4667", false),
        ];
        for (dest, bound, looped) in table {
            assert_eq!(reaches(addr(dest), addr(bound)), looped, "{dest} → {bound}");
        }
    }

    #[test]
    fn a_mark_is_found_in_any_via_entry_but_no_other_hookcaps_is() {
        let mark = ViaMark::new();
        let other = ViaMark::new();
        assert_ne!(mark, other);
        assert_eq!(
            mark.field("HTTP/1.0").value_str(),
            format!("1.0 {}", mark.name())
        );
        let via = |v: String| vec![Header::new("X-A", "1"), Header::new("VIA", v)];
        let name = mark.name();
        assert!(mark.seen_in(&via(format!("1.1 {name}"))));
        assert!(mark.seen_in(&via(format!("1.0 fred, 1.1 {name} (hookcap)"))));
        assert!(mark.seen_in(&[
            Header::new("via", "1.1 proxy"),
            Header::new("Via", format!("HTTP/1.1 {name}")),
        ]));
        assert!(!mark.seen_in(&via(format!("1.1 {}", other.name()))));
        assert!(!mark.seen_in(&via(format!("1.1 proxy ({name})"))));
        assert!(!mark.seen_in(&[Header::new("X-Via", format!("1.1 {name}"))]));
    }

    #[tokio::test]
    async fn names_are_resolved_and_other_ports_are_not() {
        let bound = addr("127.0.0.1:4667");
        let own = Target::parse("http://localhost:4667/base").unwrap();
        assert!(is_own_address(&own, bound).await);
        let other = Target::parse("4668").unwrap();
        assert!(!is_own_address(&other, bound).await);
    }
}
