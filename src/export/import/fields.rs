//! Reading a parsed JSON document leniently, field by field, with the path of
//! each field for messages (`request.headers[3].name`).
//!
//! `null` reads as absent wherever a value is optional, as HAR writers use
//! both (Charles writes `"redirectURL": null`, Firefox `"headersSize": null`).
//! A value of the wrong type is a [`FieldError`] naming the field.

use serde_json::{Map, Value};

/// A field whose value is not what HAR (or hookcap) puts there, or that is
/// missing: `request.headersSize: expected a number`,
/// `request.method: missing (expected a string)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {}expected {expected}{}", if *.missing { "missing (" } else { "" }, if *.missing { ")" } else { "" })]
pub struct FieldError {
    /// Where, e.g. `request.headersSize`.
    pub path: String,
    /// What was expected there, e.g. `a number`.
    pub expected: String,
    /// True when the field is absent (or `null`) rather than of another type.
    pub missing: bool,
}

impl FieldError {
    /// A field at `path` that should have been `expected`.
    pub fn new(path: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            expected: expected.into(),
            missing: false,
        }
    }

    /// A required field at `path`, which should have been `expected`, that
    /// is not there.
    pub fn missing(path: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            missing: true,
            ..Self::new(path, expected)
        }
    }
}

/// A JSON object being read, and the path that names it.
#[derive(Debug, Clone)]
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// `value` as an object named `path` (empty for the top level).
    pub fn of(value: &'a Value, path: impl Into<String>) -> Result<Self, FieldError> {
        let path = path.into();
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(FieldError::new(
                if path.is_empty() { "entry" } else { &path },
                "an object",
            )),
        }
    }

    /// The path of member `name`.
    pub fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// Member `name`; `null` reads as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// A string member, if present.
    pub fn str(&self, name: &str) -> Result<Option<&'a str>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(FieldError::new(self.path_of(name), "a string")),
        }
    }

    /// A string member that must be there.
    pub fn required_str(&self, name: &str) -> Result<&'a str, FieldError> {
        self.str(name)?
            .ok_or_else(|| FieldError::missing(self.path_of(name), "a string"))
    }

    /// A number member, if present.
    pub fn num(&self, name: &str) -> Result<Option<f64>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(FieldError::new(self.path_of(name), "a number")),
        }
    }

    /// A boolean member; absent reads as false.
    pub fn flag(&self, name: &str) -> Result<bool, FieldError> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(FieldError::new(self.path_of(name), "true or false")),
        }
    }

    /// An object member, if present.
    pub fn obj(&self, name: &str) -> Result<Option<Obj<'a>>, FieldError> {
        self.get(name)
            .map(|v| Obj::of(v, self.path_of(name)))
            .transpose()
    }

    /// An array member; absent reads as empty.
    pub fn arr(&self, name: &str) -> Result<&'a [Value], FieldError> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(FieldError::new(self.path_of(name), "an array")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_are_absent_and_wrong_types_name_the_field() {
        let v = serde_json::json!({"request": {"headersSize": "12", "url": null, "h": [1]}});
        let root = Obj::of(&v, "").unwrap();
        let req = root.obj("request").unwrap().unwrap();
        assert_eq!(req.str("url"), Ok(None));
        assert_eq!(req.arr("missing").unwrap().len(), 0);
        assert_eq!(
            req.num("headersSize").unwrap_err().to_string(),
            "request.headersSize: expected a number"
        );
        assert_eq!(
            req.str("h").unwrap_err().to_string(),
            "request.h: expected a string"
        );
        assert_eq!(
            req.required_str("url").unwrap_err().to_string(),
            "request.url: missing (expected a string)"
        );
    }
}
