//! The channels a running relay serves, kept in memory and reloaded from its
//! database (so `relay channel add/rm/rotate` take effect while it runs),
//! with each channel's live state: its capture settings and edge checks, its
//! rate limit, counters, connected consumers, the newest relay id (which
//! wakes consumer sessions), and the answers `app` senders wait for.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, watch};

use super::rate::{Bucket, Rate};
use crate::capture::{Cidr, Guard};
use crate::model::{Header, ResponseRecord};
use crate::sign::{Checker, ProviderKind, Secret};
use crate::store::{ChannelRecord, ChannelSpec, Store, StoreError};

/// How often the channel list is read again while the relay runs.
pub const RELOAD_EVERY: Duration = Duration::from_secs(2);
/// The least time between two reloads caused by requests for unknown channels.
const RELOAD_ON_MISS_AFTER: Duration = Duration::from_millis(250);
/// Answers kept for requests whose sender is not (or not yet) waiting.
const EARLY_ANSWERS: usize = 1024;
/// How far signed timestamps may be from the receive time at the edge.
const EDGE_TOLERANCE: Duration = Duration::from_secs(300);

/// Counters of one channel, for the metrics endpoint.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests that arrived (stored or not).
    pub received: AtomicU64,
    /// Requests stored and queued.
    pub stored: AtomicU64,
    /// Requests acknowledged by a consumer (each consumer counts).
    pub delivered: AtomicU64,
    /// Requests answered `429`.
    pub rate_limited: AtomicU64,
    /// Requests refused by an edge check, or cut off (stored, not queued).
    pub refused: AtomicU64,
    /// `app` senders answered `504` because no consumer answered in time.
    pub timed_out: AtomicU64,
}

impl Counters {
    /// Adds one to `counter`.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A consumer's answer for a waiting sender, and who gave it.
pub type ConsumerAnswer = (ResponseRecord, String);

/// `app` answers: senders waiting for one, and answers that came before
/// their sender started waiting (the request is committed, and so visible to
/// consumers, a moment before its sender registers).
#[derive(Default)]
struct Answers {
    waiting: HashMap<i64, oneshot::Sender<ConsumerAnswer>>,
    early: BTreeMap<i64, ConsumerAnswer>,
}

/// One channel while the relay runs.
pub struct Channel {
    /// Its id in the database.
    pub id: i64,
    /// Its configuration.
    pub spec: ChannelSpec,
    token: RwLock<[u8; 32]>,
    /// The edge checks requests to this channel are read with.
    pub guard: Guard,
    /// What a `now` channel answers (and stores with each request).
    pub now: ResponseRecord,
    /// Why the channel cannot serve (its edge check's secret is missing).
    pub broken: Option<String>,
    rate: Option<Mutex<Bucket>>,
    /// Counters for the metrics endpoint.
    pub counters: Counters,
    connected: Mutex<HashMap<String, usize>>,
    newest: watch::Sender<i64>,
    revoked: watch::Sender<u64>,
    answers: Mutex<Answers>,
}

/// Keeps a consumer counted as connected until dropped.
pub struct Connected {
    channel: Arc<Channel>,
    name: String,
}

impl Drop for Connected {
    fn drop(&mut self) {
        if let Ok(mut connected) = self.channel.connected.lock()
            && let Some(n) = connected.get_mut(&self.name)
        {
            *n -= 1;
            if *n == 0 {
                connected.remove(&self.name);
            }
        }
    }
}

impl Channel {
    /// The hash of the channel's current token.
    pub fn token(&self) -> [u8; 32] {
        self.token.read().map(|t| *t).unwrap_or([0; 32])
    }

    /// Takes one request from the rate limit; `Err` says how long to wait.
    pub fn admit(&self) -> Result<(), Duration> {
        match &self.rate {
            Some(bucket) => match bucket.lock() {
                Ok(mut b) => b.take(Instant::now()),
                Err(_) => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// Counts a consumer as connected until the guard is dropped.
    pub fn connect(self: &Arc<Self>, name: &str) -> Connected {
        if let Ok(mut connected) = self.connected.lock() {
            *connected.entry(name.to_owned()).or_default() += 1;
        }
        Connected {
            channel: self.clone(),
            name: name.to_owned(),
        }
    }

    /// How many consumers are connected now.
    pub fn connected_count(&self) -> usize {
        self.connected.lock().map(|c| c.values().sum()).unwrap_or(0)
    }

    /// True while a consumer of this name is connected.
    pub fn is_connected(&self, name: &str) -> bool {
        self.connected.lock().is_ok_and(|c| c.contains_key(name))
    }

    /// Announces a newly queued request to consumer sessions.
    pub fn queued(&self, relay_id: i64) {
        self.newest.send_if_modified(|newest| {
            let newer = relay_id > *newest;
            *newest = (*newest).max(relay_id);
            newer
        });
    }

    /// A receiver that changes whenever a request is queued.
    pub fn watch_newest(&self) -> watch::Receiver<i64> {
        self.newest.subscribe()
    }

    /// A receiver that changes when the token is rotated or the channel removed.
    pub fn watch_revoked(&self) -> watch::Receiver<u64> {
        self.revoked.subscribe()
    }

    fn revoke(&self) {
        self.revoked.send_modify(|n| *n += 1);
    }

    /// Waits for a consumer's answer to `relay_id` (one that came early is taken at once).
    pub fn expect_answer(&self, relay_id: i64) -> oneshot::Receiver<ConsumerAnswer> {
        let (tx, rx) = oneshot::channel();
        if let Ok(mut answers) = self.answers.lock() {
            match answers.early.remove(&relay_id) {
                Some(answer) => drop(tx.send(answer)),
                None => drop(answers.waiting.insert(relay_id, tx)),
            }
        }
        rx
    }

    /// Stops waiting for an answer to `relay_id`.
    pub fn forget_answer(&self, relay_id: i64) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.waiting.remove(&relay_id);
        }
    }

    /// A consumer's answer: to its waiting sender, or kept a while for one
    /// about to wait. The first answer wins.
    pub fn answer(&self, relay_id: i64, answer: ConsumerAnswer) {
        let Ok(mut answers) = self.answers.lock() else {
            return;
        };
        match answers.waiting.remove(&relay_id) {
            Some(tx) => drop(tx.send(answer)),
            None => {
                answers.early.entry(relay_id).or_insert(answer);
                while answers.early.len() > EARLY_ANSWERS {
                    answers.early.pop_first();
                }
            }
        }
    }
}

/// The channels of a running relay, by name.
pub struct Registry {
    db: PathBuf,
    /// Each channel's rate limit, if any.
    rate: Option<Rate>,
    channels: RwLock<HashMap<String, Arc<Channel>>>,
    /// When the newest reload started; held while reloading.
    last_reload: tokio::sync::Mutex<Instant>,
}

impl Registry {
    /// An empty registry reading channels from `db`; call [`Registry::reload`].
    pub fn new(db: PathBuf, rate: Option<Rate>) -> Self {
        Self {
            db,
            rate,
            channels: RwLock::new(HashMap::new()),
            last_reload: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// The channel of this name. An unknown name makes the registry read the
    /// database again unless a reload started since it was asked for (so a
    /// channel added a moment ago is found), at most every
    /// [`RELOAD_ON_MISS_AFTER`] (so a flood of unknown names costs little).
    pub async fn get(&self, name: &str) -> Option<Arc<Channel>> {
        if let Some(channel) = self.lookup(name) {
            return Some(channel);
        }
        self.get_fresh(name).await
    }

    /// The channel of this name as the database has it now (within the same
    /// limits as [`Registry::get`]): what a token check that failed asks,
    /// so that a token rotated a moment ago is known.
    pub async fn get_fresh(&self, name: &str) -> Option<Arc<Channel>> {
        let asked = Instant::now();
        let mut last = self.last_reload.lock().await;
        if *last <= asked {
            tokio::time::sleep(RELOAD_ON_MISS_AFTER.saturating_sub(last.elapsed())).await;
            if let Err(e) = self.reload_locked(&mut last).await {
                tracing::warn!("could not read the channels: {e}");
            }
        }
        drop(last);
        self.lookup(name)
    }

    fn lookup(&self, name: &str) -> Option<Arc<Channel>> {
        self.channels.read().ok()?.get(name).cloned()
    }

    /// Every channel, by name.
    pub fn all(&self) -> Vec<Arc<Channel>> {
        let mut all: Vec<_> = self
            .channels
            .read()
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
        all
    }

    /// Reads the channels again: new ones are served, removed ones end their
    /// consumer sessions, a rotated token ends the sessions that used the old one.
    pub async fn reload(&self) -> Result<(), String> {
        let mut last = self.last_reload.lock().await;
        self.reload_locked(&mut last).await
    }

    async fn reload_locked(&self, last: &mut Instant) -> Result<(), String> {
        *last = Instant::now();
        let db = self.db.clone();
        let read = move || -> Result<_, StoreError> { Store::open_existing(&db)?.channels() };
        let records = match tokio::task::spawn_blocking(read).await {
            Ok(Ok(records)) => records,
            Ok(Err(e)) => return Err(e.to_string()),
            Err(e) => return Err(e.to_string()),
        };
        let Ok(mut channels) = self.channels.write() else {
            return Ok(());
        };
        let mut fresh = HashMap::with_capacity(records.len());
        for record in records {
            let name = record.spec.name.clone();
            let kept = channels.remove(&name).filter(|c| c.id == record.id);
            let channel = match kept {
                Some(channel) => {
                    let changed = channel.token() != record.token_sha256;
                    if changed {
                        if let Ok(mut token) = channel.token.write() {
                            *token = record.token_sha256;
                        }
                        channel.revoke();
                    }
                    channel
                }
                None => Arc::new(self.build(record)),
            };
            fresh.insert(name, channel);
        }
        for gone in channels.values() {
            gone.revoke();
        }
        *channels = fresh;
        Ok(())
    }

    fn build(&self, record: ChannelRecord) -> Channel {
        let (guard, broken) = match edge_guard(&record.spec) {
            Ok(guard) => (guard, None),
            Err(why) => {
                tracing::error!("channel {}: {why}; it answers 503", record.spec.name);
                (Guard::default(), Some(why))
            }
        };
        let now = ResponseRecord {
            status: record.spec.status,
            headers: if record.spec.body.is_empty() {
                Vec::new()
            } else {
                vec![Header::new("Content-Type", "text/plain; charset=utf-8")]
            },
            body: record.spec.body.clone(),
        };
        Channel {
            id: record.id,
            token: RwLock::new(record.token_sha256),
            spec: record.spec,
            guard,
            now,
            broken,
            rate: self.rate.map(|r| Mutex::new(Bucket::new(r))),
            counters: Counters::default(),
            connected: Mutex::new(HashMap::new()),
            newest: watch::channel(0).0,
            revoked: watch::channel(0).0,
            answers: Mutex::new(Answers::default()),
        }
    }
}

/// The edge checks a channel asks for; the signature secret comes from the
/// relay's environment, never from its database.
pub fn edge_guard(spec: &ChannelSpec) -> Result<Guard, String> {
    let allow = spec
        .allow_ip
        .iter()
        .map(|c| c.parse::<Cidr>().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let checker = match &spec.verify {
        None => None,
        Some(scheme) => {
            let kind = if scheme.eq_ignore_ascii_case("auto") {
                None
            } else {
                Some(scheme.parse::<ProviderKind>().map_err(|e| e.to_string())?)
            };
            let var = spec.secret_env.as_deref().unwrap_or("HOOKCAP_SECRET");
            let secret = std::env::var(var)
                .ok()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("--verify needs the secret in ${var}, which is not set"))?;
            Some(Checker {
                kind,
                secret: Secret::from_bytes(secret),
                hmac: None,
                tolerance: EDGE_TOLERANCE,
            })
        }
    };
    Ok(Guard {
        checker,
        reject_invalid: spec.reject_invalid,
        token: None,
        allow,
    })
}
