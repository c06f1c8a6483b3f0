//! Pretty, optionally colored JSON that is safe to print.
//!
//! Written through [`crate::sanitize::json`], like every JSON output: whatever a
//! terminal would act on (DEL, C1, bidi and invisible characters) is a `\uXXXX`
//! JSON escape, so the result stays valid JSON (without color) and means
//! exactly what the sender sent.

use colored_json::{ColorMode, ColoredFormatter, PrettyFormatter};
use serde_json::Value;

use super::color::Paint;
use crate::sanitize::json::{TerminalSafe, to_string_pretty};

/// `bytes` parsed and pretty-printed (colored when `paint` is enabled), or `None`
/// when they are not JSON. Object key order is kept as sent.
///
/// Duplicate keys collapse to the last value and numbers beyond `f64` precision
/// are rounded: this is a view of the parsed document, not of the exact bytes.
pub fn json_pretty(bytes: &[u8], paint: &Paint) -> Option<String> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    Some(json_pretty_value(&value, paint))
}

/// `value` pretty-printed (colored when `paint` is enabled), with no control,
/// C1, bidi or invisible character left raw.
pub fn json_pretty_value(value: &Value, paint: &Paint) -> String {
    // A Value always serializes; the fallback only keeps this total.
    let plain = || to_string_pretty(value).unwrap_or_default();
    if !paint.enabled {
        return plain();
    }
    ColoredFormatter::new(TerminalSafe(PrettyFormatter::new()))
        .to_colored_json(value, ColorMode::On)
        .unwrap_or_else(|_| plain())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testing::{assert_terminal_safe, strip_sgr};

    const HOSTILE: &str =
        r#"{"x":"\u009b2J\u001b]0;pwned\u0007","\u202ek\u007f":["\r\u0000","\u200b\ufeff\u2028"]}"#;

    #[test]
    fn hostile_strings_are_escaped_without_color() {
        let out = json_pretty(HOSTILE.as_bytes(), &Paint::new(false)).expect("json");
        assert_terminal_safe(&out, true);
        assert!(out.contains(r#""\u009b2J\u001b]0;pwned\u0007""#), "{out}");
        assert!(out.contains(r#""\u202ek\u007f""#), "{out}");
        assert!(out.contains(r#""\r\u0000""#), "{out}");
        assert!(out.contains(r#""\u200b\ufeff\u2028""#), "{out}");
    }

    #[test]
    fn hostile_strings_are_escaped_with_color() {
        let out = json_pretty(HOSTILE.as_bytes(), &Paint::new(true)).expect("json");
        assert!(out.contains("\x1b["), "color expected: {out:?}");
        assert_terminal_safe(&out, true);
        let stripped = strip_sgr(&out);
        assert!(stripped.contains(r#""\u009b2J\u001b]0;pwned\u0007""#));
        assert!(stripped.contains(r#""\u200b\ufeff\u2028""#), "{stripped}");
    }

    #[test]
    fn plain_output_stays_valid_json_with_the_same_value() {
        let out = json_pretty(HOSTILE.as_bytes(), &Paint::new(false)).expect("json");
        let back: Value = serde_json::from_str(&out).expect("still JSON");
        let original: Value = serde_json::from_str(HOSTILE).expect("JSON");
        assert_eq!(back, original);
    }

    #[test]
    fn key_order_is_kept() {
        let out = json_pretty(br#"{"z":1,"a":{"y":2,"b":3},"m":4}"#, &Paint::new(false));
        let out = out.expect("json");
        let pos = |k: &str| out.find(&format!("\"{k}\"")).expect("key present");
        assert!(pos("z") < pos("a") && pos("a") < pos("m"));
        assert!(pos("y") < pos("b"));
    }

    #[test]
    fn output_is_pretty_printed() {
        let out = json_pretty(br#"{"a":[1,true,null]}"#, &Paint::new(false));
        assert_eq!(
            out.as_deref(),
            Some("{\n  \"a\": [\n    1,\n    true,\n    null\n  ]\n}")
        );
    }

    #[test]
    fn non_json_gives_none() {
        assert_eq!(json_pretty(b"{nope", &Paint::new(false)), None);
        assert_eq!(json_pretty(b"\xff", &Paint::new(true)), None);
    }
}
