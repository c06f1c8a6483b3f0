//! Why an exchange failed, by the stage it failed in.

use std::fmt;

/// The stage an exchange failed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No connection: refused, unreachable, name not resolved, a proxy that
    /// would not tunnel, or the connect timeout.
    Connect,
    /// The TLS handshake failed (e.g. an untrusted certificate).
    Tls,
    /// The request could not be written.
    Write,
    /// The connection closed before any byte of an answer arrived.
    Closed,
    /// The answer's head was not valid HTTP/1 or was over a limit.
    Head,
    /// The answer's body broke off or was badly framed.
    Body,
    /// The answer's body was larger than the caller's limit.
    TooLarge,
}

/// A failed exchange: its stage and a one-line description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// The stage.
    pub kind: ErrorKind,
    /// What happened, with its cause.
    pub message: String,
}

impl Error {
    /// An error of `kind` described by `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// An error of `kind`: `what: cause`.
    pub fn caused(kind: ErrorKind, what: impl fmt::Display, cause: impl fmt::Display) -> Self {
        Self::new(kind, format!("{what}: {cause}"))
    }

    /// True when the server cannot have seen the request, or closed a reused
    /// connection without answering: sending again on a fresh connection is
    /// what every HTTP client does for a kept-alive connection that went stale.
    pub fn stale_connection(&self) -> bool {
        matches!(self.kind, ErrorKind::Write | ErrorKind::Closed)
    }
}
