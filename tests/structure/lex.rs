//! Just enough of a Rust lexer to find paths: identifiers, `::`, punctuation
//! and string values, with comments, character literals, lifetimes and
//! numbers skipped, so nothing inside a comment or a string reads as a path.

/// One token of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword (`r#type` is `type`).
    Ident(String),
    /// `::`.
    Sep,
    /// Any other punctuation character.
    Punct(char),
    /// A string literal's contents, escapes left as written.
    Str(String),
    /// A number, character literal or lifetime.
    Other,
}

impl Tok {
    /// The identifier, if this is one.
    pub fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// True for the punctuation character `c`.
    pub fn is(&self, c: char) -> bool {
        *self == Tok::Punct(c)
    }
}

/// The tokens of `text`.
pub fn lex(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (len, tok) = next(&chars[i..]);
        toks.extend(tok);
        i += len.max(1);
    }
    toks
}

/// The length of the token (or skipped text) at the start of `c`, and the token.
fn next(c: &[char]) -> (usize, Option<Tok>) {
    let at = |k: usize| c.get(k).copied().unwrap_or('\0');
    match c[0] {
        ch if ch.is_whitespace() => (1, None),
        '/' if at(1) == '/' => (c.iter().position(|&x| x == '\n').unwrap_or(c.len()), None),
        '/' if at(1) == '*' => (block_comment(c), None),
        '"' => quoted(c, 1),
        '\'' => char_or_lifetime(c),
        ':' if at(1) == ':' => (2, Some(Tok::Sep)),
        ch if ch == '_' || ch.is_alphabetic() => word(c),
        ch if ch.is_ascii_digit() => (ident_len(c), Some(Tok::Other)),
        ch => (1, Some(Tok::Punct(ch))),
    }
}

/// An identifier, or a literal with a prefix: `r"…"`, `br#"…"#`, `b"…"`,
/// `c"…"`, `b'x'`, and raw identifiers (`r#type`).
fn word(c: &[char]) -> (usize, Option<Tok>) {
    let n = ident_len(c);
    let w: String = c[..n].iter().collect();
    let after = c.get(n).copied().unwrap_or('\0');
    let then = c.get(n + 1).copied().unwrap_or('\0');
    match (w.as_str(), after) {
        ("r" | "br" | "cr", '"') => raw_string(c, n),
        ("r" | "br" | "cr", '#') if then == '"' || then == '#' => raw_string(c, n),
        ("r", '#') => {
            let m = ident_len(&c[n + 1..]);
            let name: String = c[n + 1..n + 1 + m].iter().collect();
            (n + 1 + m, Some(Tok::Ident(name)))
        }
        ("b" | "c", '"') => {
            let (len, tok) = quoted(&c[n..], 1);
            (n + len, tok)
        }
        ("b", '\'') => {
            let (len, _) = char_or_lifetime(&c[n..]);
            (n + len, Some(Tok::Other))
        }
        _ => (n, Some(Tok::Ident(w))),
    }
}

fn ident_len(c: &[char]) -> usize {
    c.iter()
        .position(|&x| !(x == '_' || x.is_alphanumeric()))
        .unwrap_or(c.len())
}

/// `/* … */`, nested ones included.
fn block_comment(c: &[char]) -> usize {
    let (mut depth, mut i) = (0, 0);
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    c.len()
}

/// A string whose contents start at `start` and end at the next unescaped `"`.
fn quoted(c: &[char], start: usize) -> (usize, Option<Tok>) {
    let mut i = start;
    while i < c.len() && c[i] != '"' {
        i += if c[i] == '\\' { 2 } else { 1 };
    }
    let end = i.min(c.len());
    (end + 1, Some(Tok::Str(c[start..end].iter().collect())))
}

/// A raw string whose prefix (`r`, `br`, `cr`) is `n` characters long.
fn raw_string(c: &[char], n: usize) -> (usize, Option<Tok>) {
    let hashes = c[n..].iter().take_while(|&&x| x == '#').count();
    let start = n + hashes + 1;
    let mut i = start;
    while i < c.len() {
        if c[i] == '"'
            && c[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&x| x == '#')
                .count()
                == hashes
        {
            return (i + 1 + hashes, Some(Tok::Str(c[start..i].iter().collect())));
        }
        i += 1;
    }
    (c.len(), None)
}

/// `'x'`, `'\n'`, `'\u{1F600}'`, or a lifetime or label such as `'a`.
fn char_or_lifetime(c: &[char]) -> (usize, Option<Tok>) {
    if c.get(1) == Some(&'\\') {
        let close = c
            .iter()
            .skip(3)
            .position(|&x| x == '\'')
            .map_or(c.len(), |p| p + 3);
        return (close + 1, Some(Tok::Other));
    }
    if c.get(2) == Some(&'\'') {
        return (3, Some(Tok::Other));
    }
    (1 + ident_len(&c[1..]), Some(Tok::Other))
}

#[test]
fn comments_strings_and_characters_hide_what_they_hold() {
    let src = r####"
        // crate::a::b
        /* crate::c /* nested */ crate::d */
        let s = "crate::e \" crate::f"; let r = r#"crate::g "quoted" "#;
        let b = b"crate::h"; let q = '"'; let e = '\''; let l: &'static str = x;
        crate::real::path
    "####;
    let toks = lex(src);
    let idents: Vec<&str> = toks.iter().filter_map(Tok::ident).collect();
    assert_eq!(
        idents,
        [
            "let", "s", "let", "r", "let", "b", "let", "q", "let", "e", "let", "l", "str", "x",
            "crate", "real", "path"
        ]
    );
}

#[test]
fn raw_identifiers_and_path_separators_are_tokens() {
    let toks = lex("use r#type::Foo;");
    assert_eq!(
        toks,
        [
            Tok::Ident("use".into()),
            Tok::Ident("type".into()),
            Tok::Sep,
            Tok::Ident("Foo".into()),
            Tok::Punct(';'),
        ]
    );
}
