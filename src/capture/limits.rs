//! Named limits that keep a hostile or broken client from hurting the listener.

use std::time::Duration;

/// Per-request and per-connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bodies longer than this are answered `413`; the first `max_body` bytes
    /// are still stored, marked truncated.
    pub max_body: u64,
    /// A client that has not sent a complete request head within this time
    /// (counted from when hyper starts waiting for it: the connection's start,
    /// or the previous response; bytes arriving meanwhile do not extend it) is
    /// disconnected.
    pub header_read_timeout: Duration,
    /// A body not received in full within this time (counted from its head)
    /// is cut off, however steadily it drips: what arrived is stored, marked
    /// truncated, and the caller gets `408`.
    pub body_timeout: Duration,
    /// How long shutdown waits for in-flight requests before giving up on them.
    pub drain_timeout: Duration,
    /// The most connections open at once (`None`: derived from the descriptor
    /// limit, see [`super::conns::default_max_connections`]). At the cap the
    /// idlest or slowest connection is shed for a new one.
    pub max_connections: Option<usize>,
    /// The most memory all request bodies in flight may hold together; a
    /// body that would go beyond is cut off and answered `503`.
    pub max_inflight_body: u64,
}

/// The default body limit: 16 MiB.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: DEFAULT_MAX_BODY,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(5),
            max_connections: None,
            max_inflight_body: super::DEFAULT_MAX_INFLIGHT_BODY,
        }
    }
}
