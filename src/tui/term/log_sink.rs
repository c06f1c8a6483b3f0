//! Where log lines go while the TUI owns the terminal.
//!
//! `tracing` writes through [`LogRouter`]. Normally that is stderr; while the
//! inspector is on screen ([`capture`] on) each line goes into a small bounded
//! buffer instead, so no log line scribbles over the screen. The inspector
//! shows new lines in its status line ([`drain`]) and prints them again on
//! stderr once the terminal is restored, so warnings such as "store write
//! failed, answering 503" are never lost.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::fmt::MakeWriter;

/// Lines kept while nobody drains them (older ones are dropped).
pub const MAX_BUFFERED: usize = 256;

static CAPTURING: AtomicBool = AtomicBool::new(false);
static BUFFER: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

/// The `tracing` writer: stderr, or the buffer while capturing.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogRouter;

impl<'a> MakeWriter<'a> for LogRouter {
    type Writer = RoutedWriter;

    fn make_writer(&'a self) -> RoutedWriter {
        if CAPTURING.load(Ordering::SeqCst) {
            RoutedWriter::Buffer(Vec::new())
        } else {
            RoutedWriter::Stderr(io::stderr())
        }
    }
}

/// One log event's writer; a buffered event is stored when it is dropped.
pub enum RoutedWriter {
    /// Straight to stderr.
    Stderr(io::Stderr),
    /// Collected, then pushed into the buffer.
    Buffer(Vec<u8>),
}

impl Write for RoutedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Stderr(e) => e.write(buf),
            Self::Buffer(b) => b.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Stderr(e) => e.flush(),
            Self::Buffer(_) => Ok(()),
        }
    }
}

impl Drop for RoutedWriter {
    fn drop(&mut self) {
        if let Self::Buffer(bytes) = self {
            let text = strip_sgr(&String::from_utf8_lossy(bytes));
            let mut buffer = BUFFER.lock().unwrap_or_else(|e| e.into_inner());
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                if buffer.len() == MAX_BUFFERED {
                    buffer.pop_front();
                }
                buffer.push_back(line.trim_end().to_owned());
            }
        }
    }
}

/// Starts (`true`) or stops buffering log lines.
pub fn capture(on: bool) {
    CAPTURING.store(on, Ordering::SeqCst);
}

/// Takes every buffered line, oldest first.
pub fn drain() -> Vec<String> {
    let mut buffer = BUFFER.lock().unwrap_or_else(|e| e.into_inner());
    buffer.drain(..).collect()
}

/// `s` without `ESC [ … m` color codes (the formatter adds them for terminals).
fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(|c: char| !c.is_ascii_digit() && c != ';') {
            Some(e) if after[e..].starts_with('m') => rest = &after[e + 1..],
            _ => {
                // Not a color code: keep it, the sanitizer will show it escaped.
                out.push_str("\x1b[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_codes_are_stripped_and_other_escapes_kept() {
        assert_eq!(strip_sgr("\x1b[33m WARN\x1b[0m x"), " WARN x");
        assert_eq!(strip_sgr("a\x1b[2Jb"), "a\x1b[2Jb");
    }

    #[test]
    fn buffered_writes_become_lines_and_drain_in_order() {
        // The only test that touches the global switch.
        capture(true);
        for text in ["\x1b[31mERROR\x1b[0m first\n", "second\n\n"] {
            let mut w = LogRouter.make_writer();
            w.write_all(text.as_bytes()).unwrap();
        }
        capture(false);
        let lines = drain();
        assert_eq!(lines, ["ERROR first", "second"]);
        assert!(matches!(LogRouter.make_writer(), RoutedWriter::Stderr(_)));
    }
}
