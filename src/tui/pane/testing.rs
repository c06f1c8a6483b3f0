//! Fixtures shared by the panes' tests.

use crate::model::{RequestSummary, Timestamp};

/// A row of the list: request `id`, a `POST /{id}` answered 200, received
/// at `id` microseconds.
pub fn summary(id: i64) -> RequestSummary {
    RequestSummary {
        id,
        session_id: 1,
        received_at: Timestamp(id),
        method: "POST".into(),
        target: format!("/{id}"),
        status: 200,
        body_size: 0,
        truncated: false,
        content_type: None,
        signature: None,
        rejected: None,
        delivery: None,
    }
}
