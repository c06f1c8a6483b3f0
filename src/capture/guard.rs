//! Live checks on captured requests: signature verification (`--verify`),
//! a shared-token guard (`--require-token`) and a source-address allow list
//! (`--allow-ip`). A rejected request is still stored — marked with why — so
//! nothing a sender sent is ever lost; only the answer changes.

use std::net::IpAddr;

use hyper::StatusCode;
use subtle::ConstantTimeEq;

use crate::model::{HeaderList, NewRequest, SignatureCheck};
use crate::sign::{Checker, Outcome, Secret};

/// An address range such as `10.0.0.0/8`, `::1/128`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

/// A `--allow-ip` value that is not an address or range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address range {0:?}: use an address or CIDR like 10.0.0.0/8 or ::1/128")]
pub struct CidrError(pub String);

impl std::str::FromStr for Cidr {
    type Err = CidrError;
    fn from_str(s: &str) -> Result<Self, CidrError> {
        let err = || CidrError(s.to_owned());
        let (ip, prefix) = s.split_once('/').map_or((s, None), |(a, p)| (a, Some(p)));
        let net: IpAddr = ip.trim().parse().map_err(|_| err())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(err)?,
            None => max,
        };
        Ok(Self { net, prefix })
    }
}

impl std::fmt::Display for Cidr {
    /// `ADDR/PREFIX`, which parses back to the same range.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

impl Cidr {
    /// True when `ip` is inside this range (IPv4-mapped IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (full, rest) = (usize::from(bits / 8), bits % 8);
    if a[..full] != b[..full] {
        return false;
    }
    rest == 0 || (a[full] ^ b[full]) >> (8 - rest) == 0
}

/// The header that must carry a shared token, and the token.
#[derive(Debug, Clone)]
pub struct TokenRule {
    /// Header name, matched case-insensitively (default `X-Gitlab-Token`).
    pub header: String,
    /// The expected value, compared in constant time.
    pub token: Secret,
}

/// Everything checked on each request as it arrives.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Verify signatures and store the verdict.
    pub checker: Option<Checker>,
    /// Answer 401 to requests whose signature is not valid.
    pub reject_invalid: bool,
    /// Answer 401 to requests without the shared token.
    pub token: Option<TokenRule>,
    /// Answer 403 to sources outside these ranges (empty: allow all).
    pub allow: Vec<Cidr>,
}

/// What the guard decided about one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judgement {
    /// The signature verdict, when signatures are checked.
    pub signature: Option<SignatureCheck>,
    /// The status and reason to reject with, if rejected.
    pub rejected: Option<(StatusCode, String)>,
}

impl Guard {
    /// True when no check is configured (the common case costs nothing).
    pub fn is_empty(&self) -> bool {
        self.checker.is_none() && self.token.is_none() && self.allow.is_empty()
    }

    /// Checks `request` from `remote`. The first failing guard decides the
    /// answer; the signature is checked (and recorded) regardless.
    pub fn judge(&self, request: &NewRequest, remote: IpAddr) -> Judgement {
        let signature = self.checker.as_ref().map(|c| check_signature(c, request));
        let rejected = if !self.allow.is_empty() && !self.allow.iter().any(|c| c.contains(remote)) {
            Some((
                StatusCode::FORBIDDEN,
                format!("source address {remote} not allowed"),
            ))
        } else if let Some(why) = self.token.as_ref().and_then(|t| token_problem(t, request)) {
            Some((StatusCode::UNAUTHORIZED, why))
        } else {
            match &signature {
                Some(s) if self.reject_invalid && s.outcome != Outcome::Valid => {
                    Some((StatusCode::UNAUTHORIZED, signature_problem(s)))
                }
                _ => None,
            }
        };
        Judgement {
            signature,
            rejected,
        }
    }
}

/// Why a signature check rejects: `invalid signature: signature mismatch`,
/// `not signed: no X-Hub-Signature-256 header`.
fn signature_problem(s: &SignatureCheck) -> String {
    match s.outcome {
        Outcome::Unsigned => format!("not signed: {}", s.reason),
        _ => format!("invalid signature: {}", s.reason),
    }
}

fn check_signature(checker: &Checker, request: &NewRequest) -> SignatureCheck {
    match checker.check(request, None, request.received_at, None) {
        Some(c) => SignatureCheck {
            provider: c.verdict.provider.name().to_owned(),
            outcome: c.verdict.outcome,
            reason: c.verdict.reason,
        },
        None => SignatureCheck {
            provider: "auto".into(),
            outcome: Outcome::Unsigned,
            reason: "no known signature headers".into(),
        },
    }
}

fn token_problem(rule: &TokenRule, request: &NewRequest) -> Option<String> {
    match request.headers.find(&rule.header) {
        None => Some(format!("missing {} header", rule.header)),
        Some(h) if bool::from(h.value.ct_eq(rule.token.bytes())) => None,
        Some(_) => Some(format!("wrong {} token", rule.header)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_contain_what_they_should() {
        assert!(cidr("10.0.0.0/8").contains("10.200.1.2".parse().unwrap()));
        assert!(!cidr("10.0.0.0/8").contains("11.0.0.1".parse().unwrap()));
        assert!(cidr("192.168.1.0/25").contains("192.168.1.127".parse().unwrap()));
        assert!(!cidr("192.168.1.0/25").contains("192.168.1.128".parse().unwrap()));
        assert!(cidr("127.0.0.1").contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(cidr("::1/128").contains("::1".parse().unwrap()));
        assert!(cidr("0.0.0.0/0").contains("8.8.8.8".parse().unwrap()));
        assert!(
            !cidr("::/0").contains("8.8.8.8".parse().unwrap()),
            "families never mix"
        );
    }

    #[test]
    fn ranges_print_as_they_parse() {
        for text in ["10.0.0.0/8", "::1/128", "192.168.1.7/32"] {
            assert_eq!(cidr(text).to_string(), text);
            assert_eq!(cidr(&cidr(text).to_string()), cidr(text));
        }
        assert_eq!(cidr("::1").to_string(), "::1/128");
    }

    #[test]
    fn bad_ranges_are_rejected() {
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "host/8",
            "1.2.3.4/x",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }
}
