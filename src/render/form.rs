//! `application/x-www-form-urlencoded` bodies as a key/value table.

use super::color::Paint;
use super::headers::{MAX_NAME_PAD, aligned_rows};
use super::json::json_pretty_value;
use crate::model::parse_form;
use crate::sanitize::sanitize_bytes;

/// The pairs of a form body as aligned `name  value` lines, names cyan when
/// `paint` is enabled, both sanitized to one line each; a value that is a
/// JSON object or array (Slack's `payload=`) is pretty-printed, its lines
/// under the value column.
pub fn form_table(body: &[u8], paint: &Paint) -> String {
    let pairs = parse_form(body);
    let names: Vec<String> = pairs.iter().map(|(k, _)| sanitize_bytes(k)).collect();
    let indent = " ".repeat(name_width(&names) + 2);
    let rows: Vec<(String, String)> = names
        .into_iter()
        .zip(&pairs)
        .map(|(name, (_, v))| {
            let value = match json_value(v) {
                Some(json) => json_pretty_value(&json, paint).replace('\n', &format!("\n{indent}")),
                None => sanitize_bytes(v),
            };
            (name, value)
        })
        .collect();
    aligned_rows(&rows, 2, paint)
}

/// The column the values of a form table start at (less the gap): the
/// longest name, capped as [`aligned_rows`] caps it.
pub(super) fn name_width(names: &[String]) -> usize {
    names
        .iter()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_NAME_PAD + 1)
}

/// A form value that is a JSON object or array, parsed.
pub fn json_value(value: &[u8]) -> Option<serde_json::Value> {
    let first = value.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[') {
        return None;
    }
    serde_json::from_slice(value).ok()
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
    fn json_values_are_pretty_printed_under_the_value_column() {
        let body = b"token=x&payload=%7B%22type%22%3A%22block_actions%22%2C%22ids%22%3A%5B1%5D%7D";
        let out = form_table(body, &Paint::new(false));
        assert_eq!(
            out,
            "token    x\n\
             payload  {\n\
             \x20          \"type\": \"block_actions\",\n\
             \x20          \"ids\": [\n\
             \x20            1\n\
             \x20          ]\n\
             \x20        }\n"
        );
        assert_eq!(
            form_table(b"n=%7Bnot+json", &Paint::new(false)),
            "n  {not json\n"
        );
    }

    #[test]
    fn empty_body_gives_no_rows() {
        assert!(parse_form(b"").is_empty());
        assert_eq!(form_table(b"", &Paint::new(true)), "");
    }
}
