//! Terminal output of captured requests.
//!
//! Everything hookcap captures is attacker-controlled, so every view here is
//! built on [`crate::sanitize`] (the terminal-safety rule of the whole program):
//! no escape sequence, carriage return, C1 or bidi control from a request is
//! ever interpreted by the terminal. [`Paint`] adds color and, as a safety net,
//! sanitizes what it paints (keeping newlines).
//!
//! Rendering is display only: stored bytes are never modified.

pub mod body;
pub mod color;
mod encoding;
mod form;
pub mod headers;
mod hex;
mod json;
pub mod multipart;
pub mod styled;
pub mod summary;
#[cfg(test)]
mod testing;
