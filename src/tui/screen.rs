//! The whole screen: each pane drawn from its part of an [`App`], and how
//! the event loop runs the app ([`TerminalApp`]).
//!
//! Overlays (help, delete confirmation) are drawn last, on top. Below
//! [`layout::MIN_WIDTH`]×[`layout::MIN_HEIGHT`] only a "too small" message
//! is drawn.
//!
//! [`layout::MIN_WIDTH`]: crate::tui::pane::layout::MIN_WIDTH
//! [`layout::MIN_HEIGHT`]: crate::tui::pane::layout::MIN_HEIGHT

use std::time::Instant;

use ratatui::Frame;
use ratatui::crossterm::event::Event;

use super::app::keys::HELP;
use super::app::{App, Focus, Overlay};
use super::pane::detail::draw as detail;
use super::pane::list::draw::{self as list, ListPane};
use super::pane::top_bar::{self, Origin, TopBar};
use super::pane::{overlay, status};
use super::term::effect::Effect;
use super::term::event_loop::TerminalApp;

/// Draws the whole screen: each pane from its part of `app`.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let Some(areas) = app.view.areas() else {
        return overlay::too_small(frame, frame.area());
    };
    top_bar::draw(frame, areas.top, &top_bar_of(app));
    list::draw(frame, areas.list, &list_pane_of(app));
    let focused = app.view.focus == Focus::Detail;
    detail::draw(frame, &areas, app.requests.detail.as_ref(), focused);
    if let Some(filter) = areas.filter {
        status::filter_line(frame, filter, &app.view.filter, app.view.prompt());
    }
    status::status_line(
        frame,
        areas.status,
        &app.view.filter,
        app.status.message.as_ref(),
    );
    match app.view.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(frame, frame.area(), HELP),
        Overlay::ConfirmDelete(id) => {
            overlay::confirm_delete(frame, frame.area(), app.requests.list.rows(), id);
        }
    }
}

/// What the top bar shows of `app`.
fn top_bar_of(app: &App) -> TopBar<'_> {
    TopBar {
        origin: &app.origin,
        total: app.live.total,
        rate: &app.live.rate,
        follow: app.view.follow,
        following: app.view.following(),
        relay: app.relay.as_ref().map(|r| r.borrow().clone()),
    }
}

/// What the list pane shows of `app`.
fn list_pane_of(app: &App) -> ListPane<'_> {
    let listening_on = match &app.origin {
        Origin::Listening { url, .. } => Some(url.as_str()),
        Origin::Browsing { .. } => None,
    };
    ListPane {
        window: &app.requests.list,
        focused: app.view.focus == Focus::List,
        filtered: app.narrowed(),
        searching: app.searching(),
        unseen: app.live.unseen,
        listening_on,
        first_id: app.live.first_id,
        newest_id: app.live.newest_id,
        facts: &app.requests.facts,
        marked: app.view.marked,
    }
}

/// How the event loop runs the inspector.
impl TerminalApp for App {
    fn draw(&self, frame: &mut Frame<'_>) {
        draw(frame, self);
    }

    fn handle_event(&mut self, event: Event) {
        App::handle_event(self, event);
    }

    fn tick(&mut self, now: Instant) -> bool {
        App::tick(self, now)
    }

    fn take_effects(&mut self) -> Vec<Effect> {
        App::take_effects(self)
    }

    fn log(&mut self, line: String) {
        self.status.log(line);
    }

    fn should_quit(&self) -> bool {
        App::should_quit(self)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::io;
    use std::time::{Duration, Instant};

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

    use crate::tui::app::testing::{app_with, typical};
    use crate::tui::term::effect::Effect;
    use crate::tui::term::event_loop::{Input, LoopIo, run_loop};

    /// Events from a list, then nothing.
    struct Script(VecDeque<Event>);

    impl Input for Script {
        fn next(&mut self, _timeout: Duration) -> io::Result<Option<Event>> {
            Ok(self.0.pop_front())
        }
    }

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    #[test]
    fn the_loop_handles_keys_performs_effects_and_stops_on_quit() {
        let mut app = app_with(&typical(), 100, 30);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let mut copied = Vec::new();
        let mut io = LoopIo {
            input: Script([key('k'), key('y'), key('q')].into()),
            perform: |e: Effect| {
                copied.push(e);
                Ok(())
            },
            logs: || vec!["2026-01-01T00:00:00Z  WARN something odd".to_owned()],
            started: Instant::now(),
        };
        run_loop(&mut terminal, &mut app, &mut io).unwrap();
        assert_eq!(copied, [Effect::Clipboard(typical()[3].body.clone())]);
        assert!(app.should_quit());
        assert!(
            app.status
                .logs
                .iter()
                .all(|l| l.contains("WARN something odd"))
        );
    }
}
