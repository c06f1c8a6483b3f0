//! One connection to the relay, from its hello to its end.
//!
//! Each request frame is checked (its SHA-256 must be the relay's), turned
//! into a local request (the `/c/NAME` prefix stripped from the target,
//! everything else as the relay received it) and queued to the local writer
//! with its relayed mark, in arrival order. Commits come back in that order;
//! after each run of them the session acknowledges the newest relay id, so
//! an ack always follows the local commit of everything it covers. A frame
//! whose bytes differ is logged, never acknowledged, and ends the connection,
//! so that the relay sends it again.
//!
//! Fresh requests (not already stored) are then answered or passed on:
//! `listen --via` sends its configured answer back for an `app` channel;
//! `forward --via` passes each one to the app ([`Forwarder::pass_on`], which
//! records the delivery) and, for an `app` channel, sends the app's answer.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::connect::RelaySocket;
use super::{Local, LocalAnswer, ViaConfig};
use crate::capture::Forwarder;
use crate::capture::head::parse_recorded;
use crate::capture::shape::{self, Answer};
use crate::model::{
    CaptureNotes, NewRequest, PENDING_STATUS, RelayedFrom, ResponseRecord, fill_id,
    head_and_body_sha256,
};
use crate::relay::frame::WITHHELD;
use crate::relay::frame::{AnswerFrame, Frame, Hello, RequestFrame};
use crate::relay::strip_channel;
use crate::rules::Fault;
use crate::sanitize::sanitize;
use crate::sign::identity::identify;
use crate::store::StoredRelayed;

/// How long the relay has to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// A relay silent this long (it pings every 15 s) is taken for gone.
const DEAD_AFTER: Duration = Duration::from_secs(45);
/// How long stopping waits for queued requests to commit, to acknowledge them.
const FINAL_ACK_WAIT: Duration = Duration::from_secs(3);
/// Requests waiting for their local commit at most (the relay sends fewer).
const MAX_PENDING: usize = 8192;
/// Requests passed on to the app at once under `forward --via`.
const FORWARDS_AT_ONCE: usize = 32;

/// How a session ended.
pub enum Ended {
    /// Asked to stop; everything committed was acknowledged.
    Stopped,
    /// The connection ended or failed; connect again.
    Lost(String),
}

/// A request waiting for its local commit.
struct Pending {
    relay_id: i64,
    committed: oneshot::Receiver<StoredRelayed>,
    /// How `listen` answers it (its rules, or the configured answer).
    answer: Option<Answer>,
}

/// A relayed request as the local store takes it.
struct Localized {
    request: NewRequest,
    mark: RelayedFrom,
    notes: Option<CaptureNotes>,
    answer: Option<Answer>,
}

/// Serves one connection until it ends or `stop` turns true; calls
/// `connected` once the relay has said hello.
pub async fn serve(
    mut ws: RelaySocket,
    via: &ViaConfig,
    local: &Local,
    stop: &mut watch::Receiver<bool>,
    connected: impl FnOnce(),
) -> Ended {
    let hello = match tokio::time::timeout(HELLO_TIMEOUT, ws.next()).await {
        Ok(Some(Ok(Message::Binary(bytes)))) => match Frame::decode(&bytes) {
            Ok(Frame::Hello(hello)) => hello,
            Ok(_) => return Ended::Lost("the relay did not start with a hello".into()),
            Err(e) => return Ended::Lost(e.to_string()),
        },
        Ok(Some(Ok(Message::Close(frame)))) => return Ended::Lost(closed(frame.as_ref())),
        Ok(Some(Err(e))) => return Ended::Lost(e.to_string()),
        Ok(_) => return Ended::Lost("the relay sent no hello".into()),
        Err(_) => return Ended::Lost("the relay sent no hello in time".into()),
    };
    connected();
    let mut session = Session::new(via, local, &hello);
    let ended = session.run(&mut ws, stop).await;
    if let Ended::Stopped = ended {
        let _ = ws
            .close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "stopping".into(),
            }))
            .await;
    }
    ended
}

struct Session<'a> {
    via: &'a ViaConfig,
    local: &'a Local,
    instance: String,
    app: bool,
    pending: VecDeque<Pending>,
    /// The newest relay id committed locally (with everything before it).
    committed: i64,
    acked: i64,
    /// Answers made by tasks (delayed, or the app's), to send.
    answers: (mpsc::UnboundedSender<Frame>, mpsc::UnboundedReceiver<Frame>),
    /// `forward --via`: requests to pass on.
    forwards: Option<mpsc::Sender<Forward>>,
}

impl<'a> Session<'a> {
    fn new(via: &'a ViaConfig, local: &'a Local, hello: &Hello) -> Self {
        let answers = mpsc::unbounded_channel();
        let app = hello.answer == "app";
        let forwards = match &local.answer {
            LocalAnswer::Forward(forwarder) => {
                let (tx, rx) = mpsc::channel(FORWARDS_AT_ONCE * 4);
                let replies = app.then(|| answers.0.clone());
                tokio::spawn(pass_on(
                    rx,
                    forwarder.clone(),
                    local.writer.clone(),
                    replies,
                ));
                Some(tx)
            }
            LocalAnswer::Shape(_) => None,
        };
        Self {
            via,
            local,
            instance: hello.instance.clone(),
            app,
            pending: VecDeque::new(),
            committed: 0,
            acked: 0,
            answers,
            forwards,
        }
    }

    async fn run(&mut self, ws: &mut RelaySocket, stop: &mut watch::Receiver<bool>) -> Ended {
        let mut heartbeat = tokio::time::interval(Duration::from_secs(5));
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                message = ws.next(), if self.pending.len() < MAX_PENDING => {
                    heard = Instant::now();
                    let result = match message {
                        Some(Ok(Message::Binary(bytes))) => self.take(&bytes).await,
                        Some(Ok(Message::Close(frame))) => Err(closed(frame.as_ref())),
                        Some(Ok(_)) => Ok(()),
                        Some(Err(e)) => Err(e.to_string()),
                        None => Err("the connection closed".into()),
                    };
                    if let Err(why) = result {
                        return Ended::Lost(why);
                    }
                }
                stored = first(&mut self.pending), if !self.pending.is_empty() => {
                    if let Err(why) = self.commit(stored, ws).await {
                        return Ended::Lost(why);
                    }
                }
                Some(answer) = self.answers.1.recv() => {
                    if let Err(e) = ws.send(Message::Binary(answer.encode().into())).await {
                        return Ended::Lost(e.to_string());
                    }
                }
                _ = heartbeat.tick() => {
                    if heard.elapsed() > DEAD_AFTER {
                        return Ended::Lost(format!("the relay was silent for {}s", DEAD_AFTER.as_secs()));
                    }
                }
                () = crate::relay::stopped(stop) => {
                    self.finish(ws).await;
                    return Ended::Stopped;
                }
            }
        }
    }

    /// Handles a frame from the relay.
    async fn take(&mut self, bytes: &[u8]) -> Result<(), String> {
        let frame = match Frame::decode(bytes).map_err(|e| e.to_string())? {
            Frame::Request(frame) => frame,
            _ => return Err("unexpected frame from the relay".into()),
        };
        let relay_id = frame.relay_id;
        if head_and_body_sha256(&frame.head, &frame.body) != frame.sha256 {
            tracing::error!(
                "relay request #{relay_id}: its bytes differ from what the relay received \
                 (SHA-256 mismatch); not stored, not acknowledged"
            );
            return Err(format!("relay request #{relay_id} arrived altered"));
        }
        let local = self.localize(frame)?;
        let committed = self
            .local
            .writer
            .queue_relayed(local.request, local.notes, local.mark)
            .await
            .map_err(|e| format!("cannot store relayed requests: {e}"))?;
        self.pending.push_back(Pending {
            relay_id,
            committed,
            answer: local.answer,
        });
        Ok(())
    }

    /// The local request, its relayed mark, and (for `listen`) how it is
    /// answered: the guard's refusal, a rule's answer, or the configured one.
    fn localize(&self, frame: RequestFrame) -> Result<Localized, String> {
        let head = parse_recorded(&frame.head)
            .ok_or_else(|| format!("relay request #{}: its head cannot be read", frame.relay_id))?;
        let http_version = match head.version.as_str() {
            "" => "HTTP/1.1".to_owned(),
            version => version.to_owned(),
        };
        let response = match &self.local.answer {
            LocalAnswer::Shape(shape) => shape.record(),
            LocalAnswer::Forward(_) => ResponseRecord {
                status: PENDING_STATUS,
                headers: Vec::new(),
                body: Vec::new(),
            },
        };
        let mut request = NewRequest {
            session_id: self.local.session_id,
            received_at: frame.received_at,
            method: head.method,
            target: strip_channel(&head.target, &self.via.url.channel),
            http_version,
            remote_addr: frame.peer.clone(),
            headers: head.headers,
            body: frame.body,
            truncated: false,
            response,
            signature: None,
            rejected: None,
        };
        if !self.local.guard.is_empty() {
            let peer = peer_addr(&frame.peer).ip();
            let judgement = self.local.guard.judge(&request, peer);
            request.signature = judgement.signature;
            if let Some((status, why)) = judgement.rejected {
                request.response =
                    shape::plain_record(status, &format!("rejected by hookcap: {why}\n"));
                request.rejected = Some(why);
            }
        }
        let (mut notes, mut answer) = (None, None);
        if let (LocalAnswer::Shape(shape), None) = (&self.local.answer, &request.rejected) {
            let identity = identify(&request.headers, &request.body);
            let (back, chosen) = shape.answer(request, identity.as_ref());
            request = back;
            request.response = chosen.record.clone();
            notes = Some(CaptureNotes {
                identity,
                answer: chosen.used.clone(),
                response_id_at: chosen.id_at.clone(),
            });
            answer = Some(chosen);
        }
        let mark = RelayedFrom {
            relay_url: self.via.url.to_string(),
            relay_instance: self.instance.clone(),
            relay_id: frame.relay_id,
            peer: frame.peer,
            relay_received_at: frame.received_at,
            sha256: frame.sha256,
            raw_head: frame.head,
        };
        Ok(Localized {
            request,
            mark,
            notes,
            answer,
        })
    }

    /// The front request's commit, and every later one already committed;
    /// then one ack for all of them.
    async fn commit(
        &mut self,
        first: Result<StoredRelayed, oneshot::error::RecvError>,
        ws: &mut RelaySocket,
    ) -> Result<(), String> {
        let mut next = Some(first);
        while let Some(stored) = next.take() {
            let Some(pending) = self.pending.pop_front() else {
                break;
            };
            let (request, inserted) = stored.map_err(|_| "the local writer stopped".to_owned())?;
            let inserted = inserted.map_err(|e| format!("cannot store relayed requests: {e}"))?;
            self.committed = pending.relay_id;
            if inserted.fresh {
                let stored = (inserted.id, request, pending.answer);
                self.after_commit(pending.relay_id, stored, ws).await?;
            }
            if let Some(front) = self.pending.front_mut() {
                next = front.committed.try_recv().ok().map(Ok);
            }
        }
        self.ack(ws).await
    }

    async fn ack(&mut self, ws: &mut RelaySocket) -> Result<(), String> {
        if self.committed > self.acked {
            ws.send(Message::Binary(Frame::Ack(self.committed).encode().into()))
                .await
                .map_err(|e| e.to_string())?;
            self.acked = self.committed;
        }
        Ok(())
    }

    /// A request stored for the first time: answer it (`app`) or pass it on.
    async fn after_commit(
        &mut self,
        relay_id: i64,
        (id, request, answer): (i64, NewRequest, Option<Answer>),
        ws: &mut RelaySocket,
    ) -> Result<(), String> {
        let refused = request.rejected.is_some();
        match (&self.local.answer, &self.forwards) {
            (LocalAnswer::Forward(_), Some(forwards)) if !refused => {
                let job = Forward {
                    relay_id,
                    id,
                    request,
                };
                forwards
                    .send(job)
                    .await
                    .map_err(|_| "the forwarding task stopped".to_owned())?;
            }
            _ if self.app => {
                let (record, delay) = match answer {
                    Some(chosen) if !refused => answer_of_rule(chosen, id),
                    _ => (request.response, Duration::ZERO),
                };
                let frame = Frame::Answer(AnswerFrame {
                    relay_id,
                    answer: record,
                });
                if delay.is_zero() {
                    ws.send(Message::Binary(frame.encode().into()))
                        .await
                        .map_err(|e| e.to_string())?;
                } else {
                    let answers = self.answers.0.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = answers.send(frame);
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Stopping: acknowledges what commits within [`FINAL_ACK_WAIT`].
    async fn finish(&mut self, ws: &mut RelaySocket) {
        let deadline = tokio::time::Instant::now() + FINAL_ACK_WAIT;
        while !self.pending.is_empty() {
            let Ok(stored) = tokio::time::timeout_at(deadline, first(&mut self.pending)).await
            else {
                break;
            };
            if self.commit(stored, ws).await.is_err() {
                return;
            }
        }
    }
}

/// What a `listen` answer sends back, and after how long: the record (its
/// `{{id}}` filled with the local id), or, for a `drop` or `hang` rule, no
/// answer (status 0, the body naming the rule's fault).
fn answer_of_rule(chosen: Answer, id: i64) -> (ResponseRecord, Duration) {
    let withheld = |what: &str| ResponseRecord {
        status: WITHHELD,
        headers: Vec::new(),
        body: what.as_bytes().to_vec(),
    };
    match chosen.fault {
        Some(Fault::Drop) => (withheld("drop"), Duration::ZERO),
        Some(Fault::Hang) => (withheld("hang"), Duration::ZERO),
        None => {
            let mut record = chosen.record;
            if !chosen.id_at.is_empty() {
                record.body = fill_id(&record.body, &chosen.id_at, id);
            }
            (record, chosen.delay)
        }
    }
}

/// Waits for the front request's commit.
async fn first(
    pending: &mut VecDeque<Pending>,
) -> Result<StoredRelayed, oneshot::error::RecvError> {
    match pending.front_mut() {
        Some(p) => (&mut p.committed).await,
        None => std::future::pending().await,
    }
}

fn closed(frame: Option<&CloseFrame>) -> String {
    match frame {
        Some(f) if !f.reason.is_empty() => {
            format!(
                "the relay closed the connection: {}",
                sanitize(f.reason.as_str())
            )
        }
        _ => "the relay closed the connection".into(),
    }
}

fn peer_addr(peer: &str) -> SocketAddr {
    peer.parse()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
}

/// A stored request to pass on to the app.
struct Forward {
    relay_id: i64,
    id: i64,
    request: NewRequest,
}

/// Passes requests on to the app, [`FORWARDS_AT_ONCE`] at a time, and sends
/// each answer back when `replies` is given (an `app` channel).
async fn pass_on(
    mut jobs: mpsc::Receiver<Forward>,
    forwarder: Arc<Forwarder>,
    writer: crate::store::WriterHandle,
    replies: Option<mpsc::UnboundedSender<Frame>>,
) {
    let slots = Arc::new(Semaphore::new(FORWARDS_AT_ONCE));
    while let Some(job) = jobs.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (forwarder, writer, replies) = (forwarder.clone(), writer.clone(), replies.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let remote = peer_addr(&job.request.remote_addr);
            let res = forwarder
                .pass_on(&writer, job.id, job.request, remote)
                .await;
            let answer = answer_of(res).await;
            if let Some(replies) = replies {
                let _ = replies.send(Frame::Answer(AnswerFrame {
                    relay_id: job.relay_id,
                    answer,
                }));
            }
        });
    }
}

/// The app's answer as a record; reading it to its end is what records the
/// delivery.
async fn answer_of(res: hyper::Response<crate::capture::relay::AnswerBody>) -> ResponseRecord {
    let (head, body) = res.into_parts();
    match body.collect().await {
        Ok(body) => ResponseRecord {
            status: head.status.as_u16(),
            headers: head
                .headers
                .iter()
                .map(|(n, v)| crate::model::Header::new(n.as_str(), v.as_bytes()))
                .collect(),
            body: body.to_bytes().to_vec(),
        },
        Err(_) => shape::plain_record(
            hyper::StatusCode::BAD_GATEWAY,
            "the app's answer broke off\n",
        ),
    }
}
