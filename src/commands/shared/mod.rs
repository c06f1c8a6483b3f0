//! What more than one command reads from its arguments, or prints the same
//! way, in one place: commands take these from here, never from each other.
//!
//! - [`filter`]: filter terms and the filter flags.
//! - [`input`]: `-H 'Name: value'` and `TEXT|@FILE`.
//! - [`lookup`]: a request id, or `last`.
//! - [`report`]: counts of requests, `--vacuum` and the space given back.
//! - [`secret`]: `--secret`, `--secret-env`, `--secret-file`, `HOOKCAP_SECRET`,
//!   and the generic HMAC options.
//! - [`signal`]: the signals that stop `listen`, `forward` and `relay`.

pub(crate) mod filter;
pub(crate) mod input;
pub(crate) mod lookup;
pub(crate) mod report;
pub(crate) mod secret;
pub(crate) mod signal;
