//! Test helpers of the export room.

use crate::model::{CapturedRequest, Header, NewRequest, ResponseRecord, Timestamp};

/// A captured request for format tests.
pub fn sample(
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> CapturedRequest {
    CapturedRequest {
        id: 1,
        request: NewRequest {
            session_id: 1,
            received_at: Timestamp(1_767_323_045_123_456),
            method: method.into(),
            target: target.into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:5000".into(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            body: body.to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: 200,
                headers: vec![Header::new("Content-Length", "0")],
                body: vec![],
            },
            signature: None,
            rejected: None,
        },
    }
}
