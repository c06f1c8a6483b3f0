//! Named limits for what hookcap reads back from the servers it sends to.
//!
//! An answer comes from a server hookcap does not control (an app under
//! development, a test endpoint, anything `send` is pointed at), so every
//! buffer is bounded. These are the outbound side's own limits; the capture
//! side has its own for what callers send.

use std::time::Duration;

/// The largest answer head (status line and header fields) read: 64 KiB.
pub const MAX_RESPONSE_HEAD: usize = 64 * 1024;

/// The most header fields an answer may have.
pub const MAX_RESPONSE_HEADERS: usize = 256;

/// The longest chunk-size line of a chunked body (extensions included).
pub const MAX_CHUNK_LINE: usize = 4 * 1024;

/// The most trailer bytes after a chunked body.
pub const MAX_TRAILERS: usize = 64 * 1024;

/// How much is read from a connection at a time; also the size of the body
/// pieces handed on.
pub const READ_SIZE: usize = 64 * 1024;

/// Bodies up to this size go out in the same write as the request head.
pub const COALESCE_BODY: usize = 64 * 1024;

/// How long an idle kept-alive connection stays in a pool.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The most idle connections a pool keeps.
pub const POOL_MAX_IDLE: usize = 256;
