//! The `r` key: the selected request sent again to its session's forward
//! target ([`crate::replay::default_destination`], as `hookcap replay` picks
//! it), in the background, and recorded as a delivery.
//!
//! Each replay runs on a thread of its own with a small runtime of its own
//! ([`crate::replay::send`] is async), so neither the event loop nor the
//! capture path waits for the destination. The outcome comes back on a
//! channel the app drains on every tick, as the background count does. At
//! most [`MAX_IN_FLIGHT`] replays run at once and the channel has room for
//! that many outcomes, so a replay thread never waits to report and nothing
//! is dropped.
//!
//! Where the attempt is recorded depends on who writes the database:
//!
//! - `hookcap ui` ([`Recorder::Database`]): a connection of the replay's own,
//!   WAL with a busy timeout, as `hookcap replay` does beside a live listener.
//! - `listen`/`forward` on a terminal ([`Recorder::Writer`]): the listener's
//!   group-commit writer, the way forwards record theirs. The delivery is
//!   committed with the next batch, so capture never waits on a lock the
//!   inspector holds.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use crate::http::Target;
use crate::model::{CapturedRequest, DeliveryBrief, NewDelivery, Session, SessionMode};
use crate::render::summary::short_duration;
use crate::replay::{self, Outgoing};
use crate::store::{Store, WriterHandle};

/// The most replays running at once.
pub const MAX_IN_FLIGHT: usize = 8;

/// Where replays are recorded.
#[derive(Clone)]
pub enum Recorder {
    /// A connection of its own to this database file (`hookcap ui`).
    Database(PathBuf),
    /// The writer of the listener this inspector runs in (`listen`, `forward`).
    Writer(WriterHandle),
}

impl Recorder {
    /// Stores `delivery`; once this returns `Ok`, it is committed.
    async fn record(&self, delivery: NewDelivery) -> Result<(), String> {
        match self {
            Self::Database(path) => Store::open_existing(path)
                .and_then(|store| store.insert_delivery(&delivery))
                .map(drop)
                .map_err(|e| e.to_string()),
            Self::Writer(writer) => {
                let slot = writer.reserve_delivery().await.map_err(|e| e.to_string())?;
                slot.record(delivery, None, None)
                    .await
                    .map_err(|_| "the listener stopped before it was stored".to_owned())
            }
        }
    }
}

/// Why a replay did not start.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// [`MAX_IN_FLIGHT`] replays are running.
    #[error("{0} replays are still running: wait for one to finish")]
    Busy(usize),
    /// The thread or its runtime could not be made.
    #[error("could not start the replay: {0}")]
    Start(#[source] std::io::Error),
}

/// The outcome of one replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The request replayed.
    pub request_id: i64,
    /// The URL it was sent to.
    pub destination: String,
    /// What came back (or went wrong), and how long it took.
    pub brief: DeliveryBrief,
    /// Whether the delivery was stored, or why not.
    pub recorded: Result<(), String>,
}

impl Finished {
    /// True when it deserves the error color: no 2xx answer, an error, or
    /// not recorded.
    pub fn is_error(&self) -> bool {
        let b = &self.brief;
        let ok = b.error.is_none() && b.status.is_some_and(|s| (200..300).contains(&s));
        !ok || self.recorded.is_err()
    }

    /// The status-line text: `#12 replayed → 200 in 14ms`, or
    /// `#12 replay to URL failed after 2.0ms: connection refused`.
    pub fn message(&self) -> String {
        let b = &self.brief;
        let took = short_duration(b.duration);
        let mut text = match (b.status, &b.error) {
            (Some(status), None) => format!("#{} replayed → {status} in {took}", self.request_id),
            (Some(status), Some(e)) => {
                format!(
                    "#{} replayed → {status} in {took}, but {e}",
                    self.request_id
                )
            }
            (None, e) => format!(
                "#{} replay to {} failed after {took}: {}",
                self.request_id,
                self.destination,
                e.as_deref().unwrap_or("no answer")
            ),
        };
        if let Err(e) = &self.recorded {
            text.push_str(&format!(" · not recorded: {e}"));
        }
        text
    }
}

/// What the status line says when request `id` has no destination, and how
/// to replay it anyway (`R`, or the command line).
pub fn no_destination(id: i64, session: Option<&Session>) -> String {
    let why = match session.map(|s| s.mode) {
        Some(SessionMode::Listen) => "captured by `hookcap listen`",
        Some(SessionMode::Import) => "imported",
        Some(SessionMode::Forward) => "its forward target is not a URL",
        None => "its session is unknown",
    };
    format!("#{id} has no destination ({why}): R to type one, or `hookcap replay {id} --to URL`")
}

/// The replays started from the inspector, and their outcomes as they finish.
pub struct Replays {
    recorder: Recorder,
    timeout: Duration,
    done_tx: SyncSender<Finished>,
    done: Receiver<Finished>,
    in_flight: usize,
}

impl Replays {
    /// Replays recorded by `recorder`, each waiting up to
    /// [`replay::DEFAULT_TIMEOUT`] for its answer.
    pub fn new(recorder: Recorder) -> Self {
        let (done_tx, done) = sync_channel(MAX_IN_FLIGHT);
        Self {
            recorder,
            timeout: replay::DEFAULT_TIMEOUT,
            done_tx,
            done,
            in_flight: 0,
        }
    }

    /// The same, giving up on an answer after `timeout`.
    #[cfg(test)]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many replays are running.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Starts sending `request` to `dest` as `hookcap replay` would (hop-by-hop
    /// headers dropped, `Host` set to the destination); returns the URL it goes to.
    pub fn start(
        &mut self,
        request: &CapturedRequest,
        dest: &Target,
    ) -> Result<String, ReplayError> {
        if self.in_flight >= MAX_IN_FLIGHT {
            return Err(ReplayError::Busy(self.in_flight));
        }
        let outgoing = Outgoing::prepare(request, dest);
        let url = dest.url_for(&outgoing.target);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ReplayError::Start)?;
        let job = Job {
            request_id: request.id,
            outgoing,
            dest: dest.clone(),
            timeout: self.timeout,
            recorder: self.recorder.clone(),
        };
        let done = self.done_tx.clone();
        std::thread::Builder::new()
            .name("hookcap-replay".into())
            .spawn(move || {
                let finished = runtime.block_on(job.run());
                // Room is guaranteed: at most MAX_IN_FLIGHT outcomes are ever pending.
                let _ = done.try_send(finished);
            })
            .map_err(ReplayError::Start)?;
        self.in_flight += 1;
        Ok(url)
    }

    /// The next outcome, if a replay has finished.
    pub fn finished(&mut self) -> Option<Finished> {
        let finished = self.done.try_recv().ok()?;
        self.in_flight = self.in_flight.saturating_sub(1);
        Some(finished)
    }
}

/// One replay, moved to its thread.
struct Job {
    request_id: i64,
    outgoing: Outgoing,
    dest: Target,
    timeout: Duration,
    recorder: Recorder,
}

impl Job {
    /// Sends, records, and describes the outcome.
    async fn run(self) -> Finished {
        let delivery =
            replay::send(self.request_id, &self.outgoing, &self.dest, self.timeout).await;
        let brief = DeliveryBrief::of(&delivery);
        let destination = delivery.destination.clone();
        Finished {
            request_id: self.request_id,
            destination,
            brief,
            recorded: self.recorder.record(delivery).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DeliveryKind;

    fn finished(status: Option<u16>, error: Option<&str>) -> Finished {
        Finished {
            request_id: 12,
            destination: "http://app:3000/hook".into(),
            brief: DeliveryBrief {
                kind: DeliveryKind::Replay,
                status,
                duration: Duration::from_millis(14),
                error: error.map(str::to_owned),
            },
            recorded: Ok(()),
        }
    }

    #[test]
    fn outcomes_read_as_one_line() {
        let ok = finished(Some(200), None);
        assert_eq!(ok.message(), "#12 replayed → 200 in 14ms");
        assert!(!ok.is_error());
        let refused = finished(None, Some("connection refused"));
        assert_eq!(
            refused.message(),
            "#12 replay to http://app:3000/hook failed after 14ms: connection refused"
        );
        assert!(refused.is_error());
        let mut lost = finished(Some(500), None);
        lost.recorded = Err("disk full".into());
        assert_eq!(
            lost.message(),
            "#12 replayed → 500 in 14ms · not recorded: disk full"
        );
        assert!(lost.is_error());
    }
}
