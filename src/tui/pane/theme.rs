//! Colors and styles of the inspector, in one place.
//!
//! Method and status colors follow [`crate::render::color`], so the inspector
//! and the headless output agree.

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use crate::render::color::{self, Style as Paint};
use crate::render::styled::Role;

/// The ratatui color of one of the core's ANSI styles.
pub fn color_of(style: Paint) -> Style {
    match style {
        Paint::Bold => Style::new().add_modifier(Modifier::BOLD),
        Paint::Dim => dim(),
        Paint::Red => Style::new().fg(Color::Red),
        Paint::Green => Style::new().fg(Color::Green),
        Paint::Yellow => Style::new().fg(Color::Yellow),
        Paint::Blue => Style::new().fg(Color::Blue),
        Paint::Magenta => Style::new().fg(Color::Magenta),
        Paint::Cyan => Style::new().fg(Color::Cyan),
    }
}

/// A method's color: GET green, POST yellow, PUT/PATCH blue, DELETE red, others magenta.
pub fn method(method: &str) -> Style {
    color_of(color::method_style(method)).add_modifier(Modifier::BOLD)
}

/// A status code's color by class.
pub fn status(status: u16) -> Style {
    color::status_style(status).map_or_else(Style::new, color_of)
}

/// Secondary text: labels, notes, hints.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// Keys in hints and help.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The selected list row.
pub fn selected(focused: bool) -> Style {
    let bg = if focused {
        Color::Blue
    } else {
        Color::DarkGray
    };
    Style::new()
        .bg(bg)
        .fg(Color::White)
        .add_modifier(Modifier::BOLD)
}

/// The border of a pane, brighter when it has the focus.
pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        dim()
    }
}

/// The border of a pane: thick when it has the focus, so the focus shows
/// even without colors.
pub fn border_type(focused: bool) -> BorderType {
    if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    }
}

/// The top bar.
pub fn bar() -> Style {
    Style::new().bg(Color::Indexed(236)).fg(Color::White)
}

/// Error messages.
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// Confirmations.
pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

/// The style of a piece of a styled body or header view.
pub fn role(role: Role) -> Style {
    match role {
        Role::Plain => Style::new(),
        Role::Key => Style::new().fg(Color::Cyan),
        Role::Str => Style::new().fg(Color::Green),
        Role::Number => Style::new().fg(Color::Yellow),
        Role::Literal => Style::new().fg(Color::Magenta),
        Role::Punct => dim(),
        Role::Name => Style::new().fg(Color::Cyan),
        Role::Note => dim().add_modifier(Modifier::ITALIC),
    }
}
