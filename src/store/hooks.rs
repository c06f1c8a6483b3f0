//! Webhook facts (the `hooks` table): writing them with each request, and
//! reading them back for listings, `show`, and the attempts of a delivery.
//!
//! Storing costs a capture one row and, with a delivery id, one index entry:
//! nothing is looked up. Everything about attempts (a request's number among
//! the stored requests with its provider and delivery id, how many there
//! are, the interval to the previous one, whether an earlier one got a 2xx)
//! is read from `hooks_by_delivery` when asked, so it stays right when
//! attempts are deleted. Counting is linear in the attempts of one delivery,
//! which real senders keep to a handful.

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};
use crate::filter::{Cmp, Filter, Term};
use crate::model::{AnswerUsed, AttemptInfo, CapturedRequest, HookFacts, HookIdentity};

const INSERT_SQL: &str = "INSERT INTO hooks (request_id, provider, event, delivery, \
    retry, rule, step, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// How many attempts of a delivery are stored up to and including `?3`.
const ATTEMPTS_UP_TO_SQL: &str = "SELECT count(*) FROM hooks \
    WHERE delivery = ?1 AND provider = ?2 AND request_id <= ?3";

/// An SQL expression for the attempt number of the request whose `hooks` row
/// is `h` (for filters).
pub(super) const ATTEMPT_OF_H: &str = "(SELECT count(*) FROM hooks AS e \
    WHERE e.delivery = h.delivery AND e.provider = h.provider AND e.request_id <= h.request_id)";

/// Stores what is known about request `id` as a webhook, if anything, inside
/// the caller's transaction.
pub(super) fn insert(
    conn: &Connection,
    id: i64,
    identity: Option<&HookIdentity>,
    answer: Option<&AnswerUsed>,
) -> rusqlite::Result<()> {
    if identity.is_none() && answer.is_none() {
        return Ok(());
    }
    conn.prepare_cached(INSERT_SQL)?.execute(params![
        id,
        identity.map(|i| i.provider.as_str()),
        identity.and_then(|i| i.event.as_deref()),
        identity.and_then(|i| i.delivery.as_deref()),
        identity.and_then(|i| i.retry.as_deref()),
        answer.map(|a| a.rule),
        answer.map(|a| a.step),
        answer.map(|a| a.answer.as_str()),
    ])?;
    Ok(())
}

/// One request's row of the `hooks` table.
struct HookRow {
    identity: Option<HookIdentity>,
    answer: Option<AnswerUsed>,
}

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
            answer: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(HookRow {
        identity: identity.transpose()?,
        answer,
    })
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
    /// What is known about each of these requests as a webhook, by id; ids
    /// with nothing known are left out. A few indexed lookups per request.
    pub fn hook_facts(&self, ids: &[i64]) -> Result<HashMap<i64, HookFacts>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT provider, event, delivery, retry, rule, step, answer \
             FROM hooks WHERE request_id = ?1",
        )?;
        let mut out = HashMap::new();
        for &id in ids {
            let Some(row) = stmt.query_row([id], hook_row).optional()? else {
                continue;
            };
            let attempt = match &row.identity {
                Some(HookIdentity {
                    provider,
                    delivery: Some(d),
                    ..
                }) => Some(self.attempt_info(id, provider, d)?),
                _ => None,
            };
            out.insert(
                id,
                HookFacts {
                    identity: row.identity,
                    attempt,
                    answer: row.answer,
                },
            );
        }
        Ok(out)
    }

    /// Where request `id` stands among the stored attempts of its delivery.
    fn attempt_info(
        &self,
        id: i64,
        provider: &str,
        delivery: &str,
    ) -> Result<AttemptInfo, StoreError> {
        let mut count = self.conn.prepare_cached(ATTEMPTS_UP_TO_SQL)?;
        let number: u32 = count.query_row(params![delivery, provider, id], |r| r.get(0))?;
        let of: u32 = count.query_row(params![delivery, provider, i64::MAX], |r| r.get(0))?;
        let previous: Option<(i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT requests.received_at, (SELECT received_at FROM requests WHERE id = ?3) \
                 FROM hooks JOIN requests ON requests.id = hooks.request_id \
                 WHERE hooks.delivery = ?1 AND hooks.provider = ?2 AND hooks.request_id < ?3 \
                 ORDER BY hooks.request_id DESC LIMIT 1",
            )?
            .query_row(params![delivery, provider, id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let dup = previous.is_some() && self.answered_2xx_before(id, provider, delivery)?;
        Ok(AttemptInfo {
            number,
            of: of.max(number),
            since_previous: previous.map(|(before, at)| micros(at - before)),
            dup,
        })
    }

    /// True when an earlier attempt of the delivery was answered 2xx.
    fn answered_2xx_before(
        &self,
        id: i64,
        provider: &str,
        delivery: &str,
    ) -> Result<bool, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM hooks JOIN requests ON requests.id = hooks.request_id \
                 WHERE hooks.delivery = ?1 AND hooks.provider = ?2 AND hooks.request_id < ?3 \
                 AND requests.status BETWEEN 200 AND 299 LIMIT 1",
            )?
            .query_row(params![delivery, provider, id], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }

    /// The deliveries that requests matching `filter` belong to, each with
    /// all its stored attempts (matching or not), in the order their first
    /// matching request arrived.
    pub fn delivery_attempts(&self, filter: &Filter) -> Result<Vec<DeliveryAttempts>, StoreError> {
        if filter.is_empty() {
            // Every delivery: read off the index, not the requests.
            let keys: Vec<(String, String)> = self
                .conn
                .prepare_cached(
                    "SELECT provider, delivery FROM hooks WHERE delivery IS NOT NULL \
                     GROUP BY delivery, provider ORDER BY min(request_id)",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            return keys
                .into_iter()
                .map(|(provider, delivery)| self.attempts_of(provider, delivery))
                .collect();
        }
        // Only requests with a delivery id (they are the ones with an attempt number).
        let with_delivery = filter.clone().and(Term::Attempt(Cmp::Ge, 1));
        let ids = self.matching_ids(&with_delivery)?;
        let mut key_stmt = self.conn.prepare_cached(
            "SELECT provider, delivery FROM hooks WHERE request_id = ?1 AND delivery IS NOT NULL",
        )?;
        let mut seen = std::collections::HashSet::new();
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
        keys.into_iter()
            .map(|(provider, delivery)| self.attempts_of(provider, delivery))
            .collect()
    }

    fn attempts_of(
        &self,
        provider: String,
        delivery: String,
    ) -> Result<DeliveryAttempts, StoreError> {
        let rows: Vec<(i64, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT request_id, event FROM hooks \
                 WHERE delivery = ?1 AND provider = ?2 ORDER BY request_id",
            )?
            .query_map(params![delivery, provider], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut attempts = Vec::with_capacity(rows.len());
        let mut event = None;
        for (number, (id, ev)) in (1..).zip(rows) {
            if let Some(request) = self.get(id)? {
                attempts.push(Attempt { request, number });
                event = ev.or(event);
            }
        }
        Ok(DeliveryAttempts {
            provider,
            delivery,
            event,
            attempts,
        })
    }
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
