//! The delivery record of one forward while it is being made: what the app
//! answered (status, header fields as sent, the first `--max-body` bytes of
//! the body) or why it could not, committed through a [`DeliverySlot`]
//! reserved before the request went out.

use std::time::{Duration, Instant};

use crate::http::Kept;
use crate::model::{DeliveryKind, Header, NewDelivery, RequestSummary, ResponseRecord, Timestamp};
use crate::store::{Committed, DeliverySlot};

/// The status recorded as what the caller got when hookcap could not relay
/// an answer.
const BAD_GATEWAY: u16 = 502;

/// One forward's delivery record while it is being made.
pub(super) struct Recording {
    slot: Option<DeliverySlot>,
    delivery: NewDelivery,
    body: Kept,
    summary: Option<RequestSummary>,
    /// When the request went out.
    pub started: Instant,
}

impl Recording {
    /// A record for the forward of request `request_id` to `destination`;
    /// answer bodies are kept up to `max_record` bytes. `summary` is
    /// broadcast once the delivery is committed.
    pub fn start(
        slot: Option<DeliverySlot>,
        request_id: i64,
        destination: String,
        max_record: usize,
        summary: Option<RequestSummary>,
    ) -> Self {
        Self {
            slot,
            summary,
            delivery: NewDelivery {
                request_id,
                kind: DeliveryKind::Forward,
                destination,
                started_at: Timestamp::now(),
                duration: Duration::ZERO,
                response: None,
                response_truncated: false,
                error: None,
            },
            body: Kept::new(max_record),
            started: Instant::now(),
        }
    }

    /// Where the request went.
    pub fn destination(&self) -> &str {
        &self.delivery.destination
    }

    /// True once the app's answer head is recorded.
    pub fn answered(&self) -> bool {
        self.delivery.response.is_some()
    }

    /// The request this is the delivery of.
    pub fn request_id(&self) -> i64 {
        self.delivery.request_id
    }

    /// Records the app's status and header fields, as the app sent them.
    pub fn answer_head(&mut self, status: u16, headers: Vec<Header>) {
        self.delivery.response = Some(ResponseRecord {
            status,
            headers,
            body: Vec::new(),
        });
    }

    /// Keeps a copy of relayed body bytes, up to the limit.
    pub fn keep(&mut self, data: &[u8]) {
        self.body.keep(data);
    }

    /// Records an attempt that failed with `error`; `answer` is what
    /// hookcap answered the caller itself.
    pub fn fail(mut self, error: String, answer: ResponseRecord) -> Option<Committed> {
        self.delivery.error = Some(error);
        self.record(answer)
    }

    /// Records a relayed answer once its body has ended (or failed with `error`).
    pub fn finish(mut self, error: Option<String>) -> Option<Committed> {
        self.delivery.error = error;
        let status = self.delivery.status().unwrap_or(BAD_GATEWAY);
        // The app's headers and body are stored once, in the delivery.
        let answer = ResponseRecord {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        };
        self.record(answer)
    }

    /// Queues the delivery; `answer` is what the caller got, stored on the request.
    fn record(mut self, answer: ResponseRecord) -> Option<Committed> {
        self.delivery.duration = self.started.elapsed();
        self.delivery.response_truncated = self.body.truncated;
        if let Some(response) = self.delivery.response.as_mut() {
            response.body = std::mem::take(&mut self.body.bytes);
        }
        let slot = self.slot?;
        Some(slot.record(self.delivery, Some(answer), self.summary))
    }
}
