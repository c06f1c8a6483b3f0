//! Twilio request signatures.
//!
//! Scheme (twilio.com/docs/usage/webhooks/webhooks-security, "Validating
//! signatures from Twilio"): `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, data)>`.
//! - Form bodies (`application/x-www-form-urlencoded`, Twilio's default): `data`
//!   is the full URL (scheme through query string) followed by every POST
//!   parameter, sorted by name (byte order, then by value for repeated names),
//!   each as name + value with no delimiters, after URL-decoding.
//! - JSON bodies: Twilio appends `bodySHA256=<hex SHA-256 of the body>` to the
//!   URL's query; `data` is that URL alone, and the body must hash to it.
//!   `sign` drops a `bodySHA256` the URL already carries (a stale one, from a
//!   captured request) before signing, so what it returns always verifies.
//!
//! The URL is an input: hookcap cannot know what the sender saw, so the caller
//! reconstructs it or the user passes `--url`. Twilio's helper libraries accept
//! the URL with or without the scheme's default port; so does `verify`.
//! Form canonicalization is lossy by design (e.g. `a=b` and `a&b` sign alike).
//! There is no timestamp.

use crate::model::{Header, HeaderList, parse_form};

use super::check::{judge, read_header};
use super::hints::body_variants;
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::{Algo, Encoding, ct_eq, sha256_hex};
use super::mac_check::{KeyMode, MacCheck};
use super::verdict::{Outcome, Verdict, recipe};
use super::{Provider, ProviderKind};

/// The signature header.
const HEADER: &str = "X-Twilio-Signature";
/// The query parameter carrying the body hash for JSON requests.
const BODY_PARAM: &str = "bodySHA256";

/// The Twilio scheme.
pub(crate) struct Twilio;

/// What besides the URL is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode<'a> {
    /// Sorted form parameters are appended to the URL.
    Form,
    /// The body is covered by this `bodySHA256` value in the URL.
    BodyHash(&'a str),
    /// Only the URL (a non-form body without `bodySHA256`).
    UrlOnly,
}

impl Provider for Twilio {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Twilio
    }

    fn sign(&self, secret: &Secret, input: &SignInput<'_>) -> Result<Signed, SignError> {
        let given = input.url.ok_or(SignError::MissingUrl("Twilio"))?;
        let unsigned = without_body_hash(given);
        let (url, mode) = if is_form(input.content_type) {
            (unsigned, Mode::Form)
        } else {
            (with_body_hash(&unsigned, input.body)?, Mode::UrlOnly)
        };
        let mac = Algo::Sha1.mac(secret.bytes(), &payload(&url, mode, input.body));
        let headers = vec![Header::new(HEADER, Encoding::Base64.encode(&mac))];
        let url = (url != given).then_some(url);
        Ok(Signed { headers, url })
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, opts: &VerifyOptions<'_>) -> Verdict {
        let sig = match read_header(msg.headers, HEADER) {
            Err(e) => return Verdict::malformed(ProviderKind::Twilio, HEADER, e),
            Ok(None) => return Verdict::unsigned(ProviderKind::Twilio, HEADER),
            Ok(Some(sig)) => sig,
        };
        let Some(url) = msg.url else {
            let reason = "request URL unknown (Twilio signs it): pass --url";
            return Verdict::malformed(ProviderKind::Twilio, HEADER, reason);
        };
        let content_type = msg.headers.get_str("content-type");
        let mode = mode(url, content_type.as_deref());
        let mut v = check_url(url, mode, sig, secret, msg, opts);
        if let Mode::BodyHash(expected) = mode {
            check_body_hash(&mut v, expected, msg.body);
        }
        if mode == Mode::UrlOnly {
            v.hints.push(format!(
                "the body is not signed: the URL has no {BODY_PARAM} parameter"
            ));
        }
        v
    }
}

/// Form signing applies to form bodies and, as Twilio's default, to an unknown type.
fn is_form(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|c| {
        c.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    })
}

fn mode<'a>(url: &'a str, content_type: Option<&str>) -> Mode<'a> {
    match body_hash_param(url) {
        Some(h) => Mode::BodyHash(h),
        None if is_form(content_type) => Mode::Form,
        None => Mode::UrlOnly,
    }
}

/// The `bodySHA256` query value, if the URL has one.
fn body_hash_param(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == BODY_PARAM)
        .map(|(_, v)| v)
}

/// The URL without any `bodySHA256` parameter (and without a `?` left
/// empty): a stale body hash, from a captured or hand-written URL, is never
/// signed over; signing appends a fresh one for JSON bodies.
fn without_body_hash(url: &str) -> String {
    let (before, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let Some((path, query)) = before.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some(BODY_PARAM))
        .collect();
    let mut out = path.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The URL (without a `bodySHA256` already) with `bodySHA256` appended, as
/// Twilio sends JSON webhooks.
fn with_body_hash(url: &str, body: &[u8]) -> Result<String, SignError> {
    if url.contains('#') {
        return Err(SignError::BadUrl("it has a #fragment".to_owned()));
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{sep}{BODY_PARAM}={}", sha256_hex(body)))
}

/// URL, plus sorted name+value pairs for form bodies.
fn payload(url: &str, mode: Mode<'_>, body: &[u8]) -> Vec<u8> {
    let mut data = url.as_bytes().to_vec();
    if mode == Mode::Form {
        for (name, value) in form_pairs(body) {
            data.extend(name);
            data.extend(value);
        }
    }
    data
}

/// URL-decoded form parameters, sorted by name then value (what Twilio signs).
pub(super) fn form_pairs(body: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut pairs = parse_form(body);
    pairs.sort();
    pairs
}

/// Checks the URL as given, then with the default port toggled (as Twilio's libraries do).
fn check_url(
    url: &str,
    mode: Mode<'_>,
    sig: &str,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let v = check(url, mode, sig, secret, msg, opts);
    if v.is_valid() {
        return v;
    }
    if let Some(alt) = port_variant(url) {
        let mut w = check(&alt, mode, sig, secret, msg, opts);
        if w.is_valid() {
            w.hints.push(format!(
                "matched as {alt} (default port toggled), which Twilio's libraries also accept"
            ));
            return w;
        }
    }
    with_scheme_hint(v, url, mode, sig, secret, msg, opts)
}

fn check(
    url: &str,
    mode: Mode<'_>,
    sig: &str,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let payload = |body: &[u8]| payload(url, mode, body);
    let c = MacCheck {
        kind: ProviderKind::Twilio,
        header: HEADER,
        algo: Algo::Sha1,
        encoding: Encoding::Base64,
        key_mode: KeyMode::Raw,
        payload: &payload,
        recipe: describe(url, mode, msg.body),
        received: vec![sig],
        timestamp: None,
    };
    judge(&c, secret, msg, opts)
}

fn describe(url: &str, mode: Mode<'_>, body: &[u8]) -> String {
    match mode {
        Mode::Form => {
            let params: usize = form_pairs(body)
                .iter()
                .map(|(n, v)| n.len() + v.len())
                .sum();
            recipe(&[("url", url.len()), ("sorted params (name+value)", params)])
        }
        Mode::BodyHash(_) => format!(
            "{}; the body is covered by {BODY_PARAM}",
            recipe(&[("url", url.len())])
        ),
        Mode::UrlOnly => recipe(&[("url", url.len())]),
    }
}

/// Splits `scheme://authority` from the rest (path, query).
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some((scheme, &after[..end], &after[end..]))
}

/// The URL with the scheme's default port added, or removed if present.
fn port_variant(url: &str) -> Option<String> {
    let (scheme, authority, rest) = split_url(url)?;
    let default = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let port_sep = authority
        .rfind(':')
        .filter(|i| !authority[*i..].contains(']'));
    match port_sep {
        Some(i) if &authority[i + 1..] == default => {
            Some(format!("{scheme}://{}{rest}", &authority[..i]))
        }
        Some(_) => None,
        None => Some(format!("{scheme}://{authority}:{default}{rest}")),
    }
}

/// Adds a hint when the other scheme (http ↔ https) would have matched.
fn with_scheme_hint(
    mut v: Verdict,
    url: &str,
    mode: Mode<'_>,
    sig: &str,
    secret: &Secret,
    msg: &Message<'_>,
    opts: &VerifyOptions<'_>,
) -> Verdict {
    let alt = match split_url(url) {
        Some(("https", a, r)) => format!("http://{a}{r}"),
        Some(("http", a, r)) => format!("https://{a}{r}"),
        _ => return v,
    };
    if check(&alt, mode, sig, secret, msg, opts).is_valid() {
        v.hints.push(format!(
            "signature matches {alt}: Twilio saw a different scheme (TLS ended at a proxy?); pass --url"
        ));
    }
    v
}

/// Fails the verdict when `bodySHA256` does not match the body, with body hints.
fn check_body_hash(v: &mut Verdict, expected: &str, body: &[u8]) {
    let expected = expected.to_ascii_lowercase();
    if ct_eq(sha256_hex(body).as_bytes(), expected.as_bytes()) {
        return;
    }
    let note = format!("{BODY_PARAM} in the URL does not match the body's SHA-256");
    if v.outcome == Outcome::Valid {
        v.outcome = Outcome::Invalid;
        v.reason = note;
    } else {
        v.hints.push(note);
    }
    let matching = body_variants(body)
        .into_iter()
        .filter(|b| ct_eq(sha256_hex(&b.bytes).as_bytes(), expected.as_bytes()));
    v.hints
        .extend(matching.map(|b| format!("{BODY_PARAM} matches {}: {}", b.what, b.why)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_sort_by_name_then_value() {
        let pairs = form_pairs(b"b=2&a=9&a=1&&c");
        let flat: Vec<_> = pairs
            .iter()
            .map(|(n, v)| [n.as_slice(), v].concat())
            .collect();
        assert_eq!(
            flat,
            vec![
                b"a1".to_vec(),
                b"a9".to_vec(),
                b"b2".to_vec(),
                b"c".to_vec()
            ]
        );
    }

    #[test]
    fn port_variant_toggles_default_port_only() {
        let v = |u: &str| port_variant(u);
        assert_eq!(
            v("https://h.io/x?a=1").as_deref(),
            Some("https://h.io:443/x?a=1")
        );
        assert_eq!(v("https://h.io:443/x").as_deref(), Some("https://h.io/x"));
        assert_eq!(v("http://h.io:8080/x"), None);
        assert_eq!(v("http://[::1]/x").as_deref(), Some("http://[::1]:80/x"));
        assert_eq!(v("no-scheme"), None);
    }

    #[test]
    fn a_stale_body_hash_is_dropped_by_name() {
        assert_eq!(without_body_hash("/a?bodySHA256=1&c=2"), "/a?c=2");
        assert_eq!(without_body_hash("/a?bodySHA256=1"), "/a");
        assert_eq!(without_body_hash("/a"), "/a");
        assert_eq!(
            without_body_hash("/a?bb=1#x?bodySHA256"),
            "/a?bb=1#x?bodySHA256"
        );
        assert_eq!(without_body_hash("/a?c&bodySHA256#f"), "/a?c#f");
    }

    #[test]
    fn signing_replaces_a_stale_body_hash_in_the_url() {
        let secret = Secret::from_bytes("token");
        let stale = "https://h.io/sms?a=1&bodySHA256=stale";
        for (content_type, body) in [
            ("application/json", &b"{\"x\":2}"[..]),
            ("application/x-www-form-urlencoded", b"Body=hi"),
        ] {
            let mut input = SignInput::new(body, crate::model::Timestamp(0));
            input.url = Some(stale);
            input.content_type = Some(content_type);
            let signed = Twilio.sign(&secret, &input).unwrap();
            let url = signed.url.expect("the URL changed");
            assert!(!url.contains("stale"), "{url}");
            assert_eq!(
                url.matches(BODY_PARAM).count(),
                usize::from(content_type == "application/json")
            );
            let headers = [
                signed.headers.clone(),
                vec![Header::new("Content-Type", content_type)],
            ]
            .concat();
            let msg = Message {
                headers: &headers,
                body,
                url: Some(&url),
            };
            let v = Twilio.verify(
                &secret,
                &msg,
                &VerifyOptions::at(crate::model::Timestamp(0)),
            );
            assert!(v.is_valid(), "{content_type}: {}", v.reason);
        }
    }

    #[test]
    fn body_hash_param_reads_the_query() {
        assert_eq!(
            body_hash_param("https://h/x?a=1&bodySHA256=ab#f"),
            Some("ab")
        );
        assert_eq!(body_hash_param("https://h/x"), None);
    }
}
