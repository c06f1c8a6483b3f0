//! Checking a captured request: the one place that turns "provider (or auto),
//! secret, options" plus a stored request into a [`Verdict`]. `hookcap verify`
//! and live checking in `listen` both use it, so they always agree.

use std::time::Duration;

use super::{
    HmacSpec, Message, Outcome, ProviderKind, Secret, Verdict, VerifyOptions, detect, provider,
};
use crate::model::{HeaderList, NewRequest, Timestamp};

/// Which scheme to check, the secret, and how strict to be.
#[derive(Debug, Clone)]
pub struct Checker {
    /// A fixed scheme, or `None` to detect it from the headers.
    pub kind: Option<ProviderKind>,
    /// The shared secret (never logged, never stored).
    pub secret: Secret,
    /// The header/algorithm/encoding for the generic `hmac` scheme.
    pub hmac: Option<HmacSpec>,
    /// Largest accepted timestamp distance.
    pub tolerance: Duration,
}

/// A verdict plus how the scheme was chosen.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The verdict.
    pub verdict: Verdict,
    /// True when the scheme was detected from the headers (`--provider auto`).
    pub detected: bool,
}

impl Checker {
    /// Checks `request` against `now` (its capture time, or the wall clock).
    /// `url` overrides the URL reconstructed from the request (Twilio signs it).
    /// `alt_body` is what the user's framework saw, used for hints only.
    /// Returns `None` when auto-detection finds no known scheme.
    pub fn check(
        &self,
        request: &NewRequest,
        url: Option<&str>,
        now: Timestamp,
        alt_body: Option<&[u8]>,
    ) -> Option<Checked> {
        let (kind, detected) = match self.kind {
            Some(k) => (k, false),
            None => (detect(&request.headers)?, true),
        };
        let rebuilt = reconstruct_url(request);
        let msg = Message {
            headers: &request.headers,
            body: &request.body,
            url: Some(url.unwrap_or(&rebuilt)),
        };
        let opts = VerifyOptions {
            tolerance: self.tolerance,
            now,
            alt_body,
        };
        let verdict = match provider(kind, self.hmac.clone()) {
            Ok(p) => p.verify(&self.secret, &msg, &opts),
            Err(e) => Verdict::new(kind, Outcome::Invalid, e.to_string()),
        };
        Some(Checked { verdict, detected })
    }
}

/// The URL the sender most likely posted to: scheme and host from
/// `X-Forwarded-Proto`/`X-Forwarded-Host` when a proxy or tunnel set them,
/// otherwise `http` and `Host`, then the raw request target.
pub fn reconstruct_url(request: &NewRequest) -> String {
    let h = &request.headers;
    let scheme = h
        .get_str("x-forwarded-proto")
        .unwrap_or_else(|| "http".into());
    let host = h
        .get_str("x-forwarded-host")
        .or_else(|| h.get_str("host"))
        .unwrap_or_else(|| "localhost".into());
    let first = |s: &str| s.split(',').next().unwrap_or(s).trim().to_owned();
    format!("{}://{}{}", first(&scheme), first(&host), request.target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, ResponseRecord};
    use crate::sign::SignInput;

    fn request(headers: Vec<Header>, body: &[u8]) -> NewRequest {
        NewRequest {
            session_id: 1,
            received_at: Timestamp(1_700_000_000_000_000),
            method: "POST".into(),
            target: "/hook?x=1".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:1".into(),
            headers,
            body: body.to_vec(),
            truncated: false,
            response: ResponseRecord {
                status: 200,
                headers: vec![],
                body: vec![],
            },
            signature: None,
            rejected: None,
        }
    }

    fn checker(kind: Option<ProviderKind>, secret: &str) -> Checker {
        Checker {
            kind,
            secret: Secret::from_bytes(secret),
            hmac: None,
            tolerance: Duration::from_secs(300),
        }
    }

    #[test]
    fn auto_detects_the_scheme_and_says_so() {
        let body = b"{}";
        let signed = provider(ProviderKind::Github, None)
            .unwrap()
            .sign(
                &Secret::from_bytes("s"),
                &SignInput::new(body, Timestamp(0)),
            )
            .unwrap();
        let req = request(signed.headers, body);
        let checked = checker(None, "s")
            .check(&req, None, req.received_at, None)
            .unwrap();
        assert!(checked.detected && checked.verdict.is_valid());
        let wrong = checker(None, "t")
            .check(&req, None, req.received_at, None)
            .unwrap();
        assert_eq!(wrong.verdict.outcome, Outcome::Invalid);
    }

    #[test]
    fn nothing_to_detect_is_none() {
        let req = request(vec![Header::new("Content-Type", "application/json")], b"{}");
        assert!(
            checker(None, "s")
                .check(&req, None, req.received_at, None)
                .is_none()
        );
    }

    #[test]
    fn urls_are_rebuilt_from_forwarding_headers_first() {
        let plain = request(vec![Header::new("Host", "localhost:4665")], b"");
        assert_eq!(reconstruct_url(&plain), "http://localhost:4665/hook?x=1");
        let tunneled = request(
            vec![
                Header::new("Host", "localhost:4665"),
                Header::new("X-Forwarded-Proto", "https"),
                Header::new("X-Forwarded-Host", "abc.ngrok.app, other"),
            ],
            b"",
        );
        assert_eq!(reconstruct_url(&tunneled), "https://abc.ngrok.app/hook?x=1");
    }
}
