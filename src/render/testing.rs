//! Assertions shared by the render tests.

use crate::sanitize::is_dangerous;

/// `s` with every `ESC [ digits/; m` color sequence removed; panics on any
/// other escape sequence, since only [`super::Paint`] may emit one.
pub fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find(|c: char| !c.is_ascii_digit() && c != ';');
        match end {
            Some(e) if after[e..].starts_with('m') => rest = &after[e + 1..],
            _ => panic!("non-SGR escape in {s:?}"),
        }
    }
    out.push_str(rest);
    out
}

/// Panics unless `s`, colors aside, holds no character a terminal would
/// interpret, except `\n` and `\t` as layout when `multiline`.
pub fn assert_terminal_safe(s: &str, multiline: bool) {
    for c in strip_sgr(s).chars() {
        let layout = multiline && matches!(c, '\n' | '\t');
        assert!(layout || !is_dangerous(c), "{c:?} survived in {s:?}");
    }
}
