//! The data room: what the inspector reads and sends, apart from what it
//! shows.
//!
//! - [`source`]: pages of requests from the store (keyset queries bounded
//!   by time) and the live feed that says new ones arrived or were delivered;
//! - [`count`]: the count of what the list shows, on a thread of its own;
//! - [`rate`]: arrivals per second over the last minute;
//! - [`replays`]: `r` and `R` sent in the background and recorded as
//!   deliveries.

pub mod count;
pub mod rate;
pub mod replays;
pub mod source;
