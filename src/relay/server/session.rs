//! One consumer connected over a WebSocket (`/_hookcap/connect/NAME`).
//!
//! The session sends the channel's requests after the consumer's cursor in
//! relay-id order, keeping at most [`WINDOW`] frames (and [`WINDOW_BYTES`])
//! unacknowledged, and moves the cursor as acknowledgements arrive (an ack
//! covers everything up to its id, and never more than was sent). The cursor
//! is saved every [`SAVE_EVERY`] and when the session ends; a relay killed in
//! between sends those requests again, and the laptop's store ignores what it
//! already has. Pings every [`PING_EVERY`] keep the connection alive; a
//! consumer silent for [`DEAD_AFTER`] is dropped.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::Relay;
use super::channels::{Channel, Counters};
use crate::relay::frame::{Frame, Hello, RequestFrame};
use crate::store::StartAt;

/// Unacknowledged frames in flight at most.
pub const WINDOW: usize = 4096;
/// Unacknowledged bytes in flight at most (one larger request may pass it).
pub const WINDOW_BYTES: usize = 32 * 1024 * 1024;
/// Requests read from the queue at a time.
const PAGE: u32 = 256;
/// How often the relay pings a consumer.
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// A consumer that sends nothing (not even a pong) for this long is dropped.
pub const DEAD_AFTER: Duration = Duration::from_secs(45);
/// How often a moved cursor is saved.
const SAVE_EVERY: Duration = Duration::from_millis(250);

/// The close code a session ends with when the channel's token was rotated
/// or the channel removed: the consumer must connect again (and be refused).
pub const CLOSE_REVOKED: u16 = 4001;

/// Who is connecting, and where a new consumer starts.
pub struct Consumer {
    /// The name the laptop gave.
    pub name: String,
    /// Where it starts if the relay has not seen it before.
    pub start: StartAt,
    /// The last relay instance the laptop stored from, and its highest id of it.
    pub seen: Option<(String, i64)>,
}

type Ws = WebSocketStream<TokioIo<Upgraded>>;

/// Serves one consumer until it leaves, the relay stops, or the channel's
/// token changes.
pub async fn run(relay: Arc<Relay>, channel: Arc<Channel>, consumer: Consumer, mut ws: Ws) {
    let name = consumer.name;
    if let Some(seen) = consumer.seen {
        relay.check_seen(seen).await;
    }
    let record = match relay
        .queue
        .start(channel.id, name.clone(), consumer.start)
        .await
    {
        Ok(record) => record,
        Err(e) => {
            tracing::error!("consumer {name}: {e}");
            let _ = ws
                .close(Some(close(
                    CloseCode::Error,
                    "the relay cannot read its queue",
                )))
                .await;
            return;
        }
    };
    let _connected = channel.connect(&name);
    let hello = Frame::Hello(Hello {
        instance: relay.instance(),
        channel: channel.spec.name.clone(),
        consumer: name.clone(),
        cursor: record.cursor,
        answer: channel.spec.answer.as_str().to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    });
    if ws
        .send(Message::Binary(hello.encode().into()))
        .await
        .is_err()
    {
        return;
    }
    tracing::info!(channel = %channel.spec.name, consumer = %name, cursor = record.cursor, "consumer connected");
    let mut session = Session {
        channel: &channel,
        acked: record.cursor,
        sent: record.cursor,
        in_flight: VecDeque::new(),
        in_flight_bytes: 0,
    };
    let why = session.serve(&relay, &name, &mut ws).await;
    tracing::info!(channel = %channel.spec.name, consumer = %name, "consumer left: {why}");
    if let Err(e) = relay
        .queue
        .ack(channel.id, name.clone(), session.acked)
        .await
    {
        tracing::warn!("consumer {name}: could not save its cursor: {e}");
    }
}

struct Session<'a> {
    channel: &'a Channel,
    acked: i64,
    sent: i64,
    in_flight: VecDeque<(i64, usize)>,
    in_flight_bytes: usize,
}

impl Session<'_> {
    fn window_open(&self) -> bool {
        self.in_flight.len() < WINDOW && self.in_flight_bytes < WINDOW_BYTES
    }

    /// The loop: send while the window is open and requests wait, otherwise
    /// wait for acks, new requests, pings and the end. Returns why it ended.
    async fn serve(&mut self, relay: &Relay, name: &str, ws: &mut Ws) -> String {
        let channel = self.channel;
        let mut newest = channel.watch_newest();
        let mut revoked = channel.watch_revoked();
        let mut stop = relay.stop.clone();
        let mut ping = tokio::time::interval(PING_EVERY);
        let mut save = tokio::time::interval(SAVE_EVERY);
        let mut saved = self.acked;
        let mut heard = Instant::now();
        let mut more = true;
        loop {
            if more && self.window_open() {
                match self.send_page(relay, ws).await {
                    Ok(full) => more = full,
                    Err(why) => return why,
                }
                continue;
            }
            tokio::select! {
                message = ws.next() => {
                    heard = Instant::now();
                    match message {
                        Some(Ok(Message::Binary(bytes))) => {
                            if let Err(why) = self.take(&bytes, name) {
                                let _ = ws.close(Some(close(CloseCode::Protocol, &why))).await;
                                return why;
                            }
                        }
                        Some(Ok(Message::Close(_))) | None => return "it closed the connection".into(),
                        Some(Ok(_)) => {}
                        Some(Err(e)) => return format!("connection failed: {e}"),
                    }
                }
                changed = newest.changed(), if !more => {
                    if changed.is_err() {
                        return "the channel is gone".into();
                    }
                    more = *newest.borrow_and_update() > self.sent;
                }
                _ = ping.tick() => {
                    if heard.elapsed() > DEAD_AFTER {
                        return format!("silent for {}s", DEAD_AFTER.as_secs());
                    }
                    if ws.send(Message::Ping(Default::default())).await.is_err() {
                        return "connection failed".into();
                    }
                }
                _ = save.tick(), if self.acked > saved => {
                    match relay.queue.ack(channel.id, name.to_owned(), self.acked).await {
                        Ok(()) => saved = self.acked,
                        Err(e) => tracing::warn!("consumer {name}: could not save its cursor: {e}"),
                    }
                }
                _ = revoked.changed() => {
                    let why = "the channel's token was rotated or the channel removed";
                    let _ = ws.close(Some(close(CloseCode::Library(CLOSE_REVOKED), why))).await;
                    return why.into();
                }
                () = crate::relay::stopped(&mut stop) => {
                    let _ = ws.close(Some(close(CloseCode::Away, "the relay is stopping"))).await;
                    return "the relay is stopping".into();
                }
            }
        }
    }

    /// Sends the next page of requests; true when there may be more.
    async fn send_page(&mut self, relay: &Relay, ws: &mut Ws) -> Result<bool, String> {
        let rows = relay
            .queue
            .read_after(self.channel.id, self.sent, PAGE)
            .await
            .map_err(|e| format!("cannot read the queue: {e}"))?;
        let full = rows.len() == PAGE as usize;
        for q in rows {
            let frame = Frame::Request(RequestFrame {
                relay_id: q.relay_id,
                received_at: q.received_at,
                sha256: q.sha256,
                peer: q.peer,
                head: q.raw_head,
                body: q.body,
            })
            .encode();
            self.sent = q.relay_id;
            self.in_flight.push_back((q.relay_id, frame.len()));
            self.in_flight_bytes += frame.len();
            ws.feed(Message::Binary(frame.into()))
                .await
                .map_err(|e| format!("sending failed: {e}"))?;
            if !self.window_open() {
                break;
            }
        }
        ws.flush()
            .await
            .map_err(|e| format!("sending failed: {e}"))?;
        Ok(full || !self.window_open())
    }

    /// Handles a frame from the consumer.
    fn take(&mut self, bytes: &[u8], name: &str) -> Result<(), String> {
        match Frame::decode(bytes).map_err(|e| e.to_string())? {
            Frame::Ack(id) => {
                // An ack never covers more than was sent.
                let id = id.min(self.sent);
                while let Some(&(front, len)) = self.in_flight.front() {
                    if front > id {
                        break;
                    }
                    self.in_flight.pop_front();
                    self.in_flight_bytes -= len;
                    Counters::bump(&self.channel.counters.delivered);
                }
                self.acked = self.acked.max(id);
                Ok(())
            }
            Frame::Answer(a) => {
                self.channel.answer(a.relay_id, (a.answer, name.to_owned()));
                Ok(())
            }
            Frame::Hello(_) | Frame::Request(_) => Err("unexpected frame from a consumer".into()),
        }
    }
}

fn close(code: CloseCode, why: &str) -> CloseFrame {
    CloseFrame {
        code,
        reason: why.to_owned().into(),
    }
}
