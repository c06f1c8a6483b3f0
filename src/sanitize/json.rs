//! JSON that is safe on a terminal: every `--json` output, the HAR and NDJSON
//! exports and the JSON body views are written through here.
//!
//! serde_json escapes C0 controls, `"` and `\` inside strings, but writes DEL,
//! C1 controls, bidi controls and invisible characters raw, and JSON is read
//! on terminals too (`listen --json` in a shell, `jq` output). [`TerminalSafe`]
//! wraps any serde_json [`Formatter`] and writes every character
//! [`is_dangerous`] selects as a `\uXXXX` escape (a surrogate pair above
//! U+FFFF): still valid JSON, and the same string once parsed. Text without
//! such characters comes out byte for byte as serde_json writes it.
//!
//! Dangerous characters only occur inside strings (keys included), and all
//! string text reaches a formatter through `write_string_fragment`, so that is
//! the one method [`TerminalSafe`] changes. A formatter that writes strings of
//! its own (the HAR exporter's byte strings) writes their text runs with
//! [`write_fragment`], and is wrapped like any other.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::Error as _;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};

use super::is_dangerous;

/// A serde_json [`Formatter`] that writes like `F`, except that characters
/// [`is_dangerous`] selects inside strings become `\uXXXX` escapes.
#[derive(Debug, Default, Clone, Copy)]
pub struct TerminalSafe<F>(pub F);

/// Forwards formatter methods unchanged to the wrapped formatter.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $method<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$method(w $(, $arg)*)
        }
    )*};
}

impl<F: Formatter> Formatter for TerminalSafe<F> {
    forward! {
        write_null();
        write_bool(value: bool);
        write_i8(value: i8);
        write_i16(value: i16);
        write_i32(value: i32);
        write_i64(value: i64);
        write_i128(value: i128);
        write_u8(value: u8);
        write_u16(value: u16);
        write_u32(value: u32);
        write_u64(value: u64);
        write_u128(value: u128);
        write_f32(value: f32);
        write_f64(value: f64);
        write_number_str(value: &str);
        begin_string();
        end_string();
        write_char_escape(escape: CharEscape);
        write_byte_array(value: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
        write_raw_fragment(fragment: &str);
    }

    /// The runs between dangerous characters go to the wrapped formatter; the
    /// escapes are written as they are.
    #[inline]
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if below_del(fragment) {
            return self.0.write_string_fragment(w, fragment);
        }
        self.write_escaping(w, fragment)
    }
}

impl<F: Formatter> TerminalSafe<F> {
    /// [`Formatter::write_string_fragment`] for text that may hold dangerous
    /// characters: the rare case, kept out of line.
    #[inline(never)]
    fn write_escaping<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_dangerous(c)) {
            if i > 0 {
                self.0.write_string_fragment(w, &rest[..i])?;
            }
            write_escape(w, c)?;
            rest = &rest[i + c.len_utf8()..];
        }
        if rest.is_empty() {
            return Ok(());
        }
        self.0.write_string_fragment(w, rest)
    }
}

/// Writes `fragment`, text inside a JSON string that needs no JSON escape
/// (no `"`, `\` or C0 control), with the characters [`is_dangerous`] selects
/// as `\uXXXX` escapes.
pub fn write_fragment<W: ?Sized + Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    TerminalSafe(CompactFormatter).write_string_fragment(w, fragment)
}

/// True when every byte of `s` is ASCII below DEL: the common case, in which
/// nothing is dangerous once serde_json has escaped the C0 controls.
///
/// Most fragments are short (serde_json cuts a string at every `"` and `\`),
/// so they get a plain loop; long ones are read eight bytes at a time: a byte
/// `b` is at least 0x7F exactly when `b + 1` has its high bit set, and in UTF-8
/// (no byte 0xFF) adding 1 to every byte of a word never carries.
#[inline]
fn below_del(s: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    if s.len() < 32 {
        return s.bytes().all(|b| b < 0x7f);
    }
    let mut words = s.as_bytes().chunks_exact(8);
    let mut high = 0;
    for chunk in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        high |= u64::from_ne_bytes(word).wrapping_add(ONES);
    }
    high & HIGH == 0 && words.remainder().iter().all(|&b| b < 0x7f)
}

/// `c` as a JSON `\uXXXX` escape, two of them (a surrogate pair) above U+FFFF.
fn write_escape<W: ?Sized + Write>(w: &mut W, c: char) -> io::Result<()> {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        write!(w, "\\u{unit:04x}")?;
    }
    Ok(())
}

/// Serializes `value` to `w` with `formatter` made terminal-safe.
///
/// The one door for formatters of our own ([`crate::export`]'s HAR writer):
/// they keep their layout and byte handling, this adds the escaping.
pub fn write_with<W: Write, T: Serialize + ?Sized, F: Formatter>(
    w: W,
    value: &T,
    formatter: F,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, TerminalSafe(formatter));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// `value` as compact JSON, as `serde_json::to_writer` writes it but
/// terminal-safe. An I/O error comes back as the writer's own error (so a
/// closed pipe is still a `BrokenPipe`).
pub fn write<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    write_with(w, value, CompactFormatter)
}

/// `value` as compact JSON and a newline: one NDJSON line, handed to `w` in
/// one write (so a line-buffered stdout is not called once per fragment, and
/// a reader never gets half a line from us).
pub fn write_line<W: Write, T: Serialize + ?Sized>(mut w: W, value: &T) -> io::Result<()> {
    let mut line = Vec::with_capacity(256);
    write(&mut line, value)?;
    line.push(b'\n');
    w.write_all(&line)
}

/// `value` pretty-printed (two-space indent), terminal-safe.
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    write_with(w, value, PrettyFormatter::new())
}

/// `value` as a compact, terminal-safe JSON string.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_string_with(value, CompactFormatter)
}

/// `value` as a pretty-printed, terminal-safe JSON string.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_string_with(value, PrettyFormatter::new())
}

fn to_string_with<T: Serialize + ?Sized, F: Formatter>(
    value: &T,
    formatter: F,
) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, TerminalSafe(formatter));
    value.serialize(&mut ser)?;
    // serde_json writes only UTF-8, and so do the escapes.
    String::from_utf8(out).map_err(serde_json::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// One of each kind the sanitizer escapes and serde_json does not.
    const RAW_IN_SERDE: &str = "\u{7f}\u{9b}\u{85}\u{202e}\u{2066}\u{200b}\u{200d}\u{2060}\
        \u{feff}\u{ad}\u{2028}\u{2029}\u{180e}\u{34f}\u{3164}\u{ffa0}\u{115f}\u{fff9}\
        \u{fe00}\u{e0041}\u{e0100}";

    fn assert_no_raw_danger(json: &str) {
        assert!(!json.chars().any(is_dangerous), "raw in {json:?}");
    }

    #[test]
    fn ordinary_text_is_byte_identical_to_serde_json() {
        let value = serde_json::json!({
            "ascii": "POST /hooks?a=b \"quoted\" \\ \n\t\u{1}",
            "text": "é ✓ 日本 ❤️ 👍🏽 \u{a0}\u{3000}",
            "n": [1, -2.5, true, null],
        });
        assert_eq!(
            to_string(&value).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn dangerous_characters_become_unicode_escapes() {
        assert_eq!(to_string("a\u{9b}b").unwrap(), r#""a\u009bb""#);
        assert_eq!(to_string("\u{202e}txt").unwrap(), r#""\u202etxt""#);
        assert_eq!(
            to_string("x\u{200b}\u{feff}").unwrap(),
            r#""x\u200b\ufeff""#
        );
        assert_eq!(to_string("del\u{7f}").unwrap(), r#""del\u007f""#);
        // Above U+FFFF: a surrogate pair, as JSON requires.
        assert_eq!(to_string("\u{e0041}").unwrap(), r#""\udb40\udc41""#);
    }

    #[test]
    fn keys_are_escaped_too() {
        let value = serde_json::json!({"k\u{200b}": {"\u{9b}": 1}});
        let json = to_string(&value).unwrap();
        assert_eq!(json, r#"{"k\u200b":{"\u009b":1}}"#);
    }

    #[test]
    fn escapes_sit_between_serde_json_escapes() {
        let s = "\"\u{200b}\"\n\u{9b}\\";
        assert_eq!(to_string(s).unwrap(), r#""\"\u200b\"\n\u009b\\""#);
    }

    #[test]
    fn every_escaped_output_parses_back_to_the_same_string() {
        let json = to_string(RAW_IN_SERDE).unwrap();
        assert_no_raw_danger(&json);
        assert!(json.is_ascii(), "{json}");
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, RAW_IN_SERDE);
    }

    #[test]
    fn pretty_output_keeps_its_layout() {
        let value = serde_json::json!({"a": ["\u{2028}"]});
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            "{\n  \"a\": [\n    \"\\u2028\"\n  ]\n}"
        );
    }

    #[test]
    fn write_line_ends_with_a_newline_and_keeps_io_errors() {
        let mut out = Vec::new();
        write_line(&mut out, &["\u{ad}"]).unwrap();
        assert_eq!(out, b"[\"\\u00ad\"]\n");

        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = write_line(Closed, &"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn write_fragment_escapes_only_what_is_dangerous() {
        let mut out = Vec::new();
        write_fragment(&mut out, "ok é\u{200c}!").unwrap();
        assert_eq!(out, "ok é\\u200c!".as_bytes());
    }

    #[test]
    fn the_ascii_fast_path_sees_del_and_non_ascii_anywhere() {
        for len in 0..80 {
            let plain = "~".repeat(len);
            assert!(below_del(&plain), "{len}");
            for at in 0..len {
                for odd in ["\u{7f}", "é", "\u{200b}", "\u{e0041}"] {
                    let s = format!("{}{odd}{}", &plain[..at], &plain[at + 1..]);
                    assert!(!below_del(&s), "{s:?}");
                }
            }
        }
    }

    fn risky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            any::<char>(),
            prop::sample::select(RAW_IN_SERDE.chars().collect::<Vec<_>>()),
            prop::char::range('\u{0}', '\u{ff}'),
            prop::char::range('\u{2000}', '\u{206f}'),
        ]
    }

    proptest! {
        #[test]
        fn any_string_comes_out_safe_and_round_trips(
            v in prop::collection::vec(risky_char(), 0..48)
        ) {
            let s = String::from_iter(v);
            let json = to_string(&s).unwrap();
            assert_no_raw_danger(&json);
            let back: Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, Value::String(s.clone()));
            if !s.chars().any(is_dangerous) {
                prop_assert_eq!(json, serde_json::to_string(&s).unwrap());
            }
        }
    }
}
