//! TEMPORARY: replaced by the render branch.
pub mod color;
pub mod headers;
pub mod sanitize;
pub use sanitize::{sanitize, sanitize_bytes, sanitize_multiline};
pub mod body;
pub mod summary;
