//! What a captured request is as a webhook: the provider, the event and the
//! delivery id, read from the headers and body the way each provider sends them.
//!
//! This lives next to the signature schemes because it reads the same headers.
//! [`identify`] never fails: a request it cannot place gets `None`, and a body
//! that is not what the headers promise just leaves the event or delivery out.
//! It is cheap enough to run on every capture: a few header lookups, and for
//! JSON bodies one pass that reads only the handful of top-level members a
//! provider uses (everything else is skipped without being built).
//!
//! | provider | detected by | event | delivery | retry marker |
//! |---|---|---|---|---|
//! | github | `X-GitHub-Event` | header + body `action` (`pull_request.opened`) | `X-GitHub-Delivery` | |
//! | gitlab | `X-Gitlab-Event` | body `object_kind` + `object_attributes.action`, else the header | `Idempotency-Key`, else `X-Gitlab-Event-UUID` | |
//! | stripe | `Stripe-Signature`, or a body with `"object": "event"` and an `evt_` id | body `type` | body `id` | |
//! | slack | `X-Slack-Signature` / `X-Slack-Request-Timestamp` | body `event.type`, else `type` (`url_verification`) | body `event_id` | `X-Slack-Retry-Num`, `X-Slack-Retry-Reason` |
//! | shopify | `X-Shopify-Topic` | the topic (`orders/create`) | `X-Shopify-Webhook-Id` | |
//! | svix / standard | `svix-id` / `webhook-id` | body `type` | the id header | |
//! | twilio | `X-Twilio-Signature` / `I-Twilio-Idempotency-Token` | form `CallStatus` (`call.…`), `MessageStatus`/`SmsStatus` (`message.…`) | `I-Twilio-Idempotency-Token` | |
//! | generic | `X-Event-Type`, `X-Webhook-Event`, or a JSON body with a string `type` or `event` | that value | `X-Webhook-Id`, `X-Delivery-Id`, `Idempotency-Key` | |

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::{Header, HeaderList, HookIdentity};

/// Names and values longer than this are cut: an id or event name is short,
/// and a hostile sender must not make every listing carry kilobytes.
const MAX_VALUE: usize = 200;

/// Who sent the request and what it is about; `None` when nothing marks it
/// as a webhook. Never panics, whatever the bytes.
pub fn identify(headers: &[Header], body: &[u8]) -> Option<HookIdentity> {
    let header = |name: &str| headers.find(name).map(header_text);
    let (provider, event, delivery, retry) = if let Some(kind) = header("X-GitHub-Event") {
        let action = probe(body, ACTION).action;
        let event = match action {
            Some(a) => format!("{kind}.{a}"),
            None => kind,
        };
        ("github", Some(event), header("X-GitHub-Delivery"), None)
    } else if let Some(kind) = header("X-Gitlab-Event") {
        let p = probe(body, OBJECT_KIND | ACTION);
        let event = match (p.object_kind, p.action) {
            (Some(k), Some(a)) => format!("{k}.{a}"),
            (Some(k), None) => k,
            _ => kind,
        };
        let delivery = header("Idempotency-Key").or_else(|| header("X-Gitlab-Event-UUID"));
        ("gitlab", Some(event), delivery, None)
    } else if headers.find("Stripe-Signature").is_some() {
        let p = probe(body, ID | TYPE);
        ("stripe", p.kind, p.id, None)
    } else if headers.find("X-Slack-Signature").is_some()
        || headers.find("X-Slack-Request-Timestamp").is_some()
    {
        let p = probe(body, TYPE | EVENT | EVENT_ID);
        let event = p.inner_type.or(p.kind);
        ("slack", event, p.event_id, slack_retry(&header))
    } else if let Some(topic) = header("X-Shopify-Topic") {
        ("shopify", Some(topic), header("X-Shopify-Webhook-Id"), None)
    } else if let Some(id) = header("svix-id") {
        ("svix", probe(body, TYPE).kind, Some(id), None)
    } else if let Some(id) = header("webhook-id") {
        ("standard", probe(body, TYPE).kind, Some(id), None)
    } else if headers.find("X-Twilio-Signature").is_some()
        || headers.find("I-Twilio-Idempotency-Token").is_some()
    {
        let delivery = header("I-Twilio-Idempotency-Token");
        ("twilio", twilio_event(body), delivery, None)
    } else {
        return body_only(headers, body, &header);
    };
    Some(HookIdentity {
        provider: provider.to_owned(),
        event: event.filter(|e| !e.is_empty()),
        delivery: delivery.filter(|d| !d.is_empty()),
        retry,
    })
}

/// The Unix time (seconds) a request's signature covers, for the schemes that
/// sign one: Stripe (`t=`), Slack, Standard Webhooks and Svix. A retry should
/// carry a fresh one; the same one again means the old signature was resent.
pub fn signed_timestamp(headers: &[Header]) -> Option<i64> {
    let read = |name: &str| headers.find(name).map(|h| h.value_str().trim().to_owned());
    if let Some(sig) = read("Stripe-Signature") {
        return sig
            .split(',')
            .find_map(|part| part.trim().strip_prefix("t="))
            .and_then(|t| t.parse().ok());
    }
    [
        "X-Slack-Request-Timestamp",
        "webhook-timestamp",
        "svix-timestamp",
    ]
    .iter()
    .find_map(|name| read(name))
    .and_then(|t| t.parse().ok())
}

/// A request without a provider's headers: a Stripe event by its shape, or a
/// generic webhook that names its event in a header or the body.
fn body_only(
    headers: &[Header],
    body: &[u8],
    header: &dyn Fn(&str) -> Option<String>,
) -> Option<HookIdentity> {
    let named = header("X-Event-Type").or_else(|| header("X-Webhook-Event"));
    let p = probe(body, OBJECT | ID | TYPE | EVENT);
    if p.object.as_deref() == Some("event")
        && p.id.as_deref().is_some_and(|i| i.starts_with("evt_"))
    {
        return Some(HookIdentity {
            provider: "stripe".into(),
            event: p.kind,
            delivery: p.id,
            retry: None,
        });
    }
    let event = named.or(p.kind).or(p.event_name)?;
    let delivery = ["X-Webhook-Id", "X-Delivery-Id", "Idempotency-Key"]
        .iter()
        .find_map(|n| headers.find(n).map(header_text));
    Some(HookIdentity {
        provider: "generic".into(),
        event: Some(event).filter(|e| !e.is_empty()),
        delivery: delivery.filter(|d| !d.is_empty()),
        retry: None,
    })
}

/// A header value as text, cut to [`MAX_VALUE`] characters.
fn header_text(h: &Header) -> String {
    match std::str::from_utf8(&h.value) {
        Ok(text) => short(text),
        Err(_) => short(&h.value_str()),
    }
}

/// `retry 1 (http_timeout)` from Slack's retry headers.
fn slack_retry(header: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let num = header("X-Slack-Retry-Num")?;
    Some(match header("X-Slack-Retry-Reason") {
        Some(reason) => format!("retry {num} ({reason})"),
        None => format!("retry {num}"),
    })
}

/// Twilio's status callbacks: `call.ringing`, `message.delivered`.
fn twilio_event(body: &[u8]) -> Option<String> {
    let pairs = super::twilio::form_pairs(body);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| short(&String::from_utf8_lossy(v)))
    };
    if let Some(status) = field("CallStatus") {
        return Some(format!("call.{status}"));
    }
    field("MessageStatus")
        .or_else(|| field("SmsStatus"))
        .map(|s| format!("message.{s}"))
}

/// At most [`MAX_VALUE`] characters.
fn short(s: &str) -> String {
    if s.len() <= MAX_VALUE {
        return s.to_owned();
    }
    match s.char_indices().nth(MAX_VALUE) {
        Some((at, _)) => s[..at].to_owned(),
        None => s.to_owned(),
    }
}

/// The few members of a JSON body that name an event; all `None` for a body
/// that is not a JSON object.
#[derive(Debug, Default, PartialEq, Eq)]
struct Probe {
    id: Option<String>,
    object: Option<String>,
    /// `type`
    kind: Option<String>,
    /// `event` when it is a string (generic senders).
    event_name: Option<String>,
    /// `event.type` when `event` is an object (Slack).
    inner_type: Option<String>,
    event_id: Option<String>,
    action: Option<String>,
    object_kind: Option<String>,
}

/// Bits naming the members a provider needs, so reading stops once they are found.
const ID: u8 = 1;
const OBJECT: u8 = 2;
const TYPE: u8 = 4;
/// `event`: a name, or an object with a `type`.
const EVENT: u8 = 8;
const EVENT_ID: u8 = 16;
/// `action`, or GitLab's `object_attributes.action`.
const ACTION: u8 = 32;
const OBJECT_KIND: u8 = 64;

/// Reads the members [`Probe`] has from a JSON object body, skipping the
/// others, and stops as soon as every member in `want` was seen (a provider's
/// event type usually comes long before the bulk of its payload).
fn probe(body: &[u8], want: u8) -> Probe {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|i| body[i] != b'{') {
        return Probe::default();
    }
    scan::scan(body, want).unwrap_or_else(|| probe_with_serde(body, want))
}

/// [`probe`] for any body: what [`scan::scan`] leaves to serde.
fn probe_with_serde(body: &[u8], want: u8) -> Probe {
    let mut p = Probe::default();
    let mut de = serde_json::Deserializer::from_slice(body);
    // Stopping early (or a broken body) ends in an error; what was read
    // before it is in `p` all the same.
    let _ = de.deserialize_map(ProbeVisitor {
        out: &mut p,
        want,
        seen: 0,
    });
    p
}

/// `object_attributes`, read for its `action` (it satisfies [`ACTION`]).
const ACTION_NESTED: u8 = 128;

/// The bit of a member [`Probe`] reads, 0 for the others.
fn member_bit(key: &str) -> u8 {
    match key {
        "id" => ID,
        "object" => OBJECT,
        "type" => TYPE,
        "event_id" => EVENT_ID,
        "action" => ACTION,
        "object_attributes" => ACTION_NESTED,
        "object_kind" => OBJECT_KIND,
        "event" => EVENT,
        _ => 0,
    }
}

/// A member name read as its [`member_bit`], without copying it.
struct KeyBit(u8);

impl<'de> serde::Deserialize<'de> for KeyBit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor).map(KeyBit)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
        Ok(member_bit(v))
    }
}

struct ProbeVisitor<'p> {
    out: &'p mut Probe,
    want: u8,
    seen: u8,
}

impl<'de> Visitor<'de> for ProbeVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while self.seen & self.want != self.want {
            let Some(KeyBit(bit)) = map.next_key::<KeyBit>()? else {
                return Ok(());
            };
            let p = &mut *self.out;
            let counts_as = if bit == ACTION_NESTED { ACTION } else { bit };
            if counts_as & self.want == 0 {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            match bit {
                ID => p.id = map.next_value::<Loose>()?.0,
                OBJECT => p.object = map.next_value::<Loose>()?.0,
                TYPE => p.kind = map.next_value::<Loose>()?.0,
                EVENT_ID => p.event_id = map.next_value::<Loose>()?.0,
                OBJECT_KIND => p.object_kind = map.next_value::<Loose>()?.0,
                EVENT => match map.next_value::<EventMember>()? {
                    EventMember::Name(n) => p.event_name = Some(n),
                    EventMember::Typed(t) => p.inner_type = t,
                    EventMember::Other => {}
                },
                _ if bit == ACTION_NESTED => {
                    if let Some(a) = map.next_value::<Nested>()?.0 {
                        p.action = p.action.take().or(Some(a));
                    }
                }
                _ => p.action = map.next_value::<Loose>()?.0,
            }
            self.seen |= counts_as;
        }
        // Everything wanted was found: stop reading. The parser then finds
        // the rest of the object unread and fails, which the caller ignores.
        Ok(())
    }
}

/// A string or number as text; anything else (skipped) as `None`.
struct Loose(Option<String>);

impl<'de> serde::Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(short(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// The `event` member: a name (generic senders) or an object with a `type` (Slack).
enum EventMember {
    Name(String),
    Typed(Option<String>),
    Other,
}

impl<'de> serde::Deserialize<'de> for EventMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EventVisitor)
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = EventMember;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(EventMember::Name(short(v)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(EventMember::Typed(member(map, "type")?))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        LooseVisitor.visit_seq(seq).map(|_| EventMember::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(EventMember::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(EventMember::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(EventMember::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(EventMember::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(EventMember::Other)
    }
}

/// `object_attributes.action` (GitLab): an object's `action` member.
struct Nested(Option<String>);

impl<'de> serde::Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NestedVisitor).map(Nested)
    }
}

struct NestedVisitor;

impl<'de> Visitor<'de> for NestedVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        member(map, "action")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        LooseVisitor.visit_seq(seq)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// One string member of an object, skipping the others.
fn member<'de, A: MapAccess<'de>>(mut map: A, name: &str) -> Result<Option<String>, A::Error> {
    let mut found = None;
    while let Some(NamedKey(key)) = map.next_key_seed(NamedKeySeed(name))? {
        if key {
            found = map.next_value::<Loose>()?.0;
        } else {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(found)
}

mod scan;
#[cfg(test)]
mod tests;

/// Whether a member name is the one wanted, read without copying it.
struct NamedKey(bool);

struct NamedKeySeed<'n>(&'n str);

impl<'de> de::DeserializeSeed<'de> for NamedKeySeed<'_> {
    type Value = NamedKey;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<NamedKey, D::Error> {
        d.deserialize_str(self).map(NamedKey)
    }
}

impl Visitor<'_> for NamedKeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}
