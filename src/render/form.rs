//! `application/x-www-form-urlencoded` bodies as a key/value table.

use super::color::Paint;
use super::headers::aligned_rows;
use crate::sanitize::sanitize_bytes;

/// The decoded `(name, value)` pairs of a form body, in order, duplicates kept.
///
/// Pairs are split on `&` (empty ones skipped) and at the first `=`; `+` becomes
/// a space and `%XX` the byte it encodes. A `%` not followed by two hex digits is
/// kept literally, as browsers and the WHATWG URL standard do. The results are
/// raw bytes (maybe not UTF-8): sanitize before display.
pub fn parse_form(body: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(i) => (form_decode(&pair[..i]), form_decode(&pair[i + 1..])),
            None => (form_decode(pair), Vec::new()),
        })
        .collect()
}

/// The pairs of a form body as aligned `name  value` lines, names cyan when
/// `paint` is enabled, both sanitized to one line each.
pub fn form_table(body: &[u8], paint: &Paint) -> String {
    let rows: Vec<(String, String)> = parse_form(body)
        .iter()
        .map(|(k, v)| (sanitize_bytes(k), sanitize_bytes(v)))
        .collect();
    aligned_rows(&rows, 2, paint)
}

/// Undoes `+` and `%XX` in one name or value.
fn form_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(byte) = hex_pair(s.get(i + 1..i + 3)) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The byte two hex digits encode, if `pair` is exactly that.
fn hex_pair(pair: Option<&[u8]>) -> Option<u8> {
    let text = std::str::from_utf8(pair?).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u8::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(body: &str) -> Vec<(String, String)> {
        parse_form(body.as_bytes())
            .into_iter()
            .map(|(k, v)| (sanitize_bytes(&k), sanitize_bytes(&v)))
            .collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn plus_becomes_space_and_percent_escapes_are_decoded() {
        assert_eq!(
            pairs("q=a+b%20c&name=J%C3%BCrgen"),
            [pair("q", "a b c"), pair("name", "Jürgen")]
        );
    }

    #[test]
    fn encoded_plus_and_ampersand_stay_literal() {
        assert_eq!(pairs("a=1%2B1%3D2%26x"), [pair("a", "1+1=2&x")]);
    }

    #[test]
    fn invalid_percent_sequences_are_kept_literally() {
        assert_eq!(
            pairs("a=%zz&b=%4&c=100%&d=%+1"),
            [
                pair("a", "%zz"),
                pair("b", "%4"),
                pair("c", "100%"),
                pair("d", "% 1")
            ]
        );
    }

    #[test]
    fn missing_value_empty_pairs_and_duplicates_are_handled() {
        assert_eq!(
            pairs("flag&&a=1&a=2&=x&b=c=d"),
            [
                pair("flag", ""),
                pair("a", "1"),
                pair("a", "2"),
                pair("", "x"),
                pair("b", "c=d")
            ]
        );
    }

    #[test]
    fn a_percent_before_a_multibyte_char_does_not_panic() {
        assert_eq!(pairs("a=%é"), [pair("a", "%é")]);
    }

    #[test]
    fn table_aligns_values() {
        let out = form_table(b"a=1&long_name=2", &Paint::new(false));
        assert_eq!(out, "a          1\nlong_name  2\n");
    }

    #[test]
    fn hostile_encoded_bytes_are_escaped_in_the_table() {
        let body = b"%1B%5B2J=%1B%5D0%3Bpwned%07&x=%C2%9B31m%0D%0A%FF%00";
        let out = form_table(body, &Paint::new(false));
        let key = "\\x1b[2J"; // 7 characters once escaped
        let expected = format!(
            "{key}  \\x1b]0;pwned\\x07\nx{}\\u{{9b}}31m\\r\\n\\xff\\x00\n",
            " ".repeat(key.len() - 1 + 2)
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn empty_body_gives_no_rows() {
        assert!(parse_form(b"").is_empty());
        assert_eq!(form_table(b"", &Paint::new(true)), "");
    }
}
