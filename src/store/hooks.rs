//! Webhook facts: reading back what each request is as a webhook (the
//! columns the writer fills with the request), and the attempts of a delivery.
//!
//! Storing costs a capture nothing beyond those columns of its row: nothing
//! is looked up or indexed. Everything about attempts (a request's number
//! among the stored requests with its provider and delivery id, how many
//! there are, the interval to the previous one, whether an earlier one got a
//! 2xx) is worked out when asked, from the delivery index and its tail
//! ([`super::delivery_index`]), so it stays right when attempts are deleted.
//! Counting is linear in the attempts of one delivery, which real senders
//! keep to a handful.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, delivery_index};
use crate::filter::{Cmp, Filter, Term};
use crate::model::{AnswerUsed, AttemptInfo, CapturedRequest, HookFacts, HookIdentity};

/// The indexed attempts of one delivery (`?1` delivery, `?2` provider), up
/// to the watermark (`?3`), oldest first.
const INDEXED_ATTEMPTS_SQL: &str = "SELECT r.id, r.received_at, r.status, r.event \
    FROM delivery_index AS e JOIN requests AS r ON r.id = e.request_id \
    WHERE e.delivery = ?1 AND e.provider = ?2 AND e.request_id <= ?3 ORDER BY e.request_id";

/// The requests past the watermark (`?1`) with one of these delivery ids (a
/// JSON array, `?2`), oldest first: one pass over the tail for all of them.
const TAIL_ATTEMPTS_SQL: &str = "SELECT id, received_at, status, event, provider, delivery \
    FROM requests WHERE id > ?1 AND delivery IN (SELECT value FROM json_each(?2)) ORDER BY id";

/// `attempt:`: the request's attempt number, compared (`{}`) with the second
/// argument; the first is the watermark.
const ATTEMPT_SQL: &str = "(requests.delivery IS NOT NULL AND requests.provider IS NOT NULL AND \
    (SELECT count(*) FROM delivery_index AS e WHERE e.delivery = requests.delivery \
     AND e.provider = requests.provider AND e.request_id <= requests.id AND e.request_id <= ?) \
    + (SELECT count(*) FROM temp.delivery_tail AS t WHERE t.delivery = requests.delivery \
     AND t.provider = requests.provider AND t.request_id <= requests.id) {} ?)";

/// `dup`: a later attempt of a delivery, an earlier attempt of which was
/// answered 2xx; the argument is the watermark.
const DUP_SQL: &str = "(requests.delivery IS NOT NULL AND requests.provider IS NOT NULL AND (\
    EXISTS (SELECT 1 FROM delivery_index AS e JOIN requests AS r ON r.id = e.request_id \
     WHERE e.delivery = requests.delivery AND e.provider = requests.provider \
     AND e.request_id < requests.id AND e.request_id <= ? AND r.status BETWEEN 200 AND 299) \
    OR EXISTS (SELECT 1 FROM temp.delivery_tail AS t JOIN requests AS r ON r.id = t.request_id \
     WHERE t.delivery = requests.delivery AND t.provider = requests.provider \
     AND t.request_id < requests.id AND r.status BETWEEN 200 AND 299)))";

/// `delivery:`: the arguments are the id, the watermark, and the id again.
const DELIVERY_SQL: &str = "requests.id IN (SELECT request_id FROM delivery_index \
    WHERE delivery = ? AND request_id <= ? \
    UNION ALL SELECT request_id FROM temp.delivery_tail WHERE delivery = ?)";

/// True when `term` reads the attempts of deliveries (the index and its tail).
pub(super) fn needs_tail(term: &Term) -> bool {
    matches!(term, Term::Delivery(_) | Term::Attempt(..) | Term::Dup)
}

/// The `WHERE` condition of a webhook term and its arguments; `upto` is the
/// watermark the tail was read after (see [`Store::with_tail`]).
pub(super) fn condition(term: &Term, upto: i64) -> Option<(String, Vec<Value>)> {
    let text = |s: &str| Value::Text(s.to_owned());
    Some(match term {
        Term::Provider(p) => ("requests.provider = ? COLLATE NOCASE".into(), vec![text(p)]),
        Term::Event(g) => ("requests.event GLOB ?".into(), vec![text(g.as_str())]),
        Term::Delivery(d) => (
            DELIVERY_SQL.into(),
            vec![text(d), Value::Integer(upto), text(d)],
        ),
        // Every request with a delivery id is its attempt 1 or later.
        Term::Attempt(Cmp::Ge, n) if *n <= 1 => has_delivery(),
        Term::Attempt(Cmp::Gt, n) if *n <= 0 => has_delivery(),
        Term::Attempt(cmp, n) => (
            ATTEMPT_SQL.replacen("{}", cmp.symbol(), 1),
            vec![Value::Integer(upto), Value::Integer(*n)],
        ),
        Term::Dup => (DUP_SQL.into(), vec![Value::Integer(upto)]),
        _ => return None,
    })
}

fn has_delivery() -> (String, Vec<Value>) {
    (
        "(requests.delivery IS NOT NULL AND requests.provider IS NOT NULL)".into(),
        Vec::new(),
    )
}

/// The facts columns of one request row.
struct HookRow {
    identity: Option<HookIdentity>,
    answer: Option<AnswerUsed>,
}

const FACTS_SQL: &str =
    "SELECT provider, event, delivery, retry, rule, step, answer FROM requests WHERE id = ?1";

fn hook_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HookRow> {
    let provider: Option<String> = r.get(0)?;
    let identity = provider.map(|provider| -> rusqlite::Result<HookIdentity> {
        Ok(HookIdentity {
            provider,
            event: r.get(1)?,
            delivery: r.get(2)?,
            retry: r.get(3)?,
        })
    });
    let rule: Option<u32> = r.get(4)?;
    let answer = match rule {
        Some(rule) => Some(AnswerUsed {
            rule,
            step: r.get::<_, Option<u32>>(5)?.unwrap_or(1),
            answer: r.get::<_, Option<String>>(6)?.unwrap_or_default().into(),
        }),
        None => None,
    };
    Ok(HookRow {
        identity: identity.transpose()?,
        answer,
    })
}

/// One stored attempt as counting needs it: id, receive time, status, event.
type Stored = (i64, i64, u16, Option<String>);

/// Where request `id` stands among `attempts` (its delivery's, oldest first).
fn attempt_info(id: i64, attempts: &[Stored]) -> AttemptInfo {
    let earlier = attempts.partition_point(|a| a.0 < id);
    let number = attempts.partition_point(|a| a.0 <= id);
    let at = attempts.get(earlier).filter(|a| a.0 == id).map(|a| a.1);
    let previous = earlier.checked_sub(1).map(|i| attempts[i].1);
    let dup = attempts[..earlier]
        .iter()
        .any(|a| (200..=299).contains(&a.2));
    AttemptInfo {
        number: count(number),
        of: count(attempts.len().max(number)),
        since_previous: previous.zip(at).map(|(before, at)| micros(at - before)),
        dup,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One attempt of a delivery, as `deliveries` judges it.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The stored request.
    pub request: CapturedRequest,
    /// Its attempt number.
    pub number: u32,
}

/// All stored attempts of one delivery, oldest first.
#[derive(Debug, Clone)]
pub struct DeliveryAttempts {
    /// The provider.
    pub provider: String,
    /// The provider's delivery id.
    pub delivery: String,
    /// The event, as the newest attempt named it.
    pub event: Option<String>,
    /// Every stored attempt, oldest first.
    pub attempts: Vec<Attempt>,
}

impl Store {
    /// Runs `f` in one read transaction, unless the caller already holds one,
    /// so that everything it reads (the delivery index's tail too) is of one
    /// moment.
    pub(super) fn snapshot<T>(
        &self,
        f: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !self.conn.is_autocommit() {
            return f();
        }
        self.conn.execute_batch("BEGIN")?;
        let result = f();
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.conn.execute_batch(end);
        if result.is_err() || ended.is_err() {
            // The tail's table may have been rolled back with the rest.
            self.tail.borrow_mut().forget();
        }
        let value = result?;
        ended?;
        Ok(value)
    }

    /// Reads the delivery index's tail (inside [`Store::snapshot`]); returns
    /// the watermark it starts after.
    pub(super) fn tail_upto(&self) -> Result<i64, StoreError> {
        Ok(self.tail.borrow_mut().refresh(&self.conn)?)
    }

    /// [`Store::snapshot`] with the tail read first; `f` gets the watermark.
    pub(super) fn with_tail<T>(
        &self,
        f: impl FnOnce(i64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.snapshot(|| f(self.tail_upto()?))
    }

    /// What is known about each of these requests as a webhook, by id; ids
    /// with nothing known are left out. A few indexed lookups per request,
    /// and one pass over the delivery index's tail when any has a delivery id.
    pub fn hook_facts(&self, ids: &[i64]) -> Result<HashMap<i64, HookFacts>, StoreError> {
        self.snapshot(|| {
            let mut rows = Vec::with_capacity(ids.len());
            let mut stmt = self.conn.prepare_cached(FACTS_SQL)?;
            for &id in ids {
                if let Some(row) = stmt.query_row([id], hook_row).optional()? {
                    rows.push((id, row));
                }
            }
            let keys: Vec<Key> = rows
                .iter()
                .filter_map(|(_, row)| delivery_key(row))
                .collect();
            let attempts = self.stored_attempts(&keys)?;
            let mut out = HashMap::with_capacity(rows.len());
            for (id, row) in rows {
                let attempt = delivery_key(&row)
                    .and_then(|key| attempts.get(&key))
                    .map(|list| attempt_info(id, list));
                let facts = HookFacts {
                    identity: row.identity,
                    attempt,
                    answer: row.answer,
                };
                if facts != HookFacts::default() {
                    out.insert(id, facts);
                }
            }
            Ok(out)
        })
    }

    /// The stored attempts of each of these deliveries, oldest first: the
    /// index up to the watermark, then one pass over the tail for them all
    /// (inside [`Store::snapshot`]).
    fn stored_attempts(&self, keys: &[Key]) -> Result<HashMap<Key, Vec<Stored>>, StoreError> {
        let mut out: HashMap<Key, Vec<Stored>> = HashMap::new();
        if keys.is_empty() {
            return Ok(out);
        }
        let upto = delivery_index::watermark(&self.conn)?;
        let mut indexed = self.conn.prepare_cached(INDEXED_ATTEMPTS_SQL)?;
        for key in keys {
            if out.contains_key(key) {
                continue;
            }
            let rows = indexed.query_map(params![key.1, key.0, upto], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            out.insert(key.clone(), rows.collect::<Result<_, _>>()?);
        }
        let deliveries: HashSet<&str> = keys.iter().map(|k| k.1.as_str()).collect();
        let list = serde_json::to_string(&deliveries).unwrap_or_else(|_| "[]".into());
        let mut tail = self.conn.prepare_cached(TAIL_ATTEMPTS_SQL)?;
        let mut rows = tail.query(params![upto, list])?;
        while let Some(r) = rows.next()? {
            let key: Key = (r.get(4)?, r.get(5)?);
            if let Some(list) = out.get_mut(&key) {
                list.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
            }
        }
        Ok(out)
    }

    /// The deliveries that requests matching `filter` belong to, each with
    /// all its stored attempts (matching or not), in the order their first
    /// matching request arrived.
    pub fn delivery_attempts(&self, filter: &Filter) -> Result<Vec<DeliveryAttempts>, StoreError> {
        let keys: Vec<(String, String)> = if filter.is_empty() {
            // Every delivery: read off the index and its tail, not the requests.
            self.with_tail(|upto| {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT provider, delivery FROM \
                     (SELECT delivery, provider, request_id FROM delivery_index WHERE request_id <= ?1 \
                      UNION ALL SELECT delivery, provider, request_id FROM temp.delivery_tail) \
                     GROUP BY delivery, provider ORDER BY min(request_id)",
                )?;
                let rows = stmt.query_map([upto], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })?
        } else {
            // Only requests with a delivery id (they are the ones with an attempt number).
            let with_delivery = filter.clone().and(Term::Attempt(Cmp::Ge, 1));
            let ids = self.matching_ids(&with_delivery)?;
            let mut key_stmt = self.conn.prepare_cached(
                "SELECT provider, delivery FROM requests \
                 WHERE id = ?1 AND delivery IS NOT NULL AND provider IS NOT NULL",
            )?;
            let mut seen = HashSet::new();
            let mut keys = Vec::new();
            for id in ids {
                let key: Option<(String, String)> = key_stmt
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some(key) = key.filter(|k| !seen.contains(k)) {
                    seen.insert(key.clone());
                    keys.push(key);
                }
            }
            keys
        };
        keys.into_iter()
            .map(|(provider, delivery)| self.attempts_of(provider, delivery))
            .collect()
    }

    fn attempts_of(
        &self,
        provider: String,
        delivery: String,
    ) -> Result<DeliveryAttempts, StoreError> {
        let key = (provider, delivery);
        let stored = self
            .snapshot(|| self.stored_attempts(std::slice::from_ref(&key)))?
            .remove(&key)
            .unwrap_or_default();
        let mut attempts = Vec::with_capacity(stored.len());
        let mut event = None;
        for (number, (id, _, _, ev)) in (1..).zip(stored) {
            if let Some(request) = self.get(id)? {
                attempts.push(Attempt { request, number });
                event = ev.or(event);
            }
        }
        let (provider, delivery) = key;
        Ok(DeliveryAttempts {
            provider,
            delivery,
            event,
            attempts,
        })
    }
}

/// A delivery: `(provider, delivery id)`.
type Key = (String, String);

/// `(provider, delivery)` of a request that has a delivery id.
fn delivery_key(row: &HookRow) -> Option<Key> {
    let identity = row.identity.as_ref()?;
    Some((identity.provider.clone(), identity.delivery.clone()?))
}

fn micros(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, NewRequest, SessionMode, Timestamp};
    use crate::store::testing::request;

    /// A GitHub delivery `guid` of `event`, answered `status`, `at` seconds in.
    fn github(session: i64, guid: &str, status: u16, at: i64) -> NewRequest {
        let mut r = request(session, "POST", "/gh", br#"{"action":"opened"}"#);
        r.headers = vec![
            Header::new("X-GitHub-Event", "pull_request"),
            Header::new("X-GitHub-Delivery", guid),
        ];
        r.response.status = status;
        r.received_at = Timestamp(1_700_000_000_000_000 + at * 1_000_000);
        r
    }

    fn filled() -> (Store, Vec<i64>) {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let ids = store
            .insert_requests(&[
                github(s.id, "a", 503, 0),
                request(s.id, "GET", "/plain", b""),
                github(s.id, "b", 200, 5),
                github(s.id, "a", 503, 10),
                github(s.id, "a", 200, 40),
                github(s.id, "b", 200, 41),
            ])
            .unwrap();
        (store, ids)
    }

    fn listed(store: &Store, line: &str) -> Vec<i64> {
        let filter = Filter::parse_line(line, Timestamp(0)).unwrap();
        let mut ids = store.matching_ids(&filter).unwrap();
        ids.sort();
        ids
    }

    #[test]
    fn attempts_are_numbered_per_delivery_with_intervals_and_duplicates() {
        let (store, ids) = filled();
        let facts = store.hook_facts(&ids).unwrap();
        assert!(!facts.contains_key(&ids[1]), "a plain request has no facts");
        let attempt = |i: usize| facts[&ids[i]].attempt.unwrap();
        let a3 = attempt(4);
        assert_eq!((a3.number, a3.of, a3.dup), (3, 3, false));
        assert_eq!(a3.since_previous, Some(Duration::from_secs(30)));
        let first = attempt(0);
        assert_eq!((first.number, first.of, first.since_previous), (1, 3, None));
        let b2 = attempt(5);
        assert_eq!(
            (b2.number, b2.of, b2.dup),
            (2, 2, true),
            "b's first got a 200"
        );
        let id = facts[&ids[0]].identity.as_ref().unwrap();
        assert_eq!(
            (id.provider.as_str(), id.event.as_deref()),
            ("github", Some("pull_request.opened"))
        );
    }

    #[test]
    fn webhook_terms_filter_in_sql() {
        let (store, ids) = filled();
        let pick = |is: &[usize]| is.iter().map(|&i| ids[i]).collect::<Vec<_>>();
        assert_eq!(listed(&store, "provider:GitHub"), pick(&[0, 2, 3, 4, 5]));
        assert_eq!(
            listed(&store, "event:pull_request.*"),
            pick(&[0, 2, 3, 4, 5])
        );
        assert_eq!(listed(&store, "event:push"), pick(&[]));
        assert_eq!(listed(&store, "delivery:a"), pick(&[0, 3, 4]));
        assert_eq!(listed(&store, "attempt:>1"), pick(&[3, 4, 5]));
        assert_eq!(listed(&store, "attempt:1 delivery:b"), pick(&[2]));
        assert_eq!(listed(&store, "dup"), pick(&[5]));
        assert_eq!(listed(&store, "provider:stripe"), pick(&[]));
    }

    #[test]
    fn the_deliveries_of_matching_requests_come_with_all_their_attempts() {
        let (store, ids) = filled();
        let filter = Filter::parse_line("status:2xx", Timestamp(0)).unwrap();
        let groups = store.delivery_attempts(&filter).unwrap();
        let shape: Vec<(&str, Vec<i64>)> = groups
            .iter()
            .map(|g| {
                let ids = g.attempts.iter().map(|a| a.request.id).collect();
                (g.delivery.as_str(), ids)
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("b", vec![ids[2], ids[5]]),
                ("a", vec![ids[0], ids[3], ids[4]])
            ]
        );
    }

    #[test]
    fn without_a_filter_every_delivery_is_listed_in_arrival_order() {
        let (store, _) = filled();
        let groups = store.delivery_attempts(&Filter::default()).unwrap();
        let keys: Vec<_> = groups
            .iter()
            .map(|g| (g.delivery.as_str(), g.attempts.len()))
            .collect();
        assert_eq!(keys, [("a", 3), ("b", 2)]);
    }

    #[test]
    fn deleting_a_request_deletes_its_facts() {
        let (store, ids) = filled();
        store.delete_ids(&[ids[0]]).unwrap();
        assert!(store.hook_facts(&[ids[0]]).unwrap().is_empty());
        let facts = store.hook_facts(&[ids[3]]).unwrap();
        let a = facts[&ids[3]].attempt.unwrap();
        assert_eq!((a.number, a.of), (1, 2), "counted among what is stored");
    }
}
