//! Test helpers of the model: a captured request to build on.

use super::{Header, NewRequest, ResponseRecord, Timestamp};

/// A `POST` to `target` with these headers and body, received at the epoch
/// and answered `200` with nothing.
pub fn post(target: &str, headers: &[(&str, &str)], body: &str) -> NewRequest {
    NewRequest {
        session_id: 1,
        received_at: Timestamp(0),
        method: "POST".into(),
        target: target.into(),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:1".into(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        body: body.as_bytes().to_vec(),
        truncated: false,
        response: ResponseRecord {
            status: 200,
            headers: vec![],
            body: vec![],
        },
        signature: None,
        rejected: None,
    }
}
