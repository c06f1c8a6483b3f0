//! The data room: what the inspector reads and sends, apart from what it
//! shows.
//!
//! - [`source`]: pages of requests from the store (keyset queries bounded
//!   by time) and the live feed that says new ones arrived or were delivered;
//! - [`count`]: the count of what the list shows, on a thread of its own;
//! - [`facts`]: the webhook facts of the list's rows (event, attempt), read
//!   a batch at a time;
//! - [`rate`]: arrivals per second over the last minute;
//! - [`replays`]: `r` and `R` sent in the background and recorded as
//!   deliveries.

pub mod count;
pub mod facts;
pub mod rate;
pub mod replays;
pub mod source;
