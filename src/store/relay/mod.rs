//! The relay's tables (see `migrations/005_relay.sql`): channels, consumers
//! and their cursors, and the queue on a relay; the relayed mark on a laptop.
//!
//! Both halves are written with the request in the group-commit writer's
//! transaction ([`insert_attached`]): a relay's request is queued in the same
//! commit that stores it, and a laptop's relayed request is stored at most
//! once per relay id (a resend of one already stored writes nothing).
//!
//! Relay ids are `requests.id`, and a cursor means "everything up to here was
//! delivered", so ids must never be reused. SQLite gives a new row the largest
//! id plus one, so the relay never deletes the newest row of `requests`:
//! retention keeps it, and removing a channel that owns it leaves that one
//! row (without its queue entry) until a newer request exists.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::insert::Inserts;
use super::{Store, StoreError};
use crate::model::{CaptureNotes, NewRequest, RelayedFrom, Timestamp, head_bytes};

/// How a relay's channel answers senders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerMode {
    /// As soon as the request is stored, with the channel's status and body.
    Now,
    /// With a connected consumer's answer (its listener's or its app's).
    App,
}

impl AnswerMode {
    /// The stored name (`now`, `app`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Now => "now",
            Self::App => "app",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "now" => Some(Self::Now),
            "app" => Some(Self::App),
            _ => None,
        }
    }
}

/// What a channel is configured to do, as `relay channel add` sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSpec {
    /// `[a-z0-9-]{3,63}`.
    pub name: String,
    /// How senders are answered.
    pub answer: AnswerMode,
    /// `now`: the status senders get.
    pub status: u16,
    /// `now`: the body senders get.
    pub body: Vec<u8>,
    /// `app`: how long a sender waits for a consumer's answer.
    pub timeout: Duration,
    /// Edge check: only these address ranges may send (empty: all).
    pub allow_ip: Vec<String>,
    /// Edge check: the signature scheme verified on arrival.
    pub verify: Option<String>,
    /// The environment variable the relay reads that scheme's secret from.
    pub secret_env: Option<String>,
    /// Edge check: answer 401 to requests whose signature is not valid.
    pub reject_invalid: bool,
}

/// A stored channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRecord {
    /// Store-assigned id.
    pub id: i64,
    /// SHA-256 of the channel's token.
    pub token_sha256: [u8; 32],
    /// When it was created.
    pub created_at: Timestamp,
    /// Its configuration.
    pub spec: ChannelSpec,
}

/// One consumer of a channel and how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerRecord {
    /// The channel.
    pub channel_id: i64,
    /// The name the laptop gave (`--consumer`).
    pub name: String,
    /// The newest relay id it acknowledged.
    pub cursor: i64,
    /// When the relay first saw it.
    pub created_at: Timestamp,
    /// When it last connected, acknowledged or left.
    pub last_seen: Timestamp,
}

/// Where a consumer the relay has not seen before starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// After the newest request queued now.
    Now,
    /// At the oldest request still queued.
    Earliest,
    /// At this relay id (inclusive).
    Id(i64),
}

/// A request on its way from a relay's queue to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Its relay id.
    pub relay_id: i64,
    /// When the relay received it.
    pub received_at: Timestamp,
    /// The address that sent it.
    pub peer: String,
    /// The head bytes as received.
    pub raw_head: Vec<u8>,
    /// The body as stored.
    pub body: Vec<u8>,
    /// SHA-256 of head and body, computed on arrival.
    pub sha256: [u8; 32],
}

/// The queue entry a relay writes with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The channel it arrived on.
    pub channel_id: i64,
    /// The head bytes as received, when they differ from what the request
    /// re-encodes to ([`crate::model::head_bytes`]); `None` when they do not.
    pub raw_head: Option<Vec<u8>>,
    /// SHA-256 of head and body.
    pub sha256: [u8; 32],
}

/// What the writer stores with a request, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attached {
    /// On a relay: queue the request for its channel's consumers.
    Queue(QueueEntry),
    /// On a laptop: mark the request as relayed; store it only once per relay id.
    Relayed(RelayedFrom),
}

/// An inserted request's id, and whether this insert stored it (false: a
/// relayed request already stored under that relay id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inserted {
    /// The request's id in this store.
    pub id: i64,
    /// True when this insert stored it.
    pub fresh: bool,
}

impl Inserted {
    /// A request this insert stored as `id`.
    pub fn new(id: i64) -> Self {
        Self { id, fresh: true }
    }
}

const QUEUE_SQL: &str =
    "INSERT INTO relay_queue (channel_id, request_id, raw_head, sha256) VALUES (?1, ?2, ?3, ?4)";
const FIND_RELAYED_SQL: &str =
    "SELECT request_id FROM relayed WHERE relay_instance = ?1 AND relay_id = ?2";
const MARK_SQL: &str = "INSERT INTO relayed (request_id, relay_url, relay_instance, relay_id, \
    peer, relay_received_at, sha256, raw_head) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Inserts `request` with what is attached to it, inside the writer's
/// transaction on `tx`, with the writer's held `INSERT` (on the same connection).
pub(super) fn insert_attached(
    tx: &Connection,
    (request, notes): (&NewRequest, Option<&CaptureNotes>),
    attached: &Attached,
    inserts: &mut Inserts<'_>,
) -> rusqlite::Result<Inserted> {
    match attached {
        Attached::Queue(entry) => {
            let id = inserts.insert(request, notes)?;
            tx.prepare_cached(QUEUE_SQL)?.execute(params![
                entry.channel_id,
                id,
                entry.raw_head,
                &entry.sha256[..]
            ])?;
            Ok(Inserted::new(id))
        }
        Attached::Relayed(mark) => {
            let stored: Option<i64> = tx
                .prepare_cached(FIND_RELAYED_SQL)?
                .query_row(params![mark.relay_instance, mark.relay_id], |r| r.get(0))
                .optional()?;
            if let Some(id) = stored {
                return Ok(Inserted { id, fresh: false });
            }
            let id = inserts.insert(request, notes)?;
            tx.prepare_cached(MARK_SQL)?.execute(params![
                id,
                mark.relay_url,
                mark.relay_instance,
                mark.relay_id,
                mark.peer,
                mark.relay_received_at.0,
                &mark.sha256[..],
                mark.raw_head,
            ])?;
            Ok(Inserted::new(id))
        }
    }
}

const CHANNEL_COLUMNS: &str = "id, name, token_sha256, created_at, answer, status, body, \
    timeout_ms, allow_ip, verify, secret_env, reject_invalid";

fn channel_row(r: &Row<'_>) -> rusqlite::Result<ChannelRecord> {
    let allow: String = r.get(8)?;
    Ok(ChannelRecord {
        id: r.get(0)?,
        token_sha256: hash_of(&r.get::<_, Vec<u8>>(2)?),
        created_at: Timestamp(r.get(3)?),
        spec: ChannelSpec {
            name: r.get(1)?,
            answer: AnswerMode::parse(&r.get::<_, String>(4)?).unwrap_or(AnswerMode::Now),
            status: r.get(5)?,
            body: r.get(6)?,
            timeout: Duration::from_millis(r.get::<_, i64>(7)?.max(0) as u64),
            allow_ip: allow.split_whitespace().map(str::to_owned).collect(),
            verify: r.get(9)?,
            secret_env: r.get(10)?,
            reject_invalid: r.get(11)?,
        },
    })
}

fn consumer_row(r: &Row<'_>) -> rusqlite::Result<ConsumerRecord> {
    Ok(ConsumerRecord {
        channel_id: r.get(0)?,
        name: r.get(1)?,
        cursor: r.get(2)?,
        created_at: Timestamp(r.get(3)?),
        last_seen: Timestamp(r.get(4)?),
    })
}

fn hash_of(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    if bytes.len() == 32 {
        out.copy_from_slice(bytes);
    }
    out
}

/// A queued request; a head stored as NULL is the request row re-encoded.
fn queued_row(r: &Row<'_>) -> rusqlite::Result<Queued> {
    let raw_head = match r.get::<_, Option<Vec<u8>>>(3)? {
        Some(raw) => raw,
        None => head_bytes(
            &r.get::<_, String>(6)?,
            &r.get::<_, String>(7)?,
            &r.get::<_, String>(8)?,
            &r.get::<_, Vec<u8>>(9)?,
        ),
    };
    Ok(Queued {
        relay_id: r.get(0)?,
        received_at: Timestamp(r.get(1)?),
        peer: r.get(2)?,
        raw_head,
        body: r.get(4)?,
        sha256: hash_of(&r.get::<_, Vec<u8>>(5)?),
    })
}

/// The size of the chunks requests are deleted in (each its own transaction).
const TRIM_CHUNK: i64 = 2000;

impl Store {
    /// This database's relay instance id, created on first use.
    pub fn relay_instance(&self) -> Result<String, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO relay_meta (key, value) \
             VALUES ('instance', lower(hex(randomblob(16))))",
            [],
        )?;
        Ok(self.conn.query_row(
            "SELECT value FROM relay_meta WHERE key = 'instance'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Gives this database a new relay instance id, for when its relay ids
    /// went back in time (it was restored from a backup); returns it.
    pub fn renew_relay_instance(&self) -> Result<String, StoreError> {
        self.conn.execute(
            "UPDATE relay_meta SET value = lower(hex(randomblob(16))) WHERE key = 'instance'",
            [],
        )?;
        self.relay_instance()
    }

    /// The relay instance this laptop last stored a request of `relay_url`
    /// from, and the highest relay id it has of that instance.
    pub fn last_relayed(&self, relay_url: &str) -> Result<Option<(String, i64)>, StoreError> {
        let instance: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT relay_instance FROM relayed WHERE relay_url = ?1 \
                 ORDER BY request_id DESC LIMIT 1",
            )?
            .query_row([relay_url], |r| r.get(0))
            .optional()?;
        let Some(instance) = instance else {
            return Ok(None);
        };
        let newest: i64 = self
            .conn
            .prepare_cached("SELECT max(relay_id) FROM relayed WHERE relay_instance = ?1")?
            .query_row([&instance], |r| r.get(0))?;
        Ok(Some((instance, newest)))
    }

    /// Creates a channel; `None` when one of that name exists.
    pub fn add_channel(
        &self,
        spec: &ChannelSpec,
        token_sha256: &[u8; 32],
    ) -> Result<Option<ChannelRecord>, StoreError> {
        let created_at = Timestamp::now();
        let added = self.conn.execute(
            "INSERT OR IGNORE INTO relay_channels (name, token_sha256, created_at, answer, status, \
             body, timeout_ms, allow_ip, verify, secret_env, reject_invalid) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                spec.name,
                &token_sha256[..],
                created_at.0,
                spec.answer.as_str(),
                spec.status,
                spec.body,
                i64::try_from(spec.timeout.as_millis()).unwrap_or(i64::MAX),
                spec.allow_ip.join(" "),
                spec.verify,
                spec.secret_env,
                spec.reject_invalid,
            ],
        )?;
        if added == 0 {
            return Ok(None);
        }
        Ok(Some(ChannelRecord {
            id: self.conn.last_insert_rowid(),
            token_sha256: *token_sha256,
            created_at,
            spec: spec.clone(),
        }))
    }

    /// Every channel, by name.
    pub fn channels(&self) -> Result<Vec<ChannelRecord>, StoreError> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM relay_channels ORDER BY name");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], channel_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One channel by name.
    pub fn channel(&self, name: &str) -> Result<Option<ChannelRecord>, StoreError> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM relay_channels WHERE name = ?1");
        Ok(self.conn.query_row(&sql, [name], channel_row).optional()?)
    }

    /// Gives a channel a new token hash; false when there is no such channel.
    pub fn set_channel_token(
        &self,
        name: &str,
        token_sha256: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE relay_channels SET token_sha256 = ?2 WHERE name = ?1",
            params![name, &token_sha256[..]],
        )?;
        Ok(n > 0)
    }

    /// Removes a channel with its consumers and its requests; `None` when
    /// there is no such channel, else how many requests went.
    pub fn remove_channel(&self, name: &str) -> Result<Option<u64>, StoreError> {
        let Some(channel) = self.channel(name)? else {
            return Ok(None);
        };
        let deleted = self.trim_queue(channel.id, i64::MAX)?;
        // The newest request may stay (ids are never reused); its queue row goes.
        self.conn.execute(
            "DELETE FROM relay_queue WHERE channel_id = ?1",
            [channel.id],
        )?;
        self.conn
            .execute("DELETE FROM relay_channels WHERE id = ?1", [channel.id])?;
        Ok(Some(deleted))
    }

    /// How many requests each channel has queued, and its newest relay id:
    /// `(channel_id, count, newest)`.
    pub fn queue_counts(&self) -> Result<Vec<(i64, u64, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT channel_id, count(*), max(request_id) FROM relay_queue GROUP BY channel_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest relay id queued on a channel (0 when none).
    pub fn newest_queued(&self, channel_id: i64) -> Result<i64, StoreError> {
        let newest: Option<i64> = self.conn.query_row(
            "SELECT max(request_id) FROM relay_queue WHERE channel_id = ?1",
            [channel_id],
            |r| r.get(0),
        )?;
        Ok(newest.unwrap_or(0))
    }

    /// How many requests of a channel are queued after `cursor`.
    pub fn backlog(&self, channel_id: i64, cursor: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM relay_queue WHERE channel_id = ?1 AND request_id > ?2",
            )?
            .query_row(params![channel_id, cursor], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Up to `limit` queued requests of a channel after `cursor`, oldest first.
    pub fn queued_after(
        &self,
        channel_id: i64,
        cursor: i64,
        limit: u32,
    ) -> Result<Vec<Queued>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT q.request_id, r.received_at, r.remote_addr, q.raw_head, r.body, q.sha256, \
             r.method, r.target, r.http_version, r.headers \
             FROM relay_queue q JOIN requests r ON r.id = q.request_id \
             WHERE q.channel_id = ?1 AND q.request_id > ?2 ORDER BY q.request_id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![channel_id, cursor, limit], queued_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The consumers of a channel, by name.
    pub fn consumers(&self, channel_id: i64) -> Result<Vec<ConsumerRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT channel_id, name, cursor, created_at, last_seen FROM relay_consumers \
             WHERE channel_id = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([channel_id], consumer_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A consumer's record, created at `start` when the relay has not seen it
    /// before (an existing consumer resumes at its cursor).
    pub fn consumer_start(
        &self,
        channel_id: i64,
        name: &str,
        start: StartAt,
    ) -> Result<ConsumerRecord, StoreError> {
        let cursor = match start {
            StartAt::Now => self.newest_queued(channel_id)?,
            StartAt::Earliest => 0,
            StartAt::Id(id) => id.saturating_sub(1).max(0),
        };
        let now = Timestamp::now().0;
        self.conn.execute(
            "INSERT INTO relay_consumers (channel_id, name, cursor, created_at, last_seen) \
             VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (channel_id, name) DO UPDATE SET last_seen = excluded.last_seen",
            params![channel_id, name, cursor, now],
        )?;
        Ok(self.conn.query_row(
            "SELECT channel_id, name, cursor, created_at, last_seen FROM relay_consumers \
             WHERE channel_id = ?1 AND name = ?2",
            params![channel_id, name],
            consumer_row,
        )?)
    }

    /// Records how far a consumer got (never moving its cursor back).
    pub fn save_cursor(&self, channel_id: i64, name: &str, cursor: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE relay_consumers SET cursor = max(cursor, ?3), last_seen = ?4 \
                 WHERE channel_id = ?1 AND name = ?2",
            )?
            .execute(params![channel_id, name, cursor, Timestamp::now().0])?;
        Ok(())
    }

    /// Moves cursors that point past the newest stored request back to it
    /// (requests deleted by hand while the relay was stopped would otherwise
    /// let new ones reuse ids the consumers think they have); returns how many moved.
    pub fn clamp_cursors(&self) -> Result<u64, StoreError> {
        let n = self.conn.execute(
            "UPDATE relay_consumers SET cursor = (SELECT coalesce(max(id), 0) FROM requests) \
             WHERE cursor > (SELECT coalesce(max(id), 0) FROM requests)",
            [],
        )?;
        Ok(n as u64)
    }

    /// Deletes a channel's queued requests up to relay id `upto` (never the
    /// newest request of the database), requests first, then their queue
    /// rows, a chunk at a time; returns how many went.
    fn trim_queue(&self, channel_id: i64, upto: i64) -> Result<u64, StoreError> {
        let mut deleted = 0;
        loop {
            let ids: Vec<i64> = {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT request_id FROM relay_queue WHERE channel_id = ?1 AND request_id <= ?2 \
                     AND request_id < (SELECT max(id) FROM requests) ORDER BY request_id LIMIT ?3",
                )?;
                let rows = stmt.query_map(params![channel_id, upto, TRIM_CHUNK], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let Some(&last) = ids.last() else {
                return Ok(deleted);
            };
            deleted += self.delete_ids(&ids)?;
            self.conn.execute(
                "DELETE FROM relay_queue WHERE channel_id = ?1 AND request_id <= ?2",
                params![channel_id, last],
            )?;
        }
    }

    /// Deletes the queue rows at the start of a channel whose requests are
    /// gone (deleted by age); returns how many went.
    fn drop_stale_queue(&self, channel_id: i64) -> Result<u64, StoreError> {
        let first_alive: Option<i64> = self
            .conn
            .query_row(
                "SELECT q.request_id FROM relay_queue q WHERE q.channel_id = ?1 \
                 AND EXISTS (SELECT 1 FROM requests r WHERE r.id = q.request_id) \
                 ORDER BY q.request_id LIMIT 1",
                [channel_id],
                |r| r.get(0),
            )
            .optional()?;
        let n = self.conn.execute(
            "DELETE FROM relay_queue WHERE channel_id = ?1 AND request_id < ?2",
            params![channel_id, first_alive.unwrap_or(i64::MAX)],
        )?;
        Ok(n as u64)
    }

    /// Keeps the newest `keep` queued requests of a channel; returns how many went.
    pub fn keep_newest_queued(&self, channel_id: i64, keep: u64) -> Result<u64, StoreError> {
        let boundary: Option<i64> = self
            .conn
            .query_row(
                "SELECT request_id FROM relay_queue WHERE channel_id = ?1 \
                 ORDER BY request_id DESC LIMIT 1 OFFSET ?2",
                params![channel_id, i64::try_from(keep).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()?;
        match boundary {
            Some(b) => self.trim_queue(channel_id, b),
            None => Ok(0),
        }
    }

    /// Deletes requests received before `cutoff`, except the newest request
    /// of the database; returns how many went.
    pub fn delete_older_keeping_newest(&self, cutoff: Timestamp) -> Result<u64, StoreError> {
        let newest_at: Option<i64> = self
            .conn
            .query_row(
                "SELECT received_at FROM requests ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let deleted = match newest_at {
            Some(at) => self.delete_received_before(Timestamp(cutoff.0.min(at)))?,
            None => 0,
        };
        if deleted > 0 {
            for channel in self.channels()? {
                self.drop_stale_queue(channel.id)?;
            }
        }
        Ok(deleted)
    }

    /// Where a request came from, if it came through a relay.
    pub fn relayed_from(&self, request_id: i64) -> Result<Option<RelayedFrom>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT relay_url, relay_instance, relay_id, peer, relay_received_at, sha256, raw_head \
             FROM relayed WHERE request_id = ?1",
        )?;
        let row = stmt
            .query_row([request_id], |r| {
                Ok(RelayedFrom {
                    relay_url: r.get(0)?,
                    relay_instance: r.get(1)?,
                    relay_id: r.get(2)?,
                    peer: r.get(3)?,
                    relay_received_at: Timestamp(r.get(4)?),
                    sha256: hash_of(&r.get::<_, Vec<u8>>(5)?),
                    raw_head: r.get(6)?,
                })
            })
            .optional()?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests;
