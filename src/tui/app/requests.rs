//! The requests as read from the store: pages that match the `/` filter,
//! the window of list rows and their webhook facts, the selected request in
//! full, and the sessions met so far.

use std::collections::HashMap;

use crate::filter::Filter;
use crate::model::Session;
use crate::store::{Store, StoreError};
use crate::tui::data::facts::Facts;
use crate::tui::data::source::RequestSource;
use crate::tui::pane::detail::deliveries::Deliveries;
use crate::tui::pane::detail::webhook::Webhook;
use crate::tui::pane::detail::{Detail, Tab};
use crate::tui::pane::list::window::ListWindow;

type Result<T> = std::result::Result<T, StoreError>;

/// The data cache: what the list and the detail pane show, and where it
/// comes from.
pub struct Requests {
    source: RequestSource,
    /// The request list.
    pub list: ListWindow,
    /// The webhook facts of the list's rows on screen (and around them).
    pub facts: Facts,
    /// The selected request in full.
    pub detail: Option<Detail>,
    sessions: HashMap<i64, Option<Session>>,
}

impl Requests {
    /// Nothing read yet from `store`, unfiltered.
    pub fn new(store: Store) -> Self {
        Self {
            source: RequestSource::new(store),
            list: ListWindow::default(),
            facts: Facts::default(),
            detail: None,
            sessions: HashMap::new(),
        }
    }

    /// The store being read.
    pub fn store(&self) -> &Store {
        self.source.store()
    }

    /// True when a `/` filter is in force.
    pub fn filtered(&self) -> bool {
        !self.source.filter().is_empty()
    }

    /// The `/` filter in force.
    pub fn filter(&self) -> &Filter {
        self.source.filter()
    }

    /// Puts `filter` in force; true when the list must be read again (the
    /// filter changed, or the list is empty).
    pub fn set_filter(&mut self, filter: Filter) -> bool {
        if &filter == self.source.filter() && !self.list.rows().is_empty() {
            return false;
        }
        self.source.set_filter(filter);
        self.facts.window_replaced();
        true
    }

    /// Moves the list's selection by `delta` rows, reading pages as needed.
    pub fn move_by(&mut self, delta: isize, height: usize) -> Result<()> {
        self.list.move_by(&mut self.source, delta, height)
    }

    /// Reads the oldest page into the list, its oldest row selected.
    pub fn load_oldest(&mut self, height: usize) -> Result<()> {
        self.facts.window_replaced();
        self.list.load_oldest(&mut self.source, height)
    }

    /// Reads the newest page into the list, its newest row selected.
    pub fn load_newest(&mut self, height: usize) -> Result<()> {
        self.facts.window_replaced();
        self.list.load_newest(&mut self.source, height)
    }

    /// Reads the webhook facts of the rows on a screen `height` rows tall
    /// when some have none yet, with half a screen around them; true when
    /// it read any.
    pub fn sync_facts(&mut self, height: usize) -> Result<bool> {
        let start = self.list.offset();
        let rows = self.list.rows();
        let store = self.source.store();
        self.facts
            .load_around(store, rows, start..start + height, height / 2)
    }

    /// Appends the requests newer than `after` when the list is at the live
    /// end ([`ListWindow::append_arrivals`]).
    pub fn append_arrivals(&mut self, after: i64, height: usize, follow: bool) -> Result<usize> {
        self.list
            .append_arrivals(&mut self.source, after, height, follow)
    }

    /// Continues a search that stopped early; true when it read anything.
    pub fn fill(&mut self, height: usize) -> Result<bool> {
        self.list.fill(&mut self.source, height)
    }

    /// The selected request's detail, when it is loaded and current.
    pub fn current_detail(&self) -> Option<&Detail> {
        let selected = self.list.selected()?.id;
        self.detail.as_ref().filter(|d| d.request.id == selected)
    }

    /// Loads the selected request in full, showing `tab`, when the selection
    /// changed; true when it did.
    pub fn sync_detail(&mut self, tab: Tab, raw: bool) -> Result<bool> {
        let want = self.list.selected().map(|r| r.id);
        if want == self.detail.as_ref().map(|d| d.request.id) {
            return Ok(false);
        }
        // Drop the old request first: with big bodies, two in memory at once
        // (plus SQLite's copy while reading) is what sets the peak.
        self.detail = None;
        self.detail = match want {
            Some(id) => self.load_detail(id, tab, raw)?,
            None => None,
        };
        Ok(true)
    }

    /// Attempts of deliveries were stored or deleted: their numbers and
    /// duplicate marks are read again, in the list and, when the selected
    /// request's own place in its delivery changed, on its Overview (so
    /// requests of other deliveries cost one look).
    pub fn attempts_changed(&mut self) -> Result<()> {
        self.facts.forget_attempts();
        let Some(id) = self.selected_attempt() else {
            return Ok(());
        };
        let facts = self.store().hook_facts(&[id])?.remove(&id);
        if self
            .detail
            .as_ref()
            .is_some_and(|d| d.webhook.facts == facts)
        {
            return Ok(());
        }
        self.reload_webhook(id)
    }

    /// Attempts were answered (a forward's answer came): the list's attempts
    /// and the selected request's attempts, answers included, are read again.
    pub fn attempts_answered(&mut self) -> Result<()> {
        self.facts.forget_attempts();
        match self.selected_attempt() {
            Some(id) => self.reload_webhook(id),
            None => Ok(()),
        }
    }

    /// The selected request's id, when its detail shows an attempt of a
    /// delivery.
    fn selected_attempt(&self) -> Option<i64> {
        let d = self.detail.as_ref()?;
        let identity = d.webhook.facts.as_ref()?.identity.as_ref()?;
        identity.delivery.as_ref().map(|_| d.request.id)
    }

    fn reload_webhook(&mut self, id: i64) -> Result<()> {
        let webhook = Webhook::load(self.store(), id)?;
        if let Some(d) = self.detail.as_mut() {
            d.set_webhook(webhook);
        }
        Ok(())
    }

    fn load_detail(&mut self, id: i64, tab: Tab, raw: bool) -> Result<Option<Detail>> {
        let Some(request) = self.store().get(id)? else {
            return Ok(None);
        };
        let session = self.session(request.session_id)?;
        let previous = self.list.before(self.list.selected_index()).cloned();
        let deliveries = Deliveries::load(self.store(), id)?;
        let webhook = Webhook::load(self.store(), id)?;
        let detail = Detail::new(request, session, previous, tab, raw);
        Ok(Some(
            detail.with_deliveries(deliveries).with_webhook(webhook),
        ))
    }

    fn session(&mut self, id: i64) -> Result<Option<Session>> {
        if let Some(s) = self.sessions.get(&id) {
            return Ok(s.clone());
        }
        let s = self.store().session(id)?;
        self.sessions.insert(id, s.clone());
        Ok(s)
    }

    /// Reads the rows on a screen `height` rows tall again after a delivery
    /// was recorded (a forward answered, a replay), and the selected
    /// request's deliveries when its row changed or it is `replayed`; its
    /// whole detail when its status changed (a forward that was pending).
    /// True when anything changed.
    pub fn refresh_rows(&mut self, height: usize, replayed: Option<i64>) -> Result<bool> {
        // An answer may make a later attempt of its delivery a duplicate.
        self.attempts_answered()?;
        let ids: Vec<i64> = self.list.visible(height).iter().map(|r| r.id).collect();
        if ids.is_empty() {
            return Ok(false);
        }
        let status_before = self.list.selected().map(|r| r.status);
        let fresh = self.store().summaries_of(&ids)?;
        let changed = self.list.refresh(fresh);
        let Some((id, status)) = self.list.selected().map(|r| (r.id, r.status)) else {
            return Ok(!changed.is_empty());
        };
        if status_before != Some(status) {
            // Read again in full by the next sync.
            self.detail = None;
        } else if changed.contains(&id) || replayed == Some(id) {
            let deliveries = Deliveries::load(self.store(), id)?;
            if let Some(d) = self.detail.as_mut().filter(|d| d.request.id == id) {
                d.set_deliveries(deliveries);
            }
        }
        Ok(!changed.is_empty() || replayed == Some(id))
    }
}
