//! hookcap: capture, inspect, verify, replay and send webhooks.
//!
//! Data flows one way: [`capture`] → [`store`] (one writer) → readers
//! (`ls`, `show`, the TUI, `wait`). The capture path never waits on a reader.
//! In forward mode the capture path also passes each stored request on to
//! the app ([`upstream`] holds the rules) and records the app's answer as a
//! delivery through the same writer; [`replay`] sends stored requests again.

#![forbid(unsafe_code)]

pub mod capture;
pub mod cli;
pub mod commands;
pub mod document;
pub mod error;
pub mod export;
pub mod filter;
pub mod model;
pub mod relay;
pub mod render;
pub mod replay;
pub mod send;
pub mod sign;
pub mod store;
pub mod tui;
pub mod upstream;
