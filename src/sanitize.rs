//! The terminal-safety rule of the whole program: captured data reaching a
//! terminal (ls, show, headless lines, the TUI, `-v`, error messages, exported
//! scripts' comments) always goes through [`sanitize()`], [`sanitize_multiline`],
//! [`sanitize_bytes`] or a view built on them, and captured data written as JSON
//! (every `--json` output, HAR and NDJSON exports) through [`json`]. It is a room
//! of its own, below everything that prints, because it is not a rendering
//! choice: it holds for every path from captured bytes to a screen.
//!
//! Captured requests are attacker-controlled. Printed raw, an ESC or a C1 CSI
//! (U+009B) starts a terminal escape sequence that can clear the screen, retitle the
//! window, rewrite earlier lines (a bare `\r`) or worse; bidi overrides make text
//! read differently than it is stored; invisible characters make two different
//! strings look the same (`X-Signature` and `X-Sig\u{200b}nature`). Every
//! function here replaces such characters with a visible, printable escape (the
//! table below). [`is_dangerous`] is the one predicate that says which: the
//! renderers, the shell quoting of exported scripts and the JSON formatter all
//! ask it.
//!
//! A literal backslash is deliberately left as it is, so ordinary text (Windows
//! paths, regexes, JSON escapes) stays readable. The price is that the input
//! `\x1b` (four printable characters) and an escaped ESC look the same; that is
//! acceptable for a viewer, which never parses its own output back.
//!
//! What the sanitizers write instead of a dangerous character (JSON output
//! writes the same characters as `\u009b`, `\u200b`; see [`json`]):
//!
//! | input                                  | output                     |
//! |----------------------------------------|----------------------------|
//! | `\n` `\r` `\t`                         | `\n` `\r` `\t` (two chars) |
//! | other C0 controls and DEL (U+007F)     | `\x1b`, `\x00`, `\x7f`     |
//! | C1 controls (U+0080..=U+009F)          | `\u{9b}`                   |
//! | bidi controls (U+061C, U+200E, U+200F, U+202A..=U+202E, U+2066..=U+2069) | `\u{202e}` |
//! | format characters (Unicode category Cf): soft hyphen U+00AD, zero-width space and joiners U+200B..=U+200D, word joiner and invisible operators U+2060..=U+2064, the deprecated U+206A..=U+206F, BOM U+FEFF, Mongolian vowel separator U+180E, interlinear annotation U+FFF9..=U+FFFB, tag characters U+E0001 and U+E0020..=U+E007F, and the rarer ones (U+0600..=U+0605, U+06DD, U+070F, U+0890, U+0891, U+08E2, U+110BD, U+110CD, U+13430..=U+1343F, U+1BCA0..=U+1BCA3, U+1D173..=U+1D17A) | `\u{200b}` |
//! | line and paragraph separators U+2028, U+2029 | `\u{2028}`           |
//! | the other characters Unicode says draw nothing (Default_Ignorable_Code_Point): combining grapheme joiner U+034F, Hangul fillers U+115F, U+1160, U+3164, U+FFA0, Khmer inherent vowels U+17B4, U+17B5, Mongolian variation selectors U+180B..=U+180F, variation selectors 1 to 14 (U+FE00..=U+FE0D), the reserved U+2065 and U+FFF0..=U+FFF8, and the whole tag block U+E0000..=U+E0FFF (variation selectors 17 to 256 included) | `\u{3164}` |
//! | invalid UTF-8 byte (byte inputs only)  | `\xff`                     |
//!
//! Two judgment calls, for ordinary text with emoji:
//!
//! - **Variation selectors 15 and 16 (U+FE0E, U+FE0F) stay raw.** They only
//!   choose text or emoji style for the character before them, hide nothing
//!   on their own, and are everywhere in real messages (`❤️`, `⚠️`, `✔️` carry
//!   one); escaping them would litter every chat payload.
//! - **The zero-width joiner U+200D is escaped even inside emoji sequences**
//!   (`👨\u{200d}👩\u{200d}👧`). Between letters it is the classic way to make
//!   two names look alike, and a rule that looks at one character at a time
//!   cannot tell the two uses apart; terminals also disagree on whether they
//!   draw a joined sequence as one glyph, which throws off the TUI's column
//!   arithmetic. The parts of the sequence stay readable. Tag sequences
//!   (subdivision flags) are escaped for the same reason and because tag
//!   characters are the usual carrier of text hidden from the reader.
//!
//! Ordinary spaces of other widths (U+00A0, U+2000..=U+200A, U+3000) are
//! visible as space and stay raw; so do combining marks, which draw something.
//!
//! Backslashes are kept as they are, so the text `\x1b` and an escaped ESC look
//! alike; see [`sanitize()`].

use std::borrow::Cow;
use std::fmt::Write as _;

pub mod json;

/// True for every character the sanitizers escape in single-line context: all
/// Unicode control characters (C0, DEL, C1), the bidi formatting controls and
/// the invisible characters in the module's table.
///
/// The one predicate of the terminal-safety rule: the text sanitizers, the JSON
/// formatter ([`json`]), the shell quoting of exported scripts and the tests
/// of every renderer use it, so they all escape exactly the same set.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c)
}

/// True for the invisible bidi formatting controls used in "Trojan Source" tricks.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for the format characters, line and paragraph separators and the
/// other characters that draw nothing (the module's table), except variation
/// selectors 15 and 16.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08e2}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2028}'..='\u{2029}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206a}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0d}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
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
    // Printable ASCII is never escaped: pass over it a byte at a time before
    // decoding characters (most of what is printed is such text).
    let plain = s.bytes().take_while(|b| (0x20..0x7f).contains(b)).count();
    let Some(first) = s[plain..]
        .find(|c| needs_escape(c, multiline))
        .map(|at| plain + at)
    else {
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
        "X-Sig\u{200b}nature",
        "\u{feff}\u{ad}\u{2060}\u{2028}\u{3164}\u{e0041}",
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
    fn invisible_characters_become_unicode_escapes() {
        assert_eq!(sanitize("X-Sig\u{200b}nature"), "X-Sig\\u{200b}nature");
        assert_eq!(
            sanitize("\u{200c}\u{200d}\u{2060}\u{2064}\u{feff}\u{ad}"),
            "\\u{200c}\\u{200d}\\u{2060}\\u{2064}\\u{feff}\\u{ad}"
        );
        assert_eq!(
            sanitize("\u{2028}\u{2029}\u{180e}\u{34f}"),
            "\\u{2028}\\u{2029}\\u{180e}\\u{34f}"
        );
        assert_eq!(
            sanitize("\u{115f}\u{1160}\u{3164}\u{ffa0}\u{fff9}\u{fffb}"),
            "\\u{115f}\\u{1160}\\u{3164}\\u{ffa0}\\u{fff9}\\u{fffb}"
        );
        assert_eq!(
            sanitize("\u{e0001}\u{e0041}\u{e007f}\u{e0100}\u{fe00}"),
            "\\u{e0001}\\u{e0041}\\u{e007f}\\u{e0100}\\u{fe00}"
        );
        // Multi-line views escape them too.
        assert_eq!(sanitize_multiline("a\u{200b}\nb"), "a\\u{200b}\nb");
    }

    #[test]
    fn emoji_stay_readable() {
        // Presentation selectors and skin tones are kept; only the joiner shows.
        let s = "❤\u{fe0f} ⚠\u{fe0e} 👍🏽 🇫🇷";
        assert!(matches!(sanitize(s), Cow::Borrowed(_)));
        assert_eq!(sanitize("👨\u{200d}👩"), "👨\\u{200d}👩");
    }

    #[test]
    fn visible_text_and_spaces_are_not_dangerous() {
        for c in [
            'a', 'é', '日', '\u{a0}', '\u{2003}', '\u{3000}', '\u{301}', '\u{fe0f}', '😀',
        ] {
            assert!(!is_dangerous(c), "{c:?}");
        }
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
            prop::char::range('\u{2000}', '\u{206f}'),
            prop::char::range('\u{e0000}', '\u{e0fff}'),
            prop::sample::select(vec![
                '\u{ad}', '\u{feff}', '\u{3164}', '\u{fe0f}', '\u{fe00}'
            ]),
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
