//! `listen --via URL` and `forward --via URL`: pull a relay channel into the
//! local listener. [`run`] keeps one WebSocket to the relay, reconnecting with
//! exponential backoff and jitter (1 s to 30 s) and reporting its state
//! ([`RelayState`]); each connection is a [`session`].
//!
//! Delivery: at least once on the wire, exactly once in the local store.
//! Requests are acknowledged only after their local commit; the relay sends
//! everything after the consumer's cursor again on reconnect, and the local
//! store ignores relay ids it already has.

pub mod connect;
mod session;
pub mod url;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

pub use connect::{ConnectError, Transport};
pub use url::ChannelUrl;

use crate::capture::{Forwarder, Guard, ResponseShape};
use crate::store::WriterHandle;

/// The shortest and longest wait before connecting again.
const BACKOFF: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(30));

/// Which channel to pull, as whom.
#[derive(Clone)]
pub struct ViaConfig {
    /// The channel.
    pub url: ChannelUrl,
    /// The channel's token (from the environment; never printed).
    pub token: String,
    /// This consumer's name on the relay.
    pub consumer: String,
    /// Where a new consumer starts (`now`, `earliest`, an id), when asked.
    pub from: Option<String>,
    /// How to reach the relay.
    pub transport: Transport,
}

impl fmt::Debug for ViaConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ViaConfig")
            .field("url", &self.url.to_string())
            .field("consumer", &self.consumer)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl ViaConfig {
    /// Checks `--via` and its companions; the token is read from `token_env`.
    pub fn new(
        url: &str,
        token_env: &str,
        consumer: Option<&str>,
        from: Option<&str>,
        ca: Option<&Path>,
    ) -> Result<Self, String> {
        let url = ChannelUrl::parse(url).map_err(|e| e.to_string())?;
        let token = std::env::var(token_env)
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                format!("--via needs the channel's token in ${token_env} (see `hookcap relay channel add`)")
            })?;
        let consumer = consumer.map_or_else(default_consumer, str::to_owned);
        crate::relay::check_consumer_name(&consumer)?;
        if let Some(from) = from {
            crate::relay::parse_start(from)?;
        }
        let transport = Transport::new(ca).map_err(|e| e.to_string())?;
        Ok(Self {
            url,
            token: token.trim().to_owned(),
            consumer,
            from: from.map(str::to_owned),
            transport,
        })
    }
}

/// `user@host`, with anything but visible ASCII replaced by `-`.
pub fn default_consumer() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "hookcap".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into());
    format!("{user}@{host}")
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '-' })
        .take(128)
        .collect()
}

/// How requests are answered locally.
pub enum LocalAnswer {
    /// `listen`: the configured answer.
    Shape(ResponseShape),
    /// `forward`: pass each request on to the app.
    Forward(Arc<Forwarder>),
}

/// The local listener a relay client stores into.
pub struct Local {
    /// The local database (read for the relay ids it already has).
    pub db: PathBuf,
    /// The local writer.
    pub writer: WriterHandle,
    /// The local session relayed requests belong to.
    pub session_id: i64,
    /// The local live checks (`--verify`, …), run on relayed requests too.
    pub guard: Guard,
    /// How requests are answered.
    pub answer: LocalAnswer,
}

/// What the connection to the relay is doing, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayState {
    /// Connecting for the first time.
    Connecting,
    /// Connected; requests flow.
    Connected,
    /// Lost; connecting again after `delay`.
    Reconnecting {
        /// How long until the next attempt.
        delay: Duration,
        /// Why the last connection ended or failed, on one line.
        why: String,
    },
    /// Stopped.
    Stopped,
}

impl fmt::Display for RelayState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connecting => f.write_str("connecting"),
            Self::Connected => f.write_str("connected"),
            Self::Reconnecting { delay, why } => {
                let secs = delay.as_secs_f64().round().max(1.0);
                write!(f, "reconnecting in {secs}s ({why})")
            }
            Self::Stopped => f.write_str("stopped"),
        }
    }
}

/// Why pulling a channel stopped for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the relay refused {url}: {why}")]
pub struct Refused {
    /// The channel URL.
    pub url: String,
    /// The relay's answer.
    pub why: String,
}

/// Pulls the channel into `local` until `stop` turns true. Only a refusal
/// (a wrong token, an unknown channel) ends it early: retrying would not help.
pub async fn run(
    via: ViaConfig,
    local: Local,
    state: watch::Sender<RelayState>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), Refused> {
    let mut failures = 0u32;
    loop {
        let seen = last_relayed(&local.db, &via.url).await;
        let who = (via.token.as_str(), via.consumer.as_str());
        let connecting = via
            .transport
            .websocket(&via.url, who, via.from.as_deref(), seen.as_ref());
        let opened = tokio::select! {
            opened = connecting => opened,
            () = crate::relay::stopped(&mut stop) => break,
        };
        let why = match opened {
            Ok(ws) => {
                let connected = || {
                    failures = 0;
                    state.send_replace(RelayState::Connected);
                };
                match session::serve(ws, &via, &local, &mut stop, connected).await {
                    session::Ended::Stopped => break,
                    session::Ended::Lost(why) => why,
                }
            }
            Err(ConnectError::Refused { status, text }) => {
                state.send_replace(RelayState::Stopped);
                let hint = match status {
                    401 => "check the token (a rotated token needs the new one)".to_owned(),
                    _ => text,
                };
                return Err(Refused {
                    url: via.url.to_string(),
                    why: format!("{status} ({hint})"),
                });
            }
            Err(e) => e.to_string(),
        };
        failures += 1;
        let delay = backoff(failures);
        tracing::debug!("relay connection lost: {why}");
        state.send_replace(RelayState::Reconnecting {
            delay,
            why: crate::sanitize::sanitize(&why).into_owned(),
        });
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            () = crate::relay::stopped(&mut stop) => break,
        }
    }
    state.send_replace(RelayState::Stopped);
    Ok(())
}

/// The relay instance the local store last has requests of this channel URL
/// from, and its highest relay id (none when it cannot be read).
async fn last_relayed(db: &Path, url: &ChannelUrl) -> Option<(String, i64)> {
    let (db, url) = (db.to_owned(), url.to_string());
    let read = move || crate::store::Store::open_existing(&db)?.last_relayed(&url);
    match tokio::task::spawn_blocking(read).await {
        Ok(Ok(seen)) => seen,
        _ => None,
    }
}

/// The wait before attempt `failures + 1`: doubling from 1 s up to 30 s,
/// each between half and all of that (jitter, so that many laptops do not
/// reconnect in step after a relay restart), never under 1 s.
fn backoff(failures: u32) -> Duration {
    let (min, max) = BACKOFF;
    let base = min
        .saturating_mul(1 << failures.saturating_sub(1).min(5))
        .min(max);
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => 0.5 + f64::from(byte[0]) / 510.0,
        Err(_) => 1.0,
    };
    base.mul_f64(jitter).max(min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_thirty_seconds_with_jitter() {
        for (failures, top) in [(1, 1), (2, 2), (3, 4), (5, 16), (6, 30), (20, 30)] {
            for _ in 0..20 {
                let d = backoff(failures);
                assert!(d >= Duration::from_secs(1), "{failures}: {d:?}");
                assert!(d <= Duration::from_secs(top), "{failures}: {d:?}");
            }
        }
    }

    #[test]
    fn states_read_as_the_status_line_says() {
        let state = RelayState::Reconnecting {
            delay: Duration::from_millis(3600),
            why: "connection reset".into(),
        };
        assert_eq!(state.to_string(), "reconnecting in 4s (connection reset)");
        assert_eq!(RelayState::Connected.to_string(), "connected");
    }

    #[test]
    fn the_default_consumer_is_visible_ascii() {
        let name = default_consumer();
        assert!(name.contains('@'));
        assert!(crate::relay::check_consumer_name(&name).is_ok());
    }
}
