//! Sending a stored request again: the library half of `hookcap replay`, and
//! what the TUI's `r` calls.
//!
//! Without `--to`, a replay goes to [`default_destination`]: the forward
//! target of the session that captured the request (both callers use it).
//!
//! An [`Outgoing`] is the stored request as it will be sent: hop-by-hop fields
//! dropped and `Host` set to the destination, then changed as asked (`-H`,
//! `--body`, `--edit`), and signed again if asked ([`Outgoing::resign`]).
//! [`send`] writes it over a fresh connection (TLS for
//! an `https` destination) with the byte-exact writer of [`crate::http`], so
//! the bytes on the wire are exactly the stored ones: header order, case
//! and duplicates included, with only `Content-Length` set to the body's
//! length. The answer is read by the same room, so a delivery records the
//! answer's headers as sent.

mod message;

use std::time::{Duration, Instant};

pub use message::{EditError, parse_message};

use crate::http::hop::strip_hop_by_hop;
use crate::http::{self, ConnectOptions, Connector, Kept, Request, Target, writer};
use crate::model::{
    DeliveryKind, Header, NewDelivery, NewRequest, ResponseRecord, Session, Timestamp,
};
use crate::sign::{MessageId, Outbound, SignError, Signer};

/// How much of an answer's body a replay delivery keeps (16 MiB, like `--max-body`).
pub const MAX_RECORDED_BODY: usize = 16 * 1024 * 1024;

/// The most body bytes a replay reads from an answer (the first
/// [`MAX_RECORDED_BODY`] are kept): past it the delivery ends as an error,
/// so an endless answer is neither kept nor read until the timeout.
pub const MAX_READ_BODY: u64 = 64 * 1024 * 1024;

/// How long a replay waits for a complete answer unless told otherwise
/// (`hookcap replay --timeout`'s default; the TUI's `r` always uses it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a request is replayed when no destination is given: the forward
/// target of `session`, the session that captured it. `None` when there is
/// no app behind it (a `listen` or imported session, an unknown session, or a
/// stored target that no longer parses): the caller must ask for one.
pub fn default_destination(session: Option<&Session>) -> Option<Target> {
    let target = session?.target.as_deref()?;
    Target::parse(target).ok()
}

/// A request as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The method, as stored.
    pub method: String,
    /// The request target (path and query); the destination's base path is prefixed when sent.
    pub target: String,
    /// Headers in order, with their case.
    pub headers: Vec<Header>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Outgoing {
    /// The stored request, ready to go to `dest`: hop-by-hop fields dropped and
    /// `Host` set to the destination (in place, keeping its position and case).
    pub fn prepare(stored: &NewRequest, dest: &Target) -> Self {
        let mut headers = stored.headers.clone();
        strip_hop_by_hop(&mut headers);
        let mut out = Self {
            method: stored.method.clone(),
            target: stored.target.clone(),
            headers,
            body: stored.body.clone(),
        };
        out.set_header(Header::new("Host", dest.authority.as_str()));
        out
    }

    /// Sets a header: the first field of that name (any case) takes the value,
    /// later ones go; a new name is appended.
    pub fn set_header(&mut self, header: Header) {
        crate::model::set_header(&mut self.headers, header);
    }

    /// Signs the request again as it goes to `url` (the destination's URL for
    /// [`Outgoing::target`]), at `now`, under the re-signer's rules (see
    /// [`Signer`]): stale signature headers are replaced in place, and for
    /// Twilio the target's query gets a fresh `bodySHA256`.
    pub fn resign(
        &mut self,
        signer: &Signer,
        url: &str,
        now: Timestamp,
        id: MessageId<'_>,
    ) -> Result<(), SignError> {
        let request = Outbound {
            headers: &self.headers,
            body: &self.body,
            url,
        };
        let signed = signer.resign(&request, now, id)?;
        self.headers = signed.headers;
        if signed.url != url {
            self.target = with_query_of(&self.target, &signed.url);
        }
        Ok(())
    }

    /// The header fields as sent: these, with `Content-Length` matching the body.
    pub fn framed_headers(&self) -> Vec<Header> {
        let mut headers = self.headers.clone();
        writer::frame_body(&mut headers, self.body.len());
        headers
    }

    /// The request as an HTTP message for `--edit`: request line, headers,
    /// blank line, body. Lines end in `\n`, as editors expect.
    pub fn to_message(&self) -> Vec<u8> {
        self.message(&self.target, b"\n")
    }

    /// Request line (with `target`), headers, blank line and body; lines end in `eol`.
    fn message(&self, target: &str, eol: &[u8]) -> Vec<u8> {
        let mut out = format!("{} {target} HTTP/1.1", self.method).into_bytes();
        out.extend_from_slice(eol);
        for h in &self.headers {
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(&h.value);
            out.extend_from_slice(eol);
        }
        out.extend_from_slice(eol);
        out.extend_from_slice(&self.body);
        out
    }
}

/// `target`'s path with the query of `url` (the re-signer changes only the query).
fn with_query_of(target: &str, url: &str) -> String {
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    match url.split_once('?') {
        Some((_, query)) => format!("{path}?{query}"),
        None => path.to_owned(),
    }
}

/// Sends `outgoing` to `dest` once, waiting at most `timeout` for the whole
/// answer, and describes the attempt as a replay delivery of `request_id`
/// (not stored: the caller decides where it goes). What arrived of the
/// answer is recorded even when the exchange fails halfway.
pub async fn send(
    request_id: i64,
    outgoing: &Outgoing,
    dest: &Target,
    timeout: Duration,
) -> NewDelivery {
    let started_at = Timestamp::now();
    let started = Instant::now();
    let mut answer = None;
    let mut kept = Kept::new(MAX_RECORDED_BODY);
    let exchange = deliver(outgoing, dest, &mut answer, &mut kept);
    let error = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!(
            "no complete answer within {}",
            humantime::format_duration(timeout)
        )),
    };
    let response = answer.map(|(status, headers)| ResponseRecord {
        status,
        headers,
        body: kept.bytes,
    });
    NewDelivery {
        request_id,
        kind: DeliveryKind::Replay,
        destination: dest.url_for(&outgoing.target),
        started_at,
        duration: started.elapsed(),
        response_truncated: kept.truncated,
        response,
        error,
    }
}

/// One exchange on a fresh connection; the answer's status and headers go
/// to `answer` as soon as they arrive, its body to `kept`.
async fn deliver(
    outgoing: &Outgoing,
    dest: &Target,
    answer: &mut Option<(u16, Vec<Header>)>,
    kept: &mut Kept,
) -> Result<(), http::Error> {
    let target = dest.join(&outgoing.target);
    let headers = outgoing.framed_headers();
    let request = Request {
        method: &outgoing.method,
        target: &target,
        headers: &headers,
        body: &outgoing.body,
    };
    let connector = Connector::new(ConnectOptions::default());
    let http::Response { head, mut body } =
        http::exchange(&connector, dest, None, &request).await?;
    *answer = Some((head.status, head.headers));
    body.read_into(kept, MAX_READ_BODY).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HeaderList;
    use crate::sign::{Message, ProviderKind, Secret, VerifyOptions, provider};

    impl Outgoing {
        /// The exact bytes sent to `dest`: request line with the joined target,
        /// the headers, and the body, with `Content-Length` matching the body.
        fn wire_bytes(&self, dest: &Target) -> Vec<u8> {
            let target = dest.join(&self.target);
            writer::request_bytes(&self.method, &target, &self.framed_headers(), &self.body)
        }
    }

    fn stored() -> NewRequest {
        NewRequest {
            session_id: 1,
            received_at: Timestamp(0),
            method: "POST".into(),
            target: "/hook?a=1".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:9".into(),
            headers: vec![
                Header::new("host", "127.0.0.1:4665"),
                Header::new("X-Sig", "v1=abc"),
                Header::new("Transfer-Encoding", "chunked"),
                Header::new("x-dup", "1"),
                Header::new("X-Dup", "2"),
            ],
            body: b"hello".to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: 200,
                headers: vec![],
                body: vec![],
            },
            signature: None,
            rejected: None,
        }
    }

    #[test]
    fn the_wire_bytes_are_the_stored_request_for_the_destination() {
        let dest = Target::parse("http://app:3000/base").unwrap();
        let out = Outgoing::prepare(&stored(), &dest);
        let wire = String::from_utf8(out.wire_bytes(&dest)).unwrap();
        assert_eq!(
            wire,
            "POST /base/hook?a=1 HTTP/1.1\r\nhost: app:3000\r\nX-Sig: v1=abc\r\nx-dup: 1\r\n\
             X-Dup: 2\r\nContent-Length: 5\r\n\r\nhello"
        );
    }

    #[test]
    fn setting_a_header_replaces_every_field_of_that_name_in_place() {
        let dest = Target::parse("3000").unwrap();
        let mut out = Outgoing::prepare(&stored(), &dest);
        out.set_header(Header::new("X-DUP", "3"));
        out.set_header(Header::new("X-New", "n"));
        let names: Vec<String> = out
            .headers
            .iter()
            .map(|h| format!("{}={}", h.name, h.value_str()))
            .collect();
        assert_eq!(
            names,
            ["host=localhost:3000", "X-Sig=v1=abc", "x-dup=3", "X-New=n"]
        );
    }

    #[test]
    fn only_forward_sessions_have_a_default_destination() {
        let mut session = Session {
            id: 1,
            started_at: Timestamp(0),
            url: "http://127.0.0.1:4665".into(),
            mode: crate::model::SessionMode::Forward,
            target: Some("http://localhost:3000/base".into()),
        };
        let dest = default_destination(Some(&session)).unwrap();
        assert_eq!(dest.url_for("/hook"), "http://localhost:3000/base/hook");
        session.target = None;
        assert_eq!(default_destination(Some(&session)), None);
        assert_eq!(default_destination(None), None);
    }

    fn signer(kind: ProviderKind) -> Signer {
        Signer::new(kind, None, secret(kind)).unwrap()
    }

    fn verifies(kind: ProviderKind, out: &Outgoing, url: &str) -> bool {
        let msg = Message {
            headers: &out.headers,
            body: &out.body,
            url: Some(url),
        };
        let v = provider(kind, None).unwrap().verify(
            &secret(kind),
            &msg,
            &VerifyOptions::at(Timestamp::now()),
        );
        v.is_valid()
    }

    fn secret(kind: ProviderKind) -> Secret {
        Secret::from_bytes(match kind {
            ProviderKind::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            _ => "S",
        })
    }

    #[test]
    fn resigning_replaces_the_old_signature_in_place() {
        let dest = Target::parse("http://127.0.0.1:9/base").unwrap();
        let mut out = Outgoing::prepare(&stored(), &dest);
        out.headers
            .insert(1, Header::new("x-hub-signature-256", "sha256=old"));
        out.body = b"{\"changed\":true}".to_vec();
        let url = dest.url_for(&out.target);
        let s = signer(ProviderKind::Github);
        out.resign(&s, &url, Timestamp::now(), MessageId::New("unused"))
            .unwrap();
        let names: Vec<&str> = out.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "host",
                "x-hub-signature-256",
                "X-Sig",
                "x-dup",
                "X-Dup",
                "X-Hub-Signature"
            ]
        );
        assert_ne!(out.headers[1].value, b"sha256=old");
        assert_eq!(out.target, "/hook?a=1");
        assert!(verifies(ProviderKind::Github, &out, &url));
    }

    #[test]
    fn resigning_a_twilio_json_request_puts_a_fresh_body_hash_in_the_target() {
        let dest = Target::parse("http://127.0.0.1:9/base").unwrap();
        let mut out = Outgoing::prepare(&stored(), &dest);
        out.target = "/sms?a=1&bodySHA256=stale".into();
        out.headers
            .push(Header::new("Content-Type", "application/json"));
        let url = dest.url_for(&out.target);
        let s = signer(ProviderKind::Twilio);
        out.resign(&s, &url, Timestamp::now(), MessageId::New("unused"))
            .unwrap();
        assert!(
            out.target.starts_with("/sms?a=1&bodySHA256="),
            "{}",
            out.target
        );
        assert!(!out.target.contains("stale"));
        assert!(verifies(
            ProviderKind::Twilio,
            &out,
            &dest.url_for(&out.target)
        ));
    }

    #[test]
    fn resigning_a_standard_webhook_uses_the_id_it_is_given() {
        let dest = Target::parse("3000").unwrap();
        let mut out = Outgoing::prepare(&stored(), &dest);
        out.set_header(Header::new("webhook-id", "msg_old"));
        let url = dest.url_for(&out.target);
        let s = signer(ProviderKind::Standard);
        out.resign(&s, &url, Timestamp::now(), MessageId::New("msg_new"))
            .unwrap();
        assert_eq!(out.headers.get_str("webhook-id").unwrap(), "msg_new");
        assert!(verifies(ProviderKind::Standard, &out, &url));
    }

    #[test]
    fn the_query_is_taken_from_the_signed_url() {
        assert_eq!(with_query_of("/a?x=1", "http://h/b/a?y=2"), "/a?y=2");
        assert_eq!(with_query_of("/a?x=1", "http://h/b/a"), "/a");
        assert_eq!(with_query_of("/a", "http://h/a?y=2#f"), "/a?y=2");
    }

    #[test]
    fn a_bodyless_request_gets_no_content_length() {
        let dest = Target::parse("3000").unwrap();
        let mut req = stored();
        req.method = "GET".into();
        req.body.clear();
        let wire = Outgoing::prepare(&req, &dest).wire_bytes(&dest);
        assert!(!String::from_utf8_lossy(&wire).contains("Content-Length"));
    }
}
