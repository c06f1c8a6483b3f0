//! The inspector's state and everything that changes it.
//!
//! Input becomes an [`Action`] ([`keys`]); [`App::execute_action`] is
//! the one place actions change state; [`App::tick`] brings in what happened
//! outside (new requests and deliveries, finished replays, the stop signal,
//! pages still being searched).
//! Drawing ([`super::render`]) only reads an `App`. Side effects on the
//! terminal itself (the clipboard) are returned as [`Effect`]s for the event
//! loop to perform, so all of this runs in tests without a terminal.

use std::time::Instant;

use ratatui::crossterm::event::Event;
use ratatui::layout::{Position, Size};
use tokio::sync::watch;

pub mod action;
pub mod keys;
pub mod live;
pub mod requests;
pub mod status;
pub mod view;

pub use action::{Action, Focus, Overlay};

use super::data::replays::{Recorder, Replays};
use super::data::source::LiveFeed;
use super::pane::detail::Tab;
use super::pane::detail::body::size;
use super::pane::list::window::MAX_ROWS;
use super::pane::top_bar::Origin;
use super::term::clipboard::MAX_CLIPBOARD_BYTES;
use super::term::effect::Effect;
use crate::export::{Base, curl};
use crate::filter::Filter;
use crate::model::Timestamp;
use crate::render::body::decode_content_encoding;
use crate::store::{Store, StoreError};
use live::Live;
use requests::Requests;
use status::Status;
use view::View;

/// Rows the mouse wheel scrolls per notch.
const WHEEL_ROWS: isize = 3;
/// Columns `h`/`l` scroll sideways.
const SIDEWAYS_COLUMNS: isize = 8;

/// How an [`App`] starts.
pub struct AppOptions {
    /// Keep the newest request selected as requests arrive.
    pub follow: bool,
    /// An initial `/` filter.
    pub filter: Option<String>,
    /// How new requests are noticed.
    pub live: LiveFeed,
    /// Turns true when the inspector should close (the listener stopped).
    pub stop: Option<watch::Receiver<bool>>,
    /// The terminal size.
    pub size: Size,
    /// Where `r` records its replays.
    pub recorder: Recorder,
}

/// The whole state of the inspector.
pub struct App {
    /// What is being inspected.
    pub origin: Origin,
    /// How it is shown: focus, overlay, prompts, follow, tab, size.
    pub view: View,
    /// The requests read: the list's rows and the selected one in full.
    pub requests: Requests,
    /// Counts, ids and the arrival rate, kept current by the live feed.
    pub live: Live,
    replays: Replays,
    stop: Option<watch::Receiver<bool>>,
    /// The status line's message and the log lines seen.
    pub status: Status,
    effects: Vec<Effect>,
    quit: bool,
}

type Result<T> = std::result::Result<T, StoreError>;

impl App {
    /// Loads the newest page and the selected request.
    pub fn new(origin: Origin, store: Store, opts: AppOptions) -> Result<Self> {
        let live = Live::new(&store, opts.live)?;
        let mut app = Self {
            origin,
            view: View::new(opts.follow, opts.size, opts.filter.unwrap_or_default()),
            requests: Requests::new(store),
            live,
            replays: Replays::new(opts.recorder),
            stop: opts.stop,
            status: Status::default(),
            effects: Vec::new(),
            quit: false,
        };
        app.apply_filter()?;
        app.sync_detail()?;
        Ok(app)
    }

    /// True once the user (or the stop signal) asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The side effects asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// True while a search is still looking for rows to fill the screen.
    pub fn searching(&self) -> bool {
        self.requests.list.wants_more(self.view.list_height())
    }

    /// Handles one terminal event.
    pub fn handle_event(&mut self, event: Event) {
        let action = match event {
            Event::Key(key) => keys::action_for(key, self.view.key_context()),
            Event::Mouse(mouse) => keys::mouse_action(mouse),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        };
        if let Some(action) = action {
            self.execute_action(action);
        }
    }

    /// Applies `action`. Store errors become a status-line message, never a crash.
    pub fn execute_action(&mut self, action: Action) {
        if let Err(e) = self.dispatch(action) {
            self.status.say_error(format!("database error: {e}"));
        }
    }

    fn dispatch(&mut self, action: Action) -> Result<()> {
        match action {
            Action::Quit => self.quit = true,
            Action::Up(_)
            | Action::Down(_)
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Left
            | Action::Right => self.navigate(action)?,
            Action::NextRequest => self.move_list(1)?,
            Action::PrevRequest => self.move_list(-1)?,
            Action::ToggleFocus => self.toggle_focus()?,
            Action::Back => self.back()?,
            Action::NextTab => self.show_tab(self.view.tab.cycle(1)),
            Action::PrevTab => self.show_tab(self.view.tab.cycle(-1)),
            Action::ShowTab(tab) => self.show_tab(tab),
            Action::ToggleRaw => self.toggle_raw(),
            Action::ToggleFollow => self.toggle_follow()?,
            Action::OpenFilter
            | Action::FilterChar(_)
            | Action::FilterBackspace
            | Action::FilterClearInput
            | Action::FilterAccept
            | Action::FilterClear => self.edit_prompt(action)?,
            Action::CopyCurl => self.copy_curl()?,
            Action::CopyBody => self.copy_body()?,
            Action::AskDelete => self.ask_delete(),
            Action::ConfirmDelete => self.delete()?,
            Action::CloseOverlay => self.view.overlay = Overlay::None,
            Action::Replay => self.replay()?,
            Action::AskReplayTo => self.ask_replay_to()?,
            Action::ToggleHelp => self.view.toggle_help(),
            Action::Wheel { down, column, row } => self.wheel(down, Position::new(column, row))?,
            Action::Click { column, row } => self.click(Position::new(column, row)),
            Action::Resize(w, h) => self.resize(Size::new(w, h)),
        }
        Ok(())
    }

    /// Movement keys: the list's selection or the detail's scroll, by focus.
    fn navigate(&mut self, action: Action) -> Result<()> {
        if self.view.focus == Focus::Detail && self.requests.detail.is_some() {
            self.scroll_detail(action);
            return Ok(());
        }
        let page = self.view.list_height() as isize;
        match action {
            Action::Up(n) => self.move_list(-(n as isize)),
            Action::Down(n) => self.move_list(n as isize),
            Action::PageUp => self.move_list(-page),
            Action::PageDown => self.move_list(page),
            Action::Top => self.first(),
            Action::Bottom => self.last(),
            _ => Ok(()),
        }
    }

    fn scroll_detail(&mut self, action: Action) {
        let height = self.view.detail_height();
        let Some(d) = self.requests.detail.as_mut() else {
            return;
        };
        match action {
            Action::Up(n) => d.scroll_by(-(n as isize), height),
            Action::Down(n) => d.scroll_by(n as isize, height),
            Action::PageUp => d.scroll_by(-(height as isize), height),
            Action::PageDown => d.scroll_by(height as isize, height),
            Action::Top => d.scroll = 0,
            Action::Bottom => d.scroll_by(isize::MAX, height),
            Action::Left => d.hscroll_by(-SIDEWAYS_COLUMNS),
            Action::Right => d.hscroll_by(SIDEWAYS_COLUMNS),
            _ => {}
        }
    }

    /// Moves the selection; moving up pauses follow, reaching the newest resumes it.
    fn move_list(&mut self, delta: isize) -> Result<()> {
        let height = self.view.list_height();
        self.requests.move_by(delta, height)?;
        if delta < 0 {
            self.view.paused = true;
        } else if self.requests.list.on_newest() {
            self.view.paused = false;
            self.live.unseen = 0;
        }
        Ok(())
    }

    fn first(&mut self) -> Result<()> {
        let height = self.view.list_height();
        self.requests.load_oldest(height)?;
        self.view.paused = true;
        Ok(())
    }

    fn last(&mut self) -> Result<()> {
        let height = self.view.list_height();
        self.requests.load_newest(height)?;
        self.view.paused = false;
        self.live.unseen = 0;
        Ok(())
    }

    fn toggle_focus(&mut self) -> Result<()> {
        self.sync_detail()?;
        self.view.focus = match self.view.focus {
            Focus::List if self.requests.detail.is_some() => Focus::Detail,
            _ => Focus::List,
        };
        Ok(())
    }

    fn back(&mut self) -> Result<()> {
        if self.view.focus == Focus::Detail {
            self.view.focus = Focus::List;
        } else if self.view.filter_bar_shown() {
            self.edit_filter(Action::FilterClear)?;
        }
        Ok(())
    }

    fn show_tab(&mut self, tab: Tab) {
        self.view.tab = tab;
        if let Some(d) = self.requests.detail.as_mut() {
            d.set_tab(tab);
        }
    }

    fn toggle_raw(&mut self) {
        self.view.raw = !self.view.raw;
        if let Some(d) = self.requests.detail.as_mut() {
            d.set_raw(self.view.raw);
        }
        if !matches!(self.view.tab, Tab::Body | Tab::Response | Tab::Deliveries) {
            self.show_tab(Tab::Body);
        }
    }

    fn toggle_follow(&mut self) -> Result<()> {
        self.view.follow = !self.view.follow;
        self.view.paused = false;
        if self.view.follow {
            self.last()?;
            self.status
                .say("follow on: the newest request stays selected");
        } else {
            self.status.say("follow off");
        }
        Ok(())
    }

    /// The prompt line's keys go to the `R` prompt while it is open, else
    /// to the `/` filter.
    fn edit_prompt(&mut self, action: Action) -> Result<()> {
        match self.view.replay_to {
            Some(_) => self.edit_replay_to(action),
            None => self.edit_filter(action),
        }
    }

    fn edit_filter(&mut self, action: Action) -> Result<()> {
        match action {
            Action::OpenFilter => self.view.filter.editing = true,
            Action::FilterChar(c) => self.view.filter.input.push(c),
            Action::FilterBackspace => {
                self.view.filter.input.pop();
            }
            Action::FilterClearInput => self.view.filter.input.clear(),
            Action::FilterAccept => self.view.filter.editing = false,
            Action::FilterClear => {
                self.view.filter.input.clear();
                self.view.filter.editing = false;
            }
            _ => {}
        }
        self.apply_filter()?;
        // The filter line may have appeared or gone, changing the list's height.
        self.resize(self.view.size);
        Ok(())
    }

    /// Re-reads the list when the typed filter parses to something new.
    fn apply_filter(&mut self) -> Result<()> {
        let parsed = match Filter::parse_line(&self.view.filter.input, Timestamp::now()) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.view.filter.error = Some(e);
                return Ok(());
            }
        };
        self.view.filter.error = None;
        match self.requests.set_filter(parsed) {
            true => self.last(),
            false => Ok(()),
        }
    }

    fn copy_curl(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        if d.body.len() > MAX_CLIPBOARD_BYTES {
            let id = d.request.id;
            self.status.say_error(format!(
                "a curl command for #{id} is too big for the terminal clipboard ({} at most): \
                 use `hookcap export id:{id} --format curl`",
                size(MAX_CLIPBOARD_BYTES)
            ));
            return Ok(());
        }
        // Sent again to where it was captured, else to its own Host header.
        let base = Base::from_arg(d.session.as_ref().map(|s| s.url.as_str()));
        let cmd = curl::command(&d.full_request(), &base.for_request(&d.request));
        let note = match d.request.truncated {
            true => " (its body was truncated at capture)",
            false => "",
        };
        let what = format!("curl command for #{}{note}", d.request.id);
        self.copy(cmd.into_bytes(), what);
        Ok(())
    }

    fn copy_body(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        let body = match decode_content_encoding(&d.request.headers, &d.body) {
            Ok(decoded) => decoded.into_owned(),
            Err(_) => d.body.to_vec(),
        };
        let what = format!("body of #{} ({})", d.request.id, size(body.len()));
        self.copy(body, what);
        Ok(())
    }

    fn copy(&mut self, bytes: Vec<u8>, what: String) {
        if bytes.len() > MAX_CLIPBOARD_BYTES {
            return self.status.say_error(format!(
                "{what} is too big for the terminal clipboard ({} at most): use `hookcap show`",
                size(MAX_CLIPBOARD_BYTES)
            ));
        }
        self.effects.push(Effect::Clipboard(bytes));
        self.status
            .say(format!("copied the {what} to the clipboard"));
    }

    fn ask_delete(&mut self) {
        if let Some(row) = self.requests.list.selected() {
            self.view.overlay = Overlay::ConfirmDelete(row.id);
        }
    }

    fn delete(&mut self) -> Result<()> {
        let Overlay::ConfirmDelete(id) = self.view.overlay else {
            return Ok(());
        };
        self.view.overlay = Overlay::None;
        if self.requests.store().delete_request(id)? {
            self.live.deleted_one(self.requests.store())?;
            self.status.say(format!("deleted request #{id}"));
        }
        let height = self.view.list_height();
        self.requests.list.remove(id, height);
        self.sync_detail()?;
        Ok(())
    }

    fn wheel(&mut self, down: bool, at: Position) -> Result<()> {
        let delta = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
        let Some(a) = self.view.areas() else {
            return Ok(());
        };
        if a.detail.contains(at) {
            let height = self.view.detail_height();
            if let Some(d) = self.requests.detail.as_mut() {
                d.scroll_by(delta, height);
            }
        } else if a.list.contains(at) {
            self.move_list(delta)?;
        }
        Ok(())
    }

    fn click(&mut self, at: Position) {
        let Some(a) = self.view.areas() else {
            return;
        };
        if a.list_rows.contains(at) {
            self.view.focus = Focus::List;
            let index = self.requests.list.offset() + usize::from(at.y - a.list_rows.y);
            if index < self.requests.list.rows().len() {
                let height = self.view.list_height();
                self.requests.list.select(index, height);
                self.view.paused = !self.requests.list.on_newest();
            }
        } else if a.detail.contains(at) && self.requests.detail.is_some() {
            self.view.focus = Focus::Detail;
        }
    }

    fn resize(&mut self, size: Size) {
        self.view.size = size;
        let height = self.view.list_height();
        self.requests
            .list
            .select(self.requests.list.selected_index(), height);
    }

    /// The result of the background count: `count` requests up to `as_of`.
    pub fn set_total(&mut self, count: u64, as_of: i64) {
        self.live.set_total(self.requests.store(), count, as_of);
    }

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
        changed | expired | self.live.rate.advance(Timestamp::now().unix_seconds())
    }

    fn update(&mut self, now: Instant) -> Result<bool> {
        let counted = self.live.take_count(self.requests.store());
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
        let loaded = self.sync_detail()?;
        Ok(counted | arrived | delivered | replayed | filled | loaded)
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
        self.live.arrived_up_to(self.requests.store(), newest)?;
        Ok(true)
    }

    /// Loads the selected request in full when the selection changed (once
    /// per batch of events, so holding `j` does not load every request passed).
    fn sync_detail(&mut self) -> Result<bool> {
        let changed = self.requests.sync_detail(self.view.tab, self.view.raw)?;
        if changed && self.requests.detail.is_none() {
            self.view.focus = Focus::List;
        }
        Ok(changed)
    }
}

mod replaying;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
