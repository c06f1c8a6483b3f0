//! The body and query parts curl builds from its data options: `-d`,
//! `--data-raw`, `--data-binary`, `--data-urlencode`, `--json` (joined in
//! the order given) and `--url-query`.

use super::BuildError;
use super::url::form_component;

/// Which data option a body part came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFlag {
    /// `-d`/`--data`: `@FILE` read without CR and LF.
    Data,
    /// `--data-raw`: the text as it is, `@` included.
    Raw,
    /// `--data-binary`: `@FILE` read exactly.
    Binary,
    /// `--data-urlencode`: form-encoded.
    Urlencode,
    /// `--json`: JSON, with JSON `Content-Type` and `Accept`.
    Json,
}

/// Reads `@FILE` arguments (`-` is stdin).
pub type ReadFile<'a> = dyn FnMut(&str) -> Result<Vec<u8>, BuildError> + 'a;

/// One data option's bytes, as curl makes them:
/// - `-d`: the text, or `@FILE` without its CR and LF bytes;
/// - `--data-raw`: the text, `@` included;
/// - `--data-binary` and `--json`: the text, or `@FILE` exactly;
/// - `--data-urlencode`: see [`urlencoded`].
pub fn part(flag: DataFlag, arg: &str, read: &mut ReadFile<'_>) -> Result<Vec<u8>, BuildError> {
    let file = arg.strip_prefix('@');
    match (flag, file) {
        (DataFlag::Urlencode, _) => urlencoded(arg, read),
        (DataFlag::Raw, _) | (_, None) => Ok(arg.as_bytes().to_vec()),
        (DataFlag::Data, Some(path)) => {
            let mut bytes = read(path)?;
            bytes.retain(|b| *b != b'\r' && *b != b'\n');
            Ok(bytes)
        }
        (DataFlag::Binary | DataFlag::Json, Some(path)) => read(path),
    }
}

/// `--data-urlencode` (and `--url-query` without `+`), curl's forms:
/// `content` and `=content` encode the content; `name=content` keeps the
/// name and encodes the content; `@FILE` and `name@FILE` do the same with the
/// file's content. The first `=` decides; only without one does `@` name a file.
pub fn urlencoded(arg: &str, read: &mut ReadFile<'_>) -> Result<Vec<u8>, BuildError> {
    let (name, content) = match arg.find('=').or_else(|| arg.find('@')) {
        Some(at) => {
            let (name, rest) = arg.split_at(at);
            let content = match rest.strip_prefix('@') {
                Some(path) => read(path)?,
                None => rest.as_bytes()[1..].to_vec(),
            };
            (name, content)
        }
        None => ("", arg.as_bytes().to_vec()),
    };
    let encoded = form_component(&content);
    Ok(if name.is_empty() {
        encoded.into_bytes()
    } else {
        format!("{name}={encoded}").into_bytes()
    })
}

/// A `--url-query` part: `+TEXT` as it is, anything else as [`urlencoded`].
pub fn url_query(arg: &str, read: &mut ReadFile<'_>) -> Result<String, BuildError> {
    match arg.strip_prefix('+') {
        Some(raw) => Ok(raw.to_owned()),
        None => Ok(String::from_utf8_lossy(&urlencoded(arg, read)?).into_owned()),
    }
}

/// The body of the data options, in order: joined with `&`, except `--json`
/// parts, which are concatenated (curl's rules).
pub fn join(items: &[(DataFlag, String)], read: &mut ReadFile<'_>) -> Result<Vec<u8>, BuildError> {
    let mut body = Vec::new();
    for (i, (flag, arg)) in items.iter().enumerate() {
        if i > 0 && *flag != DataFlag::Json {
            body.push(b'&');
        }
        body.extend(part(*flag, arg, read)?);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Result<Vec<u8>, BuildError> {
        Ok(format!("<{path}>\r\nx y\n").into_bytes())
    }

    #[test]
    fn urlencode_forms_follow_curl() {
        let table = [
            ("a b&c", "a+b%26c"),
            ("=x y", "x+y"),
            ("n=v w=z", "n=v+w%3Dz"),
            ("@f", "%3Cf%3E%0D%0Ax+y%0A"),
            ("f@f", "f=%3Cf%3E%0D%0Ax+y%0A"),
            ("a@b=c d", "a@b=c+d"),
            ("", ""),
        ];
        for (arg, want) in table {
            let got = urlencoded(arg, &mut file).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want, "{arg:?}");
        }
        assert_eq!(url_query("+x=%20y z", &mut file).unwrap(), "x=%20y z");
        assert_eq!(url_query("z w", &mut file).unwrap(), "z+w");
    }

    #[test]
    fn parts_are_read_and_joined_like_curl() {
        let items = [
            (DataFlag::Raw, "@notafile".to_owned()),
            (DataFlag::Data, "@f".to_owned()),
            (DataFlag::Binary, "@f".to_owned()),
            (DataFlag::Urlencode, "q=a b".to_owned()),
        ];
        let body = join(&items, &mut file).unwrap();
        assert_eq!(body, b"@notafile&<f>x y&<f>\r\nx y\n&q=a+b");
        let json = [
            (DataFlag::Json, "{\"a\":".to_owned()),
            (DataFlag::Json, "1}".to_owned()),
        ];
        assert_eq!(join(&json, &mut file).unwrap(), b"{\"a\":1}");
    }
}
