//! The one filter language: what `ls` (and later `wait`, `export`, `rm` and the
//! TUI) use to pick requests.
//!
//! A [`Filter`] is a set of conditions that are all required (AND). The store
//! pushes every condition it can into SQL; conditions are parsed here, once.

use std::time::Duration;

use crate::model::Timestamp;

/// Which session a filter is limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSel {
    /// The newest session in the database.
    Latest,
    /// A session by id.
    Id(i64),
}

/// Conditions a request must meet, all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Method, compared case-insensitively.
    pub method: Option<String>,
    /// Glob over the path (without the query): `*`, `?`, `[...]`.
    pub path_glob: Option<String>,
    /// Limit to one session.
    pub session: Option<SessionSel>,
    /// Only requests received at or after this time.
    pub since: Option<Timestamp>,
}

/// A filter term that could not be read, with the offending text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// A `since` value that is neither a duration nor an RFC 3339 time.
    #[error(
        "invalid time {0:?}: use a duration like 10m or 2h, or an RFC 3339 time like 2026-01-02T15:04:05Z"
    )]
    Since(String),
    /// A session selector that is neither `latest` nor a number.
    #[error("invalid session {0:?}: use `latest` or a session id")]
    Session(String),
}

/// Parses `latest` or a session id.
pub fn parse_session(s: &str) -> Result<SessionSel, FilterError> {
    if s.eq_ignore_ascii_case("latest") {
        return Ok(SessionSel::Latest);
    }
    s.parse()
        .map(SessionSel::Id)
        .map_err(|_| FilterError::Session(s.to_owned()))
}

/// Parses a `since` value relative to `now`: a duration ago (`10m`, `1h30m`)
/// or an absolute RFC 3339 time.
pub fn parse_since(s: &str, now: Timestamp) -> Result<Timestamp, FilterError> {
    if let Ok(d) = humantime::parse_duration(s) {
        return Ok(ago(now, d));
    }
    humantime::parse_rfc3339_weak(s)
        .map(Timestamp::from_system_time)
        .map_err(|_| FilterError::Since(s.to_owned()))
}

fn ago(now: Timestamp, d: Duration) -> Timestamp {
    let us = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
    Timestamp(now.0.saturating_sub(us))
}

/// The path part of a raw request target (before `?`).
pub fn path_of(target: &str) -> &str {
    target.split_once('?').map_or(target, |(p, _)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn path_of_drops_the_query() {
        assert_eq!(path_of("/a/b?x=1?y"), "/a/b");
        assert_eq!(path_of("/a"), "/a");
    }
}
