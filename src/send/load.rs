//! Sending: one request with retries, and `--repeat N --concurrency C` as C
//! workers pulling request numbers from a shared counter until N are done.
//! Each worker keeps its own connection (a [`Lane`]), so a request costs no
//! pool lookup.
//!
//! Each worker keeps its own [`Summary`] (no locks on the hot path) and they
//! are merged at the end, so counts are exact. Progress is two atomics that a
//! display may read at any time. A retry resends the same request (same
//! delivery id and signature), as webhook providers redeliver an event.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use std::borrow::Cow;

use super::BuildError;
use super::client::{
    ClientOptions, Exchange, Lane, Started, Transport, TransportError, WireRequest, status_line,
};
use super::fresh::{Fresh, SystemFresh};
use super::request::{Draft, Prepared};
use super::retry::{Decision, GiveUp, RetryPolicy, parse_retry_after, retryable_status};
use super::sink::BodySink;
use super::summary::Summary;
use crate::model::HeaderList;
use crate::sign::Signer;

/// What happened while retrying, for the caller to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryEvent {
    /// Attempt `retry` of `of` retries starts after `wait`.
    Retrying {
        /// 1-based retry number.
        retry: u32,
        /// `--retry N`.
        of: u32,
        /// The wait before it.
        wait: Duration,
        /// Whether the wait came from `Retry-After`.
        from_retry_after: bool,
        /// What failed (`503 Service Unavailable`, an error message).
        why: String,
    },
    /// No more retries; the last result stands.
    GaveUp {
        /// Attempts made in total.
        attempts: u32,
        /// Why retrying stopped.
        reason: GiveUp,
        /// What failed last.
        why: String,
    },
}

/// Receives retry events (printed on stderr by the command).
pub type RetryLog = Arc<dyn Fn(&RetryEvent) + Send + Sync>;

/// The result of one request after retries.
#[derive(Debug)]
pub struct Outcome {
    /// The final response, or why there was none.
    pub result: Result<Exchange, TransportError>,
    /// Attempts made (1 without retries).
    pub attempts: u32,
}

/// Everything needed to send the request any number of times.
pub struct Sender {
    /// How requests reach the server.
    transport: Transport,
    /// The request to build.
    pub draft: Draft,
    /// Signs each request, if asked.
    pub signer: Option<Signer>,
    /// When and how long to retry.
    pub retry: RetryPolicy,
    /// Where retry events go.
    pub log: RetryLog,
    /// The request built once, when every send is the same.
    fixed: Option<WireRequest>,
}

impl Sender {
    /// A sender to the draft's URL; prepares the request once when it never changes.
    pub fn new(
        client: &ClientOptions,
        draft: Draft,
        signer: Option<Signer>,
        retry: RetryPolicy,
        log: RetryLog,
    ) -> Result<Self, BuildError> {
        let fixed = if draft.is_static(signer.as_ref()) {
            Some(WireRequest::of(&draft.prepare(&mut SystemFresh, None)?)?)
        } else {
            None
        };
        Ok(Self {
            transport: Transport::new(client, &draft.url)?,
            draft,
            signer,
            retry,
            log,
            fixed,
        })
    }

    /// A prepared request (fresh ids and signature) for display and sending.
    pub fn prepare(&self, fresh: &mut dyn Fresh) -> Result<Prepared, BuildError> {
        self.draft.prepare(fresh, self.signer.as_ref())
    }

    fn next_request(&self) -> Result<Cow<'_, WireRequest>, BuildError> {
        match &self.fixed {
            Some(r) => Ok(Cow::Borrowed(r)),
            None => Ok(Cow::Owned(WireRequest::of(
                &self.prepare(&mut SystemFresh)?,
            )?)),
        }
    }

    /// Sends `req` once (retrying as the policy says); the final answer's
    /// body goes to `sink`.
    pub async fn send_once(&self, req: &WireRequest, sink: &mut BodySink<'_>) -> Outcome {
        self.send(&mut Lane::default(), req, sink).await
    }

    /// Sends `req` on `lane`, retrying as the policy says. An answer that is
    /// retried is dropped unread; the final one's body goes to `sink`.
    pub async fn send(
        &self,
        lane: &mut Lane,
        req: &WireRequest,
        sink: &mut BodySink<'_>,
    ) -> Outcome {
        let start = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let started = self.transport.start(lane, req).await;
            if let Some((why, retry_after)) = retry_reason(&started) {
                let random = SystemFresh.random();
                match self
                    .retry
                    .decide(attempts - 1, start.elapsed(), retry_after, random)
                {
                    Decision::Retry(wait) => {
                        (self.log)(&RetryEvent::Retrying {
                            retry: attempts,
                            of: self.retry.retries,
                            wait,
                            from_retry_after: retry_after.is_some(),
                            why,
                        });
                        drop(started);
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    Decision::GiveUp(reason) => {
                        if self.retry.retries > 0 {
                            (self.log)(&RetryEvent::GaveUp {
                                attempts,
                                reason,
                                why,
                            });
                        }
                    }
                }
            }
            let result = match started {
                Ok(answer) => self.transport.finish(lane, answer, sink).await,
                Err(e) => Err(e),
            };
            return Outcome { result, attempts };
        }
    }

    /// Sends `plan.requests` requests with `plan.concurrency` in flight; `progress`
    /// counts finished ones (and failed ones) as they finish.
    pub async fn run_load(
        self: Arc<Self>,
        plan: LoadPlan,
        progress: Arc<Progress>,
    ) -> Result<(Summary, Duration), BuildError> {
        let next = Arc::new(AtomicU64::new(0));
        let start = Instant::now();
        let workers: Vec<_> = (0..plan.concurrency.min(plan.requests))
            .map(|_| {
                let (me, next, progress) = (self.clone(), next.clone(), progress.clone());
                tokio::spawn(async move { me.work(plan.requests, &next, &progress).await })
            })
            .collect();
        let mut total = Summary::default();
        for w in workers {
            total.merge(w.await.expect("a load worker does not panic")?);
        }
        Ok((total, start.elapsed()))
    }

    async fn work(
        &self,
        n: u64,
        next: &AtomicU64,
        progress: &Progress,
    ) -> Result<Summary, BuildError> {
        let mut summary = Summary::default();
        let mut lane = Lane::default();
        while next.fetch_add(1, Ordering::Relaxed) < n {
            let req = self.next_request()?;
            let outcome = self.send(&mut lane, &req, &mut BodySink::Discard).await;
            summary.retries += u64::from(outcome.attempts - 1);
            let ok = match outcome.result {
                Ok(ex) => {
                    summary.record_response(ex.status, ex.total);
                    (200..300).contains(&ex.status)
                }
                Err(e) => {
                    summary.record_error(e.kind);
                    false
                }
            };
            progress.done.fetch_add(1, Ordering::Relaxed);
            if !ok {
                progress.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(summary)
    }
}

/// Why an answer (or a failure before one) is worth retrying: a
/// description, and any `Retry-After` wait; `None` for a final result.
fn retry_reason(result: &Result<Started, TransportError>) -> Option<(String, Option<Duration>)> {
    match result {
        Ok(answer) if retryable_status(answer.head.status) => {
            let after = answer
                .head
                .headers
                .get_str("retry-after")
                .and_then(|v| parse_retry_after(&v, SystemTime::now()));
            Some((
                status_line(answer.head.version(), answer.head.status),
                after,
            ))
        }
        Ok(_) => None,
        Err(e) if e.kind.is_retryable() => Some((e.message.clone(), None)),
        Err(_) => None,
    }
}

/// How many requests, how many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadPlan {
    /// `--repeat`.
    pub requests: u64,
    /// `--concurrency`.
    pub concurrency: u64,
}

/// Finished and failed (non-2xx or no response) request counts, updated live.
#[derive(Debug, Default)]
pub struct Progress {
    /// Requests finished.
    pub done: AtomicU64,
    /// Of those, the ones without a 2xx response.
    pub failed: AtomicU64,
}
