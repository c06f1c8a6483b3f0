//! What the user is looking at: the focused pane, the overlay, the prompt
//! line, follow mode, the detail tab and body mode, the terminal size, and
//! the screen areas that follow from them.

use std::cell::Cell;

use ratatui::layout::Size;

use super::action::{Focus, Overlay};
use super::keys::KeyContext;
use crate::tui::pane::detail::Tab;
use crate::tui::pane::layout::{Areas, areas};
use crate::tui::pane::status::{FilterBar, ReplayPrompt};

/// A layout and what it was computed for (size, filter line shown).
type LayoutKey = ((Size, bool), Option<Areas>);

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
            follow,
            paused: false,
            size,
            tab: Tab::Overview,
            raw: false,
            layout: Cell::new(None),
        }
    }

    /// True while follow is on and not paused.
    pub fn following(&self) -> bool {
        self.follow && !self.paused
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
            editing_filter: self.filter.editing || self.replay_to.is_some(),
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
