//! `GET /_hookcap/connect/NAME`: a consumer's WebSocket upgrade. The token
//! (`Authorization: Bearer TOKEN`) is checked against the channel's stored
//! hash before anything else; a missing or wrong token, or an unknown
//! channel, gets the same `401`, so a refusal says nothing about which
//! channels exist.

use std::sync::Arc;

use hyper::body::Incoming;
use hyper::header::{
    AUTHORIZATION, CONNECTION, HeaderMap, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_VERSION, UPGRADE, WWW_AUTHENTICATE,
};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::Relay;
use super::channels::Channel;
use super::ingress::closing;
use super::session::{self, Consumer};
use crate::capture::relay::AnswerBody;
use crate::relay::token::token_matches;
use crate::relay::{CONSUMER_HEADER, FROM_HEADER, SEEN_HEADER, check_consumer_name, parse_start};

/// The largest message a consumer may send (an app's answer with its body).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Answers a consumer's upgrade request and, once upgraded, serves it.
pub async fn handle(
    relay: &Arc<Relay>,
    req: Request<Incoming>,
    name: &str,
) -> Response<AnswerBody> {
    let Some(channel) = authorized(relay, req.headers(), name).await else {
        let mut res = closing(StatusCode::UNAUTHORIZED, "unauthorized\n");
        res.headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    };
    let Some(key) = upgrade_key(&req) else {
        return closing(
            StatusCode::BAD_REQUEST,
            "expected a WebSocket upgrade (version 13)\n",
        );
    };
    let consumer = match consumer_of(req.headers()) {
        Ok(c) => c,
        Err(why) => return closing(StatusCode::BAD_REQUEST, &format!("{why}\n")),
    };
    let upgrading = hyper::upgrade::on(req);
    let relay = relay.clone();
    let session_open = relay.session_started();
    tokio::spawn(async move {
        let _open = session_open;
        let upgraded = match upgrading.await {
            Ok(u) => u,
            Err(e) => return tracing::debug!("upgrade failed: {e}"),
        };
        // A consumer sends acks and the odd app answer: an 8 KiB read buffer
        // (not tungstenite's eager 128 KiB) keeps idle consumers cheap.
        let config = WebSocketConfig::default()
            .read_buffer_size(8 * 1024)
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        session::run(relay, channel, consumer, ws).await;
    });
    let mut res = Response::new(AnswerBody::Left(Default::default()));
    *res.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = res.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    }
    res
}

/// The channel, when `headers` carry its token.
pub async fn authorized(relay: &Relay, headers: &HeaderMap, name: &str) -> Option<Arc<Channel>> {
    let token = headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    let channel = relay.registry.get(name).await?;
    if token_matches(token, &channel.token()) {
        return Some(channel);
    }
    // Perhaps rotated a moment ago: ask the database once more.
    let channel = relay.registry.get_fresh(name).await?;
    token_matches(token, &channel.token()).then_some(channel)
}

/// The `Sec-WebSocket-Key` of a valid version-13 upgrade request.
fn upgrade_key(req: &Request<Incoming>) -> Option<String> {
    let h = req.headers();
    let has = |name, token: &str| {
        h.get_all(name).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    let ok = req.method() == hyper::Method::GET
        && has(UPGRADE, "websocket")
        && has(CONNECTION, "upgrade")
        && h.get(SEC_WEBSOCKET_VERSION).is_some_and(|v| v == "13");
    ok.then(|| h.get(SEC_WEBSOCKET_KEY)?.to_str().ok().map(str::to_owned))
        .flatten()
}

/// The consumer's name and start from its headers.
fn consumer_of(headers: &HeaderMap) -> Result<Consumer, String> {
    let name = headers
        .get(CONSUMER_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("missing {CONSUMER_HEADER} header"))?;
    check_consumer_name(name)?;
    let start = match headers.get(FROM_HEADER).and_then(|v| v.to_str().ok()) {
        Some(from) => parse_start(from)?,
        None => crate::store::StartAt::Now,
    };
    let seen = headers
        .get(SEEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .and_then(|(instance, id)| Some((instance.to_owned(), id.parse().ok()?)));
    Ok(Consumer {
        name: name.to_owned(),
        start,
        seen,
    })
}
