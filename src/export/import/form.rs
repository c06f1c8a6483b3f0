//! Bodies rebuilt from `postData.params`, for HAR writers that give the form
//! fields instead of the body text (chrome-har, some Firefox and Insomnia
//! exports): `application/x-www-form-urlencoded` percent-encoded,
//! `multipart/form-data` as real parts (with `fileName` and `contentType`),
//! JSON as the object chrome-har took apart.

use serde_json::Value;

use super::fields::{FieldError, Obj};
use super::json_text::text_bytes;

/// The boundary used when a multipart body's type names none.
pub const FALLBACK_BOUNDARY: &str = "------------------------hookcapimport";

/// One form field as HAR gives it.
struct Param<'a> {
    name: &'a str,
    value: Option<&'a Value>,
    file_name: Option<&'a str>,
    content_type: Option<&'a str>,
}

/// A body rebuilt from form fields.
#[derive(Debug)]
pub struct Rebuilt {
    /// The body bytes.
    pub body: Vec<u8>,
    /// The boundary chosen for a multipart body whose type named none; the
    /// `Content-Type` header must carry it for the body to be readable.
    pub new_boundary: Option<&'static str>,
}

/// The body `params` stand for under `content_type`; `path` names the array
/// in messages.
pub fn from_params(
    params: &[Value],
    content_type: &str,
    path: &str,
    markers: bool,
) -> Result<Rebuilt, FieldError> {
    let mut fields = Vec::with_capacity(params.len());
    for (i, p) in params.iter().enumerate() {
        let p = Obj::of(p, format!("{path}[{i}]"))?;
        fields.push(Param {
            name: p.str("name")?.unwrap_or_default(),
            value: p.get("value"),
            file_name: p.str("fileName")?,
            content_type: p.str("contentType")?,
        });
    }
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let mut new_boundary = None;
    let body = if essence == "multipart/form-data" {
        let boundary = boundary_of(content_type).unwrap_or_else(|| {
            new_boundary = Some(FALLBACK_BOUNDARY);
            FALLBACK_BOUNDARY.to_owned()
        });
        multipart(&fields, &boundary, markers)
    } else if essence.ends_with("/json") || essence.ends_with("+json") {
        json_object(&fields)
    } else {
        urlencoded(&fields, markers)
    };
    Ok(Rebuilt { body, new_boundary })
}

/// A field value as text: strings as they are, anything else as JSON.
fn value_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `name=value&…`, each side percent-encoded as browsers encode forms; an
/// array value (chrome-har's repeated names) gives one pair per element.
fn urlencoded(fields: &[Param], markers: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields {
        let values: Vec<Option<&Value>> = match f.value {
            Some(Value::Array(items)) => items.iter().map(Some).collect(),
            v => vec![v],
        };
        for v in values {
            if !out.is_empty() {
                out.push(b'&');
            }
            form_encode(&text_bytes(f.name, markers), &mut out);
            out.push(b'=');
            form_encode(&text_bytes(&value_text(v), markers), &mut out);
        }
    }
    out
}

/// The `application/x-www-form-urlencoded` byte serializer (WHATWG URL §5.2).
fn form_encode(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(b),
            b' ' => out.push(b'+'),
            _ => out.extend_from_slice(format!("%{b:02X}").as_bytes()),
        }
    }
}

/// A `multipart/form-data` body with one part per field.
fn multipart(fields: &[Param], boundary: &str, markers: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        out.extend_from_slice(b"Content-Disposition: form-data; name=\"");
        out.extend_from_slice(&quoted(&text_bytes(f.name, markers)));
        out.push(b'"');
        if let Some(file) = f.file_name {
            out.extend_from_slice(b"; filename=\"");
            out.extend_from_slice(&quoted(&text_bytes(file, markers)));
            out.push(b'"');
        }
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = f.content_type.filter(|ct| !ct.is_empty()) {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&text_bytes(&value_text(f.value), markers));
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// A name or file name inside `"…"`: `"`, CR and LF escaped as browsers do.
fn quoted(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(b),
        }
    }
    out
}

/// A JSON object of the fields, values kept as they are.
fn json_object(fields: &[Param]) -> Vec<u8> {
    let object: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.to_owned(), f.value.cloned().unwrap_or(Value::Null)))
        .collect();
    Value::Object(object).to_string().into_bytes()
}

/// The `boundary` parameter of a multipart content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(params: Value, content_type: &str) -> (String, Option<&'static str>) {
        let items = params.as_array().unwrap();
        let b = from_params(items, content_type, "request.postData.params", false).unwrap();
        (String::from_utf8(b.body).unwrap(), b.new_boundary)
    }

    #[test]
    fn url_encoded_params_are_percent_encoded() {
        let (b, _) = body(
            json!([{"name": "q", "value": "a b&c=d/é"}, {"name": "n", "value": 3},
                   {"name": "tag", "value": ["x", "y"]}, {"name": "empty"}]),
            "application/x-www-form-urlencoded; charset=UTF-8",
        );
        assert_eq!(b, "q=a+b%26c%3Dd%2F%C3%A9&n=3&tag=x&tag=y&empty=");
    }

    #[test]
    fn multipart_params_become_parts_with_file_names_and_types() {
        let (b, new_boundary) = body(
            json!([{"name": "note", "value": "hi"},
                   {"name": "up\"load", "fileName": "a.txt", "contentType": "text/plain", "value": "line\n"}]),
            "multipart/form-data; boundary=XyZ",
        );
        assert_eq!(new_boundary, None);
        assert_eq!(
            b,
            "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"up%22load\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nline\n\r\n--XyZ--\r\n"
        );
    }

    #[test]
    fn a_multipart_type_without_boundary_gets_one() {
        let (b, new_boundary) = body(json!([{"name": "a", "value": "1"}]), "multipart/form-data");
        assert!(b.starts_with(&format!("--{FALLBACK_BOUNDARY}\r\n")));
        assert_eq!(new_boundary, Some(FALLBACK_BOUNDARY));
    }

    #[test]
    fn chrome_har_json_params_rebuild_the_object() {
        let (b, _) = body(
            json!([{"name": "user", "value": {"id": 7}}, {"name": "ok", "value": true}]),
            "application/json",
        );
        assert_eq!(b, r#"{"user":{"id":7},"ok":true}"#);
    }

    #[test]
    fn boundaries_are_read_quoted_or_not() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(
            boundary_of("multipart/form-data;BOUNDARY=x").as_deref(),
            Some("x")
        );
        assert_eq!(boundary_of("multipart/form-data"), None);
    }
}
