//! Body templates that echo the request: `{{json:/challenge}}`,
//! `{{header:X-Request-Id}}`, `{{query:token}}`, `{{id}}`.
//!
//! A template is parsed once, when the rules are read (a bad placeholder is
//! an error then, never at capture time), and rendered per request. The
//! request id is known only once the request is stored, so rendering leaves
//! its places empty and says where they are ([`Rendered::id_at`]);
//! [`crate::model::fill_id`] writes the id there.

use serde_json::Value;

use crate::model::{HeaderList, NewRequest};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(Vec<u8>),
    /// `{{json:/pointer}}`: the value there (a string as is, anything else as JSON).
    Json(String),
    /// `{{header:Name}}`: the first value of this header.
    Header(String),
    /// `{{query:name}}`: the first value of this query parameter, decoded.
    Query(String),
    /// `{{id}}`: hookcap's id of the request.
    Id,
}

/// A parsed body template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A rendered body: the bytes, and where the request id goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The body without the request id.
    pub bytes: Vec<u8>,
    /// Offsets in `bytes` where the id is to be inserted, ascending.
    pub id_at: Vec<usize>,
}

impl Template {
    /// Parses `text`; an unknown or unclosed placeholder is an error that says which.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest.as_bytes()[..open].to_vec()));
            }
            let inner = &rest[open + 2..];
            let close = inner
                .find("}}")
                .ok_or_else(|| format!("the template {{{{ at {:?} is never closed", cut(inner)))?;
            parts.push(placeholder(inner[..close].trim())?);
            rest = &inner[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.as_bytes().to_vec()));
        }
        Ok(Self { parts })
    }

    /// A template that is only these bytes (a body read from a file).
    pub fn literal(bytes: Vec<u8>) -> Self {
        Self {
            parts: vec![Part::Text(bytes)],
        }
    }

    #[cfg(test)]
    /// True when the template echoes nothing from the request.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The body for `r`. Missing values render as nothing.
    pub fn render(&self, r: &NewRequest) -> Rendered {
        let mut out = Rendered::default();
        let mut json: Option<Option<Value>> = None;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.bytes.extend_from_slice(t),
                Part::Json(pointer) => {
                    let doc = json.get_or_insert_with(|| serde_json::from_slice(&r.body).ok());
                    match doc.as_ref().and_then(|d| d.pointer(pointer)) {
                        Some(Value::String(s)) => out.bytes.extend_from_slice(s.as_bytes()),
                        Some(v) => out.bytes.extend_from_slice(v.to_string().as_bytes()),
                        None => {}
                    }
                }
                Part::Header(name) => {
                    if let Some(h) = r.headers.find(name) {
                        out.bytes.extend_from_slice(&h.value);
                    }
                }
                Part::Query(name) => {
                    let query = r.target.split_once('?').map_or("", |(_, q)| q);
                    let found = crate::model::parse_form(query.as_bytes())
                        .into_iter()
                        .find(|(k, _)| k == name.as_bytes());
                    if let Some((_, v)) = found {
                        out.bytes.extend_from_slice(&v);
                    }
                }
                Part::Id => out.id_at.push(out.bytes.len()),
            }
        }
        out
    }
}

fn placeholder(inner: &str) -> Result<Part, String> {
    if inner == "id" {
        return Ok(Part::Id);
    }
    let bad = || {
        format!(
            "unknown template {{{{{inner}}}}}: use {{{{json:/pointer}}}}, {{{{header:NAME}}}}, {{{{query:NAME}}}} or {{{{id}}}}"
        )
    };
    let (kind, arg) = inner.split_once(':').ok_or_else(bad)?;
    if arg.is_empty() {
        return Err(bad());
    }
    match kind {
        "json" if arg.starts_with('/') => Ok(Part::Json(arg.to_owned())),
        "json" => Err(format!(
            "{{{{json:{arg}}}}}: a JSON pointer starts with / (e.g. {{{{json:/challenge}}}})"
        )),
        "header" => Ok(Part::Header(arg.to_owned())),
        "query" => Ok(Part::Query(arg.to_owned())),
        _ => Err(bad()),
    }
}

fn cut(s: &str) -> String {
    s.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::post;

    fn request(target: &str, headers: &[(&str, &str)], body: &str) -> NewRequest {
        post(target, headers, body)
    }

    #[test]
    fn placeholders_echo_the_request() {
        let r = request(
            "/hook?token=a%20b&x=1",
            &[("X-Request-Id", "r-7")],
            r#"{"challenge":"3eZb","n":{"a":1}}"#,
        );
        let t = Template::parse(
            "c={{json:/challenge}} n={{ json:/n }} h={{header:x-request-id}} q={{query:token}} id={{id}}!",
        )
        .unwrap();
        let out = t.render(&r);
        assert_eq!(
            String::from_utf8(out.bytes.clone()).unwrap(),
            r#"c=3eZb n={"a":1} h=r-7 q=a b id=!"#
        );
        assert_eq!(out.id_at, [out.bytes.len() - 1]);
        assert!(!t.is_literal());
        let missing = Template::parse("[{{json:/nope}}{{header:X-No}}{{query:no}}]").unwrap();
        assert_eq!(missing.render(&request("/", &[], "not json")).bytes, b"[]");
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        for (text, words) in [
            ("{{json:/a", "never closed"),
            ("{{nope}}", "unknown template {{nope}}"),
            ("{{json:a}}", "starts with /"),
            ("{{header:}}", "unknown template"),
        ] {
            let e = Template::parse(text).unwrap_err();
            assert!(e.contains(words), "{text}: {e}");
        }
        assert!(Template::parse("plain {braces}").unwrap().is_literal());
    }
}
