//! Public ingress: a request to `/c/NAME/...` is read like any capture (the
//! same head recorder, limits and edge checks as `listen`), stored with its
//! raw head and hash, queued for the channel's consumers in the same commit,
//! and only then answered: at once (`now`), or with a consumer's answer
//! (`app`).
//!
//! Requests an edge check refuses, or whose body did not arrive whole, are
//! stored (so the operator can see them) but never queued. Rate-limited
//! requests and requests for unknown channels are neither stored nor read.

use std::time::{Duration, Instant};

use http_body_util::Either;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};

use super::Relay;
use super::channels::{Channel, Counters};
use crate::capture::CaptureState;
use crate::capture::relay::AnswerBody;
use crate::capture::service::{self, Captured, Checks, ConnInfo, HANG_LIMIT, Verdict, Withheld};
use crate::capture::shape;
use crate::model::{
    DeliveryKind, Header, NewDelivery, NewRequest, PENDING_STATUS, ResponseRecord, Timestamp,
    encode_headers, head_and_body_sha256, head_bytes,
};
use crate::relay::frame::WITHHELD;
use crate::store::{AnswerMode, QueueEntry};

/// How long a sender is told to wait when no consumer is connected.
const RETRY_WITHOUT_CONSUMER: &str = "30";

/// Answers one request for channel `name`, read with the relay server's
/// `state` (limits, body budget) and the channel's edge checks.
pub async fn handle(
    relay: &Relay,
    (state, conn): (&CaptureState, &ConnInfo),
    req: Request<Incoming>,
    name: &str,
) -> Result<Response<AnswerBody>, Withheld> {
    let Some(channel) = relay.registry.get(name).await else {
        return Ok(closing(StatusCode::NOT_FOUND, "not found\n"));
    };
    Counters::bump(&channel.counters.received);
    if let Some(why) = &channel.broken {
        tracing::warn!("channel {name} cannot serve: {why}");
        let res = closing(StatusCode::SERVICE_UNAVAILABLE, "channel unavailable\n");
        return Ok(res);
    }
    if let Err(wait) = channel.admit() {
        Counters::bump(&channel.counters.rate_limited);
        let mut res = closing(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded\n");
        res.headers_mut().insert(RETRY_AFTER, seconds(wait));
        return Ok(res);
    }
    let (parts, body) = req.into_parts();
    let checks = Checks {
        guard: &channel.guard,
        answer: channel.now.clone(),
    };
    let Captured {
        request,
        verdict,
        raw_head,
        held: _held,
    } = service::read_checked(state, conn, (&parts, body), checks).await;
    if verdict != Verdict::Serve {
        Counters::bump(&channel.counters.refused);
        return service::store_then_answer(state, request, verdict).await;
    }
    let rebuilt = head_bytes(
        &request.method,
        &request.target,
        &request.http_version,
        &encode_headers(&request.headers),
    );
    if raw_head.is_empty() {
        // The head recorder lost track of this connection: the head as parsed
        // is the closest there is to the bytes.
        tracing::debug!("no recorded head bytes; storing the head as parsed");
    }
    let exact = raw_head.is_empty() || raw_head == rebuilt;
    let entry = QueueEntry {
        channel_id: channel.id,
        sha256: head_and_body_sha256(if exact { &rebuilt } else { &raw_head }, &request.body),
        raw_head: (!exact).then_some(raw_head),
    };
    Ok(match channel.spec.answer {
        AnswerMode::Now => answer_now(relay, &channel, *request, entry).await,
        AnswerMode::App => return answer_from_app(relay, &channel, *request, entry).await,
    })
}

/// `now`: stores and answers with the channel's status and body.
async fn answer_now(
    relay: &Relay,
    channel: &Channel,
    request: NewRequest,
    entry: QueueEntry,
) -> Response<AnswerBody> {
    let answer = request.response.clone();
    match relay.queue.append(request, entry).await {
        Ok(id) => {
            Counters::bump(&channel.counters.stored);
            channel.queued(id);
            shape::build(&answer).map(Either::Left)
        }
        Err(e) => shape::unavailable(&e).map(Either::Left),
    }
}

/// `app`: stores, then holds the sender until a connected consumer answers
/// (`504` after the channel's timeout). With no consumer connected the
/// request is stored with `503` and `Retry-After` and delivered later.
async fn answer_from_app(
    relay: &Relay,
    channel: &Channel,
    mut request: NewRequest,
    entry: QueueEntry,
) -> Result<Response<AnswerBody>, Withheld> {
    let nobody = channel.connected_count() == 0;
    request.response = if nobody {
        let mut record = shape::plain_record(
            StatusCode::SERVICE_UNAVAILABLE,
            "no consumer is connected; the request is stored and will be delivered\n",
        );
        record
            .headers
            .push(Header::new("Retry-After", RETRY_WITHOUT_CONSUMER));
        record
    } else {
        ResponseRecord {
            status: PENDING_STATUS,
            headers: Vec::new(),
            body: Vec::new(),
        }
    };
    let stored_answer = request.response.clone();
    let id = match relay.queue.append(request, entry).await {
        Ok(id) => id,
        Err(e) => return Ok(shape::unavailable(&e).map(Either::Left)),
    };
    Counters::bump(&channel.counters.stored);
    if nobody {
        channel.queued(id);
        return Ok(shape::build(&stored_answer).map(Either::Left));
    }
    let answered = channel.expect_answer(id);
    channel.queued(id);
    let started = Instant::now();
    let started_at = Timestamp::now();
    let waited = tokio::time::timeout(channel.spec.timeout, answered).await;
    channel.forget_answer(id);
    let (answer, consumer, error) = match waited {
        Ok(Ok((answer, consumer))) if answer.status == WITHHELD => {
            let fault = if answer.body == b"hang" {
                "hang"
            } else {
                "drop"
            };
            let error = format!("a {fault} rule of the consumer withheld the answer");
            (answer, consumer, Some(error))
        }
        Ok(Ok((answer, consumer))) => (sendable(answer), consumer, None),
        _ => {
            Counters::bump(&channel.counters.timed_out);
            let wait = humantime::format_duration(channel.spec.timeout);
            let text = format!(
                "no consumer answered within {wait}; the request is stored and will be delivered\n"
            );
            let answer = shape::plain_record(StatusCode::GATEWAY_TIMEOUT, &text);
            let error = format!("no consumer answered within {wait}");
            (answer, String::new(), Some(error))
        }
    };
    let delivery = NewDelivery {
        request_id: id,
        kind: DeliveryKind::Forward,
        destination: match consumer.as_str() {
            "" => "relay consumers".to_owned(),
            name => format!("relay consumer {name}"),
        },
        started_at,
        duration: started.elapsed(),
        response: error.is_none().then(|| answer.clone()),
        response_truncated: false,
        error,
    };
    // As `forward` does: the sender gets the answer once it is recorded (a
    // withheld answer leaves the request pending, as `listen` does).
    let withheld = answer.status == WITHHELD;
    match relay.writer.reserve_delivery().await {
        Ok(slot) => {
            let answered = (!withheld).then(|| answer.clone());
            let _ = slot.record(delivery, answered, None).await;
        }
        Err(e) => tracing::warn!("the answer to relay request {id} is not recorded: {e}"),
    }
    match (withheld, answer.body.as_slice()) {
        (false, _) => Ok(shape::build(&answer).map(Either::Left)),
        (true, b"hang") => {
            tokio::time::sleep(HANG_LIMIT).await;
            Err(Withheld("hang"))
        }
        (true, _) => Err(Withheld("drop")),
    }
}

/// A consumer's answer made fit to send: its framing fields describe another
/// connection, so they go (hyper frames the body itself); a status that
/// cannot be a final answer (1xx, or not a status) becomes `502`.
fn sendable(mut answer: ResponseRecord) -> ResponseRecord {
    answer.headers.retain(|h| {
        ![
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
        ]
        .iter()
        .any(|n| h.name.eq_ignore_ascii_case(n))
    });
    if !(200..600).contains(&answer.status) {
        answer.status = StatusCode::BAD_GATEWAY.as_u16();
    }
    answer
}

/// A small text answer after which the connection is closed (the body, if
/// any, was not read).
pub fn closing(status: StatusCode, text: &str) -> Response<AnswerBody> {
    let mut res = shape::plain(status, text).map(Either::Left);
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Whole seconds, rounded up, as a header value.
fn seconds(wait: Duration) -> HeaderValue {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    HeaderValue::from(secs.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(seconds(Duration::from_millis(1)), "1");
        assert_eq!(seconds(Duration::from_millis(1500)), "2");
        assert_eq!(seconds(Duration::from_secs(3)), "3");
    }

    #[test]
    fn a_consumers_answer_loses_its_framing_fields() {
        let answer = sendable(ResponseRecord {
            status: 201,
            headers: vec![
                Header::new("Content-Length", "2"),
                Header::new("X-App", "1"),
                Header::new("transfer-encoding", "chunked"),
            ],
            body: b"ok".to_vec(),
        });
        assert_eq!(answer.headers, [Header::new("X-App", "1")]);
        for status in [7, 101, 600] {
            let odd = ResponseRecord {
                status,
                ..answer.clone()
            };
            assert_eq!(sendable(odd).status, 502, "{status}");
        }
    }
}
