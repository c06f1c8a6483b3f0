//! The `/` prompt: typing a filter, and the list read again when it parses
//! to something new.

use super::action::Action;
use super::state::{App, Result};
use crate::filter::Filter;
use crate::model::Timestamp;

impl App {
    /// The prompt's keys while the `/` filter has them.
    pub(super) fn edit_filter(&mut self, action: Action) -> Result<()> {
        match action {
            Action::OpenFilter => self.open_filter(),
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

    /// Opens the prompt on the filter in force, with a space after it, so
    /// what is typed next is a term of its own (`session:1 push`, never
    /// `session:1push`).
    fn open_filter(&mut self) {
        let input = &mut self.view.filter.input;
        if !input.is_empty() && !input.ends_with(char::is_whitespace) {
            input.push(' ');
        }
        self.view.filter.editing = true;
    }

    /// Re-reads (and counts) the list when the typed filter parses to
    /// something new.
    pub(super) fn apply_filter(&mut self) -> Result<()> {
        let parsed = match Filter::parse_line(&self.view.filter.input, Timestamp::now()) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.view.filter.error = Some(e);
                return Ok(());
            }
        };
        self.view.filter.error = None;
        if self.requests.set_filter(parsed) {
            self.last()?;
        }
        self.live
            .count(self.requests.store(), self.requests.filter());
        Ok(())
    }
}
