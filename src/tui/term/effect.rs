//! What an app asks the event loop to do on the terminal itself, so the app
//! runs in tests without one.

use std::io::{self, Write};

use super::clipboard::osc52;

/// Something for the event loop to do on the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put these bytes on the clipboard (OSC 52).
    Clipboard(Vec<u8>),
}

/// Performs an effect on the real terminal.
pub fn perform(effect: Effect) -> io::Result<()> {
    match effect {
        Effect::Clipboard(bytes) => {
            let mut out = io::stdout().lock();
            out.write_all(osc52(&bytes).as_bytes())?;
            out.flush()
        }
    }
}
