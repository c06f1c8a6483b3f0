//! Terminal output of captured requests.
//!
//! Everything hookcap captures is attacker-controlled: method, target, header
//! names and values, bodies. The one rule of this module: **captured data reaching
//! a terminal always goes through [`sanitize()`], [`sanitize_multiline`] or
//! [`sanitize_bytes`]** (or a view built on them, like [`body::render_body`] or
//! [`headers::headers_block`]), so no escape sequence, carriage return, C1 or bidi
//! control from a request is ever interpreted by the terminal. [`Paint`] adds
//! color and, as a safety net, sanitizes what it paints (keeping newlines).
//!
//! What the sanitizers write instead of a dangerous character:
//!
//! | input                                  | output                     |
//! |----------------------------------------|----------------------------|
//! | `\n` `\r` `\t`                         | `\n` `\r` `\t` (two chars) |
//! | other C0 controls and DEL (U+007F)     | `\x1b`, `\x00`, `\x7f`     |
//! | C1 controls (U+0080..=U+009F)          | `\u{9b}`                   |
//! | bidi controls (U+061C, U+200E, U+200F, U+202A..=U+202E, U+2066..=U+2069) | `\u{202e}` |
//! | invalid UTF-8 byte (byte inputs only)  | `\xff`                     |
//!
//! Backslashes are kept as they are, so the text `\x1b` and an escaped ESC look
//! alike; see [`sanitize()`].
//!
//! Rendering is display only: stored bytes are never modified.

pub mod body;
pub mod color;
mod encoding;
mod form;
pub mod headers;
mod hex;
mod json;
mod sanitize;
pub mod styled;
pub mod summary;
#[cfg(test)]
mod testutil;

pub use body::{BodyKind, BodyOptions, render_body};
pub use color::{ColorChoice, Paint, Style};
pub use form::parse_form;
pub use headers::headers_block;
pub use sanitize::{
    is_dangerous, sanitize, sanitize_bytes, sanitize_bytes_multiline, sanitize_multiline,
};
