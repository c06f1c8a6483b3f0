//! What the user is looking at: the focused pane, the overlay, the prompt
//! line, follow mode, the detail tab and body mode, the terminal size, and
//! the screen areas that follow from them.

use std::cell::Cell;

use ratatui::layout::Size;

use super::action::{Focus, Overlay};
use super::keys::KeyContext;
use crate::tui::pane::detail::Tab;
use crate::tui::pane::layout::{Areas, areas};
use crate::tui::pane::status::{FilterBar, Prompt, ReplayPrompt, SecretPrompt, filter_error_lines};

/// A layout and what it was computed for (size, filter line shown, status rows).
type LayoutKey = ((Size, bool, u16), Option<Areas>);

/// The view state: everything about how the data is shown.
pub struct View {
    /// The focused pane.
    pub focus: Focus,
    /// The overlay shown.
    pub overlay: Overlay,
    /// The `/` prompt.
    pub filter: FilterBar,
    /// The `R` prompt, while open (it takes the prompt line and its keys).
    pub replay_to: Option<ReplayPrompt>,
    /// The `v` prompt for a secret, while open (the prompt line and its keys).
    pub secret: Option<SecretPrompt>,
    /// The body search being typed, while its prompt is open.
    pub search: Option<String>,
    /// Follow mode is on.
    pub follow: bool,
    /// Follow is on but paused, because the user scrolled away from the newest.
    pub paused: bool,
    /// The terminal size.
    pub size: Size,
    /// The detail tab shown (it stays as the selection moves).
    pub tab: Tab,
    /// Whether bodies are shown as raw bytes (it stays as the selection moves).
    pub raw: bool,
    /// The request `=` marked for a diff.
    pub marked: Option<i64>,
    /// The last layout computed, for the size and filter line it was for.
    layout: Cell<Option<LayoutKey>>,
}

impl View {
    /// The list focused, the Overview tab, `filter` typed in the `/` prompt.
    pub fn new(follow: bool, size: Size, filter: String) -> Self {
        Self {
            focus: Focus::List,
            overlay: Overlay::None,
            filter: FilterBar {
                input: filter,
                ..FilterBar::default()
            },
            replay_to: None,
            secret: None,
            search: None,
            follow,
            paused: false,
            size,
            tab: Tab::Overview,
            raw: false,
            marked: None,
            layout: Cell::new(None),
        }
    }

    /// True while follow is on and not paused.
    pub fn following(&self) -> bool {
        self.follow && !self.paused
    }

    /// The screen areas for the current size (None when too small).
    pub fn areas(&self) -> Option<Areas> {
        let key = (self.size, self.filter_bar_shown(), self.status_rows());
        match self.layout.get() {
            Some((k, a)) if k == key => a,
            _ => {
                let a = areas(key.0, key.1, key.2);
                self.layout.set(Some((key, a)));
                a
            }
        }
    }

    /// Whether the filter line is on screen (it shows the `R` and `v`
    /// prompts too).
    pub fn filter_bar_shown(&self) -> bool {
        self.prompt().is_some() || self.filter.editing || !self.filter.input.is_empty()
    }

    /// The prompt open on the prompt line instead of the filter, if any.
    pub fn prompt(&self) -> Option<Prompt<'_>> {
        match (&self.replay_to, &self.secret, &self.search) {
            (Some(p), _, _) => Some(Prompt::ReplayTo(p)),
            (None, Some(p), _) => Some(Prompt::Secret(p)),
            (None, None, Some(s)) => Some(Prompt::Search(s)),
            (None, None, None) => None,
        }
    }

    /// Rows the status line needs: more than one for a filter error too long
    /// for the width, wrapped.
    pub fn status_rows(&self) -> u16 {
        match &self.filter.error {
            Some(e) => {
                let rows = filter_error_lines(e, self.filter.editing, self.size.width).len();
                u16::try_from(rows).unwrap_or(u16::MAX)
            }
            None => 1,
        }
    }

    /// Rows of the list on screen (at least 1).
    pub fn list_height(&self) -> usize {
        self.areas()
            .map_or(1, |a| a.list_rows.height.max(1) as usize)
    }

    /// Rows of the detail's document on screen (at least 1).
    pub fn detail_height(&self) -> usize {
        self.areas()
            .map_or(1, |a| a.detail_body.height.max(1) as usize)
    }

    /// How keys are read right now.
    pub fn key_context(&self) -> KeyContext {
        KeyContext {
            overlay: self.overlay,
            editing_filter: self.filter.editing || self.prompt().is_some(),
        }
    }

    /// Shows or hides the key help.
    pub fn toggle_help(&mut self) {
        self.overlay = match self.overlay {
            Overlay::Help => Overlay::None,
            _ => Overlay::Help,
        };
    }
}
