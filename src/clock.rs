//! Times as people read them: in the local time zone, for what is printed on
//! a terminal (`ls`, `show`, the headless `listen` lines, the TUI). JSON,
//! exports and the store keep UTC (RFC 3339 with `Z`,
//! [`Timestamp::rfc3339`]).
//!
//! The zone is `TZ` (an IANA name such as `Europe/Paris`, or a POSIX rule
//! such as `CET-1CEST,M3.5.0,M10.5.0/3`), else the system's
//! (`/etc/localtime`), else UTC; read once per process (with `jiff`, which
//! reads the system's time zone database and never guesses). A time a person
//! types without a zone (`since:'2026-12-06 16:10'`) is read in the same zone.
//!
//! Unit tests see UTC whatever the machine's zone, so their snapshots hold
//! everywhere; the integration tests run the binary with `TZ` set.

use std::sync::OnceLock;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::model::Timestamp;

/// The zone times are shown in.
fn zone() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| match cfg!(test) {
        true => TimeZone::UTC,
        false => TimeZone::system(),
    })
}

/// `18:23:51.123`: the time of day, to the millisecond (lists of requests).
pub fn clock(t: Timestamp) -> String {
    clock_in(zone(), t)
}

/// What `format_in(tz, t, "%H:%M:%S%.3f")` writes, without reading a format:
/// every headless `listen` line has one.
fn clock_in(tz: &TimeZone, t: Timestamp) -> String {
    let Ok(ts) = jiff::Timestamp::from_microsecond(t.0) else {
        return t.rfc3339();
    };
    let time = tz.to_datetime(ts).time();
    let mut out = String::with_capacity(12);
    let fields = [
        (i32::from(time.hour()), 2),
        (i32::from(time.minute()), 2),
        (i32::from(time.second()), 2),
        (i32::from(time.millisecond()), 3),
    ];
    for (at, (value, width)) in fields.into_iter().enumerate() {
        if at > 0 {
            out.push(if at == 3 { '.' } else { ':' });
        }
        push_digits(&mut out, value, width);
    }
    out
}

/// `value` (non-negative) in `width` decimal digits, zero-padded.
fn push_digits(out: &mut String, value: i32, width: u32) {
    let mut unit = 10_i32.pow(width - 1);
    while unit > 0 {
        let digit = u8::try_from(value / unit % 10).unwrap_or(0);
        out.push(char::from(b'0' + digit));
        unit /= 10;
    }
}

/// `2026-11-27 18:23:51`: the date and time to the second (`ls`).
pub fn date_time(t: Timestamp) -> String {
    format_in(zone(), t, "%Y-%m-%d %H:%M:%S")
}

/// `2026-11-27 18:23:51.123456 CET`: everything, with the zone's name (one
/// request in full).
pub fn precise(t: Timestamp) -> String {
    format_in(zone(), t, "%Y-%m-%d %H:%M:%S%.6f %Z")
}

/// The zone's short name now (`UTC`, `CET`, `-03`), for column titles.
pub fn zone_name() -> String {
    zone_name_in(zone(), Timestamp::now())
}

/// A time as a person types it: with a zone (`2026-12-06T16:10:05Z`,
/// `…+01:00`) as given; without one (`2026-12-06 16:10`,
/// `2026-12-06T16:10:05.5`, `2026-12-06`) in local time. `None` when `text`
/// is neither. A local time a change of clocks skips is read as after it, one
/// it repeats as the first.
pub fn parse(text: &str) -> Option<Timestamp> {
    parse_in(zone(), text)
}

fn format_in(tz: &TimeZone, t: Timestamp, format: &str) -> String {
    match jiff::Timestamp::from_microsecond(t.0) {
        Ok(ts) => ts
            .to_zoned_datetime(tz.clone())
            .strftime(format)
            .to_string(),
        Err(_) => t.rfc3339(),
    }
}

fn zone_name_in(tz: &TimeZone, t: Timestamp) -> String {
    match jiff::Timestamp::from_microsecond(t.0) {
        Ok(ts) => tz.to_offset_info(ts).abbreviation().to_owned(),
        Err(_) => "UTC".to_owned(),
    }
}

fn parse_in(tz: &TimeZone, text: &str) -> Option<Timestamp> {
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(Timestamp(ts.as_microsecond()));
    }
    // jiff also reads `2026-12-06 16` (an hour alone); people do not.
    let has_minutes = text.len() == 10 || text.get(13..14) == Some(":");
    let civil: DateTime = text.parse().ok().filter(|_| has_minutes)?;
    let ts = civil.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    Some(Timestamp(ts.as_microsecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-11-14T22:13:20.123456Z.
    const T: Timestamp = Timestamp(1_700_000_000_123_456);

    fn paris() -> TimeZone {
        TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
    }

    #[test]
    fn times_are_shown_in_the_zone() {
        let tz = paris();
        assert_eq!(format_in(&tz, T, "%H:%M:%S%.3f"), "23:13:20.123");
        assert_eq!(
            format_in(&tz, T, "%Y-%m-%d %H:%M:%S%.6f %Z"),
            "2023-11-14 23:13:20.123456 CET"
        );
        assert_eq!(zone_name_in(&tz, T), "CET");
        let summer = Timestamp(T.0 - 150 * 86_400 * 1_000_000);
        assert_eq!(zone_name_in(&tz, summer), "CEST");
        assert_eq!(clock(T), "22:13:20.123", "unit tests see UTC");
        assert_eq!(precise(T), "2023-11-14 22:13:20.123456 UTC");
    }

    #[test]
    fn the_clock_writes_what_its_format_would() {
        let tz = paris();
        let times = [
            T,
            Timestamp(0),
            Timestamp(-1),
            Timestamp(-1_500),
            Timestamp(T.0 - 150 * 86_400 * 1_000_000),
            Timestamp(1_767_225_599_999_999),
            Timestamp(-62_000_000_000_000_001),
        ];
        for t in times {
            for tz in [&tz, &TimeZone::UTC] {
                let expected = format_in(tz, t, "%H:%M:%S%.3f");
                assert_eq!(clock_in(tz, t), expected, "{t:?}");
            }
        }
    }

    #[test]
    fn typed_times_are_local_unless_they_say_otherwise() {
        let tz = paris();
        let at = |text: &str| parse_in(&tz, text).map(Timestamp::rfc3339);
        assert_eq!(
            at("2026-12-06 16:10").as_deref(),
            Some("2026-12-06T15:10:00.000000Z")
        );
        assert_eq!(
            at("2026-07-06T16:10:05.5").as_deref(),
            Some("2026-07-06T14:10:05.500000Z")
        );
        assert_eq!(
            at("2026-12-06").as_deref(),
            Some("2026-12-05T23:00:00.000000Z")
        );
        assert_eq!(
            at("2026-12-06T16:10:00Z").as_deref(),
            Some("2026-12-06T16:10:00.000000Z")
        );
        assert_eq!(
            at("2026-12-06 16:10:00+02:00").as_deref(),
            Some("2026-12-06T14:10:00.000000Z")
        );
        for not_a_time in ["16:10", "2026-12-06 16", "yesterday", "10m"] {
            assert_eq!(at(not_a_time), None, "{not_a_time}");
        }
    }
}
