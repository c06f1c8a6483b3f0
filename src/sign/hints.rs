//! Hints: explanations found by re-checking a signature against plausible mistakes.
//!
//! When a signature does not match, hookcap tries the usual suspects one at a
//! time (other forms of the secret, bodies differing by a newline or a JSON
//! re-serialization, the other text encoding, another hash) and reports each one
//! that *does* match. Hints describe the mistake, never the secret.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

use super::input::{Message, Secret, VerifyOptions};
use super::mac::{Algo, base64_decode};
use super::mac_check::{KeyMode, MacCheck};

/// One alternative to try: a description and the bytes.
pub(crate) struct Variant {
    /// What the bytes are, as a noun phrase ("the body plus a trailing newline").
    pub what: &'static str,
    /// The likely cause, shown after the description.
    pub why: &'static str,
    /// The alternative itself.
    pub bytes: Vec<u8>,
}

impl Variant {
    fn new(what: &'static str, why: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            what,
            why,
            bytes: bytes.into(),
        }
    }
}

/// All hints for one check: mistakes when it failed, framework caveats when it passed.
pub(crate) fn collect(
    c: &MacCheck<'_>,
    secret: &Secret,
    key: Option<&[u8]>,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
    valid: bool,
) -> Vec<String> {
    match key {
        None => secret_hints(c, secret, None, msg.body),
        Some(k) if valid => framework_hint(c, k, msg.body, opts.alt_body)
            .into_iter()
            .collect(),
        Some(k) => {
            let mut out = secret_hints(c, secret, Some(k), msg.body);
            out.extend(body_hints(c, k, msg.body, opts.alt_body));
            out.extend(encoding_hints(c, k, msg.body));
            if out.is_empty() {
                out.push(NO_EXPLANATION.to_owned());
            }
            out
        }
    }
}

/// Said when no alternative matches, so users know what was ruled out.
const NO_EXPLANATION: &str = "no common mistake explains it (tried other forms of the secret, \
     newline and JSON variants of the body, hex/base64, other hashes): most likely the \
     sender signs with a different secret";

fn secret_hints(c: &MacCheck<'_>, secret: &Secret, key: Option<&[u8]>, body: &[u8]) -> Vec<String> {
    let how = match c.key_mode {
        KeyMode::Raw => "uses the secret string as-is",
        KeyMode::Whsec => "base64-decodes the part after whsec_",
    };
    key_variants(secret.bytes(), c.key_mode)
        .into_iter()
        .filter(|(_, k)| key != Some(k.as_slice()) && c.matches(k, body))
        .map(|(what, _)| {
            format!(
                "signature matches when keyed with {what}; {} {how}",
                c.kind.label()
            )
        })
        .collect()
}

/// A described alternative key.
type KeyVariant = (&'static str, Vec<u8>);

/// Other keys the secret is commonly confused with, per key mode.
pub(crate) fn key_variants(secret: &[u8], mode: KeyMode) -> Vec<KeyVariant> {
    let mut out = match mode {
        KeyMode::Raw => raw_key_variants(secret),
        KeyMode::Whsec => whsec_key_variants(secret),
    };
    let trimmed = secret.trim_ascii();
    if trimmed.len() != secret.len() {
        out.extend(
            mode.key(trimmed)
                .ok()
                .map(|k| ("your secret minus surrounding whitespace", k)),
        );
    }
    out
}

fn raw_key_variants(secret: &[u8]) -> Vec<KeyVariant> {
    let mut out = Vec::new();
    if let Some(rest) = secret.strip_prefix(b"whsec_") {
        out.push(("your secret without its whsec_ prefix", rest.to_vec()));
        out.extend(base64_decode(rest).map(|k| ("your secret base64-decoded after whsec_", k)));
    } else {
        out.push(("whsec_ + your secret", [b"whsec_", secret].concat()));
        out.extend(base64_decode(secret).map(|k| ("your secret base64-decoded", k)));
    }
    out.push((
        "your secret plus a trailing newline",
        [secret, b"\n"].concat(),
    ));
    out
}

fn whsec_key_variants(secret: &[u8]) -> Vec<KeyVariant> {
    let mut out = vec![(
        "your secret string as raw bytes (not base64-decoded)",
        secret.to_vec(),
    )];
    if let Some(rest) = secret.strip_prefix(b"whsec_") {
        out.push((
            "your secret without whsec_, as raw bytes (not base64-decoded)",
            rest.to_vec(),
        ));
    }
    out
}

fn body_hints(c: &MacCheck<'_>, key: &[u8], body: &[u8], alt: Option<&[u8]>) -> Vec<String> {
    let mut out: Vec<String> = body_variants(body)
        .into_iter()
        .filter(|v| c.matches(key, &v.bytes))
        .map(|v| format!("signature matches {}: {}", v.what, v.why))
        .collect();
    if alt.is_some_and(|a| a != body && c.matches(key, a)) {
        out.push(
            "the alternative body verifies but the captured bytes do not: \
             the body changed after signing, before hookcap captured it"
                .to_owned(),
        );
    }
    out
}

/// The bodies a signature is commonly computed over instead of the bytes sent.
pub(crate) fn body_variants(body: &[u8]) -> Vec<Variant> {
    let mut out = vec![Variant::new(
        "the body plus a trailing newline",
        "a trailing newline was stripped after signing",
        [body, b"\n"].concat(),
    )];
    let stripped = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"));
    out.extend(stripped.map(|b| {
        Variant::new(
            "the body without its trailing line ending",
            "a line ending was appended after signing",
            b,
        )
    }));
    out.extend(json_variants(body));
    out
}

const JSON_WHY: &str = "the signature covers a different JSON serialization than the bytes sent; sign and verify the raw bytes";

fn json_variants(body: &[u8]) -> Vec<Variant> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let forms = [
        (
            "the body re-serialized as compact JSON",
            serde_json::to_vec(&value).ok(),
        ),
        (
            "the body re-serialized as pretty JSON",
            serde_json::to_vec_pretty(&value).ok(),
        ),
        (
            "the body re-serialized with Python json.dumps separators",
            python_json(&value),
        ),
    ];
    forms
        .into_iter()
        .filter_map(|(what, bytes)| {
            bytes
                .filter(|b| b != body)
                .map(|b| Variant::new(what, JSON_WHY, b))
        })
        .collect()
}

/// `json.dumps` default layout: `", "` between items, `": "` after keys.
struct PythonSeparators;

impl Formatter for PythonSeparators {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

fn python_json(value: &serde_json::Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonSeparators);
    value.serialize(&mut ser).ok()?;
    Some(out)
}

/// When the captured body verifies but the framework's view of it does not.
fn framework_hint(c: &MacCheck<'_>, key: &[u8], body: &[u8], alt: Option<&[u8]>) -> Option<String> {
    alt.filter(|a| *a != body && !c.matches(key, a))?;
    Some(
        "the captured raw body verifies but the alternative body does not: verify the raw \
         request bytes, before any parsing or re-serialization"
            .to_owned(),
    )
}

fn encoding_hints(c: &MacCheck<'_>, key: &[u8], body: &[u8]) -> Vec<String> {
    let payload = (c.payload)(body);
    let mut out = Vec::new();
    let other = c.encoding.other();
    if c.holds(other, &c.algo.mac(key, &payload)) {
        out.push(format!(
            "the header holds the expected MAC written as {}, but {} uses {}",
            other.label(),
            c.kind.label(),
            c.encoding.label()
        ));
    }
    out.extend(algo_hints(c, key, &payload));
    out
}

fn algo_hints(c: &MacCheck<'_>, key: &[u8], payload: &[u8]) -> Option<String> {
    let algo = Algo::ALL.into_iter().filter(|a| *a != c.algo).find(|a| {
        let mac = a.mac(key, payload);
        c.holds(c.encoding, &mac) || c.holds(c.encoding.other(), &mac)
    })?;
    Some(format!(
        "the header holds {} of the same payload, but {} uses {}",
        algo.label(),
        c.kind.label(),
        c.algo.label()
    ))
}
