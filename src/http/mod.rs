//! Outgoing HTTP: everything hookcap sends to another server goes through
//! this room (`send`, `forward`, `replay`, and the TUI's `r` through replay).
//!
//! - [`Target`]: where requests go (scheme, host, port, the authority sent
//!   as `Host`, a base path), parsed from a forward/replay target or a
//!   `send` URL.
//! - [`writer`]: the byte-exact request writer. Header fields go out in the
//!   order and case given, duplicates included; callers set what they need
//!   (`Host`, `Content-Length`) on the list first, so what they show is
//!   what was sent.
//! - [`Conn::read_head`] and [`Body`]: the response reader, head apart from
//!   body, bounded by the room's own limits (`limits.rs`); bodies can be
//!   streamed.
//! - [`Connector`] and [`Conn`]: TCP, TLS (rustls with ring, the system's
//!   roots loaded on the first `https` connection, or `-k`), and proxies
//!   from the environment.
//! - [`exchange`] and [`Client`]: one request on a kept-alive connection
//!   (a worker's own, or from a small pool), retried once on a fresh
//!   connection when a kept one went stale.
//! - [`hop`]: the hop-by-hop fields a proxy drops.
//!
//! HTTP/1.1 only. Nothing here knows about capture or storage.

mod conn;
mod error;
pub mod hop;
mod limits;
mod polled;
mod pool;
mod response;
mod target;
pub mod tls;
pub mod writer;

pub use conn::{Conn, ConnectOptions, Connector, Request};
pub use error::{Error, ErrorKind};
pub use polled::PolledBody;
pub use pool::{Client, Response, exchange};
pub use response::{Body, Kept, ResponseHead, StreamError};
pub use target::{Target, expand_shorthand};
