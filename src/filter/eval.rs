//! Checking terms in Rust, on a request already read from the store: what the
//! store cannot decide in SQL (JSON pointers, header value globs), and a full
//! in-memory check for callers that hold requests (the TUI, tests).

use std::cell::OnceCell;

use serde_json::Value;

use super::{DeliverySel, Filter, Pushdown, SessionSel, Term};
use crate::model::{CapturedRequest, HeaderList, HookIdentity, encode_headers, path_of};
use crate::sign::identity::identify;

/// Facts a term may need that are not in the request itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchContext {
    /// The newest session's id, for `session:latest`.
    pub latest_session: Option<i64>,
    /// Where the request stands among the attempts of its delivery, for
    /// `attempt:` and `dup`; without it those terms match nothing. (The store
    /// decides them in SQL; the answer rules of `listen` count attempts themselves.)
    pub attempt: Option<AttemptContext>,
}

/// A request's place among the attempts of its delivery, as far as the caller knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttemptContext {
    /// Its attempt number, from 1.
    pub number: u32,
    /// True when an earlier attempt was answered 2xx.
    pub dup: bool,
}

/// The request's webhook identity: as the caller found it, or found here at
/// most once per request.
struct LazyIdentity<'a> {
    r: &'a CapturedRequest,
    given: Option<Option<&'a HookIdentity>>,
    found: OnceCell<Option<HookIdentity>>,
}

impl LazyIdentity<'_> {
    fn get(&self) -> Option<&HookIdentity> {
        if let Some(given) = self.given {
            return given;
        }
        self.found
            .get_or_init(|| identify(&self.r.headers, &self.r.body))
            .as_ref()
    }
}

/// The body parsed as JSON at most once per request, however many terms ask.
struct LazyJson<'a> {
    body: &'a [u8],
    parsed: OnceCell<Option<Value>>,
}

impl LazyJson<'_> {
    fn get(&self) -> Option<&Value> {
        self.parsed
            .get_or_init(|| serde_json::from_slice(self.body).ok())
            .as_ref()
    }
}

impl Filter {
    /// True when `r` meets every term.
    pub fn matches(&self, r: &CapturedRequest, cx: &MatchContext) -> bool {
        self.check(self.terms.iter(), r, cx)
    }

    /// Like [`Filter::matches`], for a caller that already knows the
    /// request's webhook identity (`None`: not a webhook).
    pub fn matches_with(
        &self,
        r: &CapturedRequest,
        cx: &MatchContext,
        identity: Option<&HookIdentity>,
    ) -> bool {
        let mut lazy = Lazy::new(r);
        lazy.identity.given = Some(identity);
        self.terms.iter().all(|t| t.holds(r, cx, &lazy))
    }

    /// True when `r` meets every term SQL did not decide exactly: the check the
    /// store runs on candidate rows.
    pub fn matches_residual(&self, r: &CapturedRequest, cx: &MatchContext) -> bool {
        self.check(self.residual(), r, cx)
    }

    fn check<'t>(
        &self,
        mut terms: impl Iterator<Item = &'t Term>,
        r: &CapturedRequest,
        cx: &MatchContext,
    ) -> bool {
        let lazy = Lazy::new(r);
        terms.all(|t| t.holds(r, cx, &lazy))
    }
}

impl Term {
    /// True when `r` meets this term.
    pub fn matches(&self, r: &CapturedRequest, cx: &MatchContext) -> bool {
        self.holds(r, cx, &Lazy::new(r))
    }

    fn holds(&self, r: &CapturedRequest, cx: &MatchContext, lazy: &Lazy<'_>) -> bool {
        let json = &lazy.json;
        let hook = || lazy.identity.get();
        match self {
            Term::Method(m) => r.method.eq_ignore_ascii_case(m),
            Term::Path(g) => g.matches(path_of(&r.target)),
            Term::Status(s) => {
                let (lo, hi) = s.range();
                (lo..=hi).contains(&r.response.status)
            }
            // Stored requests are decided in SQL (the pushdown is exact). A
            // request checked in memory (as received, by `listen --respond`
            // rules) has not been delivered yet: only `delivery:none` holds.
            Term::DeliveryStatus(sel) => *sel == DeliverySel::Never,
            Term::Header { name, value } => {
                let mut values = r.headers.all(name);
                match value {
                    None => values.next().is_some(),
                    Some(g) => values.any(|h| g.matches(&h.value_str())),
                }
            }
            Term::Body(text) => contains(&r.body, text.as_bytes()),
            Term::Json { pointer, value } => json
                .get()
                .and_then(|doc| doc.pointer(pointer))
                .is_some_and(|found| value.as_deref().is_none_or(|v| json_equals(found, v))),
            Term::Sig(want) => r
                .signature
                .as_ref()
                .is_some_and(|s| s.outcome.as_str() == want.as_str()),
            Term::Since(t) => r.received_at >= *t,
            Term::Session(SessionSel::Id(id)) => r.session_id == *id,
            Term::Session(SessionSel::Latest) => cx.latest_session == Some(r.session_id),
            Term::Id(cmp, n) => cmp.holds(r.id, *n),
            Term::Provider(p) => hook().is_some_and(|h| h.provider.eq_ignore_ascii_case(p)),
            Term::Event(g) => hook()
                .and_then(|h| h.event.as_deref())
                .is_some_and(|e| g.matches(e)),
            Term::Delivery(d) => hook().and_then(|h| h.delivery.as_deref()) == Some(d.as_str()),
            Term::Attempt(cmp, n) => cx
                .attempt
                .is_some_and(|a| cmp.holds(i64::from(a.number), *n)),
            Term::Dup => cx.attempt.is_some_and(|a| a.dup),
            // The relayed mark is not part of a request record; the store
            // decides `via:` in SQL (its pushdown is exact), never here.
            Term::Via(_) => false,
            Term::Text(word) => {
                let w = word.as_bytes();
                contains(r.target.as_bytes(), w)
                    || contains(&encode_headers(&r.headers), w)
                    || contains(&r.body, w)
            }
        }
    }

    /// True when SQL decides this term completely.
    pub fn is_exact_in_sql(&self) -> bool {
        self.pushdown() == Pushdown::Exact
    }
}

/// What terms compute from a request at most once, however many ask.
struct Lazy<'a> {
    json: LazyJson<'a>,
    identity: LazyIdentity<'a>,
}

impl<'a> Lazy<'a> {
    fn new(r: &'a CapturedRequest) -> Self {
        Self {
            json: LazyJson {
                body: &r.body,
                parsed: OnceCell::new(),
            },
            identity: LazyIdentity {
                r,
                given: None,
                found: OnceCell::new(),
            },
        }
    }
}

/// Byte substring search; the empty needle is found everywhere.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// `json:/p=VALUE`: a string equal to VALUE's text, or a value equal to VALUE
/// read as JSON (so `=3` matches `3`, `3.0` and `"3"`, `=true` matches `true`).
/// Integers compare exactly, as SQLite compares them (the store's prefilter).
pub(crate) fn json_equals(found: &Value, wanted: &str) -> bool {
    if found.as_str() == Some(wanted) {
        return true;
    }
    match (serde_json::from_str::<Value>(wanted), found) {
        (Ok(Value::Number(a)), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => a.as_f64() == b.as_f64(),
        },
        (Ok(v), found) => v == *found,
        (Err(_), _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, NewRequest, ResponseRecord, Timestamp};

    fn request(target: &str, headers: &[(&str, &str)], body: &str) -> CapturedRequest {
        CapturedRequest {
            id: 10,
            request: NewRequest {
                session_id: 2,
                received_at: Timestamp(5_000),
                method: "POST".into(),
                target: target.into(),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:1".into(),
                headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
                body: body.as_bytes().to_vec(),
                truncated: false,
                response: ResponseRecord {
                    status: 202,
                    headers: vec![],
                    body: vec![],
                },
                signature: Some(crate::model::SignatureCheck {
                    provider: "github".into(),
                    outcome: crate::model::Outcome::Valid,
                    reason: String::new(),
                }),
                rejected: None,
            },
        }
    }

    fn check(line: &str, r: &CapturedRequest) -> bool {
        let cx = MatchContext {
            latest_session: Some(2),
            attempt: None,
        };
        Filter::parse_line(line, Timestamp(10_000))
            .unwrap()
            .matches(r, &cx)
    }

    #[test]
    fn every_term_matches_and_misses_as_documented() {
        let r = request(
            "/hooks/gh?x=1",
            &[("X-GitHub-Event", "push"), ("x-dup", "a"), ("X-Dup", "b")],
            r#"{"ref":"refs/heads/main","n":3,"ok":true,"a":{"b/c":null},"list":[1,"two"]}"#,
        );
        let hits = [
            "method:post",
            "path:/hooks/*",
            "status:2xx",
            "status:202",
            "header:x-github-event",
            "header:X-GitHub-Event=push",
            "header:X-Dup=b",
            "header:x-github-event=p*",
            "body:refs/heads",
            "json:/ref=refs/heads/main",
            "json:/n=3",
            "json:/n=3.0",
            "json:/ok=true",
            "json:/a/b~1c",
            "json:/a/b~1c=null",
            "json:/list/1=two",
            "sig:valid",
            "session:latest",
            "session:2",
            "id:>=10",
            "id:10",
            "gh?x",
            "X-GitHub-Event:",
            "heads/main",
        ];
        for line in hits {
            assert!(check(line, &r), "{line} should match");
        }
        let misses = [
            "method:GET",
            "path:/hooks",
            "status:4xx",
            "status:200",
            "header:X-Missing",
            "header:X-GitHub-Event=pull",
            "header:X-Dup=c",
            "body:REFS",
            "json:/ref=main",
            "json:/missing",
            "json:/n=4",
            "sig:invalid",
            "session:3",
            "id:>10",
            "since:2026-01-01T00:00:00Z",
            "nowhere",
            "method:POST nowhere",
        ];
        for line in misses {
            assert!(!check(line, &r), "{line} should not match");
        }
    }

    #[test]
    fn json_terms_never_match_a_body_that_is_not_json() {
        let r = request("/", &[], "ref=refs/heads/main");
        assert!(!check("json:/ref", &r) && !check("json:=1", &r));
    }

    #[test]
    fn only_residual_terms_are_checked_by_matches_residual() {
        let r = request("/x", &[("X-A", "1")], "{}");
        let f = Filter::parse_line("method:GET header:X-A=1", Timestamp(0)).unwrap();
        assert!(!f.matches(&r, &MatchContext::default()));
        assert!(f.matches_residual(&r, &MatchContext::default()));
    }
}
