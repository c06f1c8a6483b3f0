//! Writing HAR JSON, including text that is not UTF-8.
//!
//! Python tools write a byte that is not UTF-8 as a lone surrogate escape
//! (`\udce9` for `0xE9`, `surrogateescape`), and their readers turn it back
//! into the byte; mitmproxy's HAR exporter does this for request bodies, and
//! its reader relies on it (see [`super::body`]). Rust strings cannot hold
//! lone surrogates, so such text is a [`HarText::Bytes`], which
//! [`HarFormatter`] writes as a JSON string with those escapes.
//!
//! Like every JSON output, HAR is terminal-safe: [`write`] wraps the formatter
//! in [`crate::sanitize::json`]'s, which escapes what a terminal would act on
//! in ordinary strings, and the byte strings' text runs go through the same
//! [`json::write_fragment`].

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;

use crate::sanitize::json;

/// A HAR text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HarText {
    /// Text as it is.
    Text(String),
    /// Bytes: the UTF-8 parts as text, every other byte as `\udcXX`.
    Bytes(Vec<u8>),
}

impl Serialize for HarText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            // HarFormatter writes byte arrays as strings (see there).
            Self::Bytes(b) => s.serialize_bytes(b),
        }
    }
}

/// serde_json's compact output (the trait's defaults), except that byte arrays (only [`HarText`]
/// produces them) are written as strings with surrogate escapes. [`write`] wraps it in
/// [`json::TerminalSafe`].
#[derive(Debug, Default, Clone, Copy)]
pub struct HarFormatter;

impl Formatter for HarFormatter {
    fn write_byte_array<W: ?Sized + Write>(&mut self, w: &mut W, value: &[u8]) -> io::Result<()> {
        write_escaped(w, value)
    }
}

/// `value` as a JSON string: valid UTF-8 escaped as JSON requires (and as
/// [`json::write_fragment`] escapes for terminals), each byte of an invalid
/// sequence as `\udcXX`.
fn write_escaped<W: ?Sized + Write>(w: &mut W, value: &[u8]) -> io::Result<()> {
    w.write_all(b"\"")?;
    for chunk in value.utf8_chunks() {
        let text = chunk.valid();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let escape: Option<&[u8]> = match c {
                '"' => Some(b"\\\""),
                '\\' => Some(b"\\\\"),
                '\n' => Some(b"\\n"),
                '\r' => Some(b"\\r"),
                '\t' => Some(b"\\t"),
                c if u32::from(c) < 0x20 => None,
                _ => continue,
            };
            json::write_fragment(w, &text[start..i])?;
            match escape {
                Some(e) => w.write_all(e)?,
                None => write!(w, "\\u{:04x}", u32::from(c))?,
            }
            start = i + c.len_utf8();
        }
        json::write_fragment(w, &text[start..])?;
        for b in chunk.invalid() {
            write!(w, "\\udc{b:02x}")?;
        }
    }
    w.write_all(b"\"")
}

/// `value` as compact, terminal-safe JSON with [`HarFormatter`], handed to
/// `w` in one write (an entry is serialized whole first, so the exporter's
/// writer is not called once per string fragment).
pub fn write<W: Write, T: Serialize + ?Sized>(mut w: W, value: &T) -> io::Result<()> {
    let mut out = Vec::with_capacity(4096);
    json::write_with(&mut out, value, HarFormatter)?;
    w.write_all(&out)
}

/// `value` as compact JSON, as [`write`] writes it.
#[cfg(test)]
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every HAR type serializes.
    let _ = json::write_with(&mut out, value, HarFormatter);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_a_string_with_surrogate_escapes() {
        let json = to_vec(&HarText::Bytes(
            b"\"caf\xe9\"\n\x01\\ \xff\xfe \xc3\xa9".to_vec(),
        ));
        assert_eq!(
            String::from_utf8(json).unwrap(),
            r#""\"caf\udce9\"\n\u0001\\ \udcff\udcfe é""#
        );
    }

    #[test]
    fn plain_text_is_ordinary_json() {
        let text = HarText::Text("a\"b\u{1}é".into());
        assert_eq!(to_vec(&text), serde_json::to_vec(&"a\"b\u{1}é").unwrap());
    }

    #[test]
    fn text_and_bytes_are_terminal_safe_alike() {
        // Valid UTF-8 bytes write exactly as the text does.
        let s = "x\u{7f}\u{2028}\t\"\\é\u{9b}\u{202e}\u{200b}\u{e0041}";
        let as_text = to_vec(&HarText::Text(s.into()));
        assert_eq!(to_vec(&HarText::Bytes(s.as_bytes().to_vec())), as_text);
        assert_eq!(
            String::from_utf8(as_text).unwrap(),
            r#""x\u007f\u2028\t\"\\é\u009b\u202e\u200b\udb40\udc41""#
        );
        let mixed = to_vec(&HarText::Bytes(b"\xe2\x80\x8b\xff".to_vec()));
        assert_eq!(mixed, br#""\u200b\udcff""#);
    }
}
