//! Named limits that keep a hostile or broken client from hurting the listener.

use std::time::Duration;

/// Per-request and per-connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bodies longer than this are answered `413`; the first `max_body` bytes
    /// are still stored, marked truncated.
    pub max_body: u64,
    /// A client that has not sent a complete request head within this time
    /// (counted from the first byte of it, or from the previous response) is
    /// disconnected.
    pub header_read_timeout: Duration,
    /// A body that stalls (no bytes) for this long is cut off: what arrived is
    /// stored, marked truncated, and the caller gets `408`.
    pub body_idle_timeout: Duration,
    /// How long shutdown waits for in-flight requests before giving up on them.
    pub drain_timeout: Duration,
}

/// The default body limit: 16 MiB.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: DEFAULT_MAX_BODY,
            header_read_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(10),
        }
    }
}
