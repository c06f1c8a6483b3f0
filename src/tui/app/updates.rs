//! What happens outside: the stop signal, the count of the list, new
//! requests and deliveries, finished replays, searches still running, and
//! messages that expire. [`App::tick`] brings it in.

use std::time::Instant;

use super::state::{App, Result};
use crate::model::Timestamp;
use crate::tui::pane::list::window::MAX_ROWS;

impl App {
    /// Brings in what happened outside: the stop signal, new requests and
    /// deliveries, finished replays, pages still being searched, the selected
    /// request's detail, expired messages.
    /// Returns true when the screen needs drawing again.
    pub fn tick(&mut self, now: Instant) -> bool {
        if self.stop.as_ref().is_some_and(|s| *s.borrow()) {
            self.quit = true;
            return true;
        }
        let changed = match self.update(now) {
            Ok(changed) => changed,
            Err(e) => {
                self.status.say_error(format!("database error: {e}"));
                true
            }
        };
        let expired = self.status.expire(now);
        if expired {
            // A slow replay's "replaying…" must not vanish as if it were done.
            match self.replays_in_flight() {
                0 => {}
                1 => self.status.say("1 replay still running"),
                n => self.status.say(format!("{n} replays still running")),
            }
        }
        let relayed = self
            .relay
            .as_mut()
            .is_some_and(|r| r.has_changed().unwrap_or(false) && !r.borrow_and_update().is_empty());
        changed | expired | relayed | self.live.rate.advance(Timestamp::now().unix_seconds())
    }

    fn update(&mut self, now: Instant) -> Result<bool> {
        let counted = self.live.take_count();
        let heard = self.live.news(self.requests.store(), now)?;
        let arrived = match heard {
            Some(h) => self.check_arrivals(h.last_id)?,
            None => false,
        };
        let delivered = match heard {
            Some(h) if self.live.note_deliveries(h.deliveries) => self.refresh_rows(None)?,
            _ => false,
        };
        let replayed = self.collect_replays()?;
        let height = self.view.list_height();
        let filled = self.requests.fill(height)?;
        let facts = self.requests.sync_facts(height)?;
        let loaded = self.sync_detail()?;
        Ok(counted | arrived | delivered | replayed | filled | facts | loaded)
    }

    /// Appends requests up to `newest` when the list is at the newest,
    /// otherwise counts them as unseen.
    fn check_arrivals(&mut self, newest: i64) -> Result<bool> {
        let Some(n) = self.live.count_arrivals(self.requests.store(), newest)? else {
            return Ok(false);
        };
        let height = self.view.list_height();
        if self.view.following() && n as usize > MAX_ROWS / 2 {
            self.requests.load_newest(height)?;
        } else if self.requests.list.at_live_end() {
            let follow = self.view.following();
            let after = self.live.newest_id;
            self.requests.append_arrivals(after, height, follow)?;
        } else {
            self.live.unseen += n;
        }
        // Some may be further attempts of deliveries on screen.
        self.requests.attempts_changed()?;
        self.live.arrived_up_to(self.requests.store(), newest)?;
        Ok(true)
    }
}
