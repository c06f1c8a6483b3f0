//! `hookcap relay`: the public server. It runs on capture's spine (the same
//! accept loop, head recorder, limits, edge checks and group-commit writer
//! as `listen`) with a [`Router`] that sends each request where it belongs:
//!
//! | path | what |
//! |------|------|
//! | `/c/NAME/...` | ingress for channel NAME ([`ingress`]) |
//! | `/_hookcap/connect/NAME` | a consumer's WebSocket ([`connect`], [`session`]) |
//! | `/_hookcap/status/NAME` | the channel's backlog and consumers, with its token |
//! | `/_hookcap/health`, `/_hookcap/metrics` | version; Prometheus text |
//!
//! Anything else is `404`. Upkeep tasks read the channel list again every
//! [`channels::RELOAD_EVERY`] and apply retention (`--keep`, `--max-age`).

mod admin;
pub mod channels;
mod connect;
mod ingress;
pub mod rate;
pub mod session;
pub mod tls;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use tokio::sync::{mpsc, watch};

use self::channels::Registry;
use self::ingress::closing;
use self::rate::Rate;
use super::queue::Queue;
use super::token::check_name;
use crate::capture::relay::AnswerBody;
use crate::capture::service::Withheld;
use crate::capture::{BodyBudget, CaptureState, ConnInfo, Limits, Responder, Routed, Router};
use crate::model::Timestamp;
use crate::store::WriterHandle;

/// How often retention runs.
const TRIM_EVERY: Duration = Duration::from_secs(10);
/// How long stopping waits for consumer sessions to save their cursors.
const SESSIONS_DRAIN: Duration = Duration::from_secs(5);

/// What the relay was asked to do, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Body size and time limits for ingress.
    pub limits: Limits,
    /// Each channel's rate limit.
    pub rate: Option<Rate>,
    /// Keep at most this many queued requests per channel.
    pub keep: Option<u64>,
    /// Delete requests older than this.
    pub max_age: Option<Duration>,
}

/// A running relay's shared state.
pub struct Relay {
    registry: Registry,
    queue: Arc<dyn Queue>,
    writer: WriterHandle,
    db: PathBuf,
    instance: Mutex<String>,
    settings: Settings,
    stop: watch::Receiver<bool>,
    /// Each consumer session holds a sender; all are gone once they have ended.
    sessions: Mutex<Option<mpsc::Sender<()>>>,
    sessions_ended: tokio::sync::Mutex<mpsc::Receiver<()>>,
}

/// The parts a relay is built from.
pub struct Parts {
    /// Where requests are queued.
    pub queue: Arc<dyn Queue>,
    /// The relay database's writer (for `app` answers' records).
    pub writer: WriterHandle,
    /// The relay database (channels are read from it).
    pub db: PathBuf,
    /// The database's instance id.
    pub instance: String,
}

impl Relay {
    /// Reads the channels and starts the upkeep tasks; they and every
    /// consumer session end when `stop` turns true.
    pub async fn start(
        parts: Parts,
        settings: Settings,
        stop: watch::Receiver<bool>,
    ) -> Result<Arc<Self>, String> {
        let registry = Registry::new(parts.db.clone(), settings.rate);
        registry.reload().await?;
        let (sessions, sessions_ended) = mpsc::channel(1);
        let relay = Arc::new(Self {
            registry,
            queue: parts.queue,
            writer: parts.writer,
            db: parts.db,
            instance: Mutex::new(parts.instance),
            settings,
            stop,
            sessions: Mutex::new(Some(sessions)),
            sessions_ended: tokio::sync::Mutex::new(sessions_ended),
        });
        tokio::spawn(upkeep(relay.clone()));
        Ok(relay)
    }

    /// The capture state of the relay's server: requests go to this relay.
    pub fn capture_state(self: &Arc<Self>, writer: WriterHandle, session_id: i64) -> CaptureState {
        CaptureState {
            writer,
            session_id,
            responder: Responder::Routed(Arc::new(RelayRouter(self.clone()))),
            limits: self.settings.limits,
            guard: Default::default(),
            bodies: BodyBudget::new(self.settings.limits.max_inflight_body),
        }
    }

    /// The names of the channels served.
    pub fn channel_names(&self) -> Vec<String> {
        self.registry
            .all()
            .iter()
            .map(|c| c.spec.name.clone())
            .collect()
    }

    /// Waits (a few seconds at most) for consumer sessions to end and save
    /// their cursors; call after `stop` turned true.
    pub async fn finish(&self) {
        if let Ok(mut s) = self.sessions.lock() {
            s.take();
        }
        let mut ended = self.sessions_ended.lock().await;
        if tokio::time::timeout(SESSIONS_DRAIN, ended.recv())
            .await
            .is_err()
        {
            tracing::warn!("gave up waiting for consumer sessions to save their cursors");
        }
    }

    /// The database's relay instance id.
    fn instance(&self) -> String {
        self.instance.lock().map(|i| i.clone()).unwrap_or_default()
    }

    /// A laptop has relay ids of this instance up to `seen`. If this relay
    /// has issued none that high, its database went back in time (a restored
    /// backup): new requests would reuse ids the laptops have, and be taken
    /// for ones they already stored. The database takes a new instance id,
    /// so they are not.
    async fn check_seen(&self, (instance, seen): (String, i64)) {
        if instance != self.instance() {
            return;
        }
        let db = self.db.clone();
        let renew = move || -> Result<Option<String>, crate::store::StoreError> {
            let store = crate::store::Store::open_existing(&db)?;
            if seen <= store.last_id()?.unwrap_or(0) {
                return Ok(None);
            }
            store.renew_relay_instance().map(Some)
        };
        match tokio::task::spawn_blocking(renew).await {
            Ok(Ok(Some(fresh))) => {
                tracing::warn!(
                    "a consumer has relay ids up to {seen}, beyond this database's newest \
                     (restored from a backup?): it takes a new instance id so none is mistaken \
                     for one already delivered"
                );
                if let Ok(mut i) = self.instance.lock() {
                    *i = fresh;
                }
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!("could not check a consumer's relay ids: {e}"),
            Err(e) => tracing::warn!("could not check a consumer's relay ids: {e}"),
        }
    }

    /// Counts a consumer session as running until the returned sender is dropped.
    fn session_started(&self) -> Option<mpsc::Sender<()>> {
        self.sessions.lock().ok()?.clone()
    }

    async fn route(
        self: Arc<Self>,
        state: Arc<CaptureState>,
        conn: Arc<ConnInfo>,
        req: Request<Incoming>,
    ) -> Result<Response<AnswerBody>, Withheld> {
        let path = req.uri().path().to_owned();
        if let Some(rest) = path.strip_prefix("/_hookcap/") {
            return Ok(match rest.split_once('/') {
                None if rest == "health" => admin::health(),
                None if rest == "metrics" => admin::metrics(&self).await,
                Some(("connect", name)) => connect::handle(&self, req, name).await,
                Some(("status", name)) => admin::status(&self, req.headers(), name).await,
                _ => closing(StatusCode::NOT_FOUND, "not found\n"),
            });
        }
        match channel_of(&path) {
            Some(name) => ingress::handle(&self, (&state, &conn), req, name).await,
            None => Ok(closing(StatusCode::NOT_FOUND, "not found\n")),
        }
    }
}

/// The channel name of an ingress path: `/c/NAME` or `/c/NAME/...`.
fn channel_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/c/")?;
    let name = rest.split('/').next()?;
    check_name(name).is_ok().then_some(name)
}

/// The relay as the capture server's router.
struct RelayRouter(Arc<Relay>);

impl Router for RelayRouter {
    fn route(
        &self,
        state: Arc<CaptureState>,
        conn: Arc<ConnInfo>,
        req: Request<Incoming>,
    ) -> Routed {
        Box::pin(self.0.clone().route(state, conn, req))
    }
}

/// Reads the channels again every few seconds and applies retention, until stopped.
async fn upkeep(relay: Arc<Relay>) {
    let mut stop = relay.stop.clone();
    let mut reload = tokio::time::interval(channels::RELOAD_EVERY);
    let mut trim = tokio::time::interval(TRIM_EVERY);
    loop {
        tokio::select! {
            _ = reload.tick() => {
                if let Err(e) = relay.registry.reload().await {
                    tracing::warn!("could not read the channels: {e}");
                }
            }
            _ = trim.tick() => retention(&relay).await,
            () = crate::relay::stopped(&mut stop) => return,
        }
    }
}

/// Applies `--keep` per channel and `--max-age` to the whole database.
async fn retention(relay: &Relay) {
    if let Some(keep) = relay.settings.keep {
        for channel in relay.registry.all() {
            match relay.queue.trim(channel.id, keep).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!("--keep: deleted {n} old requests of {}", channel.spec.name)
                }
                Err(e) => tracing::warn!("--keep: {e}"),
            }
        }
    }
    if let Some(age) = relay.settings.max_age {
        let cutoff = crate::filter::ago(Timestamp::now(), age);
        match relay.queue.expire(cutoff).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("--max-age: deleted {n} requests"),
            Err(e) => tracing::warn!("--max-age: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_paths_name_their_channel() {
        assert_eq!(channel_of("/c/github"), Some("github"));
        assert_eq!(channel_of("/c/github/"), Some("github"));
        assert_eq!(channel_of("/c/github/a/b"), Some("github"));
        assert_eq!(channel_of("/c/Git"), None);
        assert_eq!(channel_of("/c/"), None);
        assert_eq!(channel_of("/github"), None);
        assert_eq!(channel_of("/cc/github"), None);
    }
}
