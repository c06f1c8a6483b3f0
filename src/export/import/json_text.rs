//! The text of an import file made ready for the JSON parser: a UTF-8 byte
//! order mark dropped, and lone UTF-16 surrogates made parseable.
//!
//! Python writes a byte that is not UTF-8 as a lone low surrogate
//! (`surrogateescape`: byte `0xE9` becomes `\udce9`), and `json.dumps` keeps it
//! as an escape; mitmproxy's `savehar` writes HAR files like that. JSON parsers
//! for Rust strings refuse lone surrogates, so [`prepare`] rewrites each escape
//! `\udc80`–`\udcff` that has no partner as a private-use character
//! (U+F0080–U+F00FF, written as a valid surrogate pair), and [`text_bytes`]
//! turns those characters back into the bytes they stand for. Other lone
//! surrogates, which stand for no byte, become U+FFFD.

use std::borrow::Cow;

/// The first private-use character standing for a byte: U+F0000 + byte.
const MARKER_BASE: u32 = 0xF_0000;

/// A file's text ready for `serde_json`.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The JSON text.
    pub text: Cow<'a, [u8]>,
    /// True when characters U+F0080–U+F00FF in the parsed strings stand for
    /// bytes (see [`text_bytes`]).
    pub markers: bool,
    /// Set when lone surrogates could not be kept as bytes: the file also
    /// holds the characters that would stand for them, so they read as U+FFFD.
    pub note: Option<String>,
}

/// Drops a leading UTF-8 byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// `bytes` (without a byte order mark) with its lone surrogate escapes
/// rewritten; borrowed when there are none.
pub fn prepare(bytes: &[u8]) -> Prepared<'_> {
    let scan = scan(bytes);
    if scan.lone == 0 {
        return Prepared {
            text: Cow::Borrowed(bytes),
            markers: false,
            note: None,
        };
    }
    let markers = !scan.genuine_markers;
    Prepared {
        text: Cow::Owned(rewrite(bytes, markers)),
        markers,
        note: (!markers).then(|| {
            "lone surrogates (\\udc80-\\udcff) read as U+FFFD: the file also holds \
             characters U+F0080-U+F00FF, which hookcap would otherwise use for them"
                .to_owned()
        }),
    }
}

/// The bytes a parsed string stands for: UTF-8, except that with `markers`
/// each character U+F0080–U+F00FF is the single byte 0x80–0xFF it replaced.
pub fn text_bytes(s: &str, markers: bool) -> Vec<u8> {
    if !markers {
        return s.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match marker_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}

/// The byte a marker character stands for.
pub fn marker_byte(c: char) -> Option<u8> {
    let n = u32::from(c).checked_sub(MARKER_BASE)?;
    u8::try_from(n).ok().filter(|b| *b >= 0x80)
}

/// What a pass over the text found.
#[derive(Debug, Default)]
struct Scan {
    /// Lone `\udc80`–`\udcff` escapes.
    lone: usize,
    /// Whether the text already holds U+F0080–U+F00FF (raw or escaped).
    genuine_markers: bool,
}

/// One `\u` escape at the start of `s`: its code unit.
fn hex_escape(s: &[u8]) -> Option<u16> {
    let digits = s.strip_prefix(b"\\u")?.get(..4)?;
    u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

fn is_high(n: u16) -> bool {
    (0xD800..=0xDBFF).contains(&n)
}

fn is_low(n: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&n)
}

/// How the escape at `s[0]` (a backslash) reads: its length, and what it is.
enum Escape {
    /// Anything that stays as written (a plain escape or a valid pair).
    Keep(usize),
    /// A valid pair that encodes U+F0080–U+F00FF.
    GenuineMarker(usize),
    /// A lone low surrogate standing for a byte.
    LoneByte(u8),
    /// A lone surrogate that stands for no byte.
    LoneOther,
}

fn escape_at(s: &[u8]) -> Escape {
    let Some(n) = hex_escape(s) else {
        return Escape::Keep(2.min(s.len()));
    };
    if is_high(n) {
        return match hex_escape(&s[6..]) {
            Some(low) if is_low(low) => {
                let genuine = n == 0xDB80 && (0xDC80..=0xDCFF).contains(&low);
                if genuine {
                    Escape::GenuineMarker(12)
                } else {
                    Escape::Keep(12)
                }
            }
            _ => Escape::LoneOther,
        };
    }
    match n {
        0xDC80..=0xDCFF => Escape::LoneByte((n & 0xFF) as u8),
        n if is_low(n) => Escape::LoneOther,
        _ => Escape::Keep(6),
    }
}

fn scan(bytes: &[u8]) -> Scan {
    let mut found = Scan {
        genuine_markers: has_raw_markers(bytes),
        ..Scan::default()
    };
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'\\') {
        i += off;
        i += match escape_at(&bytes[i..]) {
            Escape::Keep(n) => n,
            Escape::GenuineMarker(n) => {
                found.genuine_markers = true;
                n
            }
            Escape::LoneByte(_) => {
                found.lone += 1;
                6
            }
            Escape::LoneOther => {
                found.lone += 1;
                6
            }
        };
    }
    found
}

/// UTF-8 of U+F0080–U+F00FF: `F3 B0 82 80` to `F3 B0 83 BF`.
fn has_raw_markers(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0] == 0xF3 && w[1] == 0xB0 && matches!(w[2], 0x82 | 0x83))
}

fn rewrite(bytes: &[u8], markers: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'\\') {
        out.extend_from_slice(&bytes[i..i + off]);
        i += off;
        match escape_at(&bytes[i..]) {
            Escape::Keep(n) | Escape::GenuineMarker(n) => {
                out.extend_from_slice(&bytes[i..i + n]);
                i += n;
            }
            Escape::LoneByte(b) if markers => {
                out.extend_from_slice(format!("\\udb80\\udc{b:02x}").as_bytes());
                i += 6;
            }
            Escape::LoneByte(_) | Escape::LoneOther => {
                out.extend_from_slice(b"\\ufffd");
                i += 6;
            }
        }
    }
    out.extend_from_slice(&bytes[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> (String, bool) {
        let p = prepare(json.as_bytes());
        let s: String = serde_json::from_slice(&p.text).unwrap();
        (s, p.markers)
    }

    #[test]
    fn lone_low_surrogates_read_as_the_bytes_they_stand_for() {
        let (s, markers) = parse(r#""caf\udce9 \udcff!""#);
        assert_eq!(text_bytes(&s, markers), b"caf\xe9 \xff!");
    }

    #[test]
    fn pairs_and_other_escapes_are_untouched() {
        let json = r#""\ud83d\ude00 \\udce9 \" \u00e9""#;
        let p = prepare(json.as_bytes());
        assert!(matches!(p.text, Cow::Borrowed(_)));
        let s: String = serde_json::from_slice(&p.text).unwrap();
        assert_eq!(s, "\u{1F600} \\udce9 \" é");
    }

    #[test]
    fn surrogates_that_stand_for_no_byte_become_replacement_characters() {
        let (s, _) = parse(r#""a\ud800b\udc41c\udbff""#);
        assert_eq!(s, "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn genuine_private_use_characters_are_never_mistaken_for_bytes() {
        let json = "\"\u{F00E9} \\udce9\"";
        let p = prepare(json.as_bytes());
        assert!(!p.markers && p.note.is_some());
        let s: String = serde_json::from_slice(&p.text).unwrap();
        assert_eq!(text_bytes(&s, p.markers), "\u{F00E9} \u{FFFD}".as_bytes());
        // Without lone surrogates there is nothing to map, and no note.
        let p = prepare("\"\u{F00E9}\"".as_bytes());
        assert!(!p.markers && p.note.is_none());
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
    }

    #[test]
    fn truncated_escapes_do_not_panic() {
        for tail in ["\\", "\\u", "\\udc", "\\ud800\\", "\\ud800\\u12"] {
            let _ = prepare(tail.as_bytes());
        }
    }
}
