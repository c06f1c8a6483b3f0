//! Sending requests: build them like curl, fill them from provider templates,
//! sign them, send them (once, or many times at once) and summarize the answers.
//!
//! The flow for one request:
//!
//! ```text
//! Draft (from the command line) ──prepare(fresh values, signer)──▶ Prepared
//!        (url, header edits,                                       (every header in
//!         body spec or template)                                    wire order, exact body)
//!                                              ──Transport::execute──▶ Exchange
//! ```
//!
//! A [`Prepared`] request is the single source of truth: it is what goes on the
//! wire, byte for byte (the writer of [`crate::http`] adds, drops, re-cases and
//! regroups nothing), what `-v` prints and what `--json-result` reports, so they
//! cannot differ. Only a proxy sees more: the absolute-form target and its
//! `Proxy-Authorization`. The head is the one curl 7.88 sends for the same
//! options, `User-Agent` aside: names as typed, `-H` lines verbatim, curl's
//! order (see [`request`]).
//!
//! The answer's body is read as it arrives into a [`BodySink`] (kept up to a
//! cap, written to `-o`, or dropped), never past `--max-response`.

pub mod client;
pub mod data;
mod decode;
pub mod fresh;
pub mod load;
pub mod multipart;
pub mod request;
pub mod retry;
pub mod sink;
pub mod summary;
pub mod templates;
mod url;

pub use client::{ClientOptions, Exchange, WireRequest};
pub use fresh::SystemFresh;
pub use request::{BodySpec, Draft, Prepared};
pub use sink::BodySink;
pub use url::{append_query, with_query};

/// Why a request could not be built. Every variant is the user's to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// An option's value is malformed.
    #[error("{0}")]
    Invalid(String),
    /// A file named with `@FILE` (or `<FILE`) cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The path as given.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// Signing failed (secret unusable for the scheme, URL missing…).
    #[error("cannot sign: {0}")]
    Sign(#[from] crate::sign::SignError),
}
