//! `application/x-www-form-urlencoded` bodies decoded into their pairs: what
//! the form view shows, what Twilio signs (sorted), and what answer templates
//! read from a query string.

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
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(&k).into_owned(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
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
}
