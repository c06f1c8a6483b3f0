//! Signing a request that is about to be sent and may already carry a
//! signature: the one re-signer behind `send` (a request it built, from a
//! template or `--sign`), `replay --resign` and the TUI (a captured request,
//! changed, signed again).
//!
//! One set of rules, whoever calls:
//! - **Headers.** Each header the scheme writes takes the place of the first
//!   header of that name (any case): the value changes, the position and the
//!   name's case stay. Later headers of that name (stale duplicates) go; a name
//!   the request lacks is appended. Every other header keeps its order and case.
//! - **Time.** The signature's timestamp is the `now` given.
//! - **Message id** (Standard Webhooks, Svix; other schemes sign none). A
//!   request that is signed again has changed, so it is a new message and gets
//!   a new id ([`MessageId::New`]): a receiver that deduplicates by id must not
//!   drop it as a repeat. The caller may ask to keep the id the request carries
//!   ([`MessageId::Keep`]), to test how a receiver treats a redelivery:
//!   `send` keeps what its headers say (a template's fresh `msg_{{id}}`, or the
//!   user's `-H webhook-id: …`); `replay --resign` keeps it only when the user
//!   set it (`-H`, or changed it in `--edit`).
//! - **URL.** Twilio signs it: a stale `bodySHA256` is replaced by a fresh one
//!   (JSON bodies) or dropped (forms). Only the query ever changes.

use std::fmt;

use super::input::{Secret, SignError, SignInput};
use super::{HmacSpec, Provider, ProviderKind};
use crate::model::{Header, HeaderList, Timestamp, set_header};

/// The headers that carry a message id, Standard Webhooks' first.
pub const MESSAGE_ID_HEADERS: [&str; 2] = ["webhook-id", "svix-id"];

/// A new message id in the form Standard Webhooks senders use: `msg_` and
/// 32 hex digits of `uuid`.
pub fn new_message_id(uuid: uuid::Uuid) -> String {
    format!("msg_{}", uuid.simple())
}

/// Which message id the signature covers (Standard Webhooks, Svix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageId<'a> {
    /// A new message: this id, replacing the one the request carries.
    New(&'a str),
    /// The same message: the id the request carries (the scheme's own header
    /// first, then the other flavor's), or `otherwise` when it carries none.
    Keep {
        /// The id used when the request carries none.
        otherwise: &'a str,
    },
}

/// A request about to be sent, as far as signing cares.
#[derive(Debug, Clone, Copy)]
pub struct Outbound<'a> {
    /// Every header, in the order and case they will be sent.
    pub headers: &'a [Header],
    /// The exact body bytes.
    pub body: &'a [u8],
    /// The full URL the request goes to (Twilio signs it).
    pub url: &'a str,
}

/// The request signed: its new header list and the URL to send it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resigned {
    /// Every header: the request's, with the signature headers replaced or appended.
    pub headers: Vec<Header>,
    /// The URL to send to; it differs from the one given at most in its query.
    pub url: String,
}

/// The scheme and secret that sign requests. The secret never appears in
/// `Debug` output.
pub struct Signer {
    provider: Box<dyn Provider>,
    secret: Secret,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({}, secret: (redacted))", self.provider.kind())
    }
}

impl Signer {
    /// A signer for `kind` (`hmac` needs a spec).
    pub fn new(
        kind: ProviderKind,
        hmac: Option<HmacSpec>,
        secret: Secret,
    ) -> Result<Self, SignError> {
        Ok(Self {
            provider: super::provider(kind, hmac)?,
            secret,
        })
    }

    /// The scheme.
    pub fn kind(&self) -> ProviderKind {
        self.provider.kind()
    }

    /// Signs `request` at `now` under the rules of this module: the new
    /// header list and URL. Fails only when the scheme cannot sign (an
    /// unusable secret or URL).
    pub fn resign(
        &self,
        request: &Outbound<'_>,
        now: Timestamp,
        id: MessageId<'_>,
    ) -> Result<Resigned, SignError> {
        let kept;
        let message_id = match id {
            MessageId::New(id) => id,
            MessageId::Keep { otherwise } => {
                kept = self.carried_id(request.headers);
                kept.as_deref().unwrap_or(otherwise)
            }
        };
        let content_type = request.headers.get_str("content-type");
        let input = SignInput {
            body: request.body,
            timestamp: now,
            message_id: Some(message_id),
            url: Some(request.url),
            content_type: content_type.as_deref(),
        };
        let signed = self.provider.sign(&self.secret, &input)?;
        let mut headers = request.headers.to_vec();
        for header in signed.headers {
            set_header(&mut headers, header);
        }
        Ok(Resigned {
            headers,
            url: signed.url.unwrap_or_else(|| request.url.to_owned()),
        })
    }

    /// The message id the request carries, the scheme's own header first.
    fn carried_id(&self, headers: &[Header]) -> Option<String> {
        let [standard, svix] = MESSAGE_ID_HEADERS;
        let order = if self.kind() == ProviderKind::Svix {
            [svix, standard]
        } else {
            [standard, svix]
        };
        order.iter().find_map(|name| headers.get_str(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{Algo, Encoding, Message, Outcome, VerifyOptions};

    const NOW: Timestamp = Timestamp(1_700_000_000_000_000);
    const URL: &str = "https://hooks.example.com/in?a=1";

    fn signer(kind: ProviderKind) -> Signer {
        let secret = match kind {
            ProviderKind::Standard | ProviderKind::Svix => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            _ => "S3cret",
        };
        let spec = HmacSpec {
            header: "X-Signature".into(),
            algo: Algo::Sha512,
            encoding: Encoding::Base64,
            prefix: Some("v1=".into()),
        };
        let hmac = (kind == ProviderKind::Hmac).then_some(spec);
        Signer::new(kind, hmac, Secret::from_bytes(secret)).unwrap()
    }

    fn verifies(s: &Signer, r: &Resigned, body: &[u8]) -> bool {
        let msg = Message {
            headers: &r.headers,
            body,
            url: Some(&r.url),
        };
        let v = s.provider.verify(&s.secret, &msg, &VerifyOptions::at(NOW));
        v.outcome == Outcome::Valid
    }

    /// A request signed an hour before `NOW` over another body, its signature
    /// header names lowercased, between other headers, one signature header
    /// given twice (once in upper case), and for Twilio a stale body hash in
    /// the URL (returned with the headers).
    fn stale_request(s: &Signer) -> (Vec<Header>, String) {
        let old_url = match s.kind() {
            ProviderKind::Twilio => format!("{URL}&bodySHA256=stale"),
            _ => URL.to_owned(),
        };
        let input = SignInput {
            body: b"{\"old\":true}",
            timestamp: Timestamp(NOW.0 - 3_600_000_000),
            message_id: Some("msg_old"),
            url: Some(URL),
            content_type: Some("application/json"),
        };
        let old = s.provider.sign(&s.secret, &input).unwrap().headers;
        let mut headers = vec![
            Header::new("Host", "hooks.example.com"),
            Header::new("content-type", "application/json"),
        ];
        for (i, h) in old.iter().enumerate() {
            headers.push(Header::new(h.name.to_ascii_lowercase(), h.value.clone()));
            headers.push(Header::new("X-Between", format!("kept {i}")));
        }
        let first = &old[0];
        headers.push(Header::new(first.name.to_ascii_uppercase(), "stale-dup"));
        headers.push(Header::new("user-AGENT", "Sender/1"));
        (headers, old_url)
    }

    fn is_signature(s: &Signer, name: &str) -> bool {
        let probe = s
            .provider
            .sign(
                &s.secret,
                &SignInput {
                    message_id: Some("m"),
                    url: Some(URL),
                    ..SignInput::new(b"", NOW)
                },
            )
            .unwrap();
        probe
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(name))
    }

    #[test]
    fn every_provider_replaces_stale_signatures_in_place_and_verifies() {
        let body = b"{\"changed\":true}";
        for kind in ProviderKind::ALL {
            let s = signer(kind);
            let (headers, url) = stale_request(&s);
            let request = Outbound {
                headers: &headers,
                body,
                url: &url,
            };
            let r = s.resign(&request, NOW, MessageId::New("msg_new")).unwrap();
            assert!(verifies(&s, &r, body), "{kind}: {:?}", r.headers);
            let signature = |h: &&Header| is_signature(&s, &h.name);
            for h in r.headers.iter().filter(signature) {
                let count = r.headers.all(&h.name).count();
                assert_eq!(count, 1, "{kind}: {} duplicated", h.name);
            }
            let others = |hs: &[Header]| -> Vec<Header> {
                hs.iter().filter(|h| !signature(h)).cloned().collect()
            };
            assert_eq!(others(&r.headers), others(&headers), "{kind}");
            let mut seen = Vec::new();
            let expected: Vec<&str> = headers
                .iter()
                .filter(|h| {
                    let first = !seen.contains(&h.name.to_ascii_lowercase());
                    seen.push(h.name.to_ascii_lowercase());
                    first || !signature(h)
                })
                .map(|h| h.name.as_str())
                .collect();
            let names: Vec<&str> = r.headers.iter().map(|h| h.name.as_str()).collect();
            assert_eq!(names, expected, "{kind}: order and case kept");
            match kind {
                ProviderKind::Twilio => assert!(
                    r.url.starts_with(&format!("{URL}&bodySHA256=")) && !r.url.contains("stale"),
                    "{}",
                    r.url
                ),
                _ => assert_eq!(r.url, URL, "{kind}: the URL is left alone"),
            }
        }
    }

    #[test]
    fn a_request_without_a_signature_gets_one_appended() {
        let s = signer(ProviderKind::Stripe);
        let headers = vec![Header::new("Content-Type", "application/json")];
        let request = Outbound {
            headers: &headers,
            body: b"{}",
            url: URL,
        };
        let r = s.resign(&request, NOW, MessageId::New("x")).unwrap();
        assert_eq!(r.headers[0], headers[0]);
        assert_eq!(r.headers[1].name, "Stripe-Signature");
        assert_eq!(r.url, URL);
        assert!(verifies(&s, &r, b"{}"));
    }

    #[test]
    fn a_new_message_gets_the_new_id_and_keep_keeps_the_carried_one() {
        let id = |kind, headers: &[(&str, &str)], rule| {
            let headers: Vec<Header> = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
            let request = Outbound {
                headers: &headers,
                body: b"{}",
                url: URL,
            };
            let s = signer(kind);
            let r = s.resign(&request, NOW, rule).unwrap();
            assert!(verifies(&s, &r, b"{}"));
            let own = if kind == ProviderKind::Svix {
                "svix-id"
            } else {
                "webhook-id"
            };
            r.headers.get_str(own).unwrap()
        };
        let keep = MessageId::Keep {
            otherwise: "msg_new",
        };
        let both = [("webhook-id", "msg_w"), ("svix-id", "msg_s")];
        use ProviderKind::{Standard, Svix};
        assert_eq!(id(Standard, &both, MessageId::New("msg_new")), "msg_new");
        assert_eq!(id(Standard, &both, keep), "msg_w");
        assert_eq!(
            id(Svix, &both, keep),
            "msg_s",
            "the scheme's own header first"
        );
        assert_eq!(
            id(Svix, &both[..1], keep),
            "msg_w",
            "then the other flavor's"
        );
        assert_eq!(id(Standard, &[], keep), "msg_new");
    }

    #[test]
    fn message_ids_look_like_standard_webhooks_ones() {
        let id = new_message_id(uuid::Uuid::from_u128(0xab));
        assert_eq!(id, "msg_000000000000000000000000000000ab");
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let shown = format!("{:?}", signer(ProviderKind::Github));
        assert!(
            shown.contains("redacted") && !shown.contains("S3cret"),
            "{shown}"
        );
    }
}
