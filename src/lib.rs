//! hookcap: capture, inspect, verify, replay and send webhooks.

#![forbid(unsafe_code)]

pub mod model;
pub mod sign;
