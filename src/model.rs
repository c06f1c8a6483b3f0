//! The records everything else passes around: what was captured, what was answered,
//! the session a capture belongs to, and the deliveries of a request (each time
//! `forward` passed it on or `replay` sent it again, with what came back).
//!
//! These types carry bytes exactly as they crossed the wire. Nothing here is
//! sanitized: terminal output goes through [`crate::sanitize::sanitize`], JSON output
//! through [`crate::sanitize::json`], and the store keeps the raw bytes.

mod form;
#[cfg(test)]
pub(crate) mod testing;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

pub use form::parse_form;

/// A point in time as microseconds since the Unix epoch, UTC.
///
/// Microseconds are what the store keeps, so every timestamp round-trips exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// 9999-12-31T23:59:59.999999Z: the last instant RFC 3339 can write.
const LATEST_RFC3339: i64 = 253_402_300_799_999_999;

impl Timestamp {
    /// The current wall-clock time.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a `SystemTime`, clamping times before 1970 to the epoch.
    pub fn from_system_time(t: SystemTime) -> Self {
        let us = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros());
        Self(i64::try_from(us).unwrap_or(i64::MAX))
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_micros(u64::try_from(self.0).unwrap_or(0))
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-27T18:23:51.123456Z`.
    /// Times past the year 9999 (which an import or a relay frame can carry)
    /// are written as the last instant of 9999, never a panic.
    pub fn rfc3339(self) -> String {
        let t = Self(self.0.min(LATEST_RFC3339));
        humantime::format_rfc3339_micros(t.to_system_time()).to_string()
    }

    /// Whole seconds since the epoch (what signature schemes put in their timestamps).
    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }
}

/// One header line exactly as received: original name case, raw value bytes.
///
/// Lists of headers keep arrival order and duplicates; lookups are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name with the case the sender used.
    pub name: String,
    /// The value bytes, which may not be valid UTF-8.
    pub value: Vec<u8>,
}

impl Header {
    /// Builds a header from text.
    pub fn new(name: impl Into<String>, value: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The value as text, with invalid UTF-8 replaced (for display and parsing).
    pub fn value_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.value)
    }
}

/// Case-insensitive lookups over an ordered header list.
pub trait HeaderList {
    /// The first header with this name, ignoring case.
    fn find(&self, name: &str) -> Option<&Header>;
    /// All headers with this name, in arrival order.
    fn all<'a>(&'a self, name: &'a str) -> Box<dyn Iterator<Item = &'a Header> + 'a>;
    /// The first value with this name as text.
    fn get_str(&self, name: &str) -> Option<String> {
        self.find(name).map(|h| h.value_str().into_owned())
    }
}

impl HeaderList for [Header] {
    fn find(&self, name: &str) -> Option<&Header> {
        self.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    fn all<'a>(&'a self, name: &'a str) -> Box<dyn Iterator<Item = &'a Header> + 'a> {
        Box::new(
            self.iter()
                .filter(move |h| h.name.eq_ignore_ascii_case(name)),
        )
    }
}

/// Encodes headers the way the store keeps them: `Name: value\r\n` lines.
///
/// The encoding keeps order, case, duplicates and non-UTF-8 value bytes, and
/// stays searchable with plain SQL. Values never contain CR or LF (HTTP/1 forbids
/// them and the parser rejects them), so it is unambiguous.
pub fn encode_headers(headers: &[Header]) -> Vec<u8> {
    let len = headers
        .iter()
        .map(|h| h.name.len() + h.value.len() + 4)
        .sum();
    let mut out = Vec::with_capacity(len);
    for h in headers {
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&h.value);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Decodes what [`encode_headers`] wrote; malformed lines are skipped, never a panic.
pub fn decode_headers(mut raw: &[u8]) -> Vec<Header> {
    let mut out = Vec::new();
    while !raw.is_empty() {
        let end = find(raw, b"\r\n").unwrap_or(raw.len());
        let line = &raw[..end];
        raw = raw.get(end + 2..).unwrap_or(&[]);
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let value = line[colon + 1..]
                .strip_prefix(b" ")
                .unwrap_or(&line[colon + 1..]);
            out.push(Header {
                name: String::from_utf8_lossy(&line[..colon]).into_owned(),
                value: value.to_vec(),
            });
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sets a field in an ordered header list in place: the first field named
/// like `field` (any case) takes its value and keeps its position and case,
/// later ones go; a new name is appended. How a replay's `-H`, a re-signed
/// signature and a forwarded `Host` are set, so none of them moves or repeats.
pub fn set_header(headers: &mut Vec<Header>, field: Header) {
    let mut seen = false;
    headers.retain_mut(|h| {
        if !h.name.eq_ignore_ascii_case(&field.name) {
            return true;
        }
        if seen {
            return false;
        }
        seen = true;
        h.value.clone_from(&field.value);
        true
    });
    if !seen {
        headers.push(field);
    }
}

/// What hookcap answered to a captured request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    /// The status code sent back.
    pub status: u16,
    /// The headers sent back, in order.
    pub headers: Vec<Header>,
    /// The body sent back.
    pub body: Vec<u8>,
}

/// How a session came to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionMode {
    /// `hookcap listen`: capture and answer.
    Listen,
    /// `hookcap forward`: capture and pass on to a target.
    Forward,
    /// `hookcap import`: requests loaded from a file.
    Import,
}

impl SessionMode {
    /// The name stored in the database and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Listen => "listen",
            Self::Forward => "forward",
            Self::Import => "import",
        }
    }

    /// Parses a stored name; unknown names read as `Listen` so old rows stay readable.
    pub fn parse(s: &str) -> Self {
        match s {
            "forward" => Self::Forward,
            "import" => Self::Import,
            _ => Self::Listen,
        }
    }
}

/// One run of `listen`/`forward` (or one import): the group its requests belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Store-assigned id, increasing.
    pub id: i64,
    /// When the session started.
    pub started_at: Timestamp,
    /// The URL the listener was reachable at (empty for imports).
    pub url: String,
    /// What kind of session this is.
    pub mode: SessionMode,
    /// The forward target, for forward sessions.
    pub target: Option<String>,
}

/// The three answers to "is this request signed correctly?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The signature matches and any timestamp is within tolerance.
    Valid,
    /// A signature is present but wrong, stale, malformed, or uncheckable.
    Invalid,
    /// The provider's signature header is missing.
    Unsigned,
}

impl Outcome {
    /// The lowercase name stored and printed (`valid`, `invalid`, `unsigned`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Unsigned => "unsigned",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Valid, Self::Invalid, Self::Unsigned]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// The signature verdict stored with a request checked live (`listen --verify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The scheme checked (e.g. `github`).
    pub provider: String,
    /// Valid, invalid or unsigned.
    pub outcome: Outcome,
    /// One short line, e.g. `signature mismatch`.
    pub reason: String,
}

/// A request as captured, before the store has given it an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// The session it arrived in.
    pub session_id: i64,
    /// When its head was received.
    pub received_at: Timestamp,
    /// The method exactly as sent (may be an extension method).
    pub method: String,
    /// The raw request target: path and query exactly as sent.
    pub target: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub http_version: String,
    /// The peer's socket address.
    pub remote_addr: String,
    /// Headers in arrival order, original case, duplicates kept.
    pub headers: Vec<Header>,
    /// The body bytes as received (de-chunked, not decompressed), at most the body limit.
    pub body: Vec<u8>,
    /// True when the body was longer than the limit and only its start is kept.
    pub truncated: bool,
    /// What hookcap answered (or will answer once this is stored).
    pub response: ResponseRecord,
    /// The live signature check, when `listen --verify` is on.
    pub signature: Option<SignatureCheck>,
    /// Why a guard rejected the request (`--reject-invalid`, `--require-token`,
    /// `--allow-ip`); rejected requests are still stored.
    pub rejected: Option<String>,
}

/// The path part of a raw request target (before `?`). An absolute-form
/// target (`https://host/path`, as proxies and HAR imports store it) gives the
/// path after its authority.
pub fn path_of(target: &str) -> &str {
    // An origin-form target (the usual one) starts with `/`, which no
    // scheme does: the search for `://` is only for the others.
    let absolute = (!target.starts_with('/'))
        .then(|| target.split_once("://"))
        .flatten();
    let target = match absolute {
        Some((scheme, rest))
            if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            rest.find(['/', '?']).map_or("/", |i| &rest[i..])
        }
        _ => target,
    };
    match target.split_once('?') {
        Some(("", _)) => "/",
        Some((p, _)) => p,
        None => target,
    }
}

/// A stored request: the captured data plus its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedRequest {
    /// Store-assigned id, increasing in capture order.
    pub id: i64,
    /// Everything captured.
    pub request: NewRequest,
}

impl std::ops::Deref for CapturedRequest {
    type Target = NewRequest;
    fn deref(&self) -> &NewRequest {
        &self.request
    }
}

/// A short row for listings: what `ls`, headless lines and the TUI list show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    /// Store-assigned id.
    pub id: i64,
    /// Session it belongs to.
    pub session_id: i64,
    /// When it arrived.
    pub received_at: Timestamp,
    /// Method as sent.
    pub method: String,
    /// Raw request target.
    pub target: String,
    /// Status hookcap answered ([`PENDING_STATUS`] while a forward is in flight).
    pub status: u16,
    /// Stored body length in bytes.
    pub body_size: u64,
    /// True when the stored body is only the start of what was sent.
    pub truncated: bool,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The live signature check, if one ran.
    pub signature: Option<SignatureCheck>,
    /// Why the request was rejected, if it was.
    pub rejected: Option<String>,
    /// The newest delivery of this request, if it was ever forwarded or replayed.
    pub delivery: Option<DeliveryBrief>,
}

impl RequestSummary {
    /// True while a forwarded request waits for the app's answer.
    pub fn is_pending(&self) -> bool {
        self.status == PENDING_STATUS
    }

    /// The summary of a request just stored as `id`, taking its fields without copying.
    pub fn from_stored(id: i64, r: NewRequest) -> Self {
        Self {
            id,
            session_id: r.session_id,
            received_at: r.received_at,
            content_type: r.headers.get_str("content-type"),
            method: r.method,
            target: r.target,
            status: r.response.status,
            body_size: r.body.len() as u64,
            truncated: r.truncated,
            signature: r.signature,
            rejected: r.rejected,
            delivery: None,
        }
    }

    /// The summary of a request stored as `id` that its caller still needs
    /// (a forward sends the body on): copies the few short fields.
    pub fn of_new(id: i64, r: &NewRequest) -> Self {
        Self {
            id,
            session_id: r.session_id,
            received_at: r.received_at,
            method: r.method.clone(),
            target: r.target.clone(),
            status: r.response.status,
            body_size: r.body.len() as u64,
            truncated: r.truncated,
            content_type: r.headers.get_str("content-type"),
            signature: r.signature.clone(),
            rejected: r.rejected.clone(),
            delivery: None,
        }
    }

    /// The summary of a full record (without its deliveries).
    pub fn of(r: &CapturedRequest) -> Self {
        Self::of_new(r.id, &r.request)
    }
}

/// The status a forwarded request is stored with until the app's answer (or
/// hookcap's `502`/`504`) replaces it. Not a valid HTTP status, so it cannot be
/// mistaken for an answer.
pub const PENDING_STATUS: u16 = 0;

/// Why a request was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryKind {
    /// `hookcap forward` passed the request on as it arrived.
    Forward,
    /// `hookcap replay` (or the TUI's `r`) sent it again.
    Replay,
}

impl DeliveryKind {
    /// The name stored in the database and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forward => "forward",
            Self::Replay => "replay",
        }
    }

    /// Parses a stored name; unknown names read as `Replay`.
    pub fn parse(s: &str) -> Self {
        match s {
            "forward" => Self::Forward,
            _ => Self::Replay,
        }
    }
}

/// One attempt to deliver a stored request, before the store has given it an id.
///
/// `response` and `error` are not exclusive: an app can answer with a status and
/// headers and then break off the body, which records both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The stored request that was sent.
    pub request_id: i64,
    /// Forwarded live, or replayed later.
    pub kind: DeliveryKind,
    /// The full URL it was sent to.
    pub destination: String,
    /// When sending started.
    pub started_at: Timestamp,
    /// From the start of sending until the answer's body ended (or the error).
    pub duration: Duration,
    /// What the destination answered, if it answered at all.
    pub response: Option<ResponseRecord>,
    /// True when the recorded response body is only the start of what came back.
    pub response_truncated: bool,
    /// Why the attempt failed (connection refused, timeout, broken body), if it did.
    pub error: Option<String>,
}

impl NewDelivery {
    /// The status the destination answered, if any.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// True when the destination answered 2xx and nothing went wrong.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status().is_some_and(|s| (200..300).contains(&s))
    }
}

/// A stored delivery: the attempt plus its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Store-assigned id, increasing in the order deliveries were recorded.
    pub id: i64,
    /// Everything recorded about the attempt.
    pub delivery: NewDelivery,
}

impl std::ops::Deref for Delivery {
    type Target = NewDelivery;
    fn deref(&self) -> &NewDelivery {
        &self.delivery
    }
}

/// The few facts about a delivery a one-line summary shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryBrief {
    /// Forward or replay.
    pub kind: DeliveryKind,
    /// The destination's status, if it answered.
    pub status: Option<u16>,
    /// How long the attempt took.
    pub duration: Duration,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl DeliveryBrief {
    /// The brief of a delivery record.
    pub fn of(d: &NewDelivery) -> Self {
        Self {
            kind: d.kind,
            status: d.status(),
            duration: d.duration,
            error: d.error.clone(),
        }
    }
}

/// What a request is as a webhook, as far as its headers and body tell:
/// who sent it, what happened, and which delivery it belongs to. Found at
/// capture time by `sign::identity` and stored next to the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HookIdentity {
    /// The sender: `github`, `gitlab`, `stripe`, `slack`, `shopify`,
    /// `standard`, `svix`, `twilio`, or `generic` for a request that only
    /// names an event.
    pub provider: String,
    /// What happened, e.g. `pull_request.opened`, `invoice.paid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The provider's id of the delivery (or of the event, where retries
    /// repeat it): requests with the same provider and delivery are attempts
    /// of one delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
    /// The provider's own retry marker, e.g. `retry 1 (http_timeout)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<String>,
}

/// Which rule of `listen --respond`/`--rules` answered a request, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerUsed {
    /// The rule's number, from 1, in the order given.
    pub rule: u32,
    /// The step of the rule's sequence that answered, from 1.
    pub step: u32,
    /// What the step was, as written (e.g. `503 Retry-After:2`, `drop`);
    /// shared with the rule's step, not copied for every answer.
    #[serde(serialize_with = "serialize_shared_str")]
    pub answer: Arc<str>,
}

/// Writes shared text as a plain string (serde's `rc` feature not needed).
fn serialize_shared_str<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

/// Where a request stands among the attempts of its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptInfo {
    /// Its attempt number, from 1.
    pub number: u32,
    /// How many attempts of the delivery are stored.
    pub of: u32,
    /// The time since the previous attempt, for attempts after the first.
    pub since_previous: Option<Duration>,
    /// True when an earlier attempt was answered 2xx: a true duplicate.
    pub dup: bool,
}

/// What the store knows about a request as a webhook, for listings and `show`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookFacts {
    /// Who sent it and what happened, if detected.
    pub identity: Option<HookIdentity>,
    /// Its place among the attempts of its delivery, when it has a delivery id.
    pub attempt: Option<AttemptInfo>,
    /// The rule that answered it, if one did.
    pub answer: Option<AnswerUsed>,
}

/// What the capture path learned about a request besides its bytes, handed
/// to the store with it (so the store does not look again).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureNotes {
    /// What `sign::identity` found, `None` for a request that is not a webhook.
    pub identity: Option<HookIdentity>,
    /// The rule that answered, if one did.
    pub answer: Option<AnswerUsed>,
    /// Offsets in the stored response body where the request's id belongs
    /// (a `{{id}}` template): the store writes it there once the id is known.
    pub response_id_at: Vec<usize>,
}

/// `body` with the decimal `id` inserted at each offset of `at` (ascending):
/// how a `{{id}}` template is completed, by the store and by the answer alike.
pub fn fill_id(body: &[u8], at: &[usize], id: i64) -> Vec<u8> {
    let id = id.to_string();
    let mut out = Vec::with_capacity(body.len() + at.len() * id.len());
    let mut from = 0;
    for &i in at {
        let i = i.clamp(from, body.len());
        out.extend_from_slice(&body[from..i]);
        out.extend_from_slice(id.as_bytes());
        from = i;
    }
    out.extend_from_slice(&body[from..]);
    out
}

/// Where a request that came through a relay (`listen --via`) came from: the
/// mark stored with it on the laptop, next to the request itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayedFrom {
    /// The channel URL given to `--via`, e.g. `https://hooks.example.com/c/github`.
    pub relay_url: String,
    /// The relay database's random instance id: relay ids are unique within it.
    pub relay_instance: String,
    /// The request's id on the relay.
    pub relay_id: i64,
    /// The address that sent the request to the relay.
    pub peer: String,
    /// When the relay received it.
    pub relay_received_at: Timestamp,
    /// SHA-256 of the head bytes followed by the body, computed by the relay on arrival.
    pub sha256: [u8; 32],
    /// The head bytes exactly as the relay received them (request line with
    /// the `/c/NAME` prefix, header lines in order, case and spacing).
    pub raw_head: Vec<u8>,
}

impl RelayedFrom {
    /// True when `body` with the stored head still hashes to what the relay
    /// computed on arrival: the bytes are identical end to end.
    pub fn is_identical(&self, body: &[u8]) -> bool {
        head_and_body_sha256(&self.raw_head, body) == self.sha256
    }
}

/// A request head as bytes from its parts: `METHOD TARGET VERSION\r\n`, the
/// header lines as [`encode_headers`] writes them, and `\r\n`. For most
/// requests these are exactly the bytes that arrived (the relay checks).
pub fn head_bytes(method: &str, target: &str, version: &str, encoded_headers: &[u8]) -> Vec<u8> {
    let line = [method, " ", target, " ", version, "\r\n"];
    let len = line.iter().map(|s| s.len()).sum::<usize>() + encoded_headers.len() + 2;
    let mut head = Vec::with_capacity(len);
    for part in line {
        head.extend_from_slice(part.as_bytes());
    }
    head.extend_from_slice(encoded_headers);
    head.extend_from_slice(b"\r\n");
    head
}

/// SHA-256 of a request's raw head bytes followed by its body: the relay's
/// proof that bytes arrived unchanged.
pub fn head_and_body_sha256(raw_head: &[u8], body: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    hash.update(raw_head);
    hash.update(body);
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_past_9999_are_written_as_its_last_instant() {
        use super::Timestamp;
        assert_eq!(Timestamp(i64::MAX).rfc3339(), "9999-12-31T23:59:59.999999Z");
        assert_eq!(
            Timestamp(1_764_350_631_123_456).rfc3339(),
            "2025-11-28T17:23:51.123456Z"
        );
    }

    use super::*;

    #[test]
    fn headers_round_trip_with_order_case_duplicates_and_binary_values() {
        let headers = vec![
            Header::new("X-Dup", "a"),
            Header::new("content-TYPE", "application/json"),
            Header::new("X-Dup", "b: with colon"),
            Header::new("X-Bin", vec![0xff, 0x80, b'z']),
            Header::new("X-Empty", ""),
        ];
        assert_eq!(decode_headers(&encode_headers(&headers)), headers);
    }

    #[test]
    fn garbage_decodes_without_panicking() {
        assert!(decode_headers(b"no colon here\r\n\r\n\r").is_empty());
    }

    #[test]
    fn path_of_drops_the_query() {
        assert_eq!(path_of("/a/b?x=1?y"), "/a/b");
        assert_eq!(path_of("/a"), "/a");
        assert_eq!(path_of("https://h.test:8/a/b?x=1"), "/a/b");
        assert_eq!(path_of("https://h.test?x=1"), "/");
        assert_eq!(path_of("*"), "*");
        assert_eq!(path_of("/r?to=https://h.test/x"), "/r");
        assert_eq!(path_of("/a://b/c"), "/a://b/c");
        assert_eq!(path_of("?x=1"), "/");
    }
}
