//! The inspector's state and everything that changes it.
//!
//! Input becomes an [`Action`] ([`super::keys`]); [`App::execute_action`] is
//! the one place actions change state; [`App::tick`] brings in what happened
//! outside (new requests and deliveries, finished replays, the stop signal,
//! pages still being searched).
//! Drawing ([`super::render`]) only reads an `App`. Side effects on the
//! terminal itself (the clipboard) are returned as [`Effect`]s for the event
//! loop to perform, so all of this runs in tests without a terminal.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::Event;
use ratatui::layout::{Position, Size};
use tokio::sync::watch;

use super::clipboard::MAX_CLIPBOARD_BYTES;
use super::deliveries::Deliveries;
use super::detail::{Detail, Tab};
use super::keys::{self, KeyContext};
use super::list::{ListWindow, MAX_ROWS};
use super::rate::{HISTORY_SECONDS, Rate};
use super::render::layout::{Areas, areas};
use super::replay::{Recorder, Replays};
use super::source::{LiveFeed, RequestSource};
use crate::export::{Base, curl};
use crate::filter::{Filter, FilterError};
use crate::model::{Session, Timestamp};
use crate::render::body::decode_content_encoding;
use crate::store::{Store, StoreError};

/// How long a confirmation or error stays in the status line.
pub const MESSAGE_TTL: Duration = Duration::from_secs(5);
/// Rows the mouse wheel scrolls per notch.
const WHEEL_ROWS: isize = 3;
/// Columns `h`/`l` scroll sideways.
const SIDEWAYS_COLUMNS: isize = 8;
/// Log lines kept to print again after the inspector closes.
const MAX_LOG_LINES: usize = 200;

/// What the inspector is looking at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `hookcap listen`: this process captures into session `session_id`.
    Listening {
        /// The URL requests are captured at.
        url: String,
        /// The session being captured.
        session_id: i64,
    },
    /// `hookcap ui`: a database, maybe written by another process.
    Browsing {
        /// The database file.
        db: PathBuf,
    },
}

/// The pane that takes movement keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The request list.
    List,
    /// The detail pane.
    Detail,
}

/// A box drawn over everything, taking the keys while shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// Nothing.
    None,
    /// The key help.
    Help,
    /// "Delete request N?"
    ConfirmDelete(i64),
}

/// Everything a user can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave the inspector.
    Quit,
    /// Move the selection (list) or scroll (detail) up.
    Up(usize),
    /// Move the selection (list) or scroll (detail) down.
    Down(usize),
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// To the first request (list) or the top (detail).
    Top,
    /// To the newest request, resuming follow (list), or the end (detail).
    Bottom,
    /// Scroll the detail left.
    Left,
    /// Scroll the detail right.
    Right,
    /// Select the next request, whatever the focus.
    NextRequest,
    /// Select the previous request, whatever the focus.
    PrevRequest,
    /// Switch focus between list and detail.
    ToggleFocus,
    /// Close, go back to the list, or clear the filter.
    Back,
    /// The next detail tab.
    NextTab,
    /// The previous detail tab.
    PrevTab,
    /// A given detail tab.
    ShowTab(Tab),
    /// Bodies formatted or as raw bytes.
    ToggleRaw,
    /// Follow the newest request on or off.
    ToggleFollow,
    /// Open the `/` prompt.
    OpenFilter,
    /// Type into the prompt.
    FilterChar(char),
    /// Delete the last character of the prompt.
    FilterBackspace,
    /// Empty the prompt (keeps it open).
    FilterClearInput,
    /// Close the prompt, keeping the filter.
    FilterAccept,
    /// Close the prompt and drop the filter.
    FilterClear,
    /// Copy the selected request as a curl command.
    CopyCurl,
    /// Copy the selected request's body.
    CopyBody,
    /// Ask whether to delete the selected request.
    AskDelete,
    /// Delete the request named in the confirmation.
    ConfirmDelete,
    /// Close the overlay.
    CloseOverlay,
    /// Replay the selected request to its session's forward target.
    Replay,
    /// Ask where to replay the selected request (the prompt line).
    AskReplayTo,
    /// Show or hide the key help.
    ToggleHelp,
    /// The mouse wheel turned over a pane.
    Wheel {
        /// Towards the user (scroll down).
        down: bool,
        /// Pointer column.
        column: u16,
        /// Pointer row.
        row: u16,
    },
    /// A mouse click.
    Click {
        /// Pointer column.
        column: u16,
        /// Pointer row.
        row: u16,
    },
    /// The terminal changed size.
    Resize(u16, u16),
}

/// Something for the event loop to do on the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put these bytes on the clipboard (OSC 52).
    Clipboard(Vec<u8>),
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What to say (written by hookcap; sanitized again when drawn).
    pub text: String,
    /// True for errors.
    pub is_error: bool,
    /// When it was said, for expiry.
    pub at: Instant,
}

/// The `/` prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterBar {
    /// What has been typed.
    pub input: String,
    /// Whether the prompt has the keys.
    pub editing: bool,
    /// Why the input does not parse (the previous filter stays in force);
    /// drawn with a caret under the bad part of the input.
    pub error: Option<FilterError>,
}

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
    /// The relay client's state line (`relay: connected`), under `--via`.
    pub relay: Option<watch::Receiver<String>>,
}

/// The whole state of the inspector.
pub struct App {
    /// What is being inspected.
    pub origin: Origin,
    source: RequestSource,
    /// The request list.
    pub list: ListWindow,
    /// The selected request in full.
    pub detail: Option<Detail>,
    /// The focused pane.
    pub focus: Focus,
    /// The overlay shown.
    pub overlay: Overlay,
    /// The `/` prompt.
    pub filter: FilterBar,
    /// The `R` prompt, while open (it takes the prompt line and its keys).
    pub replay_to: Option<ReplayPrompt>,
    /// Follow mode is on.
    pub follow: bool,
    /// Follow is on but paused, because the user scrolled away from the newest.
    pub paused: bool,
    /// Requests stored (None while the first count runs).
    pub total: Option<u64>,
    /// Requests that arrived while the list was away from the newest.
    pub unseen: u64,
    /// The lowest id stored, for the scroll position.
    pub first_id: i64,
    /// The newest id stored, as last heard.
    pub newest_id: i64,
    /// Arrivals per second.
    pub rate: Rate,
    /// The status-line message.
    pub message: Option<Message>,
    /// The terminal size.
    pub size: Size,
    /// Log lines seen while running, to print after the terminal is restored.
    pub logs: Vec<String>,
    /// The relay client's state line, under `--via` (shown in the top bar).
    pub relay: Option<watch::Receiver<String>>,
    tab: Tab,
    raw: bool,
    sessions: HashMap<i64, Option<Session>>,
    counting: Option<mpsc::Receiver<(u64, i64)>>,
    /// The last layout computed, for the size and filter line it was for.
    layout: Cell<Option<LayoutKey>>,
    live: LiveFeed,
    /// The delivery mark last heard from the live feed
    /// ([`super::source::Heard::deliveries`]).
    deliveries_heard: i64,
    replays: Replays,
    stop: Option<watch::Receiver<bool>>,
    effects: Vec<Effect>,
    quit: bool,
}

type Result<T> = std::result::Result<T, StoreError>;

/// A layout and what it was computed for (size, filter line shown).
type LayoutKey = ((Size, bool), Option<Areas>);

impl App {
    /// Loads the newest page and the selected request.
    pub fn new(origin: Origin, store: Store, opts: AppOptions) -> Result<Self> {
        let newest_id = store.last_id()?.unwrap_or(0);
        let first_id = store.id_bounds()?.map_or(0, |(min, _)| min);
        let now = Timestamp::now();
        let mut rate = Rate::new(now.unix_seconds());
        let since = Timestamp(now.0 - HISTORY_SECONDS as i64 * 1_000_000);
        for (second, n) in store.arrivals_per_second(since)? {
            rate.record(second, n);
        }
        let mut app = Self {
            origin,
            source: RequestSource::new(store),
            list: ListWindow::default(),
            detail: None,
            focus: Focus::List,
            overlay: Overlay::None,
            filter: FilterBar::default(),
            replay_to: None,
            follow: opts.follow,
            paused: false,
            total: None,
            unseen: 0,
            first_id,
            newest_id,
            rate,
            message: None,
            size: opts.size,
            logs: Vec::new(),
            relay: opts.relay,
            tab: Tab::Overview,
            raw: false,
            sessions: HashMap::new(),
            counting: None,
            layout: Cell::new(None),
            live: opts.live,
            deliveries_heard: 0,
            replays: Replays::new(opts.recorder),
            stop: opts.stop,
            effects: Vec::new(),
            quit: false,
        };
        app.filter.input = opts.filter.unwrap_or_default();
        app.apply_filter()?;
        app.sync_detail()?;
        Ok(app)
    }

    /// True once the user (or the stop signal) asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// True while follow is on and not paused.
    pub fn following(&self) -> bool {
        self.follow && !self.paused
    }

    /// The side effects asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The store being read.
    pub fn store(&self) -> &Store {
        self.source.store()
    }

    /// True when a `/` filter is in force.
    pub fn filtered(&self) -> bool {
        !self.source.filter().is_empty()
    }

    /// True while a search is still looking for rows to fill the screen.
    pub fn searching(&self) -> bool {
        self.list.wants_more(self.list_height())
    }

    /// The screen areas for the current size (None when too small).
    pub fn areas(&self) -> Option<Areas> {
        let key = (self.size, self.filter_bar_shown());
        match self.layout.get() {
            Some((k, a)) if k == key => a,
            _ => {
                let a = areas(key.0, key.1);
                self.layout.set(Some((key, a)));
                a
            }
        }
    }

    /// Whether the filter line is on screen (it shows the `R` prompt too).
    pub fn filter_bar_shown(&self) -> bool {
        self.replay_to.is_some() || self.filter.editing || !self.filter.input.is_empty()
    }

    fn list_height(&self) -> usize {
        self.areas()
            .map_or(1, |a| a.list_rows.height.max(1) as usize)
    }

    fn detail_height(&self) -> usize {
        self.areas()
            .map_or(1, |a| a.detail_body.height.max(1) as usize)
    }

    /// Handles one terminal event.
    pub fn handle_event(&mut self, event: Event) {
        let action = match event {
            Event::Key(key) => keys::action_for(key, self.key_context()),
            Event::Mouse(mouse) => keys::mouse_action(mouse),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        };
        if let Some(action) = action {
            self.execute_action(action);
        }
    }

    /// How keys are read right now.
    pub fn key_context(&self) -> KeyContext {
        KeyContext {
            overlay: self.overlay,
            editing_filter: self.filter.editing || self.replay_to.is_some(),
        }
    }

    /// Applies `action`. Store errors become a status-line message, never a crash.
    pub fn execute_action(&mut self, action: Action) {
        if let Err(e) = self.dispatch(action) {
            self.say_error(format!("database error: {e}"));
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
            Action::NextTab => self.show_tab(self.tab.cycle(1)),
            Action::PrevTab => self.show_tab(self.tab.cycle(-1)),
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
            Action::CloseOverlay => self.overlay = Overlay::None,
            Action::Replay => self.replay()?,
            Action::AskReplayTo => self.ask_replay_to()?,
            Action::ToggleHelp => self.toggle_help(),
            Action::Wheel { down, column, row } => self.wheel(down, Position::new(column, row))?,
            Action::Click { column, row } => self.click(Position::new(column, row)),
            Action::Resize(w, h) => self.resize(Size::new(w, h)),
        }
        Ok(())
    }

    /// Movement keys: the list's selection or the detail's scroll, by focus.
    fn navigate(&mut self, action: Action) -> Result<()> {
        if self.focus == Focus::Detail && self.detail.is_some() {
            self.scroll_detail(action);
            return Ok(());
        }
        let page = self.list_height() as isize;
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
        let height = self.detail_height();
        let Some(d) = self.detail.as_mut() else {
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
        let height = self.list_height();
        self.list.move_by(&mut self.source, delta, height)?;
        if delta < 0 {
            self.paused = true;
        } else if self.list.on_newest() {
            self.paused = false;
            self.unseen = 0;
        }
        Ok(())
    }

    fn first(&mut self) -> Result<()> {
        let height = self.list_height();
        self.list.load_oldest(&mut self.source, height)?;
        self.paused = true;
        Ok(())
    }

    fn last(&mut self) -> Result<()> {
        let height = self.list_height();
        self.list.load_newest(&mut self.source, height)?;
        self.paused = false;
        self.unseen = 0;
        Ok(())
    }

    fn toggle_focus(&mut self) -> Result<()> {
        self.sync_detail()?;
        self.focus = match self.focus {
            Focus::List if self.detail.is_some() => Focus::Detail,
            _ => Focus::List,
        };
        Ok(())
    }

    fn back(&mut self) -> Result<()> {
        if self.focus == Focus::Detail {
            self.focus = Focus::List;
        } else if self.filter_bar_shown() {
            self.edit_filter(Action::FilterClear)?;
        }
        Ok(())
    }

    fn show_tab(&mut self, tab: Tab) {
        self.tab = tab;
        if let Some(d) = self.detail.as_mut() {
            d.set_tab(tab);
        }
    }

    fn toggle_raw(&mut self) {
        self.raw = !self.raw;
        if let Some(d) = self.detail.as_mut() {
            d.set_raw(self.raw);
        }
        if !matches!(self.tab, Tab::Body | Tab::Response | Tab::Deliveries) {
            self.show_tab(Tab::Body);
        }
    }

    fn toggle_follow(&mut self) -> Result<()> {
        self.follow = !self.follow;
        self.paused = false;
        if self.follow {
            self.last()?;
            self.say("follow on: the newest request stays selected");
        } else {
            self.say("follow off");
        }
        Ok(())
    }

    /// The prompt line's keys go to the `R` prompt while it is open, else
    /// to the `/` filter.
    fn edit_prompt(&mut self, action: Action) -> Result<()> {
        match self.replay_to {
            Some(_) => self.edit_replay_to(action),
            None => self.edit_filter(action),
        }
    }

    fn edit_filter(&mut self, action: Action) -> Result<()> {
        match action {
            Action::OpenFilter => self.filter.editing = true,
            Action::FilterChar(c) => self.filter.input.push(c),
            Action::FilterBackspace => {
                self.filter.input.pop();
            }
            Action::FilterClearInput => self.filter.input.clear(),
            Action::FilterAccept => self.filter.editing = false,
            Action::FilterClear => {
                self.filter.input.clear();
                self.filter.editing = false;
            }
            _ => {}
        }
        self.apply_filter()?;
        // The filter line may have appeared or gone, changing the list's height.
        self.resize(self.size);
        Ok(())
    }

    /// Re-reads the list when the typed filter parses to something new.
    fn apply_filter(&mut self) -> Result<()> {
        let parsed = match Filter::parse_line(&self.filter.input, Timestamp::now()) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.filter.error = Some(e);
                return Ok(());
            }
        };
        self.filter.error = None;
        if &parsed == self.source.filter() && !self.list.rows().is_empty() {
            return Ok(());
        }
        self.source.set_filter(parsed);
        self.last()
    }

    /// The selected request's detail, when it is loaded and current.
    fn current_detail(&self) -> Option<&Detail> {
        let selected = self.list.selected()?.id;
        self.detail.as_ref().filter(|d| d.request.id == selected)
    }

    fn copy_curl(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.current_detail() else {
            self.say_error("no request selected");
            return Ok(());
        };
        if d.body.len() > MAX_CLIPBOARD_BYTES {
            let id = d.request.id;
            self.say_error(format!(
                "a curl command for #{id} is too big for the terminal clipboard ({} at most): \
                 use `hookcap export id:{id} --format curl`",
                super::body::size(MAX_CLIPBOARD_BYTES)
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
        let Some(d) = self.current_detail() else {
            self.say_error("no request selected");
            return Ok(());
        };
        let body = match decode_content_encoding(&d.request.headers, &d.body) {
            Ok(decoded) => decoded.into_owned(),
            Err(_) => d.body.to_vec(),
        };
        let what = format!(
            "body of #{} ({})",
            d.request.id,
            super::body::size(body.len())
        );
        self.copy(body, what);
        Ok(())
    }

    fn copy(&mut self, bytes: Vec<u8>, what: String) {
        if bytes.len() > MAX_CLIPBOARD_BYTES {
            return self.say_error(format!(
                "{what} is too big for the terminal clipboard ({} at most): use `hookcap show`",
                super::body::size(MAX_CLIPBOARD_BYTES)
            ));
        }
        self.effects.push(Effect::Clipboard(bytes));
        self.say(format!("copied the {what} to the clipboard"));
    }

    fn ask_delete(&mut self) {
        if let Some(row) = self.list.selected() {
            self.overlay = Overlay::ConfirmDelete(row.id);
        }
    }

    fn delete(&mut self) -> Result<()> {
        let Overlay::ConfirmDelete(id) = self.overlay else {
            return Ok(());
        };
        self.overlay = Overlay::None;
        if self.source.store().delete_request(id)? {
            self.total = self.total.map(|t| t.saturating_sub(1));
            self.first_id = self.store().id_bounds()?.map_or(0, |(min, _)| min);
            self.say(format!("deleted request #{id}"));
        }
        let height = self.list_height();
        self.list.remove(id, height);
        self.sync_detail()?;
        Ok(())
    }

    fn toggle_help(&mut self) {
        self.overlay = match self.overlay {
            Overlay::Help => Overlay::None,
            _ => Overlay::Help,
        };
    }

    fn wheel(&mut self, down: bool, at: Position) -> Result<()> {
        let delta = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
        let Some(a) = self.areas() else {
            return Ok(());
        };
        if a.detail.contains(at) {
            let height = self.detail_height();
            if let Some(d) = self.detail.as_mut() {
                d.scroll_by(delta, height);
            }
        } else if a.list.contains(at) {
            self.move_list(delta)?;
        }
        Ok(())
    }

    fn click(&mut self, at: Position) {
        let Some(a) = self.areas() else {
            return;
        };
        if a.list_rows.contains(at) {
            self.focus = Focus::List;
            let index = self.list.offset() + usize::from(at.y - a.list_rows.y);
            if index < self.list.rows().len() {
                let height = self.list_height();
                self.list.select(index, height);
                self.paused = !self.list.on_newest();
            }
        } else if a.detail.contains(at) && self.detail.is_some() {
            self.focus = Focus::Detail;
        }
    }

    fn resize(&mut self, size: Size) {
        self.size = size;
        let height = self.list_height();
        self.list.select(self.list.selected_index(), height);
    }

    /// A confirmation in the status line.
    pub fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: false,
            at: Instant::now(),
        });
    }

    /// An error in the status line.
    pub fn say_error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: true,
            at: Instant::now(),
        });
    }

    /// A log line written while the inspector runs: shown, and kept for later.
    pub fn log(&mut self, line: String) {
        let is_error = line.contains("ERROR") || line.contains("WARN");
        if self.logs.len() == MAX_LOG_LINES {
            self.logs.remove(0);
        }
        self.logs.push(line.clone());
        self.message = Some(Message {
            text: line,
            is_error,
            at: Instant::now(),
        });
    }

    /// Takes the total from a background count when it arrives
    /// (`(count, newest id counted)`).
    pub fn expect_total(&mut self, counted: mpsc::Receiver<(u64, i64)>) {
        self.counting = Some(counted);
    }

    /// The result of the background count: `count` requests up to `as_of`.
    pub fn set_total(&mut self, count: u64, as_of: i64) {
        let later = if as_of < self.newest_id {
            self.store()
                .count_between(as_of, self.newest_id)
                .unwrap_or(0)
        } else {
            0
        };
        self.total = Some(count + later);
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
                self.say_error(format!("database error: {e}"));
                true
            }
        };
        let expired = self
            .message
            .as_ref()
            .is_some_and(|m| now.saturating_duration_since(m.at) >= MESSAGE_TTL);
        if expired {
            self.message = None;
            // A slow replay's "replaying…" must not vanish as if it were done.
            match self.replays_in_flight() {
                0 => {}
                1 => self.say("1 replay still running"),
                n => self.say(format!("{n} replays still running")),
            }
        }
        let relayed = self
            .relay
            .as_mut()
            .is_some_and(|r| r.has_changed().unwrap_or(false) && !r.borrow_and_update().is_empty());
        changed | expired | relayed | self.rate.advance(Timestamp::now().unix_seconds())
    }

    fn update(&mut self, now: Instant) -> Result<bool> {
        let counted = self.counting.as_ref().and_then(|rx| rx.try_recv().ok());
        if let Some((count, as_of)) = counted {
            self.counting = None;
            self.set_total(count, as_of);
        }
        let heard = self.live.news(self.source.store(), now)?;
        let arrived = match heard {
            Some(h) => self.check_arrivals(h.last_id)?,
            None => false,
        };
        let delivered = match heard {
            Some(h) if h.deliveries != self.deliveries_heard => {
                self.deliveries_heard = h.deliveries;
                self.refresh_rows(None)?
            }
            _ => false,
        };
        let replayed = self.collect_replays()?;
        let height = self.list_height();
        let filled = self.list.fill(&mut self.source, height)?;
        let loaded = self.sync_detail()?;
        Ok(counted.is_some() | arrived | delivered | replayed | filled | loaded)
    }

    /// Appends requests up to `newest` when the list is at the newest,
    /// otherwise counts them as unseen.
    fn check_arrivals(&mut self, newest: i64) -> Result<bool> {
        if newest <= self.newest_id {
            return Ok(false);
        }
        let n = self.source.store().count_between(self.newest_id, newest)?;
        self.rate.record(Timestamp::now().unix_seconds(), n);
        self.total = self.total.map(|t| t + n);
        let height = self.list_height();
        if self.following() && n as usize > MAX_ROWS / 2 {
            self.list.load_newest(&mut self.source, height)?;
        } else if self.list.at_live_end() {
            let follow = self.following();
            self.list
                .append_arrivals(&mut self.source, self.newest_id, height, follow)?;
        } else {
            self.unseen += n;
        }
        if self.first_id == 0 {
            self.first_id = self.store().id_bounds()?.map_or(0, |(min, _)| min);
        }
        self.newest_id = newest;
        Ok(true)
    }

    /// Loads the selected request in full when the selection changed (once
    /// per batch of events, so holding `j` does not load every request passed).
    fn sync_detail(&mut self) -> Result<bool> {
        let want = self.list.selected().map(|r| r.id);
        if want == self.detail.as_ref().map(|d| d.request.id) {
            return Ok(false);
        }
        // Drop the old request first: with big bodies, two in memory at once
        // (plus SQLite's copy while reading) is what sets the peak.
        self.detail = None;
        self.detail = match want {
            Some(id) => self.load_detail(id)?,
            None => None,
        };
        if self.detail.is_none() {
            self.focus = Focus::List;
        }
        Ok(true)
    }

    fn load_detail(&mut self, id: i64) -> Result<Option<Detail>> {
        let Some(request) = self.store().get(id)? else {
            return Ok(None);
        };
        let session = self.session(request.session_id)?;
        let previous = self.list.before(self.list.selected_index()).cloned();
        let deliveries = Deliveries::load(self.store(), id)?;
        let detail = Detail::new(request, session, previous, self.tab, self.raw);
        Ok(Some(detail.with_deliveries(deliveries)))
    }

    fn session(&mut self, id: i64) -> Result<Option<Session>> {
        if let Some(s) = self.sessions.get(&id) {
            return Ok(s.clone());
        }
        let s = self.store().session(id)?;
        self.sessions.insert(id, s.clone());
        Ok(s)
    }
}

#[path = "app_replay.rs"]
mod replay_actions;
pub use replay_actions::ReplayPrompt;

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
