//! Bodies compared by structure: JSON by pointer, forms by field, text by
//! line, anything else by size and SHA-256.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{MAX_CHANGES, MAX_LINES};
use crate::model::NewRequest;
use crate::render::body::{BodyKind, detect};

/// One body difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyChange {
    /// `added`, `removed` or `changed`.
    pub kind: &'static str,
    /// Where: a JSON pointer (`/pull_request/title`), a form field name, or
    /// a line number of A (`line 12`).
    pub at: String,
    /// A's value there (JSON as JSON text).
    pub a: Option<String>,
    /// B's value there.
    pub b: Option<String>,
}

/// How the bodies compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyDiff {
    /// How they were compared: `json`, `form`, `text` or `binary`.
    pub kind: &'static str,
    /// True when the bytes are identical.
    pub same: bool,
    /// A's size in bytes.
    pub a_size: usize,
    /// B's size in bytes.
    pub b_size: usize,
    /// A's SHA-256 (hex), for `binary` bodies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_sha256: Option<String>,
    /// B's SHA-256 (hex), for `binary` bodies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_sha256: Option<String>,
    /// The differences, at most [`MAX_CHANGES`].
    pub changes: Vec<BodyChange>,
    /// How many more there were.
    pub more: usize,
}

struct Changes {
    list: Vec<BodyChange>,
    more: usize,
}

impl Changes {
    fn push(&mut self, kind: &'static str, at: String, a: Option<String>, b: Option<String>) {
        if self.list.len() < MAX_CHANGES {
            self.list.push(BodyChange { kind, at, a, b });
        } else {
            self.more += 1;
        }
    }
}

/// Compares A's and B's bodies, the way B's (else A's) content type says.
pub fn compare(a: &NewRequest, b: &NewRequest) -> BodyDiff {
    let kind = match (detect(&a.headers, &a.body), detect(&b.headers, &b.body)) {
        (BodyKind::Json | BodyKind::Empty, BodyKind::Json | BodyKind::Empty) => "json",
        (BodyKind::Form | BodyKind::Empty, BodyKind::Form | BodyKind::Empty) => "form",
        (BodyKind::Text | BodyKind::Empty, BodyKind::Text | BodyKind::Empty) => "text",
        _ => "binary",
    };
    let mut changes = Changes {
        list: Vec::new(),
        more: 0,
    };
    let same = a.body == b.body;
    let mut kind = kind;
    if !same {
        let done = match kind {
            "json" => json(&a.body, &b.body, &mut changes),
            "form" => {
                form(&a.body, &b.body, &mut changes);
                true
            }
            "text" => text(&a.body, &b.body, &mut changes),
            _ => false,
        };
        if !done {
            kind = "binary";
        }
    }
    let hash = |bytes: &[u8]| (kind == "binary").then(|| hex::encode(Sha256::digest(bytes)));
    BodyDiff {
        kind,
        same,
        a_size: a.body.len(),
        b_size: b.body.len(),
        a_sha256: hash(&a.body),
        b_sha256: hash(&b.body),
        changes: changes.list,
        more: changes.more,
    }
}

/// JSON by pointer; false when either side is not JSON after all.
fn json(a: &[u8], b: &[u8], out: &mut Changes) -> bool {
    let parse = |bytes: &[u8]| -> Option<Value> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            Some(Value::Null)
        } else {
            serde_json::from_slice(bytes).ok()
        }
    };
    let (Some(x), Some(y)) = (parse(a), parse(b)) else {
        return false;
    };
    values(&x, &y, &mut String::new(), out);
    true
}

fn values(a: &Value, b: &Value, at: &mut String, out: &mut Changes) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match y.get(k) {
                    Some(w) => values(v, w, at, out),
                    None => out.push("removed", at.clone(), Some(v.to_string()), None),
                }
                at.truncate(len);
            }
            for (k, w) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push("added", p, None, Some(w.to_string()));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                match (x.get(i), y.get(i)) {
                    (Some(v), Some(w)) => values(v, w, at, out),
                    (Some(v), None) => out.push("removed", at.clone(), Some(v.to_string()), None),
                    (None, Some(w)) => out.push("added", at.clone(), None, Some(w.to_string())),
                    (None, None) => {}
                }
                at.truncate(len);
            }
        }
        (x, y) if x != y => {
            let at = if at.is_empty() {
                "/".to_owned()
            } else {
                at.clone()
            };
            out.push("changed", at, Some(x.to_string()), Some(y.to_string()));
        }
        _ => {}
    }
}

/// Forms by field (and occurrence, for repeated names).
fn form(a: &[u8], b: &[u8], out: &mut Changes) {
    let fields = |body: &[u8]| -> Vec<(String, String)> {
        let mut seen = std::collections::HashMap::new();
        crate::model::parse_form(body)
            .into_iter()
            .map(|(k, v)| {
                let name = String::from_utf8_lossy(&k).into_owned();
                let n = seen.entry(name.clone()).or_insert(0);
                *n += 1;
                let key = if *n == 1 {
                    name
                } else {
                    format!("{name}[{n}]")
                };
                (key, String::from_utf8_lossy(&v).into_owned())
            })
            .collect()
    };
    let (x, y) = (fields(a), fields(b));
    let find = |list: &[(String, String)], k: &str| {
        list.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    };
    for (k, v) in &x {
        match find(&y, k) {
            Some(w) if &w != v => out.push("changed", k.clone(), Some(v.clone()), Some(w)),
            Some(_) => {}
            None => out.push("removed", k.clone(), Some(v.clone()), None),
        }
    }
    for (k, w) in &y {
        if find(&x, k).is_none() {
            out.push("added", k.clone(), None, Some(w.clone()));
        }
    }
}

/// Text by line: the common start and end are skipped, the middle is
/// compared line by line (longest common subsequence). False when the text is
/// too long to compare so.
fn text(a: &[u8], b: &[u8], out: &mut Changes) -> bool {
    let (sa, sb) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (x, y): (Vec<&str>, Vec<&str>) = (sa.lines().collect(), sb.lines().collect());
    if x.len() > MAX_LINES || y.len() > MAX_LINES {
        return false;
    }
    let head = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let tail = x[head..]
        .iter()
        .rev()
        .zip(y[head..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (mx, my) = (&x[head..x.len() - tail], &y[head..y.len() - tail]);
    if mx.len() * my.len() > 1_000_000 {
        for (i, l) in mx.iter().enumerate() {
            out.push(
                "removed",
                format!("line {}", head + i + 1),
                Some((*l).to_owned()),
                None,
            );
        }
        for l in my {
            out.push(
                "added",
                format!("line {}", head + mx.len() + 1),
                None,
                Some((*l).to_owned()),
            );
        }
        return true;
    }
    // lcs[i][j]: the longest common subsequence of mx[i..] and my[j..].
    let mut lcs = vec![vec![0u32; my.len() + 1]; mx.len() + 1];
    for i in (0..mx.len()).rev() {
        for j in (0..my.len()).rev() {
            lcs[i][j] = if mx[i] == my[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < mx.len() || j < my.len() {
        let line = format!("line {}", head + i + 1);
        if i < mx.len() && j < my.len() && mx[i] == my[j] {
            i += 1;
            j += 1;
        } else if j < my.len() && (i == mx.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push("added", line, None, Some(my[j].to_owned()));
            j += 1;
        } else {
            out.push("removed", line, Some(mx[i].to_owned()), None);
            i += 1;
        }
    }
    true
}
