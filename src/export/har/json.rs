//! Writing HAR JSON, including text that is not UTF-8.
//!
//! Python tools write a byte that is not UTF-8 as a lone surrogate escape
//! (`\udce9` for `0xE9`, `surrogateescape`), and their readers turn it back
//! into the byte; mitmproxy's HAR exporter does this for request bodies, and
//! its reader relies on it (see [`super::body`]). Rust strings cannot hold
//! lone surrogates, so such text is a [`HarText::Bytes`], which
//! [`HarFormatter`] writes as a JSON string with those escapes.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;

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
/// produces them) are written as strings with surrogate escapes.
#[derive(Debug, Default, Clone, Copy)]
pub struct HarFormatter;

impl Formatter for HarFormatter {
    fn write_byte_array<W: ?Sized + Write>(&mut self, w: &mut W, value: &[u8]) -> io::Result<()> {
        write_escaped(w, value)
    }
}

/// `value` as a JSON string: valid UTF-8 escaped as JSON requires, each byte
/// of an invalid sequence as `\udcXX`.
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
            w.write_all(&text.as_bytes()[start..i])?;
            match escape {
                Some(e) => w.write_all(e)?,
                None => write!(w, "\\u{:04x}", u32::from(c))?,
            }
            start = i + c.len_utf8();
        }
        w.write_all(&text.as_bytes()[start..])?;
        for b in chunk.invalid() {
            write!(w, "\\udc{b:02x}")?;
        }
    }
    w.write_all(b"\"")
}

/// `value` as compact JSON with [`HarFormatter`].
pub fn write<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, HarFormatter);
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// `value` as compact JSON, as [`write`] writes it.
#[cfg(test)]
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every HAR type serializes.
    let _ = write(&mut out, value);
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
        let text = HarText::Text("a\"b\u{1}".into());
        assert_eq!(to_vec(&text), serde_json::to_vec(&"a\"b\u{1}").unwrap());
        // Valid UTF-8 bytes write exactly as serde_json writes the string.
        let s = "x\u{7f}\u{2028}\t\"\\é";
        assert_eq!(
            to_vec(&HarText::Bytes(s.as_bytes().to_vec())),
            serde_json::to_vec(&s).unwrap()
        );
    }
}
