//! The relay: real webhooks from the internet reach `hookcap listen` on a
//! laptop, byte-exact, and none is lost.
//!
//! - [`server`]: `hookcap relay`, a public server with channels. It stores
//!   each request (its head bytes as received, its body, the SHA-256 of both)
//!   before answering, in its own database.
//! - [`queue`]: where the relay keeps requests until every consumer has them,
//!   behind a narrow trait (append, read after a cursor, ack, trim).
//! - [`frame`]: the binary protocol on the WebSocket between relay and laptop.
//! - [`client`]: `listen --via` / `forward --via`: pulls a channel, checks
//!   each request's hash, stores it in the local database through the local
//!   writer, and acknowledges it only after that commit.
//!
//! The guarantee: at least once on the wire, exactly once in the local store
//! (the local store ignores a relay id it already has). `docs/relay.md`
//! describes set-up, protocol and limits.

pub mod client;
pub mod frame;
pub mod queue;
pub mod server;
pub mod token;

use crate::store::StartAt;

/// The header a consumer names itself in when it connects.
pub const CONSUMER_HEADER: &str = "hookcap-consumer";
/// The header saying where a new consumer starts (`now`, `earliest` or an id).
pub const FROM_HEADER: &str = "hookcap-from";
/// The header in which a laptop says the last relay instance it stored from
/// and the highest relay id it has of it (`INSTANCE ID`): a relay whose ids
/// are below that was restored from a backup and takes a new instance id.
pub const SEEN_HEADER: &str = "hookcap-seen";

/// Resolves once `stop` turns true (or its sender is gone).
pub(crate) async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Checks a consumer name: 1 to 128 visible ASCII characters.
pub fn check_consumer_name(name: &str) -> Result<(), String> {
    let ok = (1..=128).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid consumer name {:?}: use 1 to 128 visible ASCII characters",
            crate::sanitize::sanitize(name)
        ))
    }
}

/// Parses `now`, `earliest` or a relay id (the first request to receive).
pub fn parse_start(s: &str) -> Result<StartAt, String> {
    match s {
        "now" => Ok(StartAt::Now),
        "earliest" => Ok(StartAt::Earliest),
        id => id
            .parse::<i64>()
            .ok()
            .filter(|&id| id >= 1)
            .map(StartAt::Id)
            .ok_or_else(|| {
                format!(
                    "invalid --from {:?}: use now, earliest or a relay id",
                    crate::sanitize::sanitize(s)
                )
            }),
    }
}

/// The request target without the channel's `/c/NAME` prefix: `/c/NAME/a?b`
/// becomes `/a?b`, `/c/NAME` and `/c/NAME?b` become `/` and `/?b`. A target
/// without the prefix (which the relay never queues) is kept as it is.
pub fn strip_channel(target: &str, channel: &str) -> String {
    let prefix = format!("/c/{channel}");
    match target.strip_prefix(&prefix) {
        Some("") => "/".to_owned(),
        Some(rest) if rest.starts_with('?') => format!("/{rest}"),
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_prefix_is_stripped_and_nothing_else() {
        assert_eq!(
            strip_channel("/c/gh/hooks/push?a=1", "gh"),
            "/hooks/push?a=1"
        );
        assert_eq!(strip_channel("/c/gh", "gh"), "/");
        assert_eq!(strip_channel("/c/gh/", "gh"), "/");
        assert_eq!(strip_channel("/c/gh?x=%2F", "gh"), "/?x=%2F");
        assert_eq!(strip_channel("/c/ghx/a", "gh"), "/c/ghx/a");
        assert_eq!(strip_channel("/other", "gh"), "/other");
    }

    #[test]
    fn starts_are_now_earliest_or_an_id() {
        assert_eq!(parse_start("now"), Ok(StartAt::Now));
        assert_eq!(parse_start("earliest"), Ok(StartAt::Earliest));
        assert_eq!(parse_start("812"), Ok(StartAt::Id(812)));
        assert!(parse_start("0").is_err());
        assert!(parse_start("latest").is_err());
    }

    #[test]
    fn consumer_names_are_visible_ascii() {
        assert!(check_consumer_name("ana@laptop").is_ok());
        assert!(check_consumer_name("").is_err());
        assert!(check_consumer_name("a b").is_err());
        assert!(check_consumer_name("ana\u{1b}[2J").is_err());
    }
}
