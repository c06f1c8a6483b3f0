//! The `/` filter: what a person types, turned into store conditions.
//!
//! [`parse_tui_filter`] is the one entry point, so the full filter language
//! (`status:2xx header:X=y json:/a=b …`, being built for the command line) can
//! replace it without touching the rest of the TUI. Today it knows the
//! command-line [`Filter`] fields as `key:value` terms and treats every other
//! word as free text.

use crate::filter::{self, Filter, FilterError};
use crate::model::Timestamp;

/// A parsed `/` filter: command-line conditions plus free-text words that must
/// all occur (in method and target, headers or body; smart case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TuiFilter {
    /// `method:`, `path:`, `session:` and `since:` terms.
    pub filter: Filter,
    /// Every other word; `"quoted words"` stay one word.
    pub words: Vec<String>,
}

impl TuiFilter {
    /// True when it matches everything.
    pub fn is_empty(&self) -> bool {
        self.filter == Filter::default() && self.words.is_empty()
    }
}

/// Parses `input` relative to `now` (for `since:`):
///
/// - `method:POST` (case-insensitive), `path:/hooks/*` (a glob over the path),
///   `session:latest` or `session:3`, `since:10m` or `since:2026-01-02T15:04:05Z`;
/// - anything else is a free-text word; `"two words"` is one word.
pub fn parse_tui_filter(input: &str, now: Timestamp) -> Result<TuiFilter, FilterError> {
    let mut out = TuiFilter::default();
    for token in tokens(input) {
        let term = token.split_once(':').filter(|_| !token.starts_with('"'));
        match term {
            Some(("method", v)) if !v.is_empty() => out.filter.method = Some(v.to_owned()),
            Some(("path", v)) if !v.is_empty() => out.filter.path_glob = Some(v.to_owned()),
            Some(("session", v)) => out.filter.session = Some(filter::parse_session(v)?),
            Some(("since", v)) => out.filter.since = Some(filter::parse_since(v, now)?),
            _ => out.words.push(token.trim_matches('"').to_owned()),
        }
    }
    out.words.retain(|w| !w.is_empty());
    Ok(out)
}

/// Whitespace-separated tokens; a token starting with `"` runs to the next `"`.
fn tokens(input: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let end = if let Some(quoted) = rest.strip_prefix('"') {
            quoted.find('"').map_or(rest.len(), |i| i + 2)
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::SessionSel;

    fn parse(s: &str) -> TuiFilter {
        parse_tui_filter(s, Timestamp(10_000_000_000)).expect("parses")
    }

    #[test]
    fn free_words_and_quoted_phrases() {
        assert_eq!(
            parse("  stripe  \"order paid\" x").words,
            ["stripe", "order paid", "x"]
        );
        assert!(parse("").is_empty());
        assert_eq!(
            parse("\"unterminated phrase").words,
            ["unterminated phrase"]
        );
    }

    #[test]
    fn command_line_terms_become_filter_fields() {
        let f = parse("method:post path:/hooks/* session:latest since:10s evt");
        assert_eq!(f.filter.method.as_deref(), Some("post"));
        assert_eq!(f.filter.path_glob.as_deref(), Some("/hooks/*"));
        assert_eq!(f.filter.session, Some(SessionSel::Latest));
        assert_eq!(f.filter.since, Some(Timestamp(9_990_000_000)));
        assert_eq!(f.words, ["evt"]);
    }

    #[test]
    fn unknown_terms_and_urls_are_free_text() {
        assert_eq!(
            parse("status:2xx http://x").words,
            ["status:2xx", "http://x"]
        );
        assert_eq!(parse("\"method:GET\"").words, ["method:GET"]);
    }

    #[test]
    fn bad_values_are_errors_naming_them() {
        let err = parse_tui_filter("since:whenever", Timestamp(0)).unwrap_err();
        assert!(err.to_string().contains("whenever"));
        assert!(parse_tui_filter("session:first", Timestamp(0)).is_err());
    }
}
