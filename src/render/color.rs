//! Whether to color output, and a tiny ANSI painter.
//!
//! Colors are raw SGR sequences (`ESC [ n m`). [`Paint`] passes all text through
//! [`sanitize_multiline`] as a safety net, so its own SGR codes are the only
//! escapes it can emit; single-line contexts still sanitize first (to escape
//! `\n`), which costs nothing extra since sanitizing is idempotent.

use std::ffi::OsString;

use crate::model::PENDING_STATUS;
use crate::sanitize::{sanitize, sanitize_multiline};

/// Stands for the status of a request passed on whose answer is not in yet.
pub const PENDING_MARK: &str = "…";

/// The `--color` option: when to emit ANSI colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always color, even into a pipe or with `NO_COLOR` set.
    Always,
    /// Never color.
    Never,
}

/// Decides whether to color, reading `NO_COLOR` from the environment.
///
/// `Auto` is off when the output is not a terminal or `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>); explicit choices ignore both.
pub fn resolve(choice: ColorChoice, is_terminal: bool) -> bool {
    resolve_with(choice, is_terminal, std::env::var_os("NO_COLOR"))
}

/// [`resolve`] with the `NO_COLOR` value passed in, so it can be tested.
fn resolve_with(choice: ColorChoice, is_terminal: bool, no_color: Option<OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// A text style, rendered as one SGR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Bold / bright.
    Bold,
    /// Dim / faint, for notes and secondary information.
    Dim,
    /// Red foreground.
    Red,
    /// Green foreground.
    Green,
    /// Yellow foreground.
    Yellow,
    /// Blue foreground.
    Blue,
    /// Magenta foreground.
    Magenta,
    /// Cyan foreground.
    Cyan,
}

impl Style {
    /// The SGR parameter for this style.
    fn sgr(self) -> u8 {
        match self {
            Self::Bold => 1,
            Self::Dim => 2,
            Self::Red => 31,
            Self::Green => 32,
            Self::Yellow => 33,
            Self::Blue => 34,
            Self::Magenta => 35,
            Self::Cyan => 36,
        }
    }
}

/// Wraps text in ANSI colors when enabled, and returns it unchanged otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    /// Whether escape sequences are emitted at all.
    pub enabled: bool,
}

impl Paint {
    /// A painter that colors iff `enabled` (usually the result of [`resolve`]).
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    /// `text` in `style`, followed by a reset; `text` is passed through
    /// [`sanitize_multiline`], so only `\n` and `\t` may remain as layout.
    pub fn paint(&self, text: &str, style: Style) -> String {
        let text = sanitize_multiline(text);
        if self.enabled {
            format!("\x1b[{}m{text}\x1b[0m", style.sgr())
        } else {
            text.into_owned()
        }
    }

    /// The captured method, sanitized and colored by [`method_style`].
    pub fn method(&self, method: &str) -> String {
        self.paint(&sanitize(method), method_style(method))
    }

    /// The status code, colored by [`status_style`] (uncolored outside
    /// 2xx–5xx); a forwarded request still waiting for the app's answer is a
    /// dim [`PENDING_MARK`], not `0`.
    pub fn status(&self, status: u16) -> String {
        if status == PENDING_STATUS {
            return self.paint(PENDING_MARK, Style::Dim);
        }
        match status_style(status) {
            Some(style) => self.paint(&status.to_string(), style),
            None => status.to_string(),
        }
    }
}

/// The color of an HTTP method: GET green, POST yellow, PUT/PATCH blue,
/// DELETE red, anything else magenta. Methods are case-sensitive, as in HTTP.
pub fn method_style(method: &str) -> Style {
    match method {
        "GET" => Style::Green,
        "POST" => Style::Yellow,
        "PUT" | "PATCH" => Style::Blue,
        "DELETE" => Style::Red,
        _ => Style::Magenta,
    }
}

/// The color of a status code: 2xx green, 3xx cyan, 4xx yellow, 5xx red.
pub fn status_style(status: u16) -> Option<Style> {
    match status {
        200..=299 => Some(Style::Green),
        300..=399 => Some(Style::Cyan),
        400..=499 => Some(Style::Yellow),
        500..=599 => Some(Style::Red),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_status_is_a_mark_not_zero() {
        let plain = Paint::new(false);
        assert_eq!(plain.status(PENDING_STATUS), PENDING_MARK);
        assert_eq!(plain.status(204), "204");
    }

    #[test]
    fn explicit_choices_ignore_terminal_and_no_color() {
        let set = || Some(OsString::from("1"));
        assert!(resolve_with(ColorChoice::Always, false, set()));
        assert!(!resolve_with(ColorChoice::Never, true, None));
    }

    #[test]
    fn auto_colors_only_on_a_terminal() {
        assert!(resolve_with(ColorChoice::Auto, true, None));
        assert!(!resolve_with(ColorChoice::Auto, false, None));
    }

    #[test]
    fn auto_is_off_when_no_color_is_set_non_empty() {
        assert!(!resolve_with(ColorChoice::Auto, true, Some("1".into())));
        assert!(resolve_with(ColorChoice::Auto, true, Some("".into())));
    }

    #[test]
    fn color_choice_parses_from_the_command_line() {
        use clap::ValueEnum;
        assert_eq!(
            ColorChoice::from_str("never", false),
            Ok(ColorChoice::Never)
        );
        assert_eq!(ColorChoice::default(), ColorChoice::Auto);
    }

    #[test]
    fn disabled_paint_returns_text_unchanged() {
        assert_eq!(Paint::new(false).paint("hi", Style::Red), "hi");
    }

    #[test]
    fn enabled_paint_wraps_text_in_sgr_and_reset() {
        let p = Paint::new(true);
        assert_eq!(p.paint("hi", Style::Red), "\x1b[31mhi\x1b[0m");
        assert_eq!(p.paint("x", Style::Dim), "\x1b[2mx\x1b[0m");
    }

    #[test]
    fn paint_escapes_unsanitized_text_as_a_safety_net() {
        let p = Paint::new(true);
        assert_eq!(
            p.paint("\x1b[2J\n", Style::Red),
            "\x1b[31m\\x1b[2J\n\x1b[0m"
        );
        assert_eq!(Paint::new(false).paint("a\rb", Style::Red), "a\\rb");
    }

    #[test]
    fn methods_get_their_colors() {
        assert_eq!(method_style("GET"), Style::Green);
        assert_eq!(method_style("POST"), Style::Yellow);
        assert_eq!(method_style("PATCH"), Style::Blue);
        assert_eq!(method_style("DELETE"), Style::Red);
        assert_eq!(method_style("PROPFIND"), Style::Magenta);
    }

    #[test]
    fn statuses_get_their_colors_by_class() {
        assert_eq!(status_style(204), Some(Style::Green));
        assert_eq!(status_style(301), Some(Style::Cyan));
        assert_eq!(status_style(404), Some(Style::Yellow));
        assert_eq!(status_style(503), Some(Style::Red));
        assert_eq!(status_style(101), None);
        assert_eq!(Paint::new(true).status(101), "101");
    }

    #[test]
    fn hostile_method_is_sanitized_before_painting() {
        let out = Paint::new(false).method("GE\x1b[2JT");
        assert_eq!(out, "GE\\x1b[2JT");
    }
}
