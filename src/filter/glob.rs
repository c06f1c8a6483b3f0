//! Globs with SQLite's `GLOB` semantics, so a pattern means the same in SQL and
//! in Rust: `*` any run of characters (`/` included), `?` one character,
//! `[abc]`, `[a-z]` and `[^abc]` one character of (or not of) a set. Matching is
//! case-sensitive and there is no escape character: `[*]` matches a literal `*`.

/// A checked glob pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
    tokens: Vec<Tok>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Star,
    One,
    Lit(char),
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A glob that cannot match as written: an unclosed `[`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// Byte offset of the `[` that is never closed.
    pub at: usize,
}

impl Glob {
    /// Checks `pattern`.
    pub fn new(pattern: &str) -> Result<Self, GlobError> {
        let mut tokens = Vec::new();
        let mut chars = pattern.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            tokens.push(match c {
                '*' => Tok::Star,
                '?' => Tok::One,
                '[' => parse_set(&mut chars).ok_or(GlobError { at })?,
                c => Tok::Lit(c),
            });
        }
        Ok(Self {
            pattern: pattern.to_owned(),
            tokens,
        })
    }

    /// The pattern as written (what SQL's `GLOB` gets).
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// True when the pattern has no wildcard, so it only matches itself.
    pub fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, Tok::Lit(_)))
    }

    /// True when `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut t, mut p) = (0, 0);
        // Where to resume after the last `*`: (pattern index after it, text index).
        let mut resume: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.tokens.get(p) {
                Some(Tok::Star) => {
                    resume = Some((p + 1, t));
                    p += 1;
                }
                Some(tok) if tok.accepts(text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match resume {
                    Some((rp, rt)) => {
                        resume = Some((rp, rt + 1));
                        p = rp;
                        t = rt + 1;
                    }
                    None => return false,
                },
            }
        }
        self.tokens[p..].iter().all(|tok| *tok == Tok::Star)
    }
}

impl Tok {
    fn accepts(&self, c: char) -> bool {
        match self {
            Tok::Star | Tok::One => true,
            Tok::Lit(l) => *l == c,
            Tok::Set { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Reads a set after its `[`; `None` when it is never closed.
fn parse_set(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<Tok> {
    let negated = chars.next_if(|&(_, c)| c == '^').is_some();
    let mut ranges = Vec::new();
    // A `]` right after `[` or `[^` is a member, as in SQLite.
    if let Some((_, ']')) = chars.peek() {
        chars.next();
        ranges.push((']', ']'));
    }
    loop {
        let (_, c) = chars.next()?;
        if c == ']' {
            return Some(Tok::Set { negated, ranges });
        }
        let dash_then_hi = chars.peek().is_some_and(|&(_, d)| d == '-');
        if dash_then_hi {
            let mut ahead = chars.clone();
            ahead.next();
            match ahead.peek() {
                Some(&(_, hi)) if hi != ']' => {
                    chars.next();
                    chars.next();
                    ranges.push((c, hi));
                    continue;
                }
                _ => {}
            }
        }
        ranges.push((c, c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (pattern, text) pairs covering every construct, checked against SQLite itself.
    const CASES: &[(&str, &str)] = &[
        ("/hook*", "/hook"),
        ("/hook*", "/hooks/github"),
        ("/hook*", "/Hook"),
        ("/hooks/*", "/hooks/a/b"),
        ("*", ""),
        ("?", ""),
        ("?", "é"),
        ("/a?c", "/abc"),
        ("/a?c", "/ac"),
        ("[abc]x", "bx"),
        ("[abc]x", "dx"),
        ("[^abc]x", "dx"),
        ("[^abc]x", "ax"),
        ("[a-c]", "b"),
        ("[a-c]", "-"),
        ("[a-]", "-"),
        ("[]]", "]"),
        ("[^]]", "]"),
        ("[*]", "*"),
        ("[*]", "x"),
        ("*.json", "a.json.bak"),
        ("*a*b*c", "xxaxxbxxc"),
        ("*a*b*c", "xxaxxcxxb"),
        ("a*", "b"),
        ("\\*", "\\x"),
    ];

    #[test]
    fn globs_match_exactly_like_sqlite_glob() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for (pattern, text) in CASES {
            let sqlite: bool = conn
                .query_row("SELECT ?2 GLOB ?1", [pattern, text], |r| r.get(0))
                .unwrap();
            let ours = Glob::new(pattern).unwrap().matches(text);
            assert_eq!(ours, sqlite, "{pattern:?} vs {text:?}");
        }
    }

    #[test]
    fn an_unclosed_set_is_an_error_at_its_bracket() {
        assert_eq!(Glob::new("/a/[bc").unwrap_err(), GlobError { at: 3 });
        assert!(Glob::new("/a/[").is_err());
    }

    #[test]
    fn literals_are_recognised() {
        assert!(Glob::new("/hook").unwrap().is_literal());
        assert!(!Glob::new("/hook*").unwrap().is_literal());
    }
}
