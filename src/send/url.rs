//! Query parameters (the URL shorthands are [`crate::http::expand_shorthand`]).

/// Percent-encodes everything except RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`); a space is `%20`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// [`percent_encode`] with a space as `+`: the `application/x-www-form-urlencoded`
/// form that curl's `--url-query` and `-d` forms use.
pub fn form_component(s: &str) -> String {
    percent_encode(s).replace("%20", "+")
}

/// `url` with `name=value` pairs appended to its query (each side encoded by
/// [`form_component`], like curl's `--url-query`), before any `#fragment`.
pub fn with_query(url: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url.to_owned();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{}={}", form_component(n), form_component(v)))
        .collect();
    let sep = match base.split_once('?') {
        None => "?",
        Some((_, q)) if q.is_empty() || q.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{sep}{}", encoded.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
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
    }
}
