//! What the status line says, and the log lines kept while the inspector
//! runs.

use std::time::{Duration, Instant};

use crate::tui::pane::status::Message;

/// How long a confirmation or error stays in the status line.
pub const MESSAGE_TTL: Duration = Duration::from_secs(5);
/// Log lines kept to print again after the inspector closes.
const MAX_LOG_LINES: usize = 200;

/// The status-line message and the log lines seen.
#[derive(Debug, Default)]
pub struct Status {
    /// The status-line message.
    pub message: Option<Message>,
    /// Log lines seen while running, to print after the terminal is restored.
    pub logs: Vec<String>,
}

impl Status {
    /// A confirmation in the status line.
    pub fn say(&mut self, text: impl Into<String>) {
        self.show(text.into(), false);
    }

    /// An error in the status line.
    pub fn say_error(&mut self, text: impl Into<String>) {
        self.show(text.into(), true);
    }

    /// A log line written while the inspector runs: shown, and kept for later.
    pub fn log(&mut self, line: String) {
        let is_error = line.contains("ERROR") || line.contains("WARN");
        if self.logs.len() == MAX_LOG_LINES {
            self.logs.remove(0);
        }
        self.logs.push(line.clone());
        self.show(line, is_error);
    }

    /// Drops the message once it has been shown for [`MESSAGE_TTL`]; true
    /// when it did.
    pub fn expire(&mut self, now: Instant) -> bool {
        let expired = self
            .message
            .as_ref()
            .is_some_and(|m| now.saturating_duration_since(m.at) >= MESSAGE_TTL);
        if expired {
            self.message = None;
        }
        expired
    }

    fn show(&mut self, text: String, is_error: bool) {
        self.message = Some(Message {
            text,
            is_error,
            at: Instant::now(),
        });
    }
}
