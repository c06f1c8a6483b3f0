//! The terminal-safety rule of the whole program: captured data reaching a
//! terminal (ls, show, headless lines, the TUI, `-v`, error messages, exported
//! scripts' comments) always goes through [`sanitize()`], [`sanitize_multiline`],
//! [`sanitize_bytes`] or a view built on them. It is a room of its own, below
//! everything that prints, because it is not a rendering choice: it holds for
//! every path from captured bytes to a screen.
//!
//! Captured requests are attacker-controlled. Printed raw, an ESC or a C1 CSI
//! (U+009B) starts a terminal escape sequence that can clear the screen, retitle the
//! window, rewrite earlier lines (a bare `\r`) or worse; bidi overrides make text
//! read differently than it is stored. Every function here replaces such characters
//! with a visible, printable escape (the table below).
//!
//! A literal backslash is deliberately left as it is, so ordinary text (Windows
//! paths, regexes, JSON escapes) stays readable. The price is that the input
//! `\x1b` (four printable characters) and an escaped ESC look the same; that is
//! acceptable for a viewer, which never parses its own output back.
//!
//! What the sanitizers write instead of a dangerous character:
//!
//! | input                                  | output                     |
//! |----------------------------------------|----------------------------|
//! | `\n` `\r` `\t`                         | `\n` `\r` `\t` (two chars) |
//! | other C0 controls and DEL (U+007F)     | `\x1b`, `\x00`, `\x7f`     |
//! | C1 controls (U+0080..=U+009F)          | `\u{9b}`                   |
//! | bidi controls (U+061C, U+200E, U+200F, U+202A..=U+202E, U+2066..=U+2069) | `\u{202e}` |
//! | invalid UTF-8 byte (byte inputs only)  | `\xff`                     |
//!
//! Backslashes are kept as they are, so the text `\x1b` and an escaped ESC look
//! alike; see [`sanitize()`].
//!

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for every character the sanitizers escape in single-line context: all
/// Unicode control characters (C0, DEL, C1) and the bidi formatting controls.
///
/// Exposed so other renderers (e.g. the JSON view) escape exactly the same set.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// True for the invisible bidi formatting controls used in "Trojan Source" tricks.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must be escaped; multi-line context keeps newlines and tabs.
fn needs_escape(c: char, multiline: bool) -> bool {
    is_dangerous(c) && !(multiline && matches!(c, '\n' | '\t'))
}

/// Escapes `s` for a single terminal line: no control, C1 or bidi character
/// survives, and no line break either.
///
/// Borrows `s` unchanged when it contains nothing to escape. Backslashes are
/// not escaped, to keep ordinary text readable: a literal `\x1b` in the input
/// looks like an escaped ESC, which is fine for a viewer. Sanitizing twice
/// changes nothing.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    sanitize_with(s, false)
}

/// Like [`sanitize`] but keeps `\n` and `\t` (for body views); `\r` is still
/// escaped, so a carriage return can never overwrite an earlier part of a line.
pub fn sanitize_multiline(s: &str) -> Cow<'_, str> {
    sanitize_with(s, true)
}

/// Escapes possibly non-UTF-8 bytes for a single line: valid UTF-8 runs as in
/// [`sanitize`], every invalid byte as `\xNN`. Never panics.
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize_bytes_with(b, false)
}

/// Like [`sanitize_bytes`] but keeps `\n` and `\t`, as [`sanitize_multiline`] does.
pub fn sanitize_bytes_multiline(b: &[u8]) -> String {
    sanitize_bytes_with(b, true)
}

fn sanitize_with(s: &str, multiline: bool) -> Cow<'_, str> {
    let Some(first) = s.find(|c| needs_escape(c, multiline)) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    push_escaped(&mut out, &s[first..], multiline);
    Cow::Owned(out)
}

fn sanitize_bytes_with(b: &[u8], multiline: bool) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        push_escaped(&mut out, chunk.valid(), multiline);
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// Appends `s` to `out`, escaping what [`needs_escape`] selects.
fn push_escaped(out: &mut String, s: &str, multiline: bool) {
    for c in s.chars() {
        if !needs_escape(c, multiline) {
            out.push(c);
            continue;
        }
        // Writing to a String cannot fail.
        let _ = match c {
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            '\t' => out.write_str("\\t"),
            c if c.is_ascii() => write!(out, "\\x{:02x}", u32::from(c)),
            c => write!(out, "\\u{{{:x}}}", u32::from(c)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Panics when `out` contains a character a terminal could interpret.
    fn assert_inert(out: &str, multiline: bool) {
        for c in out.chars() {
            let allowed = multiline && matches!(c, '\n' | '\t');
            assert!(allowed || !is_dangerous(c), "{c:?} survived in {out:?}");
        }
        for b in out.bytes() {
            let allowed = multiline && matches!(b, b'\n' | b'\t');
            assert!(
                allowed || (b >= 0x20 && b != 0x7f),
                "byte {b:#x} in {out:?}"
            );
        }
    }

    const HOSTILE: &[&str] = &[
        "\x1b[2J",
        "\x1b]0;pwned\x07",
        "\u{9b}31m",
        "safe\rEVIL",
        "a\0b",
        "\x08\x08\x08ok",
        "\u{202e}txt.exe",
        "\u{2066}x\u{2069}",
        "del\x7f",
        "\x1bP+q\x1b\\",
    ];

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        let s = "POST /hooks?a=b é ✓ \\ 日本";
        assert!(matches!(sanitize(s), Cow::Borrowed(x) if x == s));
        assert!(matches!(sanitize_multiline("a\nb\tc"), Cow::Borrowed(_)));
    }

    #[test]
    fn whitespace_controls_become_backslash_sequences() {
        assert_eq!(sanitize("a\nb\rc\td"), "a\\nb\\rc\\td");
    }

    #[test]
    fn c0_and_del_become_hex_escapes() {
        assert_eq!(sanitize("\x1b[2J"), "\\x1b[2J");
        assert_eq!(sanitize("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(sanitize("\x08\0\x7f"), "\\x08\\x00\\x7f");
    }

    #[test]
    fn c1_and_bidi_become_unicode_escapes() {
        assert_eq!(sanitize("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(sanitize("\u{85}"), "\\u{85}");
        assert_eq!(sanitize("a\u{202e}b\u{200f}"), "a\\u{202e}b\\u{200f}");
        assert_eq!(
            sanitize("\u{2066}\u{2069}\u{61c}"),
            "\\u{2066}\\u{2069}\\u{61c}"
        );
    }

    #[test]
    fn backslashes_are_kept_as_they_are() {
        assert_eq!(sanitize("C:\\temp\\x1b"), "C:\\temp\\x1b");
    }

    #[test]
    fn sanitizing_twice_changes_nothing() {
        for s in HOSTILE {
            let once = sanitize(s).into_owned();
            assert!(matches!(sanitize(&once), Cow::Borrowed(x) if x == once));
        }
    }

    #[test]
    fn multiline_keeps_newline_and_tab_but_escapes_carriage_return() {
        assert_eq!(sanitize_multiline("a\nb\tc\r\n"), "a\nb\tc\\r\n");
        assert_eq!(sanitize_multiline("\x1b[1A"), "\\x1b[1A");
    }

    #[test]
    fn hostile_strings_come_out_inert_in_every_function() {
        for s in HOSTILE {
            assert_inert(&sanitize(s), false);
            assert_inert(&sanitize_multiline(s), true);
            assert_inert(&sanitize_bytes(s.as_bytes()), false);
            assert_inert(&sanitize_bytes_multiline(s.as_bytes()), true);
        }
    }

    #[test]
    fn invalid_utf8_bytes_become_hex_escapes() {
        assert_eq!(sanitize_bytes(b"ok\xff\xfe\x1b"), "ok\\xff\\xfe\\x1b");
        assert_eq!(sanitize_bytes(b"\xe2\x82"), "\\xe2\\x82");
        assert_eq!(sanitize_bytes("é\u{9b}".as_bytes()), "é\\u{9b}");
    }

    #[test]
    fn encoded_c1_bytes_are_escaped_whether_valid_or_not() {
        // 0x9b alone is invalid UTF-8; c2 9b is U+009B.
        assert_eq!(sanitize_bytes(b"\x9b2J"), "\\x9b2J");
        assert_eq!(sanitize_bytes(b"\xc2\x9b2J"), "\\u{9b}2J");
    }

    #[test]
    fn multiline_bytes_keep_newlines() {
        assert_eq!(sanitize_bytes_multiline(b"a\nb\r\xff"), "a\nb\\r\\xff");
    }

    fn risky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            any::<char>(),
            (0u8..0x20).prop_map(char::from),
            Just('\u{7f}'),
            prop::char::range('\u{80}', '\u{9f}'),
            prop::char::range('\u{2066}', '\u{2069}'),
            prop::char::range('\u{202a}', '\u{202e}'),
        ]
    }

    fn risky_string() -> impl Strategy<Value = String> {
        prop::collection::vec(risky_char(), 0..64).prop_map(String::from_iter)
    }

    proptest! {
        #[test]
        fn no_control_char_survives_any_string(s in risky_string()) {
            assert_inert(&sanitize(&s), false);
            assert_inert(&sanitize_multiline(&s), true);
        }

        #[test]
        fn no_control_char_survives_any_bytes(b in prop::collection::vec(any::<u8>(), 0..128)) {
            assert_inert(&sanitize_bytes(&b), false);
            assert_inert(&sanitize_bytes_multiline(&b), true);
        }

        #[test]
        fn clean_input_is_returned_unchanged(s in risky_string()) {
            if !s.chars().any(is_dangerous) {
                prop_assert_eq!(sanitize(&s), s.as_str());
            }
        }
    }
}
