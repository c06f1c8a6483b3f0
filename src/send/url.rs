//! Query parameters and form encoding as curl does them (the URL shorthands
//! are [`crate::http::expand_shorthand`]).

/// Percent-encodes everything except RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), in upper-case hex; a space is `%20`.
pub fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// [`percent_encode`] with a space as `+`: the `application/x-www-form-urlencoded`
/// form that curl's `--data-urlencode` and `--url-query` write.
pub fn form_component(bytes: &[u8]) -> String {
    percent_encode(bytes).replace("%20", "+")
}

/// `url` with `part` appended to its query, before any `#fragment`: after a
/// `&` unless the query is empty or already ends with one (curl's rule for
/// `-G` and `--url-query`).
pub fn append_query(url: &str, part: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = match base.split_once('?') {
        None => "?",
        Some((_, q)) if q.is_empty() || q.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{sep}{part}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `url` with `name=value` pairs appended to its query, each side encoded by
/// [`form_component`] (`--query`).
pub fn with_query(url: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url.to_owned();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(n, v)| {
            format!(
                "{}={}",
                form_component(n.as_bytes()),
                form_component(v.as_bytes())
            )
        })
        .collect();
    append_query(url, &encoded.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_encoded_and_appended() {
        let pairs = vec![
            ("a b".to_owned(), "1&2=3".to_owned()),
            ("ü".to_owned(), "~x_".to_owned()),
        ];
        assert_eq!(
            with_query("http://h/p", &pairs),
            "http://h/p?a+b=1%262%3D3&%C3%BC=~x_"
        );
        assert_eq!(
            with_query("http://h/p?x=1#top", &pairs[..1]),
            "http://h/p?x=1&a+b=1%262%3D3#top"
        );
        assert_eq!(
            with_query("http://h/p?", &pairs[..1]),
            "http://h/p?a+b=1%262%3D3"
        );
        assert_eq!(with_query("http://h/p", &[]), "http://h/p");
        assert_eq!(append_query("http://h/p?a&", "b"), "http://h/p?a&b");
    }
}
