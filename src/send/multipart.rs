//! `multipart/form-data` bodies for `-F`, built byte by byte like curl builds them
//! (RFC 7578): one `--boundary` line per part, a `Content-Disposition` header,
//! a `Content-Type` for uploads, CRLF line ends, and a closing `--boundary--`.
//!
//! Field syntax (a subset of curl's):
//! - `name=value`: a text field, the value taken literally;
//! - `name=@path[;type=MIME][;filename=NAME]`: a file upload (`@-` reads stdin);
//! - `name=<path[;type=MIME]`: a text field whose value is the file's content.

use super::BuildError;

/// One form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The field name.
    pub name: String,
    /// The content bytes.
    pub data: Vec<u8>,
    /// The file name sent for uploads.
    pub filename: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
}

/// Parses one `-F` argument; `read` loads `@path`/`<path` contents (`-` is stdin).
pub fn parse_form_arg(
    arg: &str,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, BuildError>,
) -> Result<FormPart, BuildError> {
    let (name, value) = arg.split_once('=').ok_or_else(|| {
        BuildError::Invalid(format!(
            "-F {arg:?}: expected name=value, name=@FILE or name=<FILE"
        ))
    })?;
    if name.is_empty() {
        return Err(BuildError::Invalid(format!(
            "-F {arg:?}: the field name is empty"
        )));
    }
    let text = |data: Vec<u8>| FormPart {
        name: name.to_owned(),
        data,
        filename: None,
        content_type: None,
    };
    if let Some(spec) = value.strip_prefix('@') {
        let (path, params) = split_params(spec);
        let filename = params.filename.unwrap_or_else(|| basename(path).to_owned());
        let content_type = params
            .content_type
            .unwrap_or_else(|| guess_content_type(path).to_owned());
        return Ok(FormPart {
            filename: Some(filename),
            content_type: Some(content_type),
            ..text(read(path)?)
        });
    }
    if let Some(spec) = value.strip_prefix('<') {
        let (path, params) = split_params(spec);
        return Ok(FormPart {
            content_type: params.content_type,
            ..text(read(path)?)
        });
    }
    Ok(text(value.as_bytes().to_vec()))
}

/// `;type=` and `;filename=` after a path.
#[derive(Default)]
struct Params {
    content_type: Option<String>,
    filename: Option<String>,
}

/// Splits `path;type=x;filename=y`; a `;` not starting a known parameter
/// belongs to the path.
fn split_params(spec: &str) -> (&str, Params) {
    let path_end = spec
        .match_indices(';')
        .map(|(i, _)| i)
        .find(|&i| spec[i + 1..].starts_with("type=") || spec[i + 1..].starts_with("filename="))
        .unwrap_or(spec.len());
    let mut params = Params::default();
    for p in spec[path_end..].split(';') {
        if let Some(t) = p.strip_prefix("type=") {
            params.content_type = Some(t.to_owned());
        } else if let Some(f) = p.strip_prefix("filename=") {
            params.filename = Some(f.to_owned());
        }
    }
    (&spec[..path_end], params)
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// curl's small extension table; everything else is `application/octet-stream`.
pub fn guess_content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "htm" | "html" => "text/html",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// The multipart type `-F` sends unless `-H 'Content-Type: …'` names another.
pub const FORM_DATA: &str = "multipart/form-data";

/// A boundary that occurs in no part: 24 dashes and 16 hex digits from
/// `random`, as long as curl's (so `Content-Length` matches curl's too),
/// drawn again in the (astronomically unlikely) case of a collision.
pub fn fresh_boundary(parts: &[FormPart], random: &mut dyn FnMut() -> u128) -> String {
    loop {
        let b = format!("------------------------{:016x}", random() as u64);
        let collides = parts
            .iter()
            .any(|p| p.data.windows(b.len()).any(|w| w == b.as_bytes()));
        if !collides {
            return b;
        }
    }
}

/// The `Content-Type` header value for a body of type `base` (usually
/// [`FORM_DATA`]) built with `boundary`.
pub fn content_type(base: &str, boundary: &str) -> String {
    format!("{base}; boundary={boundary}")
}

/// The body bytes. Parts of a `multipart/form-data` body are `form-data`;
/// under another multipart type they are `attachment`s, as curl writes them.
pub fn encode(parts: &[FormPart], boundary: &str, base: &str) -> Vec<u8> {
    let form = base
        .get(..FORM_DATA.len())
        .is_some_and(|t| t.eq_ignore_ascii_case(FORM_DATA));
    let disposition_type = if form { "form-data" } else { "attachment" };
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!(
            "Content-Disposition: {disposition_type}; name=\"{}\"",
            quote(&p.name)
        );
        if let Some(f) = &p.filename {
            disposition.push_str(&format!("; filename=\"{}\"", quote(f)));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(t) = &p.content_type {
            out.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&p.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// Escapes `"`, CR and LF in a quoted name, as HTML5 form submission (and curl) do.
fn quote(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arg: &str) -> FormPart {
        parse_form_arg(arg, &mut |p: &str| Ok(format!("<{p}>").into_bytes())).unwrap()
    }

    #[test]
    fn field_syntax_table() {
        let p = parse("a=b=c;d");
        assert_eq!((p.name.as_str(), p.data.as_slice()), ("a", &b"b=c;d"[..]));
        assert_eq!((p.filename, p.content_type), (None, None));

        let p = parse("f=@dir/report.PDF");
        assert_eq!(p.data, b"<dir/report.PDF>");
        assert_eq!(p.filename.as_deref(), Some("report.PDF"));
        assert_eq!(p.content_type.as_deref(), Some("application/pdf"));

        let p = parse("f=@x;y.bin;type=text/csv;filename=z.csv");
        assert_eq!(p.data, b"<x;y.bin>");
        assert_eq!(p.filename.as_deref(), Some("z.csv"));
        assert_eq!(p.content_type.as_deref(), Some("text/csv"));

        let p = parse("t=<notes.txt");
        assert_eq!((p.data.as_slice(), p.filename), (&b"<notes.txt>"[..], None));
        assert!(parse_form_arg("novalue", &mut |_: &str| Ok(vec![])).is_err());
        assert!(parse_form_arg("=v", &mut |_: &str| Ok(vec![])).is_err());
    }

    #[test]
    fn encoding_is_byte_exact() {
        let parts = [parse("a=1"), parse("f=@q\"x.txt")];
        let body = encode(&parts, "B", FORM_DATA);
        let want = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
                    --B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"q%22x.txt\"\r\n\
                    Content-Type: text/plain\r\n\r\n<q\"x.txt>\r\n--B--\r\n";
        assert_eq!(String::from_utf8(body).unwrap(), want);
        let mixed = encode(&parts[..1], "B", "multipart/mixed");
        assert!(mixed.starts_with(b"--B\r\nContent-Disposition: attachment; name=\"a\"\r\n"));
    }

    #[test]
    fn boundaries_avoid_the_content() {
        let taken = format!("------------------------{:016x}", 1);
        let parts = [FormPart {
            name: "a".into(),
            data: taken.clone().into_bytes(),
            filename: None,
            content_type: None,
        }];
        let mut n = 0;
        let b = fresh_boundary(&parts, &mut || {
            n += 1;
            n
        });
        assert_ne!(b, taken);
        assert_eq!(n, 2);
    }
}
