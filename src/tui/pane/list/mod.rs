//! The request list: a bounded window of rows onto the store
//! ([`window::ListWindow`]) and how it is drawn ([`draw`]), one row per
//! request, newest at the bottom.

pub mod draw;
pub mod window;
