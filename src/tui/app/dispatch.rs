//! The entry points: an [`App`] made, terminal events in, each action
//! handed to the job that carries it out.

use ratatui::crossterm::event::Event;
use ratatui::layout::{Position, Size};

use super::action::{Action, Overlay};
use super::keys;
use super::live::Live;
use super::requests::Requests;
use super::secret::SecretMemory;
use super::state::{App, AppOptions, Result};
use super::status::Status;
use super::view::View;
use crate::store::Store;
use crate::tui::data::replays::Replays;
use crate::tui::pane::top_bar::Origin;

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
            secret: SecretMemory::default(),
            stop: opts.stop,
            status: Status::default(),
            relay: opts.relay,
            effects: Vec::new(),
            quit: false,
        };
        app.apply_filter()?;
        app.sync_detail()?;
        app.requests.sync_facts(app.view.list_height())?;
        Ok(app)
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

    /// Applies `action`, then reads the webhook facts of rows it brought on
    /// screen. Store errors become a status-line message, never a crash.
    pub fn execute_action(&mut self, action: Action) {
        let done = self.dispatch(action).and_then(|()| {
            let height = self.view.list_height();
            self.requests.sync_facts(height).map(drop)
        });
        if let Err(e) = done {
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
            Action::OpenFilter if self.slash_searches_the_body() => self.open_search(),
            Action::NextMatch => self.step_search(true),
            Action::PrevMatch => self.step_search(false),
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
            Action::Verify => self.verify()?,
            Action::Compare => self.compare()?,
            Action::ToggleHelp => self.view.toggle_help(),
            Action::Wheel { down, column, row } => self.wheel(down, Position::new(column, row))?,
            Action::Click { column, row } => self.click(Position::new(column, row)),
            Action::Resize(w, h) => self.resize(Size::new(w, h)),
        }
        Ok(())
    }

    /// The prompt line's keys go to the `R`, `v` or body-search prompt
    /// while one is open, else to the `/` filter.
    fn edit_prompt(&mut self, action: Action) -> Result<()> {
        if self.view.replay_to.is_some() {
            self.edit_replay_to(action)
        } else if self.view.secret.is_some() {
            self.edit_secret(action)
        } else if self.view.search.is_some() {
            self.edit_search(action)
        } else {
            self.edit_filter(action)
        }
    }
}
