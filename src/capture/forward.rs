//! `forward`: pass each stored request on to the developer's app, relay the
//! app's answer to the caller, and record it as a delivery.
//!
//! The request is committed before it is sent (see [`super::service`]), so it
//! survives an app that is down. What is passed on, with the byte-exact
//! writer of [`crate::http`] over kept-alive connections (TLS for an
//! `https://` target; `-k` accepts any certificate):
//!
//! - method, path and query (after the target's base path), body bytes unchanged;
//! - the header fields exactly as the caller sent them, in arrival order and
//!   case, repeated names where they were, except: hop-by-hop fields are
//!   dropped ([`crate::http::hop`]), `Host` becomes the target's (in place)
//!   unless `--preserve-host`, `Content-Length` is set to the body's length
//!   (in place; a chunked body goes out with a length), and at the end
//!   `X-Forwarded-For` gains the caller's address as a field line of its own,
//!   `X-Forwarded-Proto` (`http`) and `X-Forwarded-Host` (the caller's
//!   `Host`) are added unless the caller sent them (a proxy in front of
//!   hookcap knows better), and last comes `via: 1.1 hookcap-…`, this
//!   listener's [`ViaMark`], after any `Via` of the caller's (RFC 9110
//!   §7.6.3). Fields the capture server ignored as invalid are not passed
//!   on. Always HTTP/1.1 upstream.
//!
//! A request that already carries this listener's mark has come back to it
//! through some loop: it is stored and answered `508 Loop Detected`, never
//! passed on again ([`Forwarder::refuse_loop`]).
//!
//! The answer goes back with its status, reason phrase, headers (hop-by-hop
//! dropped) and body; the caller gets the header names in Title-Case (hyper
//! cannot write an arbitrary case; most apps use Title-Case anyway), the
//! delivery record keeps them exactly as the app sent them. A
//! small body of known length (up to [`BUFFERED_ANSWER_MAX`], the usual
//! webhook answer) is read whole and sent with the head in one write; any
//! other streams as it arrives ([`RelayBody`]) while a copy of at most
//! `--max-body` bytes is kept for the delivery record. An app that cannot be
//! reached is answered `502`, one that takes longer than `--upstream-timeout`
//! (for the whole answer) `504`; the delivery records the error. (A small
//! body that breaks off is answered `502` too; a streamed one can only be
//! cut off.) An app that answers `101 Switching Protocols` is answered `502`
//! as well: `Upgrade` is hop-by-hop, so hookcap never asks it to switch
//! (WebSocket does not pass through `forward`), and the caller could not
//! follow; the delivery keeps the `101` head and the error.
//!
//! Ack-after-commit holds for deliveries too: a [`DeliverySlot`] is reserved
//! before sending and filled once the answer's body has ended, and the end of
//! the answer (its last frame, or hookcap's own `502`/`504`) reaches the
//! caller only after the delivery is committed. So once a caller has the
//! whole answer, `hookcap show` has it as well. A body that fails, or that the
//! caller abandons, is recorded without waiting.
//!
//! [`DeliverySlot`]: crate::store::DeliverySlot

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{Either, Full};
use hyper::header::{CONTENT_LENGTH, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};

use super::Limits;
use super::delivery::Recording;
use super::loops::ViaMark;
use super::relay::{AnswerBody, RelayBody};
use super::shape;
use crate::http::hop::{HopByHop, strip_hop_by_hop};
use crate::http::{self, Client, ConnectOptions, PolledBody, Request, Target, writer};
use crate::model::{Header, HeaderList, NewRequest, RequestSummary, set_header};
use crate::store::WriterHandle;

/// Answers up to this size (with a known length) are read whole before they
/// are passed on, so the caller gets head and body in one write; larger ones
/// stream.
const BUFFERED_ANSWER_MAX: u64 = 64 * 1024;

/// `101 Switching Protocols`: never asked for, since `Upgrade` is hop-by-hop
/// and not passed on, so never passed back.
const SWITCHING_PROTOCOLS: u16 = 101;

/// What `forward` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardConfig {
    /// Where requests go.
    pub target: Target,
    /// Pass the caller's `Host` on instead of the target's.
    pub preserve_host: bool,
    /// The longest the app may take for a whole answer before the caller gets `504`.
    pub upstream_timeout: Duration,
    /// Accept any TLS certificate from an `https://` target (`-k`).
    pub insecure: bool,
}

/// The forwarding half of the capture server: a client to the app with a
/// pool of kept-alive connections.
pub struct Forwarder {
    config: ForwardConfig,
    client: Arc<Client>,
    max_record: usize,
    mark: ViaMark,
}

impl Forwarder {
    /// A forwarder with its own connection pool; answer bodies are recorded up
    /// to `limits.max_body` bytes.
    pub fn new(config: ForwardConfig, limits: &Limits) -> Self {
        let options = ConnectOptions {
            insecure: config.insecure,
            connect_timeout: Some(config.upstream_timeout),
            env_proxies: false,
        };
        Self {
            client: Arc::new(Client::new(config.target.clone(), options)),
            config,
            max_record: usize::try_from(limits.max_body).unwrap_or(usize::MAX),
            mark: ViaMark::new(),
        }
    }

    /// Refuses a request that has been through this listener before (its
    /// [`ViaMark`] is in `Via`): it is marked and answered `508`, and must
    /// not be passed on again. True when it is refused.
    pub(super) fn refuse_loop(&self, request: &mut NewRequest) -> bool {
        if !self.mark.seen_in(&request.headers) {
            return false;
        }
        let why = format!(
            "loop detected: the request came back to this listener ({} in Via)",
            self.mark.name()
        );
        let text = format!("hookcap: {why}; it is stored, not passed on again\n");
        request.response = shape::plain_record(StatusCode::LOOP_DETECTED, &text);
        request.rejected = Some(why);
        true
    }

    /// Stores `request`, passes it on, and answers with what came back.
    pub(super) async fn forward(
        &self,
        writer: &WriterHandle,
        request: NewRequest,
        remote: SocketAddr,
    ) -> Response<AnswerBody> {
        let (id, request) = match writer.insert_keeping(request).await {
            Ok(stored) => stored,
            Err(e) => return shape::unavailable(&e).map(Either::Left),
        };
        self.pass_on(writer, id, request, remote).await
    }

    /// Passes on a request already stored as `id` and answers with what came
    /// back (recording the delivery through `writer` first, as [`Self::forward`]
    /// does). A relayed request (`forward --via`) takes this way in.
    pub async fn pass_on(
        &self,
        writer: &WriterHandle,
        id: i64,
        mut request: NewRequest,
        remote: SocketAddr,
    ) -> Response<AnswerBody> {
        let slot = writer
            .reserve_delivery()
            .await
            .inspect_err(|e| tracing::warn!("request {id} is forwarded but not recorded: {e}"))
            .ok();
        let destination = self.config.target.url_for(&request.target);
        // Someone prints requests as they settle: the writer broadcasts this
        // summary once the delivery is committed.
        let summary = writer
            .followed()
            .then(|| RequestSummary::of_new(id, &request));
        let recording = Recording::start(slot, id, destination, self.max_record, summary);
        let deadline =
            tokio::time::Instant::from_std(recording.started + self.config.upstream_timeout);
        let target = self.config.target.join(&request.target);
        let captured = std::mem::take(&mut request.headers);
        let caller =
            caller_ip(&request.remote_addr).map_or_else(|| remote.ip().to_string(), str::to_owned);
        let received = (request.http_version.as_str(), caller);
        let headers = self.upstream_headers(captured, request.body.len(), received);
        let upstream = Request {
            method: &request.method,
            target: &target,
            headers: &headers,
            body: &request.body,
        };
        match tokio::time::timeout_at(deadline, self.client.send(&upstream)).await {
            Ok(Ok(answer)) => self.relay(recording, answer, deadline).await,
            Ok(Err(e)) => fail(recording, StatusCode::BAD_GATEWAY, e.to_string()).await,
            Err(_) => {
                let waited = humantime::format_duration(self.config.upstream_timeout);
                let cause = format!("no answer within {waited}");
                fail(recording, StatusCode::GATEWAY_TIMEOUT, cause).await
            }
        }
    }

    /// The caller's header fields as they go to the app (see the module doc).
    /// `received` is the caller's HTTP version and address.
    fn upstream_headers(
        &self,
        mut headers: Vec<Header>,
        body_len: usize,
        (version, caller): (&str, String),
    ) -> Vec<Header> {
        headers.retain(writer::is_valid_field);
        strip_hop_by_hop(&mut headers);
        let caller_host = headers.find("host").map(|h| h.value.clone());
        if !self.config.preserve_host {
            // In place, with the caller's spelling of the name; first when there was none.
            let host = Header::new("Host", self.config.target.authority.as_str());
            match caller_host {
                Some(_) => set_header(&mut headers, host),
                None => headers.insert(0, host),
            }
        }
        writer::frame_body(&mut headers, body_len);
        add_forwarded(&mut headers, caller, caller_host);
        headers.push(self.mark.field(version));
        headers
    }

    /// Answers the caller with the app's response. A small answer of known
    /// length is read whole first, recorded, and sent in one piece once the
    /// record is committed; any other is streamed ([`RelayBody`]).
    async fn relay(
        &self,
        mut recording: Recording,
        answer: http::Response,
        deadline: tokio::time::Instant,
    ) -> Response<AnswerBody> {
        let http::Response { head, mut body } = answer;
        if head.status == SWITCHING_PROTOCOLS {
            // The connection now speaks another protocol: it is dropped with
            // `body`, never reused, and nothing of it reaches the caller.
            recording.answer_head(head.status, head.headers);
            let cause = "the app switched protocols without being asked".to_owned();
            return fail(recording, StatusCode::BAD_GATEWAY, cause).await;
        }
        let Some(res) = caller_head(&head, body.remaining().is_some()) else {
            let cause = format!("the app answered with an invalid status {}", head.status);
            return fail(recording, StatusCode::BAD_GATEWAY, cause).await;
        };
        recording.answer_head(head.status, head.headers);
        let small = body
            .remaining()
            .is_some_and(|n| n <= BUFFERED_ANSWER_MAX.min(self.max_record as u64));
        if !small {
            let relayed = RelayBody::new(
                PolledBody::new(body),
                self.client.clone(),
                deadline,
                recording,
            );
            return res.map(|()| Either::Right(relayed));
        }
        let bytes = match tokio::time::timeout_at(deadline, read_whole(&mut body)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => {
                let cause = format!("the answer's body broke off: {e}");
                return fail(recording, StatusCode::BAD_GATEWAY, cause).await;
            }
            Err(_) => {
                let cause = "the answer's body did not end in time".to_owned();
                return fail(recording, StatusCode::GATEWAY_TIMEOUT, cause).await;
            }
        };
        self.client.recycle(body);
        recording.keep(&bytes);
        if let Some(committed) = recording.finish(None) {
            let _ = committed.await;
        }
        res.map(|()| Either::Left(Full::new(bytes)))
    }
}

/// The head the caller gets: the app's status and reason phrase, its
/// header fields without the hop-by-hop ones (and without a length the
/// relayed body will not have), as HTTP/1.1. `None` for a status hyper
/// cannot send.
fn caller_head(head: &http::ResponseHead, known_length: bool) -> Option<Response<()>> {
    let status = StatusCode::from_u16(head.status).ok()?;
    let hop = HopByHop::from_connection(head.headers.all("connection").map(|h| h.value.as_slice()));
    let mut res = Response::new(());
    *res.status_mut() = status;
    let map = res.headers_mut();
    map.reserve(head.headers.len());
    for h in head.headers.iter().filter(|h| !hop.contains(&h.name)) {
        match (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(&h.value),
        ) {
            (Ok(name), Ok(value)) => {
                map.append(name, value);
            }
            _ => tracing::debug!("an invalid header field in the app's answer is not passed on"),
        }
    }
    if !known_length {
        map.remove(CONTENT_LENGTH);
    }
    if status.canonical_reason() != Some(head.reason.as_str())
        && let Ok(reason) = hyper::ext::ReasonPhrase::try_from(head.reason.as_bytes())
    {
        res.extensions_mut().insert(reason);
    }
    Some(res)
}

/// The whole body of a small answer; usually one piece, taken as it is.
async fn read_whole(body: &mut http::Body) -> Result<Bytes, http::Error> {
    let Some(first) = body.chunk().await? else {
        return Ok(Bytes::new());
    };
    let Some(second) = body.chunk().await? else {
        return Ok(first);
    };
    let mut all = BytesMut::from(&first[..]);
    all.extend_from_slice(&second);
    while let Some(more) = body.chunk().await? {
        all.extend_from_slice(&more);
    }
    Ok(all.freeze())
}

/// Records a failed attempt and, once that is committed, answers the caller
/// with `status` itself.
async fn fail(recording: Recording, status: StatusCode, error: String) -> Response<AnswerBody> {
    tracing::debug!(request = recording.request_id(), "forward failed: {error}");
    let text = match status {
        StatusCode::GATEWAY_TIMEOUT => format!(
            "hookcap: the app at {} did not answer in time ({error}); the request is stored for replay\n",
            recording.destination()
        ),
        _ if recording.answered() => format!(
            "hookcap: the app at {} answered with nothing hookcap can pass on ({error}); the request is stored for replay\n",
            recording.destination()
        ),
        _ => format!(
            "hookcap: could not reach the app at {} ({error}); the request is stored for replay\n",
            recording.destination()
        ),
    };
    let answer = shape::plain_record(status, &text);
    let res = shape::build(&answer).map(Either::Left);
    if let Some(committed) = recording.fail(error, answer) {
        let _ = committed.await;
    }
    res
}

/// The IP address in a stored peer address (`1.2.3.4:5`, `[::1]:5`),
/// formatted once per connection by the capture server.
fn caller_ip(remote_addr: &str) -> Option<&str> {
    let (ip, port) = remote_addr.rsplit_once(':')?;
    port.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    Some(
        ip.strip_prefix('[')
            .and_then(|i| i.strip_suffix(']'))
            .unwrap_or(ip),
    )
}

/// Adds the `X-Forwarded-*` fields at the end: the caller's address as a
/// field line of its own; proto and host only when the caller sent none.
fn add_forwarded(headers: &mut Vec<Header>, caller: String, caller_host: Option<Vec<u8>>) {
    headers.push(Header::new("x-forwarded-for", caller));
    if headers.find("x-forwarded-proto").is_none() {
        headers.push(Header::new("x-forwarded-proto", "http"));
    }
    if let Some(host) = caller_host
        && headers.find("x-forwarded-host").is_none()
    {
        headers.push(Header::new("x-forwarded-host", host));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callers_ip_comes_from_the_stored_peer_address() {
        assert_eq!(caller_ip("127.0.0.1:51626"), Some("127.0.0.1"));
        assert_eq!(caller_ip("[::1]:8080"), Some("::1"));
        assert_eq!(caller_ip("[fe80::1%2]:1"), Some("fe80::1%2"));
        assert_eq!(caller_ip("nonsense"), None);
        assert_eq!(caller_ip("host:port"), None);
    }
}
