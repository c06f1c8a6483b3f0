//! What the detail pane says of a request as a webhook: on the Overview the
//! provider and event, the delivery id with the request's attempt and the
//! provider's retry marker, the rule that answered, what `dup` means, and
//! every stored attempt of the delivery with the answer each got and the
//! interval between them; on the Response tab the rule that answered.
//!
//! It is read with the request's detail ([`Webhook::load`]) from the store's
//! webhook facts and the attempts of the delivery, and again when attempts
//! arrive. Every captured string (event, delivery id, retry marker, the
//! rule's answer as written) is sanitized here.

use ratatui::text::{Line, Span};

use super::doc::Doc;
use super::rows::{fact, status_text};
use crate::filter::{Filter, Term};
use crate::model::{AnswerUsed, HookFacts, HookIdentity, PENDING_STATUS, Timestamp};
use crate::render::color::Style;
use crate::render::summary::{attempt_text, interval};
use crate::sanitize::sanitize;
use crate::store::{ListQuery, Store, StoreError};
use crate::tui::pane::theme;

/// The most attempts of a delivery listed (the newest, and always this one).
pub const MAX_ATTEMPTS_SHOWN: usize = 50;

/// What `dup` means, on the Overview of a duplicate.
const DUP_MEANS: &str =
    "an earlier attempt was answered 2xx: a duplicate delivery the receiver must ignore";

/// One stored attempt of a delivery, as the Overview lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    /// The request.
    pub id: i64,
    /// When it arrived.
    pub received_at: Timestamp,
    /// What it was answered.
    pub status: u16,
    /// Its attempt number, from 1.
    pub number: u32,
    /// True when an earlier attempt was answered 2xx.
    pub dup: bool,
    /// The rule that answered it, if one did.
    pub answer: Option<AnswerUsed>,
}

/// A request's webhook facts and the attempts of its delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Webhook {
    /// What the store knows of it as a webhook, if anything.
    pub facts: Option<HookFacts>,
    /// Attempts of its delivery, oldest first, when it has more than one:
    /// the newest [`MAX_ATTEMPTS_SHOWN`], or as many up to this request when
    /// it is older than those.
    pub attempts: Vec<AttemptRow>,
}

impl Webhook {
    /// The facts of request `id` and, when it is one of several attempts of
    /// a delivery, those attempts. Reads summaries, never bodies, and at most
    /// [`MAX_ATTEMPTS_SHOWN`] of them however many a sender made.
    pub fn load(store: &Store, id: i64) -> Result<Self, StoreError> {
        let facts = store.hook_facts(&[id])?.remove(&id);
        let identity = facts.as_ref().and_then(|f| f.identity.as_ref());
        let attempt = facts.as_ref().and_then(|f| f.attempt);
        let attempts = match (identity, attempt) {
            (Some(i), Some(a)) if a.of > 1 => attempts_of(store, i, id)?,
            _ => Vec::new(),
        };
        Ok(Self { facts, attempts })
    }

    /// The rule that answered the request, if one did.
    pub fn answer(&self) -> Option<&AnswerUsed> {
        self.facts.as_ref()?.answer.as_ref()
    }
}

/// Attempts of `identity`'s delivery, oldest first: the newest
/// [`MAX_ATTEMPTS_SHOWN`], or that many up to request `this` when it is not
/// among them.
fn attempts_of(
    store: &Store,
    identity: &HookIdentity,
    this: i64,
) -> Result<Vec<AttemptRow>, StoreError> {
    let Some(delivery) = &identity.delivery else {
        return Ok(Vec::new());
    };
    let filter = Filter::of([
        Term::Provider(identity.provider.clone()),
        Term::Delivery(delivery.clone()),
    ]);
    let page = |before_id| ListQuery {
        limit: MAX_ATTEMPTS_SHOWN as u32,
        before_id,
    };
    let mut rows = store.list(&filter, page(None))?;
    if !rows.iter().any(|r| r.id == this) {
        rows = store.list(&filter, page(Some(this + 1)))?;
    }
    rows.reverse();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut facts = store.hook_facts(&ids)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let f = facts.remove(&r.id)?;
            let a = f.attempt?;
            Some(AttemptRow {
                id: r.id,
                received_at: r.received_at,
                status: r.status,
                number: a.number,
                dup: a.dup,
                answer: f.answer,
            })
        })
        .collect())
}

/// The Overview's webhook lines for request `this`: nothing for a request
/// that is not a webhook and was not answered by a rule.
pub fn push_webhook(doc: &mut Doc, w: &Webhook, this: i64) {
    let Some(facts) = &w.facts else {
        return;
    };
    doc.push_line(Line::default());
    if let Some(i) = &facts.identity {
        let mut spans = vec![
            Span::styled(format!("{:<10}", "webhook"), theme::dim()),
            Span::raw(sanitize(&i.provider).into_owned()),
        ];
        if let Some(event) = &i.event {
            spans.push(Span::styled(" · ", theme::dim()));
            spans.push(Span::styled(
                sanitize(event).into_owned(),
                theme::color_of(Style::Cyan),
            ));
        }
        doc.push_line(Line::from(spans));
        if let Some(d) = &i.delivery {
            let mut spans = vec![
                Span::styled(format!("{:<10}", "delivery"), theme::dim()),
                Span::raw(sanitize(d).into_owned()),
            ];
            if let Some(a) = &facts.attempt {
                spans.push(Span::styled(" · ", theme::dim()));
                spans.push(Span::styled(attempt_text(a), attempt_style(a.dup)));
            }
            doc.push_line(Line::from(spans));
        }
        if let Some(retry) = &i.retry {
            doc.push_line(fact("retry", sanitize(retry).into_owned()));
        }
    }
    if let Some(a) = &facts.answer {
        doc.push_line(fact("rule", rule_text(a)));
    }
    if facts.attempt.is_some_and(|a| a.dup) {
        doc.push_line(Line::from(vec![
            Span::styled(format!("{:<10}", "dup"), theme::dim()),
            Span::styled(DUP_MEANS, theme::color_of(Style::Yellow)),
        ]));
    }
    if let Some(a) = facts.attempt {
        push_attempts(doc, &w.attempts, a.of, this);
    }
}

/// The attempts of the delivery, when there is more than one: the attempt
/// number, the request, when it came, the interval since the one before and
/// what it was answered; this request marked `▶`, duplicates `dup`.
fn push_attempts(doc: &mut Doc, attempts: &[AttemptRow], of: u32, this: i64) {
    let (Some(first), Some(last)) = (attempts.first(), attempts.last()) else {
        return;
    };
    doc.push_line(Line::default());
    doc.push_line(Line::styled(
        format!("attempts of this delivery ({of})"),
        theme::color_of(Style::Bold),
    ));
    if first.number > 1 {
        let n = first.number - 1;
        doc.push_note(format!("  … {n} earlier {} not listed", plural(n)));
    }
    let id_width = attempts.iter().map(|a| a.id.to_string().len()).max();
    let id_width = id_width.unwrap_or(1) + 1;
    let number_width = of.to_string().len();
    let mut before: Option<Timestamp> = None;
    for a in attempts {
        let after = before.map(|b| gap(b, a.received_at)).unwrap_or_default();
        before = Some(a.received_at);
        let marker = if a.id == this { "▶ " } else { "  " };
        let mut spans = vec![
            Span::styled(marker, theme::key()),
            Span::raw(format!(
                "{:>number_width$}  {:<id_width$}  ",
                a.number,
                format!("#{}", a.id)
            )),
            Span::styled(crate::clock::clock(a.received_at), theme::dim()),
            Span::raw(format!("  {after:<7} ")),
        ];
        spans.extend(answer_spans(a));
        if a.dup {
            spans.push(Span::styled(" dup", attempt_style(true)));
        }
        doc.push_line(Line::from(spans));
    }
    if last.number < of {
        let n = of - last.number;
        doc.push_note(format!("  … {n} later {} not listed", plural(n)));
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "attempt" } else { "attempts" }
}

/// What an attempt was answered: the status, or what the rule did instead
/// (`drop`, `hang`), then the rule.
fn answer_spans(a: &AttemptRow) -> Vec<Span<'static>> {
    let mut spans = match (a.status, a.answer.as_ref().and_then(no_answer)) {
        (PENDING_STATUS, Some(fault)) => {
            vec![Span::styled(
                format!("no answer ({fault})"),
                theme::color_of(Style::Yellow),
            )]
        }
        (PENDING_STATUS, None) => vec![Span::styled("pending", theme::dim())],
        (status, _) => vec![Span::styled(status_text(status), theme::status(status))],
    };
    if let Some(rule) = &a.answer {
        spans.push(Span::styled(
            format!(" · rule {}", rule_text(rule)),
            theme::dim(),
        ));
    }
    spans
}

/// `#2, step 1: 503 Retry-After:2`: the rule, the step of its sequence, and
/// the answer as written (sanitized).
pub fn rule_text(a: &AnswerUsed) -> String {
    format!("#{}, step {}: {}", a.rule, a.step, sanitize(&a.answer))
}

/// `drop` or `hang` when the rule's answer was to answer nothing.
pub fn no_answer(a: &AnswerUsed) -> Option<&'static str> {
    ["drop", "hang"]
        .into_iter()
        .find(|fault| a.answer.split_whitespace().any(|w| w == *fault))
}

/// `+31s`: the interval between two attempts.
fn gap(before: Timestamp, at: Timestamp) -> String {
    let us = u64::try_from(at.0.saturating_sub(before.0)).unwrap_or(0);
    format!("+{}", interval(std::time::Duration::from_micros(us)))
}

/// Attempts dimmed, duplicates yellow, as `ls` shows them.
fn attempt_style(dup: bool) -> ratatui::style::Style {
    if dup {
        theme::color_of(Style::Yellow)
    } else {
        theme::color_of(Style::Bold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, SessionMode};
    use crate::store::testing::request;

    fn texts(doc: &Doc) -> Vec<String> {
        doc.lines(0, doc.len())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    /// Three attempts of GitHub delivery `d` (503, 200, 200) and a plain
    /// request, 10 s then 30 s apart.
    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let attempt = |status, at: i64| {
            let mut r = request(s.id, "POST", "/gh", br#"{"action":"opened"}"#);
            r.headers = vec![
                Header::new("X-GitHub-Event", "pull_request"),
                Header::new("X-GitHub-Delivery", "d"),
            ];
            r.response.status = status;
            r.received_at = Timestamp(r.received_at.0 + at * 1_000_000);
            r
        };
        store
            .insert_requests(&[
                attempt(503, 0),
                request(s.id, "GET", "/plain", b""),
                attempt(200, 10),
                attempt(200, 40),
            ])
            .unwrap();
        store
    }

    #[test]
    fn the_attempts_of_the_delivery_are_listed_with_intervals_and_answers() {
        let w = Webhook::load(&store(), 4).unwrap();
        assert_eq!(
            w.attempts.iter().map(|a| a.id).collect::<Vec<_>>(),
            [1, 3, 4]
        );
        let mut doc = Doc::new();
        push_webhook(&mut doc, &w, 4);
        let lines = texts(&doc);
        assert!(
            lines.contains(&"webhook   github · pull_request.opened".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"delivery  d · attempt 3/3 (+30s) dup".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&format!("dup       {DUP_MEANS}")),
            "{lines:?}"
        );
        assert!(lines.contains(&"attempts of this delivery (3)".to_owned()));
        let rows: Vec<&String> = lines.iter().filter(|l| l.contains("  #")).collect();
        assert!(rows[0].ends_with("503 Service Unavailable"), "{rows:?}");
        assert!(
            rows[1].contains("+10s") && rows[1].ends_with("200 OK"),
            "{rows:?}"
        );
        assert!(rows[2].starts_with("▶ 3  #4"), "{rows:?}");
        assert!(
            rows[2].contains("+30s") && rows[2].ends_with("200 OK dup"),
            "{rows:?}"
        );
    }

    #[test]
    fn a_request_that_is_no_webhook_has_no_lines() {
        let w = Webhook::load(&store(), 2).unwrap();
        assert_eq!(w, Webhook::default());
        let mut doc = Doc::new();
        push_webhook(&mut doc, &w, 2);
        assert!(doc.is_empty());
    }

    #[test]
    fn a_long_run_of_attempts_lists_the_newest_or_those_up_to_this_one() {
        let store = Store::open_in_memory().unwrap();
        let s = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let mut r = request(s.id, "POST", "/gh", b"{}");
        r.headers = vec![
            Header::new("X-GitHub-Event", "push"),
            Header::new("X-GitHub-Delivery", "again"),
        ];
        r.response.status = 500;
        store.insert_requests(&vec![r; 60]).unwrap();
        let lines = |id, listed| {
            let w = Webhook::load(&store, id).unwrap();
            assert_eq!(w.attempts.len(), listed);
            let mut doc = Doc::new();
            push_webhook(&mut doc, &w, id);
            texts(&doc)
        };
        let newest = lines(60, MAX_ATTEMPTS_SHOWN);
        assert!(newest.contains(&"  … 10 earlier attempts not listed".to_owned()));
        assert!(
            newest.iter().any(|l| l.starts_with("▶ 60  #60")),
            "{newest:?}"
        );
        let old = lines(3, 3);
        assert!(old.contains(&"  … 57 later attempts not listed".to_owned()));
        assert!(old.iter().any(|l| l.starts_with("▶  3  #3 ")), "{old:?}");
    }

    #[test]
    fn a_rule_that_answered_nothing_says_so() {
        let dropped = AnswerUsed {
            rule: 2,
            step: 1,
            answer: "drop".into(),
        };
        assert_eq!(rule_text(&dropped), "#2, step 1: drop");
        assert_eq!(no_answer(&dropped), Some("drop"));
        let row = AttemptRow {
            id: 1,
            received_at: Timestamp(0),
            status: PENDING_STATUS,
            number: 1,
            dup: false,
            answer: Some(dropped),
        };
        let text: String = answer_spans(&row)
            .iter()
            .map(|s| s.content.clone())
            .collect();
        assert_eq!(text, "no answer (drop) · rule #2, step 1: drop");
    }
}
