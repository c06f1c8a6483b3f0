//! How request rows read back: the column lists readers select and the
//! mappers that turn a row into a record, shared by listings (`queries`),
//! filtered selections (`select`) and deliveries.

use std::time::Duration;

use rusqlite::Row;

use crate::model::{
    CapturedRequest, NewRequest, Outcome, RequestSummary, ResponseRecord, SignatureCheck,
    Timestamp, decode_headers,
};

/// The columns [`summary_row`] reads.
pub(super) const SUMMARY_COLUMNS: &str = "id, session_id, received_at, method, target, status, body_size, truncated, \
     content_type, sig_provider, sig_outcome, sig_reason, rejected";

/// Requests with their live checks, if any (a primary-key lookup per row).
pub(super) const REQUESTS: &str = "requests LEFT JOIN checks ON checks.request_id = requests.id";

/// The columns [`full_row`] reads.
pub(super) const FULL_COLUMNS: &str = "id, session_id, received_at, method, target, http_version, \
    remote_addr, headers, body, truncated, status, response_headers, response_body, \
    sig_provider, sig_outcome, sig_reason, rejected";

/// A listing row (columns [`SUMMARY_COLUMNS`] of [`REQUESTS`]) as a summary.
pub(super) fn summary_row(r: &Row<'_>) -> rusqlite::Result<RequestSummary> {
    Ok(RequestSummary {
        id: r.get(0)?,
        session_id: r.get(1)?,
        received_at: Timestamp(r.get(2)?),
        method: r.get(3)?,
        target: r.get(4)?,
        status: r.get(5)?,
        body_size: r.get::<_, i64>(6)?.max(0) as u64,
        truncated: r.get(7)?,
        content_type: r.get(8)?,
        signature: signature_at(r, 9)?,
        rejected: r.get(12)?,
        delivery: None,
    })
}

/// The signature check in columns `i..i+3` (provider, outcome, reason), if any.
fn signature_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<SignatureCheck>> {
    let provider: Option<String> = r.get(i)?;
    let outcome: Option<String> = r.get(i + 1)?;
    Ok(
        match (provider, outcome.as_deref().and_then(Outcome::parse)) {
            (Some(provider), Some(outcome)) => Some(SignatureCheck {
                provider,
                outcome,
                reason: r.get::<_, Option<String>>(i + 2)?.unwrap_or_default(),
            }),
            _ => None,
        },
    )
}

/// A full row (columns [`FULL_COLUMNS`] of [`REQUESTS`]) as a captured request.
pub(super) fn full_row(r: &Row<'_>) -> rusqlite::Result<CapturedRequest> {
    let request = NewRequest {
        session_id: r.get(1)?,
        received_at: Timestamp(r.get(2)?),
        method: r.get(3)?,
        target: r.get(4)?,
        http_version: r.get(5)?,
        remote_addr: r.get(6)?,
        headers: decode_headers(&r.get::<_, Vec<u8>>(7)?),
        body: r.get(8)?,
        truncated: r.get(9)?,
        response: ResponseRecord {
            status: r.get(10)?,
            headers: decode_headers(&r.get::<_, Vec<u8>>(11)?),
            body: r.get(12)?,
        },
        signature: signature_at(r, 13)?,
        rejected: r.get(16)?,
    };
    Ok(CapturedRequest {
        id: r.get(0)?,
        request,
    })
}

/// A stored duration; negative values (never written) read as zero.
pub(super) fn duration_of(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}
