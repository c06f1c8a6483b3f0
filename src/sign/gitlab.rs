//! GitLab webhook tokens.
//!
//! Scheme (docs.gitlab.com, "Webhooks" → "Validate requests with a secret
//! token"): GitLab sends the secret token itself in `X-Gitlab-Token`. Nothing is
//! signed: the body is not covered, and there is no timestamp.
//!
//! `verify` compares the token to the secret in constant time and never shows
//! either value, only their lengths.

use crate::model::{Header, HeaderList};

use super::check::{MAX_HEADER_LEN, duplicate_note};
use super::input::{Message, Secret, SignError, SignInput, Signed, VerifyOptions};
use super::mac::ct_eq;
use super::verdict::{Outcome, Verdict};
use super::{Provider, ProviderKind};

/// The header carrying the token.
const HEADER: &str = "X-Gitlab-Token";

/// The GitLab scheme.
pub(crate) struct Gitlab;

impl Provider for Gitlab {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gitlab
    }

    fn sign(&self, secret: &Secret, _input: &SignInput<'_>) -> Result<Signed, SignError> {
        let token = secret.bytes();
        if token.is_empty() || token.iter().any(|b| b.is_ascii_control()) {
            let why = "a GitLab token must be non-empty and free of control characters";
            return Err(SignError::BadSecret(why.to_owned()));
        }
        Ok(Signed::headers(vec![Header::new(HEADER, token)]))
    }

    fn verify(&self, secret: &Secret, msg: &Message<'_>, _opts: &VerifyOptions<'_>) -> Verdict {
        let Some(h) = msg.headers.find(HEADER) else {
            return Verdict::unsigned(ProviderKind::Gitlab, HEADER);
        };
        match usable(&h.value) {
            Err(reason) => Verdict::malformed(ProviderKind::Gitlab, HEADER, reason),
            Ok(token) => compare(token, secret, msg),
        }
    }
}

/// The token bytes, or why they cannot be a token. Any bytes are allowed.
fn usable(value: &[u8]) -> Result<&[u8], String> {
    if value.is_empty() {
        return Err(format!("{HEADER} is empty"));
    }
    if value.len() > MAX_HEADER_LEN {
        return Err(format!(
            "{HEADER} is {} bytes (limit {MAX_HEADER_LEN})",
            value.len()
        ));
    }
    Ok(value)
}

fn compare(token: &[u8], secret: &Secret, msg: &Message<'_>) -> Verdict {
    let (outcome, reason) = if ct_eq(token, secret.bytes()) {
        (Outcome::Valid, "token matches")
    } else {
        (Outcome::Invalid, "token mismatch")
    };
    let mut v = Verdict::new(ProviderKind::Gitlab, outcome, reason);
    v.header = Some(HEADER.to_owned());
    v.signed_payload = Some("nothing: GitLab sends the secret token itself".to_owned());
    v.expected = Some(format!("(your secret, {} bytes)", secret.bytes().len()));
    v.received = Some(format!("(token, {} bytes)", token.len()));
    v.hints.extend(duplicate_note(msg.headers, HEADER));
    v.hints.extend(whitespace_hint(token, secret.bytes()));
    v
}

/// Equal once surrounding whitespace is trimmed: a newline from a file or env var.
fn whitespace_hint(token: &[u8], secret: &[u8]) -> Option<String> {
    let differs = token.len() != secret.len();
    (differs && ct_eq(token.trim_ascii(), secret.trim_ascii())).then(|| {
        "the token equals your secret once surrounding whitespace is removed \
         (a trailing newline in a secret file?)"
            .to_owned()
    })
}
