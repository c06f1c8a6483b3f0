//! Answers that follow rules: `listen --respond 'FILTER => ANSWER'` and
//! `--rules FILE`, for testing how a sender handles retries, challenges,
//! timeouts and dropped connections.
//!
//! A [`RuleBook`] is a list of [`Rule`]s, checked in order: the first whose
//! filter (the one filter language) matches a request answers it, with the
//! next step of its sequence; a request no rule takes gets the default answer
//! (`--status`, `--header`, `--body`, `--delay`). Sequences are counted per
//! delivery (provider and delivery id, see `sign::identity`) when the request
//! has one, so each delivery sees `500, 500, 200`, and per rule otherwise; the
//! last step repeats. A rule with a rate (`p=0.2`) takes a matching request
//! only that often, drawn from a generator seeded by `--seed` for repeatable runs.
//!
//! The book is a library piece: the capture server asks [`RuleBook::decide`]
//! for each request it stores, and so can any other server that answers for
//! an app (the relay's `app` mode). Rules are checked when read
//! ([`parse::parse_rule`], [`parse::parse_file`]); deciding never fails.

mod parse;
mod template;

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use parse::{RuleError, parse_file, parse_rule};
pub use template::{Rendered, Template};

use crate::filter::{AttemptContext, Filter, MatchContext};
use crate::model::{AnswerUsed, CapturedRequest, Header, HookIdentity, NewRequest};

/// Deliveries and sequences remembered at most; past this the memory starts over.
const MAX_REMEMBERED: usize = 100_000;

/// Something other than an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Store the request, then close the connection without answering.
    Drop,
    /// Store the request, then answer nothing until the sender gives up.
    Hang,
}

/// One step of a rule's sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step as written, for the record (`503 Retry-After:2`); shared
    /// with every answer it gives ([`AnswerUsed::answer`]).
    pub text: Arc<str>,
    /// The status; `None` answers with the default status, headers and body
    /// (plus this step's headers and delay).
    pub status: Option<u16>,
    /// Headers to send, in order.
    pub headers: Vec<Header>,
    /// The body; `None` with a status is an empty body.
    pub body: Option<Template>,
    /// Wait this long after storing, before answering.
    pub delay: Duration,
    /// Drop or hang instead of answering.
    pub fault: Option<Fault>,
}

/// One rule: a filter and the answers it gives, in sequence.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its number, from 1, in the order given.
    pub number: u32,
    /// Which requests it takes.
    pub filter: Filter,
    /// The fraction of matching requests it takes (`p=0.2`); `None`: all.
    pub rate: Option<f64>,
    /// The answers, in order; the last repeats.
    pub steps: Vec<Step>,
}

/// What a rule decided for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Which rule and step, as recorded with the request.
    pub used: AnswerUsed,
    /// The step that answers.
    pub step: &'a Step,
    /// The step's body rendered for this request (`None`: no body of its own).
    pub body: Option<Rendered>,
}

/// What the book remembers between requests.
#[derive(Debug)]
struct State {
    rng: fastrand::Rng,
    /// Requests answered per (rule, delivery key or 0), for sequences.
    steps: HashMap<(u32, u64), u32, ByKey>,
    /// Per delivery key: attempts seen, and whether one was answered 2xx.
    deliveries: HashMap<u64, (u32, bool), ByKey>,
}

/// The state's maps hash their keys with [`KeyHasher`]: a delivery key is a
/// keyed hash already.
type ByKey = BuildHasherDefault<KeyHasher>;

/// A multiply-rotate hasher (FxHash's step) for keys made of delivery keys,
/// which [`RuleBook::delivery_key`] hashed with a random key, and rule
/// numbers: hashing them again with SipHash cost every rule decision twice
/// what making the key did (docs/performance.md).
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl KeyHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
}

/// The rules of one listener, with the memory sequences and rates need.
#[derive(Debug)]
pub struct RuleBook {
    rules: Vec<Rule>,
    /// The default answer's status, to know which deliveries got a 2xx.
    default_status: u16,
    /// The random key of delivery keys (see [`RuleBook::delivery_key`]).
    keys: RandomState,
    state: Mutex<State>,
}

impl RuleBook {
    /// A book of `rules`; `seed` makes rates repeatable (random without it).
    pub fn new(rules: Vec<Rule>, default_status: u16, seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Self {
            rules,
            default_status,
            keys: RandomState::new(),
            state: Mutex::new(State {
                rng,
                steps: HashMap::default(),
                deliveries: HashMap::default(),
            }),
        }
    }

    #[cfg(test)]
    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Picks the answer for `request` (identified as `identity`), or `None`
    /// for the default answer; hands the request back. The filter sees the
    /// request as received: `id:` and `status:` terms never match, `attempt:`
    /// and `dup` count the attempts this book has seen.
    pub fn decide(
        &self,
        request: NewRequest,
        identity: Option<&HookIdentity>,
    ) -> (NewRequest, Option<Decision<'_>>) {
        let held = CapturedRequest { id: 0, request };
        let delivery = identity.and_then(|i| self.delivery_key(i));
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.deliveries.len() > MAX_REMEMBERED || state.steps.len() > MAX_REMEMBERED {
            state.deliveries.clear();
            state.steps.clear();
        }
        let attempt = delivery.map(|key| {
            let (seen, got_2xx) = state.deliveries.get(&key).copied().unwrap_or_default();
            AttemptContext {
                number: seen + 1,
                dup: got_2xx,
            }
        });
        let cx = MatchContext {
            latest_session: Some(held.session_id),
            attempt,
        };
        let mut chosen = None;
        for rule in &self.rules {
            if !rule.filter.matches_with(&held, &cx, identity) {
                continue;
            }
            if rule.rate.is_some_and(|p| state.rng.f64() >= p) {
                continue;
            }
            chosen = Some(rule);
            break;
        }
        let decision = chosen.map(|rule| {
            let count = state
                .steps
                .entry((rule.number, delivery.unwrap_or(0)))
                .or_insert(0);
            let index = (*count as usize).min(rule.steps.len() - 1);
            *count = count.saturating_add(1);
            let step = &rule.steps[index];
            Decision {
                used: AnswerUsed {
                    rule: rule.number,
                    step: index as u32 + 1,
                    answer: step.text.clone(),
                },
                body: step.body.as_ref().map(|t| t.render(&held.request)),
                step,
            }
        });
        if let Some(key) = delivery {
            let status = match &decision {
                Some(d) if d.step.fault.is_some() => 0,
                Some(d) => d.step.status.unwrap_or(self.default_status),
                None => self.default_status,
            };
            let entry = state.deliveries.entry(key).or_default();
            entry.0 = entry.0.saturating_add(1);
            entry.1 |= (200..300).contains(&status);
        }
        (held.request, decision)
    }

    /// A hash of provider and delivery id, for requests that have one (never
    /// 0, which stands for "no delivery"). Keyed with a random key, so a
    /// sender cannot choose ids that collide; 64 bits, so two deliveries one
    /// listener sees do not by chance.
    fn delivery_key(&self, identity: &HookIdentity) -> Option<u64> {
        let d = identity.delivery.as_deref()?;
        Some(self.keys.hash_one((identity.provider.as_str(), d)).max(1))
    }
}

#[cfg(test)]
mod tests;
