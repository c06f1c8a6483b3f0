//! The Overview tab: the request at a glance.

use ratatui::text::{Line, Span};

use super::Verification;
use super::body::size;
use super::doc::Doc;
use super::rows::{fact, status_text};
use super::webhook::{Webhook, no_answer, push_webhook};
use crate::model::{CapturedRequest, HeaderList, Outcome, PENDING_STATUS, RequestSummary, Session};
use crate::render::color::Style;
use crate::render::summary::signature_tag;
use crate::sanitize::sanitize;
use crate::sign::DEFAULT_TOLERANCE;
use crate::tui::pane::theme;

/// The Overview tab: request line, when, from where, session, body, answer,
/// header count, the live checks, what it is as a webhook (with the attempts
/// of its delivery), and the check `v` ran, if any.
pub fn overview(
    r: &CapturedRequest,
    body_len: usize,
    (session, previous): (Option<&Session>, Option<&RequestSummary>),
    webhook: &Webhook,
    verification: Option<&Verification>,
) -> Doc {
    let mut doc = Doc::new();
    doc.push_line(request_line(r));
    doc.push_line(Line::default());
    doc.push_line(fact("received", crate::clock::precise(r.received_at)));
    if let Some(p) = previous {
        doc.push_line(fact("timing", gap(r, p)));
    }
    doc.push_line(fact("from", sanitize(&r.remote_addr).into_owned()));
    doc.push_line(fact("session", session_text(r.session_id, session)));
    doc.push_line(fact("body", body_fact(r, body_len)));
    let fault = webhook.answer().and_then(no_answer);
    let answered = if let (PENDING_STATUS, Some(fault)) = (r.response.status, fault) {
        Span::styled(
            format!("no answer ({fault})"),
            theme::color_of(Style::Yellow),
        )
    } else if r.response.status == PENDING_STATUS {
        Span::styled("pending (passed on, no answer recorded yet)", theme::dim())
    } else {
        Span::styled(
            status_text(r.response.status),
            theme::status(r.response.status),
        )
    };
    doc.push_line(Line::from(vec![
        Span::styled(format!("{:<10}", "answered"), theme::dim()),
        answered,
    ]));
    doc.push_line(fact("headers", r.headers.len().to_string()));
    push_checks(&mut doc, r);
    push_webhook(&mut doc, webhook, r.id);
    if let Some(v) = verification {
        push_verification(&mut doc, v);
    }
    doc
}

/// What `v` found, as `hookcap verify` prints it: the verdict, then the
/// explanation (header, what was signed, expected and received, skew, hints).
fn push_verification(doc: &mut Doc, v: &Verification) {
    doc.push_line(Line::default());
    let label = Span::styled(format!("{:<10}", "verify"), theme::dim());
    let Verification::Checked(c) = v else {
        doc.push_line(Line::from(vec![
            label,
            Span::styled("unsigned", theme::color_of(Style::Yellow)),
            Span::raw(": no known signature headers found"),
        ]));
        return;
    };
    let verdict = &c.verdict;
    let (word, style) = match verdict.outcome {
        Outcome::Valid => ("valid", Style::Green),
        Outcome::Invalid => ("INVALID", Style::Red),
        Outcome::Unsigned => ("unsigned", Style::Yellow),
    };
    let how = if c.detected { " (detected)" } else { "" };
    doc.push_line(Line::from(vec![
        label,
        Span::styled(word, theme::color_of(style)),
        Span::raw(format!(
            ": {} — provider {}{how}",
            sanitize(&verdict.reason),
            verdict.provider.name()
        )),
    ]));
    for (what, value) in verdict.explanation(DEFAULT_TOLERANCE) {
        doc.push_line(fact(what, sanitize(&value).into_owned()));
    }
}

/// The live checks (`listen --verify`, `--require-token`, `--allow-ip`): the
/// signature verdict and why the request was rejected, colored as in the list.
fn push_checks(doc: &mut Doc, r: &CapturedRequest) {
    if let Some(check) = &r.signature {
        let (text, style) = signature_tag(check);
        doc.push_line(Line::from(vec![
            Span::styled(format!("{:<10}", "signature"), theme::dim()),
            Span::styled(text, theme::color_of(style)),
        ]));
    }
    if let Some(why) = &r.rejected {
        doc.push_line(Line::from(vec![
            Span::styled(format!("{:<10}", "rejected"), theme::dim()),
            Span::styled(sanitize(why).into_owned(), theme::error()),
        ]));
    }
}

/// `POST /target HTTP/1.1`, the method in its color.
fn request_line(r: &CapturedRequest) -> Line<'static> {
    Line::from(vec![
        Span::styled(sanitize(&r.method).into_owned(), theme::method(&r.method)),
        Span::raw(" "),
        Span::styled(
            sanitize(&r.target).into_owned(),
            ratatui::style::Style::new().bold(),
        ),
        Span::raw(" "),
        Span::styled(sanitize(&r.http_version).into_owned(), theme::dim()),
    ])
}

/// `1.250 s after #11`.
fn gap(r: &CapturedRequest, previous: &RequestSummary) -> String {
    let us = r
        .received_at
        .0
        .saturating_sub(previous.received_at.0)
        .max(0);
    format!(
        "{}.{:03} s after #{}",
        us / 1_000_000,
        us % 1_000_000 / 1000,
        previous.id
    )
}

fn session_text(id: i64, session: Option<&Session>) -> String {
    match session {
        Some(s) => format!("#{id} · {} · {}", s.mode.as_str(), sanitize(&s.url)),
        None => format!("#{id}"),
    }
}

fn body_fact(r: &CapturedRequest, body_len: usize) -> String {
    let mut text = size(body_len);
    if let Some(ct) = r.headers.get_str("content-type") {
        text.push_str(&format!(" · {}", sanitize(&ct)));
    }
    if r.truncated {
        text.push_str(" · truncated: only the start was kept");
    }
    text
}
