//! `-H 'Name: value'` and `TEXT|@FILE` arguments: `listen`'s answer headers
//! and body, `replay`'s changes.

use bytes::Bytes;

use crate::error::CliError;
use crate::model::Header;

/// Parses `Name: value`, checking both parts are valid in HTTP.
pub fn parse_header(raw: &str) -> Result<Header, CliError> {
    let bad = |why: &str| CliError::Usage(format!("invalid header {raw:?}: {why}"));
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| bad("expected 'Name: value'"))?;
    let name = name.trim();
    let value = value.trim();
    hyper::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("invalid name"))?;
    hyper::header::HeaderValue::from_str(value).map_err(|_| bad("invalid value"))?;
    Ok(Header::new(name, value))
}

/// The `--body` argument: text as given, or `@FILE` read from disk.
pub fn read_body_arg(arg: Option<&str>) -> Result<Bytes, CliError> {
    match arg {
        None => Ok(Bytes::new()),
        Some(a) => match a.strip_prefix('@') {
            Some(path) => std::fs::read(path)
                .map(Bytes::from)
                .map_err(|e| CliError::Usage(format!("cannot read --body file {path}: {e}"))),
            None => Ok(Bytes::from(a.to_owned())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_trimmed_and_checked() {
        let h = parse_header(" X-A :  1 2 ").unwrap();
        assert_eq!((h.name.as_str(), h.value_str().as_ref()), ("X-A", "1 2"));
        assert_eq!(parse_header("X-A:").unwrap().value, b"");
        assert_eq!(parse_header("X-A: x:y").unwrap().value, b"x:y");
        for (bad, why) in [
            ("X-A", "expected 'Name: value'"),
            ("Bad Name: 1", "invalid name"),
            (": v", "invalid name"),
            ("X-A: a\u{7f}", "invalid value"),
        ] {
            match parse_header(bad) {
                Err(CliError::Usage(m)) => assert!(m.ends_with(why), "{bad:?}: {m}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_body_is_text_or_a_file() {
        assert_eq!(read_body_arg(None).unwrap(), "");
        assert_eq!(read_body_arg(Some("hi")).unwrap(), "hi");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("body");
        std::fs::write(&path, b"\x00bytes\n").unwrap();
        let arg = format!("@{}", path.display());
        assert_eq!(read_body_arg(Some(&arg)).unwrap(), &b"\x00bytes\n"[..]);
        let missing = format!("@{}", dir.path().join("none").display());
        assert!(
            matches!(read_body_arg(Some(&missing)), Err(CliError::Usage(m)) if m.contains("cannot read --body file"))
        );
    }
}
