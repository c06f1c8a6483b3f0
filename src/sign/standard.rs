//! Standard Webhooks (and Svix, which uses the same scheme under `svix-*` names).
//!
//! Scheme (standardwebhooks.com, spec "Signature scheme"; docs.svix.com,
//! "Verifying webhooks manually"): headers `webhook-id`, `webhook-timestamp`
//! (Unix seconds) and `webhook-signature`, a space-separated list of
//! `v1,<base64 HMAC-SHA256>` entries over `{id}.{timestamp}.{raw body}`. The
//! secret is `whsec_` + base64 of the key; the key is the *decoded* bytes (the
//! bare base64 without the prefix is accepted too). Any `v1` entry may match;
//! asymmetric `v1a` entries are not supported. The spec recommends a 5 minute
//! tolerance.
//!
//! `verify` reads whichever header set is present, its own first; `sign` writes
//! the provider's own set (`webhook-*` for Standard, `svix-*` for Svix).

use crate::model::Header;

use super::check::{Reject, judge, read_header};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Verdict, recipe};
use super::{Provider, ProviderKind};

/// The three header names of one flavor.
#[derive(Debug, Clone, Copy)]
struct Names {
    id: &'static str,
    timestamp: &'static str,
    signature: &'static str,
}

const WEBHOOK: Names = Names {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};
const SVIX: Names = Names {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

/// The Standard Webhooks scheme under one provider name.
pub(crate) struct Standard {
    kind: ProviderKind,
    /// Headers this flavor writes and reads first.
    own: Names,
    /// Headers read when the own set is absent.
    other: Names,
}

impl Standard {
    /// `standard`: `webhook-*` headers.
    pub(crate) const STANDARD: Standard = Standard {
        kind: ProviderKind::Standard,
        own: WEBHOOK,
        other: SVIX,
    };
    /// `svix`: `svix-*` headers.
    pub(crate) const SVIX: Standard = Standard {
        kind: ProviderKind::Svix,
        own: SVIX,
        other: WEBHOOK,
    };
}

/// The parsed headers of one message.
struct Parsed<'a> {
    names: Names,
    id: &'a str,
    ts: &'a str,
    timestamp: i64,
    v1: Vec<&'a str>,
}

/// `{id}.{timestamp}.{body}`: what is signed.
fn payload(id: &str, ts: &str, body: &[u8]) -> Vec<u8> {
    [id.as_bytes(), b".", ts.as_bytes(), b".", body].concat()
}

impl Provider for Standard {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let id = input
            .message_id
            .ok_or(SignError::MissingMessageId(self.kind.label()))?;
        let key = KeyMode::Whsec
            .key(secret.bytes())
            .map_err(SignError::BadSecret)?;
        let ts = input.timestamp.unix_seconds().to_string();
        let mac = Algo::Sha256.mac(&key, &payload(id, &ts, input.body));
        Ok(Signed::headers(vec![
            Header::new(self.own.id, id),
            Header::new(self.own.timestamp, ts),
            Header::new(
                self.own.signature,
                format!("v1,{}", Encoding::Base64.encode(&mac)),
            ),
        ]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        match self.parse(msg) {
            Err(r) => r.verdict(self.kind),
            Ok(p) => check(self.kind, &p, secret, msg, opts),
        }
    }
}

impl Standard {
    /// Picks the header set carrying a signature, then parses it.
    fn parse<'a>(&self, msg: &Message<'a>) -> Result<Parsed<'a>, Reject> {
        for names in [self.own, self.other] {
            let sig = read_header(msg.headers, names.signature)
                .map_err(|e| Reject::malformed(names.signature, e))?;
            if let Some(sig) = sig {
                return parse_set(names, sig, msg);
            }
        }
        Err(Reject::Unsigned(self.own.signature))
    }
}

/// Reads id and timestamp next to a present signature header.
fn parse_set<'a>(names: Names, sig: &'a str, msg: &Message<'a>) -> Result<Parsed<'a>, Reject> {
    let required = |name: &'static str| {
        read_header(msg.headers, name)
            .and_then(|v| v.ok_or_else(|| format!("{name} is missing")))
            .map_err(|e| Reject::malformed(name, e))
    };
    let id = required(names.id)?;
    let ts = required(names.timestamp)?;
    let not_a_number = format!("{} is not a Unix timestamp", names.timestamp);
    let timestamp = ts
        .parse::<i64>()
        .map_err(|_| Reject::malformed(names.timestamp, not_a_number))?;
    let v1 = v1_entries(sig)
        .map_err(|e| Reject::malformed(names.signature, format!("{}: {e}", names.signature)))?;
    Ok(Parsed {
        names,
        id,
        ts,
        timestamp,
        v1,
    })
}

/// The `v1,<sig>` entries of a space-separated list.
fn v1_entries(sig: &str) -> Result<Vec<&str>, String> {
    let entries: Vec<(&str, &str)> = sig
        .split_ascii_whitespace()
        .filter_map(|e| e.split_once(','))
        .collect();
    let v1: Vec<&str> = entries
        .iter()
        .filter(|(v, _)| *v == "v1")
        .map(|(_, s)| *s)
        .collect();
    if !v1.is_empty() {
        return Ok(v1);
    }
    if entries.iter().any(|(v, _)| *v == "v1a") {
        return Err("only v1a (asymmetric) signatures, which hookcap does not verify".to_owned());
    }
    Err("no v1,<base64> entry".to_owned())
}

fn check(
    kind: ProviderKind,
    p: &Parsed<'_>,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let payload = |body: &[u8]| payload(p.id, p.ts, body);
    let parts = [
        ("id", p.id.len()),
        ("'.'", 1),
        ("timestamp", p.ts.len()),
        ("'.'", 1),
        ("body", msg.body.len()),
    ];
    let c = MacCheck {
        kind,
        header: p.names.signature,
        algo: Algo::Sha256,
        encoding: Encoding::Base64,
        key_mode: KeyMode::Whsec,
        payload: &payload,
        recipe: recipe(&parts),
        received: p.v1.clone(),
        timestamp: Some(p.timestamp),
    };
    judge(&c, secret, msg, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_entries_skip_other_versions() {
        assert_eq!(v1_entries("v1a,xx v1,aa  v1,bb"), Ok(vec!["aa", "bb"]));
        assert!(v1_entries("v1a,xx").unwrap_err().contains("v1a"));
        assert!(v1_entries("garbage").unwrap_err().contains("no v1"));
    }
}
