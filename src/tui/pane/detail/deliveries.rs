//! The Deliveries tab: every time the selected request was passed on by
//! `hookcap forward` or sent again (`r`, `hookcap replay`), newest first, each
//! with where it went, when, how long it took, and the answer (headers and
//! body rendered as the Response tab renders them) or the error.
//!
//! They are read with the request's detail ([`Deliveries::load`]): the newest
//! [`MAX_SHOWN`] of them, so a request replayed `--times 10000` opens as fast
//! as any other. Answer bodies are moved into shared buffers once, like the
//! request's, so switching tabs or `b` never copies them.

use bytes::Bytes;
use ratatui::text::{Line, Span};

use super::body::body_doc;
use super::doc::Doc;
use super::rows::{fact, status_text};
use crate::model::{Delivery, DeliveryKind, NewDelivery, ResponseRecord};
use crate::render::styled::header_lines;
use crate::render::summary::short_duration;
use crate::sanitize::sanitize;
use crate::store::{Store, StoreError};
use crate::tui::pane::theme;

/// The most deliveries shown for one request (the newest).
pub const MAX_SHOWN: u32 = 20;

/// The deliveries of one request, as the tab shows them.
#[derive(Debug, Default)]
pub struct Deliveries {
    /// The newest deliveries, newest first.
    pub shown: Vec<Shown>,
    /// How many the request has in all (more than `shown` when some are left out).
    pub total: u64,
}

/// One delivery, its answer's body held apart in a shared buffer.
#[derive(Debug)]
pub struct Shown {
    /// The store's id of the delivery.
    pub id: i64,
    /// Everything recorded, except the answer's body (empty here: see `body`).
    pub delivery: NewDelivery,
    /// The answer's body as recorded.
    pub body: Bytes,
}

impl Deliveries {
    /// The newest [`MAX_SHOWN`] deliveries of request `request_id`.
    pub fn load(store: &Store, request_id: i64) -> Result<Self, StoreError> {
        let (recent, total) = store.recent_deliveries(request_id, MAX_SHOWN)?;
        Ok(Self {
            shown: recent.into_iter().map(Shown::from).collect(),
            total,
        })
    }
}

impl From<Delivery> for Shown {
    fn from(d: Delivery) -> Self {
        let mut delivery = d.delivery;
        let body = delivery
            .response
            .as_mut()
            .map(|r| Bytes::from(std::mem::take(&mut r.body)))
            .unwrap_or_default();
        Self {
            id: d.id,
            delivery,
            body,
        }
    }
}

/// The tab's document for request `request_id`; `raw` shows answer bodies as
/// stored bytes, as in the Body and Response tabs.
pub fn doc(all: &Deliveries, request_id: i64, raw: bool) -> Doc {
    let mut doc = Doc::new();
    if all.shown.is_empty() {
        doc.push_line(Line::raw("No deliveries."));
        doc.push_note(
            "Forwards by `hookcap forward` and replays (r here, or `hookcap replay`) \
             are listed here, newest first.",
        );
        return doc;
    }
    doc.push_note(heading(all));
    for shown in &all.shown {
        doc.push_line(Line::default());
        push_delivery(&mut doc, shown, raw);
    }
    let left_out = all.total.saturating_sub(all.shown.len() as u64);
    if left_out > 0 {
        doc.push_line(Line::default());
        doc.push_note(format!(
            "… and {left_out} older: `hookcap show {request_id}` lists them all"
        ));
    }
    doc
}

/// The Response tab of a request `hookcap forward` passed on: the app's
/// answer, as its forward delivery recorded it.
pub fn passed_on(forward: &Shown, raw: bool) -> Doc {
    let mut doc = Doc::new();
    let d = &forward.delivery;
    let Some(response) = &d.response else {
        return doc;
    };
    doc.push_line(Line::from(vec![
        Span::styled(status_text(response.status), theme::status(response.status)),
        Span::styled(
            format!(
                "  answered by {} in {}, passed on as is",
                sanitize(&d.destination),
                short_duration(d.duration)
            ),
            theme::dim(),
        ),
    ]));
    push_answer(&mut doc, forward, response, raw);
    doc
}

/// `3 deliveries, newest first`.
fn heading(all: &Deliveries) -> String {
    match all.total {
        1 => "1 delivery".to_owned(),
        n => format!("{n} deliveries, newest first"),
    }
}

/// `replay → URL`, then the facts, then the answer.
fn push_delivery(doc: &mut Doc, shown: &Shown, raw: bool) {
    let d = &shown.delivery;
    doc.push_line(Line::from(vec![
        Span::styled(d.kind.as_str(), kind_style(d.kind)),
        Span::raw(" → "),
        Span::styled(
            sanitize(&d.destination).into_owned(),
            ratatui::style::Style::new().bold(),
        ),
    ]));
    doc.push_line(fact("sent", crate::clock::precise(d.started_at)));
    doc.push_line(fact("took", short_duration(d.duration)));
    let answered = match d.status() {
        Some(s) => Span::styled(status_text(s), theme::status(s)),
        None => Span::styled("no answer", theme::error()),
    };
    doc.push_line(Line::from(vec![
        Span::styled(format!("{:<10}", "answered"), theme::dim()),
        answered,
    ]));
    if let Some(e) = &d.error {
        doc.push_line(Line::from(vec![
            Span::styled(format!("{:<10}", "error"), theme::dim()),
            Span::styled(sanitize(e).into_owned(), theme::error()),
        ]));
    }
    if let Some(response) = &d.response {
        push_answer(doc, shown, response, raw);
    }
}

/// A delivery's answer: headers, then the body rendered by type.
fn push_answer(doc: &mut Doc, shown: &Shown, response: &ResponseRecord, raw: bool) {
    doc.push_styled(header_lines(&response.headers));
    doc.push_line(Line::default());
    if shown.delivery.response_truncated {
        doc.push_note("only the start of this answer was kept");
    }
    doc.append(body_doc(&response.headers, &shown.body, raw));
}

/// Forwards in the key color, replays in magenta, as tags in the list.
fn kind_style(kind: DeliveryKind) -> ratatui::style::Style {
    match kind {
        DeliveryKind::Forward => theme::key(),
        DeliveryKind::Replay => theme::color_of(crate::render::color::Style::Magenta).bold(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::{Header, ResponseRecord, Timestamp};

    fn shown(kind: DeliveryKind, response: Option<ResponseRecord>) -> Shown {
        Shown::from(Delivery {
            id: 1,
            delivery: NewDelivery {
                request_id: 12,
                kind,
                destination: "http://app:3000/hook".into(),
                started_at: Timestamp(1_700_000_000_000_000),
                duration: Duration::from_millis(14),
                error: response.is_none().then(|| "connection refused".into()),
                response,
                response_truncated: false,
            },
        })
    }

    fn texts(doc: &Doc) -> Vec<String> {
        doc.lines(0, doc.len())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn the_answer_body_is_held_apart_once() {
        let answer = ResponseRecord {
            status: 200,
            headers: vec![Header::new("Content-Type", "text/plain")],
            body: b"fine".to_vec(),
        };
        let s = shown(DeliveryKind::Replay, Some(answer));
        assert_eq!(&s.body[..], b"fine");
        assert!(s.delivery.response.unwrap().body.is_empty());
    }

    #[test]
    fn deliveries_beyond_the_shown_ones_are_pointed_to_show() {
        let all = Deliveries {
            shown: vec![shown(DeliveryKind::Forward, None)],
            total: 25,
        };
        let lines = texts(&doc(&all, 12, false));
        assert_eq!(lines[0], "25 deliveries, newest first");
        assert!(lines.contains(&"forward → http://app:3000/hook".to_owned()));
        assert!(lines.contains(&"answered  no answer".to_owned()));
        assert!(lines.contains(&"error     connection refused".to_owned()));
        assert_eq!(
            lines.last().unwrap(),
            "… and 24 older: `hookcap show 12` lists them all"
        );
    }

    #[test]
    fn none_says_what_would_be_listed() {
        let lines = texts(&doc(&Deliveries::default(), 12, false));
        assert_eq!(lines[0], "No deliveries.");
    }
}
