//! The one filter language: what `ls`, `export`, `rm`, `wait`, `listen --match`
//! and the TUI's `/` use to pick requests.
//!
//! A [`Filter`] is a list of [`Term`]s that must all hold (AND). Terms are
//! parsed here, once ([`Filter::parse_args`] for one term per argument,
//! [`Filter::parse_line`] for a line of terms with quotes), and each term says
//! how far the store can push it into SQL ([`Term::pushdown`]): the store turns
//! the pushable part into a `WHERE` clause and checks the rest in Rust on the
//! candidate rows with [`Term::matches`]. The language is documented for users in
//! `docs/filters.md` and in `--help` (`cli.rs`).
//!
//! | term | meaning |
//! |------|---------|
//! | `method:POST` | method, ignoring case |
//! | `path:/hook*` | path (no query) matches a [`Glob`] |
//! | `status:2xx`, `status:401` | what hookcap answered: a class or a code |
//! | `delivery:5xx`, `delivery:200`, `delivery:error`, `delivery:none` | the newest delivery (forward, replay): its status, a failure without an answer, or none at all |
//! | `header:NAME`, `header:NAME=GLOB` | a header is present / has a matching value |
//! | `body:TEXT` | the body contains these bytes |
//! | `json:/a/b`, `json:/a/b=VALUE` | an RFC 6901 pointer exists / equals a value |
//! | `sig:valid\|invalid\|unsigned` | the recorded signature verdict |
//! | `since:10m`, `since:'2026-01-02 15:04'`, `since:RFC3339` | received at or after (a time without a zone is local) |
//! | `session:latest\|ID` | one session |
//! | `id:>100`, `id:<=7`, `id:5` | compares the id |
//! | `via:GLOB` | came through a relay whose channel URL matches (`via:*`: any) |
//! | `WORD`, `text:WORD` | the target, headers or body contain WORD |

mod eval;
mod glob;
mod parse;

use std::time::Duration;

pub use eval::{AttemptContext, MatchContext};
pub use glob::Glob;
pub use parse::FilterError;

use crate::model::Timestamp;

/// Which session a filter is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSel {
    /// The newest session in the database.
    Latest,
    /// A session by id.
    Id(i64),
}

/// A status condition: one code, or a class like `4xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusSel {
    /// Exactly this code.
    Code(u16),
    /// Any code whose first digit is this (4 for `4xx`).
    Class(u16),
}

impl StatusSel {
    /// The inclusive range of codes this selects.
    pub fn range(self) -> (u16, u16) {
        match self {
            Self::Code(c) => (c, c),
            Self::Class(d) => (d * 100, d * 100 + 99),
        }
    }
}

/// What `delivery:` asks of a request's newest delivery (its latest forward
/// or replay), for status-shaped values; any other value is the provider's
/// own delivery id ([`Term::Delivery`], see `parse::delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliverySel {
    /// It was answered with this code, or a code of this class.
    Status(StatusSel),
    /// It failed without an answer (refused, timed out, cut off before the
    /// status line).
    Failed,
    /// The request was never delivered.
    Never,
}

/// A recorded signature verdict, as `sig:` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigVerdict {
    /// A signature was present and checked out.
    Valid,
    /// A signature was present and wrong (or expired, or malformed).
    Invalid,
    /// No signature was found.
    Unsigned,
}

impl SigVerdict {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Unsigned => "unsigned",
        }
    }
}

/// How `id:` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cmp {
    /// The operator as written in SQL and in the language.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    /// Applies the comparison.
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Self::Eq => left == right,
            Self::Lt => left < right,
            Self::Le => left <= right,
            Self::Gt => left > right,
            Self::Ge => left >= right,
        }
    }
}

/// One condition of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// `method:POST`: the method, compared ignoring ASCII case.
    Method(String),
    /// `path:GLOB`: the path (target without the query) matches.
    Path(Glob),
    /// `status:2xx` or `status:401`: what hookcap answered.
    Status(StatusSel),
    /// `delivery:5xx`, `delivery:error`, `delivery:none`: hookcap's newest
    /// delivery of the request (its latest forward or replay).
    DeliveryStatus(DeliverySel),
    /// `header:NAME` (present) or `header:NAME=GLOB` (some value matches).
    Header {
        /// Header name, compared ignoring ASCII case.
        name: String,
        /// A glob one of the values must match, if given.
        value: Option<Glob>,
    },
    /// `body:TEXT`: the body contains these bytes.
    Body(String),
    /// `json:/pointer` (exists) or `json:/pointer=VALUE` (equals).
    Json {
        /// An RFC 6901 JSON pointer (`""` is the whole document).
        pointer: String,
        /// The value it must equal: JSON text, or else a plain string.
        value: Option<String>,
    },
    /// `sig:valid|invalid|unsigned`.
    Sig(SigVerdict),
    /// `since:10m`, `since:'2026-01-02 15:04'` (local) or `since:RFC3339`: received at or after.
    Since(Timestamp),
    /// `session:latest|ID`.
    Session(SessionSel),
    /// `id:>100`.
    Id(Cmp, i64),
    /// `provider:NAME`: the webhook provider detected at capture (any case).
    Provider(String),
    /// `event:GLOB`: the webhook event detected at capture matches.
    Event(Glob),
    /// `delivery:ID`: the provider's delivery id, exactly.
    Delivery(String),
    /// `attempt:>1`: compares the attempt number within the delivery.
    Attempt(Cmp, i64),
    /// `dup`: a later attempt of a delivery an earlier attempt of which was
    /// answered 2xx (a duplicate the receiver must ignore).
    Dup,
    /// `via:GLOB`: came through a relay (`listen --via`) whose channel URL
    /// matches. Only the store knows where a request came from, so SQL
    /// always decides it.
    Via(Glob),
    /// A bare word or `text:WORD`: the target, the header lines or the body contain it.
    Text(String),
}

/// How much of a term SQL can decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushdown {
    /// SQL decides it exactly; nothing is left to check.
    Exact,
    /// SQL narrows the candidates; Rust must still check the term.
    Partial,
    /// Only Rust can check it.
    None,
}

impl Term {
    /// How far the store can push this term into SQL.
    pub fn pushdown(&self) -> Pushdown {
        match self {
            Term::Header { value: Some(_), .. } => Pushdown::Partial,
            Term::Json { pointer, .. } if json_path(pointer).is_some() => Pushdown::Partial,
            Term::Json { .. } => Pushdown::None,
            _ => Pushdown::Exact,
        }
    }
}

/// The SQLite JSON path of an RFC 6901 pointer, when the translation is exact
/// (which decides whether a `json:` term can be narrowed in SQL; the store's
/// condition reads this path): not when a segment is all digits (an array index
/// or a member name? SQLite must be told which) or holds `"` or `\\` (which its
/// quoted labels cannot carry).
pub fn json_path(pointer: &str) -> Option<String> {
    let mut path = String::from("$");
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let numeric = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
        if numeric || key.is_empty() || key.contains(['"', '\\']) {
            return None;
        }
        path.push_str(&format!(".\"{key}\""));
    }
    Some(path)
}

/// Conditions a request must meet, all of them. The empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The terms, in the order given.
    pub terms: Vec<Term>,
}

impl Filter {
    /// A filter of these terms.
    pub fn of(terms: impl IntoIterator<Item = Term>) -> Self {
        Self {
            terms: terms.into_iter().collect(),
        }
    }

    /// This filter with one more term.
    pub fn and(mut self, term: Term) -> Self {
        self.terms.push(term);
        self
    }

    /// Parses one term per argument (as a shell passes them), relative to `now`.
    pub fn parse_args<S: AsRef<str>>(args: &[S], now: Timestamp) -> Result<Self, FilterError> {
        args.iter()
            .map(|a| parse::term(a.as_ref(), now))
            .collect::<Result<_, _>>()
            .map(|terms| Self { terms })
    }

    /// Parses a line of terms separated by spaces, with `"…"` or `'…'` quoting
    /// (`body:"two words"`): what `--match` and the TUI's `/` take.
    pub fn parse_line(line: &str, now: Timestamp) -> Result<Self, FilterError> {
        parse::line(line, now).map(|terms| Self { terms })
    }

    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The session this filter names, if any (the last `session:` term wins
    /// for callers that need one; all of them still apply).
    pub fn session(&self) -> Option<SessionSel> {
        self.terms.iter().rev().find_map(|t| match t {
            Term::Session(s) => Some(*s),
            _ => None,
        })
    }

    /// The terms SQL cannot decide exactly, to check in Rust on candidate rows.
    pub fn residual(&self) -> impl Iterator<Item = &Term> {
        self.terms
            .iter()
            .filter(|t| t.pushdown() != Pushdown::Exact)
    }

    /// True when every term is decided in SQL.
    pub fn is_pushable(&self) -> bool {
        self.residual().next().is_none()
    }
}

/// `now` minus `d`, saturating.
pub fn ago(now: Timestamp, d: Duration) -> Timestamp {
    let us = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
    Timestamp(now.0.saturating_sub(us))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_session(s: &str) -> Result<SessionSel, FilterError> {
        parse::session(s).map_err(|why| FilterError::value_of("session", s, why))
    }

    fn parse_since(s: &str, now: Timestamp) -> Result<Timestamp, FilterError> {
        parse::since(s, now).map_err(|why| FilterError::value_of("since", s, why))
    }

    #[test]
    fn since_takes_durations_relative_to_now() {
        let now = Timestamp(10_000_000_000);
        assert_eq!(parse_since("10s", now).unwrap(), Timestamp(9_990_000_000));
        assert_eq!(parse_since("1m", now).unwrap(), Timestamp(9_940_000_000));
    }

    #[test]
    fn since_takes_rfc3339_times() {
        let t = parse_since("2026-01-02T03:04:05Z", Timestamp(0)).unwrap();
        assert_eq!(t.rfc3339(), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn since_rejects_garbage_naming_it() {
        let err = parse_since("yesterday-ish", Timestamp(0)).unwrap_err();
        assert!(err.to_string().contains("yesterday-ish"));
    }

    #[test]
    fn sessions_are_latest_or_numbers() {
        assert_eq!(parse_session("latest").unwrap(), SessionSel::Latest);
        assert_eq!(parse_session("42").unwrap(), SessionSel::Id(42));
        assert!(parse_session("first").is_err());
    }

    #[test]
    fn only_json_and_header_values_are_left_to_rust() {
        let f = Filter::parse_line(
            "method:POST header:X-A header:X-B=1 json:/a body:x json:/a/0",
            Timestamp(0),
        )
        .unwrap();
        let pushdown: Vec<_> = f.terms.iter().map(Term::pushdown).collect();
        use Pushdown::*;
        assert_eq!(pushdown, [Exact, Exact, Partial, Partial, Exact, None]);
        let residual: Vec<_> = f.residual().collect();
        assert_eq!(residual.len(), 3);
        assert!(!f.is_pushable());
        assert!(
            Filter::parse_line("path:/a* id:>3", Timestamp(0))
                .unwrap()
                .is_pushable()
        );
    }

    #[test]
    fn pointers_translate_to_sqlite_paths_only_when_exact() {
        assert_eq!(json_path("").as_deref(), Some("$"));
        assert_eq!(json_path("/a/b.c").as_deref(), Some(r#"$."a"."b.c""#));
        assert_eq!(json_path("/a~1b/~0x").as_deref(), Some(r#"$."a/b"."~x""#));
        for ambiguous in ["/list/0", "/a//b", "/a\"b", "/a\\b"] {
            assert_eq!(json_path(ambiguous), None, "{ambiguous}");
        }
    }
}
