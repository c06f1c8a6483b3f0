//! Rows that several tabs are built from: a `label  value` fact and a
//! status with its reason.

use ratatui::text::{Line, Span};

use crate::tui::pane::theme;

/// A `label  value` row; `value` must be sanitized.
pub fn fact(label: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<10}"), theme::dim()),
        Span::raw(value.into()),
    ])
}

/// `200 OK`.
pub fn status_text(status: u16) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}
