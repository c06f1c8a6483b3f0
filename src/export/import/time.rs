//! `startedDateTime`: ISO 8601 with any offset, to a UTC [`Timestamp`].
//!
//! Writers differ: `Z` (Chrome), `+00:00` (WebPageTest, mitmproxy), the local
//! offset such as `+02:00` (Firefox, Charles), sometimes `+0200`, with or
//! without fractional seconds.

use std::time::Duration;

use crate::model::Timestamp;

/// The instant `s` names, in UTC; `None` when it is not such a time.
pub fn parse_iso8601(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let (local, offset_secs) = split_offset(s)?;
    let t = humantime::parse_rfc3339_weak(local).ok()?;
    let shift = Duration::from_secs(offset_secs.unsigned_abs());
    // Local time = UTC + offset, so UTC = local - offset.
    let utc = if offset_secs >= 0 {
        t.checked_sub(shift)?
    } else {
        t.checked_add(shift)?
    };
    Some(Timestamp::from_system_time(utc))
}

/// The local part and the offset in seconds (`Z` or none: 0).
fn split_offset(s: &str) -> Option<(&str, i64)> {
    if let Some(local) = s.strip_suffix(['Z', 'z']) {
        return Some((local, 0));
    }
    // The offset sign comes after the time of day, so after the `T` or space.
    let time_start = s.find(['T', 't', ' '])?;
    let Some(sign_at) = s[time_start..].rfind(['+', '-']).map(|i| i + time_start) else {
        return Some((s, 0));
    };
    let sign = if s.as_bytes()[sign_at] == b'-' { -1 } else { 1 };
    let digits: String = s[sign_at + 1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 && digits.len() != 2 {
        return None;
    }
    let hours: i64 = digits.get(..2)?.parse().ok()?;
    let minutes: i64 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((&s[..sign_at], sign * (hours * 3600 + minutes * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> String {
        parse_iso8601(s).map(Timestamp::rfc3339).unwrap_or_default()
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        let want = "2023-07-12T18:57:52.050000Z";
        for s in [
            "2023-07-12T18:57:52.050Z",
            "2023-07-12T18:57:52.050+00:00",
            "2023-07-12T20:57:52.050+02:00",
            "2023-07-12T20:57:52.050+0200",
            "2023-07-12T13:27:52.050-05:30",
            "2023-07-12T18:57:52.050000",
        ] {
            assert_eq!(utc(s), want, "{s}");
        }
        assert_eq!(utc("2023-07-13T01:00:00+02"), "2023-07-12T23:00:00.000000Z");
    }

    #[test]
    fn garbage_is_not_a_time() {
        for s in [
            "",
            "yesterday",
            "2023-07-12T18:57:52+2",
            "2023-07-12T18:57:52+25:00",
        ] {
            assert_eq!(parse_iso8601(s), None, "{s}");
        }
    }
}
