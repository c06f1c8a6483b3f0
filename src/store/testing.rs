//! Test helpers of the store room: requests and deliveries to store (also used
//! by the TUI's tests, which read a store).

use std::time::Duration;

use crate::model::{DeliveryKind, Header, NewDelivery, NewRequest, ResponseRecord, Timestamp};

/// A captured request answered `200`, received 2023-11-14, with one header.
pub fn request(session_id: i64, method: &str, target: &str, body: &[u8]) -> NewRequest {
    NewRequest {
        session_id,
        received_at: Timestamp(1_700_000_000_000_000),
        method: method.into(),
        target: target.into(),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:5000".into(),
        headers: vec![Header::new("X-Token", "Secret-Value")],
        body: body.to_vec(),
        truncated: false,
        response: ResponseRecord {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        },
        signature: None,
        rejected: None,
    }
}

/// A replay of `request_id` that got `response`, or was refused when there is none.
pub fn delivery(request_id: i64, response: Option<ResponseRecord>) -> NewDelivery {
    NewDelivery {
        request_id,
        kind: DeliveryKind::Replay,
        destination: "http://app/hook".into(),
        started_at: Timestamp(5),
        duration: Duration::from_micros(1234),
        error: response.is_none().then(|| "connection refused".into()),
        response,
        response_truncated: false,
    }
}
