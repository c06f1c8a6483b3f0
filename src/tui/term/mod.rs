//! The terminal room: plumbing that knows nothing of requests or panes.
//!
//! - [`event_loop`]: the one loop (input, draw, effects, tick), generic over
//!   the app it runs ([`event_loop::TerminalApp`]);
//! - [`guard`]: raw mode and the alternate screen, restored on quit, error
//!   or panic;
//! - [`effect`] and [`clipboard`]: what an app asks of the terminal (OSC 52
//!   copies);
//! - [`log_sink`]: log lines kept off the screen while the inspector runs.

pub mod clipboard;
pub mod effect;
pub mod event_loop;
pub mod guard;
pub mod log_sink;
