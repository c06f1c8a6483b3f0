//! Reading a request body within hookcap's limits: at most `--max-body`
//! bytes, all of it within `--body-timeout`, and its buffer's memory taken
//! from the shared [`BodyBudget`] before it grows.

use http_body_util::BodyExt;
use hyper::StatusCode;
use hyper::body::{Body, Incoming};

use super::Limits;
use super::budget::{BodyBudget, Held};
use super::shape;
use crate::model::{Header, ResponseRecord};

/// The most body memory reserved up front from a request's `Content-Length`.
const PREALLOCATE_MAX: u64 = 256 * 1024;

/// How reading a body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyEnd {
    /// The whole body arrived.
    Complete,
    /// It was longer than the limit; only the start was kept.
    OverLimit,
    /// The whole body did not arrive within `--body-timeout`.
    TimedOut,
    /// Keeping more would have put the bodies in flight over `--max-inflight-body`.
    OverBudget,
    /// The connection failed or the framing was broken.
    Broken,
}

/// The body as read: at most the limit, how reading ended, and the budget it
/// holds until dropped.
pub(super) struct ReadBody<'a> {
    pub bytes: Vec<u8>,
    pub end: BodyEnd,
    pub held: Held<'a>,
}

impl BodyEnd {
    /// hookcap's own answer to a body that did not arrive whole, and why it
    /// refused the request when that is not the sender's doing.
    pub fn refusal(self, budget: &BodyBudget) -> Option<(ResponseRecord, Option<String>)> {
        let record = |status, text: &str| shape::plain_record(status, text);
        Some(match self {
            Self::Complete => return None,
            Self::OverLimit => (
                record(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request body exceeds hookcap's --max-body limit\n",
                ),
                None,
            ),
            Self::TimedOut => (
                record(
                    StatusCode::REQUEST_TIMEOUT,
                    "request body not received within hookcap's --body-timeout\n",
                ),
                None,
            ),
            Self::Broken => (
                record(StatusCode::BAD_REQUEST, "request body could not be read\n"),
                None,
            ),
            Self::OverBudget => {
                let mut answer = record(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "hookcap is holding too many request bodies; retry later\n",
                );
                answer.headers.push(Header::new("Retry-After", "1"));
                let size = bytesize::ByteSize::b(budget.limit()).display().iec();
                let why = format!("request bodies in flight reached --max-inflight-body ({size})");
                (answer, Some(why))
            }
        })
    }
}

/// Reads the body up to `limits.max_body` bytes, giving up on a client that
/// has not sent all of it within `limits.body_timeout` (a deadline for the
/// whole body, so a body dripped a byte at a time is cut off too), and on a
/// body whose buffer cannot grow within `budget`.
pub(super) async fn read_body<'a>(
    mut body: Incoming,
    limits: &Limits,
    budget: &'a BodyBudget,
) -> ReadBody<'a> {
    let max = usize::try_from(limits.max_body).unwrap_or(usize::MAX);
    // Grow towards the announced length, but trust it only so far up front:
    // a sender could announce 16 MiB and send nothing.
    let announced = body
        .size_hint()
        .exact()
        .and_then(|n| usize::try_from(n).ok());
    let cap = announced.unwrap_or(max).min(max);
    let mut held = budget.start();
    let mut bytes = Vec::new();
    let reserve = body
        .size_hint()
        .lower()
        .min(limits.max_body)
        .min(PREALLOCATE_MAX);
    if reserve > 0 && held.grow(reserve) {
        bytes.reserve_exact(reserve as usize);
    }
    let deadline = tokio::time::Instant::now() + limits.body_timeout;
    let end = loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => break BodyEnd::TimedOut,
            Ok(None) => break BodyEnd::Complete,
            Ok(Some(Err(e))) => {
                tracing::debug!("body read failed: {e}");
                break BodyEnd::Broken;
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let take = data.len().min(max.saturating_sub(bytes.len()));
        if !make_room(&mut bytes, take, cap, &mut held) {
            break BodyEnd::OverBudget;
        }
        bytes.extend_from_slice(&data[..take]);
        if take < data.len() {
            break BodyEnd::OverLimit;
        }
    };
    ReadBody { bytes, end, held }
}

/// Makes room in `bytes` for `more` bytes, taking the growth from the budget
/// first: doubling, but not past `cap` (the announced length, or the limit)
/// unless the body outgrows it.
fn make_room(bytes: &mut Vec<u8>, more: usize, cap: usize, held: &mut Held<'_>) -> bool {
    let need = bytes.len() + more;
    if need <= bytes.capacity() {
        return true;
    }
    let target = bytes.capacity().saturating_mul(2).min(cap).max(need);
    if !held.grow((target - bytes.capacity()) as u64) {
        return false;
    }
    bytes.reserve_exact(target - bytes.len());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_grows_by_doubling_up_to_the_announced_length_within_the_budget() {
        let budget = BodyBudget::new(1000);
        let mut held = budget.start();
        let mut bytes = Vec::new();
        assert!(make_room(&mut bytes, 100, 600, &mut held));
        bytes.extend_from_slice(&[0; 100]);
        assert!(make_room(&mut bytes, 150, 600, &mut held));
        assert!(
            bytes.capacity() >= 250,
            "grown to what is needed, past double"
        );
        bytes.extend_from_slice(&[0; 150]);
        assert!(make_room(&mut bytes, 300, 600, &mut held));
        assert!(
            bytes.capacity() >= 550 && budget.held() <= 600,
            "{}",
            budget.held()
        );
        bytes.extend_from_slice(&[0; 300]);
        // A second body cannot take what is left plus more.
        let mut other = budget.start();
        let mut second = Vec::new();
        assert!(!make_room(&mut second, 500, 600, &mut other));
        assert!(
            second.capacity() < 500,
            "nothing allocated beyond the budget"
        );
    }
}
