//! The relay end to end on loopback: a real `hookcap relay` serving HTTPS with
//! a certificate made for the test, real `listen --via` / `forward --via`
//! clients, raw TLS senders.

mod harness;

mod app;
mod bytes;
mod consumers;
mod edge;
mod loss;
mod security;
