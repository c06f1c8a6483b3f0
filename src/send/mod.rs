//! Sending requests: build them like curl, fill them from provider templates,
//! sign them, send them (once, or many times at once) and summarize the answers.
//!
//! The flow for one request:
//!
//! ```text
//! Draft (from the command line) ──prepare(fresh values, signer)──▶ Prepared
//!        (url, header edits,                                       (every header in
//!         body spec or template)                                    wire order, exact body)
//!                                                  ──client::execute──▶ Exchange
//! ```
//!
//! A [`Prepared`] request is the single source of truth: it is what goes on the
//! wire, what `-v` prints and what `--json-result` reports, so they cannot differ.
//! The only headers hookcap does not control are ones the HTTP stack adds when
//! the user removes them (`-H 'Host:'`). Header names go out in Title-Case
//! (`X-Github-Event`): HTTP/1.1 names are case-insensitive, and reqwest/hyper do
//! not let a client choose the case per header.

pub mod client;
pub mod direct;
pub mod fresh;
pub mod load;
pub mod multipart;
pub mod request;
pub mod retry;
pub mod summary;
pub mod templates;
mod url;

pub use client::{ClientOptions, Exchange, WireRequest, build_client};
pub use fresh::SystemFresh;
pub use request::{BodySpec, Draft, Prepared};
pub use url::{expand_url, with_query};

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
