//! Copying through the terminal: the OSC 52 escape sequence.
//!
//! `ESC ] 52 ; c ; BASE64 BEL` asks the terminal to put the decoded bytes on
//! the system clipboard. It needs no library or display server and works
//! over SSH and in tmux (with `set-clipboard on`). Terminals cap the length,
//! so payloads are limited to [`MAX_CLIPBOARD_BYTES`].

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// The most bytes copied at once (many terminals accept no more).
pub const MAX_CLIPBOARD_BYTES: usize = 1024 * 1024;

/// The escape sequence that puts `bytes` on the clipboard. Its only
/// variable part is base64, so captured data cannot break out of it.
pub fn osc52(bytes: &[u8]) -> String {
    format!("\x1b]52;c;{}\x07", B64.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_base64_between_the_osc_and_bel() {
        assert_eq!(osc52(b"hi\x1b\x07"), "\x1b]52;c;aGkbBw==\x07");
    }
}
