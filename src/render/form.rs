//! `application/x-www-form-urlencoded` bodies as a key/value table.

use super::color::Paint;
use super::headers::aligned_rows;
use crate::model::parse_form;
use crate::sanitize::sanitize_bytes;

/// The pairs of a form body as aligned `name  value` lines, names cyan when
/// `paint` is enabled, both sanitized to one line each.
pub fn form_table(body: &[u8], paint: &Paint) -> String {
    let rows: Vec<(String, String)> = parse_form(body)
        .iter()
        .map(|(k, v)| (sanitize_bytes(k), sanitize_bytes(v)))
        .collect();
    aligned_rows(&rows, 2, paint)
}

#[cfg(test)]
mod tests {
    use super::*;

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
