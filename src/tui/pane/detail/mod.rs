//! The detail pane's state: one request in full, the tab shown and how far
//! it is scrolled. Each tab is a document of rows, built when the tab (or the
//! request) changes, never while drawing.

pub(crate) mod body;
pub mod compare;
pub mod deliveries;
mod doc;
pub mod draw;
mod overview;
mod rows;
pub mod search;
pub mod tab;
pub mod webhook;

use bytes::Bytes;
use ratatui::text::{Line, Span};

use crate::model::{
    CapturedRequest, DeliveryKind, PENDING_STATUS, RequestSummary, Session, SessionMode,
};
use crate::render::color::Style;
use crate::render::styled::header_lines;
use crate::sanitize::sanitize;
use crate::tui::pane::theme;
use body::body_doc;
use compare::Comparison;
use deliveries::Deliveries;
use doc::Doc;
use overview::overview;
use rows::{fact, status_text};
use search::Search;
pub use tab::Tab;
use webhook::Webhook;

/// What `v` found for a request: the verdict `hookcap verify` gives, with
/// its explanation, or that no known signature scheme was found.
#[derive(Debug, Clone)]
pub enum Verification {
    /// A scheme was checked (given, or detected from the headers).
    Checked(crate::sign::Checked),
    /// No known signature headers.
    NoScheme,
}

/// One request as the detail pane shows it.
///
/// The bodies are moved out of the request into shared buffers, which the tab
/// documents reference instead of copying (a 16 MiB body is held once).
#[derive(Debug)]
pub struct Detail {
    /// The request in full, except its bodies (empty here: see `body` and
    /// `response_body`).
    pub request: CapturedRequest,
    /// The request body as stored.
    pub body: Bytes,
    /// The response body as stored.
    pub response_body: Bytes,
    /// Its session, when known.
    pub session: Option<Session>,
    /// The request before it in the list (for the timing line).
    pub previous: Option<RequestSummary>,
    /// The tab shown.
    pub tab: Tab,
    /// Whether bodies are shown as raw bytes.
    pub raw: bool,
    /// Its forwards and replays (the newest of them).
    pub deliveries: Deliveries,
    /// What it is as a webhook, and the attempts of its delivery.
    pub webhook: Webhook,
    /// The signature check `v` ran on it, shown on the Overview.
    pub verification: Option<Verification>,
    /// The diff shown instead of the tab (`=`), with which request.
    pub comparison: Option<Comparison>,
    /// A search in the shown tab (`/` on the Body tab), its match highlighted.
    pub search: Option<Search>,
    /// The shown tab's rows.
    pub doc: Doc,
    /// The first row on screen.
    pub scroll: usize,
    /// Columns scrolled to the right.
    pub hscroll: usize,
}

impl Detail {
    /// The detail of `request`, showing `tab`.
    pub fn new(
        mut request: CapturedRequest,
        session: Option<Session>,
        previous: Option<RequestSummary>,
        tab: Tab,
        raw: bool,
    ) -> Self {
        let body = Bytes::from(std::mem::take(&mut request.request.body));
        let response_body = Bytes::from(std::mem::take(&mut request.request.response.body));
        let mut d = Self {
            request,
            body,
            response_body,
            session,
            previous,
            tab,
            raw,
            deliveries: Deliveries::default(),
            webhook: Webhook::default(),
            verification: None,
            comparison: None,
            search: None,
            doc: Doc::new(),
            scroll: 0,
            hscroll: 0,
        };
        d.rebuild();
        d
    }

    /// The request with its bodies, as stored (copies them: for exports).
    pub fn full_request(&self) -> CapturedRequest {
        let mut r = self.request.clone();
        r.request.body = self.body.to_vec();
        r.request.response.body = self.response_body.to_vec();
        r
    }

    /// The same detail with its deliveries.
    pub fn with_deliveries(mut self, deliveries: Deliveries) -> Self {
        self.set_deliveries(deliveries);
        self
    }

    /// Replaces the deliveries (one was recorded); the Deliveries tab, when
    /// shown, is built again from its top, where the newest is.
    pub fn set_deliveries(&mut self, deliveries: Deliveries) {
        self.deliveries = deliveries;
        if self.tab == Tab::Deliveries {
            self.rebuild();
        }
    }

    /// The same detail with its webhook facts.
    pub fn with_webhook(mut self, webhook: Webhook) -> Self {
        self.set_webhook(webhook);
        self
    }

    /// Replaces the webhook facts (attempts arrived, were answered or
    /// deleted); the Overview and Response tabs, when shown, are built again
    /// where they were scrolled to.
    pub fn set_webhook(&mut self, webhook: Webhook) {
        if webhook == self.webhook {
            return;
        }
        self.webhook = webhook;
        if matches!(self.tab, Tab::Overview | Tab::Response) {
            let (scroll, hscroll) = (self.scroll, self.hscroll);
            self.rebuild();
            self.hscroll = hscroll;
            self.scroll = scroll.min(self.doc.len().saturating_sub(1));
        }
    }

    /// Shows what `v` found, on the Overview (shown now).
    pub fn set_verification(&mut self, verification: Verification) {
        self.verification = Some(verification);
        self.set_tab(Tab::Overview);
    }

    /// Shows `tab` from its top (closing a diff).
    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.comparison = None;
        self.rebuild();
    }

    /// Switches bodies between formatted and raw bytes (closing a diff).
    pub fn set_raw(&mut self, raw: bool) {
        self.raw = raw;
        self.comparison = None;
        self.rebuild();
    }

    /// Shows `diff`, what differs between the requests of `comparison`
    /// (named by `labels`, A then B), in place of the tab, from its top.
    pub fn show_comparison(
        &mut self,
        comparison: Comparison,
        labels: (&str, &str),
        diff: &crate::diff::RequestDiff,
    ) {
        self.comparison = Some(comparison);
        self.doc = compare::diff_doc(labels.0, labels.1, diff);
        self.scroll = 0;
        self.hscroll = 0;
        self.search = None;
    }

    /// Closes the diff: the tab is shown again, from its top.
    pub fn close_comparison(&mut self) {
        if self.comparison.take().is_some() {
            self.rebuild();
        }
    }

    /// Searches the shown tab for `needle` from the row on top, and shows
    /// the first match there or after it (a third of the way down a pane
    /// `height` rows tall).
    pub fn search(&mut self, needle: &str, height: usize) {
        self.search = Some(Search::run(&self.doc, needle, self.scroll));
        self.show_match(height);
    }

    /// `n`/`N`: the next or previous match, shown; false without a search.
    pub fn step_search(&mut self, forward: bool, height: usize) -> bool {
        let Some(s) = self.search.as_mut() else {
            return false;
        };
        s.step(forward);
        self.show_match(height);
        true
    }

    fn show_match(&mut self, height: usize) {
        if let Some(row) = self.search.as_ref().and_then(Search::row) {
            self.scroll = row.saturating_sub(height / 3);
            self.scroll_by(0, height);
            self.hscroll = 0;
        }
    }

    /// Scrolls by `delta` rows within a pane `height` rows tall.
    pub fn scroll_by(&mut self, delta: isize, height: usize) {
        let max = self.doc.len().saturating_sub(height.max(1));
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    /// Scrolls sideways by `delta` columns.
    pub fn hscroll_by(&mut self, delta: isize) {
        self.hscroll = self.hscroll.saturating_add_signed(delta);
    }

    /// For a request `hookcap forward` passed on, the delivery that holds the
    /// app's answer: the request row keeps only its status, while hookcap's
    /// own answers (502, 504, refusals) are kept on the request itself.
    fn passed_on_answer(&self) -> Option<&deliveries::Shown> {
        let forward = self.session.as_ref()?.mode == SessionMode::Forward;
        let res = &self.request.response;
        if !forward || !res.headers.is_empty() || !self.response_body.is_empty() {
            return None;
        }
        self.deliveries
            .shown
            .iter()
            .find(|d| d.delivery.kind == DeliveryKind::Forward && d.delivery.response.is_some())
    }

    /// Builds the shown tab's document again, unless a diff is shown.
    fn rebuild(&mut self) {
        if self.comparison.is_some() {
            return;
        }
        let r = &self.request;
        self.doc = match self.tab {
            Tab::Overview => overview(
                r,
                self.body.len(),
                (self.session.as_ref(), self.previous.as_ref()),
                &self.webhook,
                self.verification.as_ref(),
            ),
            Tab::Headers => headers(r),
            Tab::Body => body_doc(&r.headers, &self.body, self.raw),
            Tab::Response => match self.passed_on_answer() {
                Some(forward) => deliveries::passed_on(forward, self.raw),
                None => response(
                    r,
                    &self.response_body,
                    self.session.as_ref(),
                    &self.webhook,
                    self.raw,
                ),
            },
            Tab::Deliveries => deliveries::doc(&self.deliveries, r.id, self.raw),
        };
        self.scroll = 0;
        self.hscroll = 0;
        self.search = None;
    }
}

fn headers(r: &CapturedRequest) -> Doc {
    let mut doc = Doc::new();
    if r.headers.is_empty() {
        doc.push_note("(no headers)");
    }
    doc.push_styled(header_lines(&r.headers));
    doc
}

/// What the caller was answered: the status and by whom (with the rule
/// that answered, for `listen --respond`), the headers and the body.
fn response(
    r: &CapturedRequest,
    body: &Bytes,
    session: Option<&Session>,
    webhook: &Webhook,
    raw: bool,
) -> Doc {
    let res = &r.response;
    let rule = webhook.answer();
    let by = match session {
        Some(s) if s.mode == SessionMode::Forward => {
            let target = s.target.as_deref().unwrap_or("the upstream");
            format!("answered by {}", sanitize(target))
        }
        _ if rule.is_some() => "answered by a rule (listen --respond)".to_owned(),
        _ => "answered by hookcap".to_owned(),
    };
    let status = match rule.and_then(webhook::no_answer) {
        Some(fault) if res.status == PENDING_STATUS => Span::styled(
            format!("no answer ({fault})"),
            theme::color_of(Style::Yellow),
        ),
        _ => Span::styled(status_text(res.status), theme::status(res.status)),
    };
    let mut doc = Doc::new();
    doc.push_line(Line::from(vec![
        status,
        Span::styled(format!("  {by}"), theme::dim()),
    ]));
    if let Some(a) = rule {
        doc.push_line(fact("rule", webhook::rule_text(a)));
    }
    doc.push_styled(header_lines(&res.headers));
    doc.push_line(Line::default());
    doc.append(body_doc(&res.headers, body, raw));
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, NewRequest, Timestamp};
    use crate::store::testing::request;

    fn captured() -> CapturedRequest {
        CapturedRequest {
            id: 12,
            request: NewRequest {
                received_at: Timestamp(1_700_000_001_250_000),
                headers: vec![Header::new("Content-Type", "text/plain")],
                ..request(3, "POST", "/hook", b"hi")
            },
        }
    }

    fn texts(d: &Detail) -> Vec<String> {
        d.doc
            .lines(0, d.doc.len())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn the_overview_has_timing_against_the_previous_request() {
        let mut prev = crate::tui::pane::testing::summary(11);
        prev.received_at = Timestamp(1_700_000_000_000_000);
        let d = Detail::new(captured(), None, Some(prev), Tab::Overview, false);
        let lines = texts(&d);
        assert_eq!(lines[0], "POST /hook HTTP/1.1");
        assert!(
            lines.contains(&"timing    1.250 s after #11".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"answered  200 OK".to_owned()));
    }

    #[test]
    fn the_bodies_are_held_once_and_given_back_whole() {
        let mut r = captured();
        r.request.response.body = b"ok".to_vec();
        let d = Detail::new(r.clone(), None, None, Tab::Body, false);
        assert!(d.request.body.is_empty() && d.request.response.body.is_empty());
        assert_eq!(
            (&d.body[..], &d.response_body[..]),
            (&b"hi"[..], &b"ok"[..])
        );
        assert_eq!(d.full_request(), r);
    }

    #[test]
    fn scrolling_stays_within_the_document() {
        let mut r = captured();
        r.request.body = b"1\n2\n3\n4\n5\n".to_vec();
        let mut d = Detail::new(r, None, None, Tab::Body, false);
        d.scroll_by(100, 2);
        assert_eq!(d.scroll, d.doc.len() - 2);
        d.scroll_by(-100, 2);
        assert_eq!(d.scroll, 0);
    }
}
