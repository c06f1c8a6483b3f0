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
use crate::store::{Store, StoreError};
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
    /// The rule that answered it, if one did.
    pub answer: Option<AnswerUsed>,
}

/// A request's webhook facts and the attempts of its delivery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Webhook {
    /// What the store knows of it as a webhook, if anything.
    pub facts: Option<HookFacts>,
    /// Every stored attempt of its delivery, oldest first (empty without a
    /// delivery id).
    pub attempts: Vec<AttemptRow>,
}

impl Webhook {
    /// The facts of request `id` and, when it has a delivery id, the
    /// attempts of that delivery.
    pub fn load(store: &Store, id: i64) -> Result<Self, StoreError> {
        let facts = store.hook_facts(&[id])?.remove(&id);
        let attempts = match facts.as_ref().and_then(|f| f.identity.as_ref()) {
            Some(identity) => attempts_of(store, identity)?,
            None => Vec::new(),
        };
        Ok(Self { facts, attempts })
    }

    /// The rule that answered the request, if one did.
    pub fn answer(&self) -> Option<&AnswerUsed> {
        self.facts.as_ref()?.answer.as_ref()
    }
}

/// The stored attempts of `identity`'s delivery, oldest first.
fn attempts_of(store: &Store, identity: &HookIdentity) -> Result<Vec<AttemptRow>, StoreError> {
    let Some(delivery) = &identity.delivery else {
        return Ok(Vec::new());
    };
    let filter = Filter::of([
        Term::Provider(identity.provider.clone()),
        Term::Delivery(delivery.clone()),
    ]);
    let found = store
        .delivery_attempts(&filter)?
        .into_iter()
        .find(|d| d.provider == identity.provider && &d.delivery == delivery);
    let Some(found) = found else {
        return Ok(Vec::new());
    };
    let ids: Vec<i64> = found.attempts.iter().map(|a| a.request.id).collect();
    let mut answers = store.hook_facts(&ids)?;
    Ok(found
        .attempts
        .iter()
        .map(|a| AttemptRow {
            id: a.request.id,
            received_at: a.request.received_at,
            status: a.request.response.status,
            answer: answers.remove(&a.request.id).and_then(|f| f.answer),
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
    push_attempts(doc, &w.attempts, this);
}

/// The attempts of the delivery, when there is more than one: the attempt
/// number, the request, when it came, the interval since the one before and
/// what it was answered; this request marked `▶`, duplicates `dup`.
fn push_attempts(doc: &mut Doc, attempts: &[AttemptRow], this: i64) {
    if attempts.len() < 2 {
        return;
    }
    doc.push_line(Line::default());
    doc.push_line(Line::styled(
        format!("attempts of this delivery ({})", attempts.len()),
        theme::color_of(Style::Bold),
    ));
    let skip = shown_from(attempts, this);
    if skip > 0 {
        doc.push_note(format!("  … {skip} earlier attempts not listed"));
    }
    let id_width = attempts.iter().map(|a| a.id.to_string().len()).max();
    let id_width = id_width.unwrap_or(1) + 1;
    let number_width = attempts.len().to_string().len();
    let mut answered_2xx = attempts[..skip].iter().any(|a| is_2xx(a.status));
    for (i, a) in attempts.iter().enumerate().skip(skip) {
        let after = i
            .checked_sub(1)
            .map(|p| gap(attempts[p].received_at, a.received_at))
            .unwrap_or_default();
        let marker = if a.id == this { "▶ " } else { "  " };
        let mut spans = vec![
            Span::styled(marker, theme::key()),
            Span::raw(format!(
                "{:>number_width$}  {:<id_width$}  ",
                i + 1,
                format!("#{}", a.id)
            )),
            Span::styled(crate::clock::clock(a.received_at), theme::dim()),
            Span::raw(format!("  {after:<7} ")),
        ];
        spans.extend(answer_spans(a));
        if answered_2xx {
            spans.push(Span::styled(" dup", attempt_style(true)));
        }
        answered_2xx |= is_2xx(a.status);
        doc.push_line(Line::from(spans));
    }
}

/// The first attempt listed: the newest [`MAX_ATTEMPTS_SHOWN`], moved back
/// to include `this`.
fn shown_from(attempts: &[AttemptRow], this: i64) -> usize {
    let newest = attempts.len().saturating_sub(MAX_ATTEMPTS_SHOWN);
    match attempts.iter().position(|a| a.id == this) {
        Some(i) => newest.min(i),
        None => newest,
    }
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

fn is_2xx(status: u16) -> bool {
    (200..300).contains(&status)
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
    use crate::model::{AttemptInfo, Header, SessionMode};
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
    fn a_long_run_of_attempts_lists_the_newest_and_this_one() {
        let row = |id| AttemptRow {
            id,
            received_at: Timestamp(id),
            status: 500,
            answer: None,
        };
        let attempts: Vec<AttemptRow> = (1..=200).map(row).collect();
        assert_eq!(shown_from(&attempts, 200), 150);
        assert_eq!(shown_from(&attempts, 7), 6);
        let w = Webhook {
            facts: Some(HookFacts {
                identity: None,
                attempt: Some(AttemptInfo {
                    number: 200,
                    of: 200,
                    since_previous: None,
                    dup: false,
                }),
                answer: None,
            }),
            attempts,
        };
        let mut doc = Doc::new();
        push_webhook(&mut doc, &w, 200);
        let lines = texts(&doc);
        assert!(lines.contains(&"  … 150 earlier attempts not listed".to_owned()));
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
            answer: Some(dropped),
        };
        let text: String = answer_spans(&row)
            .iter()
            .map(|s| s.content.clone())
            .collect();
        assert_eq!(text, "no answer (drop) · rule #2, step 1: drop");
    }
}
