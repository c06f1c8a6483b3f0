//! The one event loop, and the terminal it runs on.
//!
//! [`run_loop`] draws when something changed, waits up to [`TICK`] for input,
//! handles every queued event before drawing again (so held-down keys never
//! lag behind), performs the app's effects and ticks the app. It is generic
//! over the backend and the input, so tests drive it with a `TestBackend`.
//!
//! [`TerminalGuard`] owns raw mode and the alternate screen: dropping it, a
//! panic anywhere (via the panic hook) and an error all restore the terminal.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::app::{App, Effect};
use super::clipboard::osc52;
use super::{log_sink, render};

/// The longest the loop waits for input before looking for new requests.
pub const TICK: Duration = Duration::from_millis(25);

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Raw mode, the alternate screen, mouse reporting and a hidden cursor, for
/// as long as it lives; log lines are buffered meanwhile ([`log_sink`]).
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Takes over the terminal.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        log_sink::capture(true);
        let guard = Self(());
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back: mouse off, main screen, cursor shown, raw mode
/// off. Does nothing when already restored, so the panic hook and the guard
/// can both call it.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
    log_sink::capture(false);
}

/// Restores the terminal before any panic message is printed.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Where events come from.
pub trait Input {
    /// The next event, waiting at most `timeout`.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// The terminal's events, via crossterm.
pub struct TerminalInput;

impl Input for TerminalInput {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if event::poll(timeout)? {
            event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Performs an effect on the real terminal.
pub fn perform(effect: Effect) -> io::Result<()> {
    match effect {
        Effect::Clipboard(bytes) => {
            let mut out = io::stdout().lock();
            out.write_all(osc52(&bytes).as_bytes())?;
            out.flush()
        }
    }
}

/// The outside world the loop talks to besides the terminal.
pub struct LoopIo<I, P, L> {
    /// Events.
    pub input: I,
    /// Performs effects.
    pub perform: P,
    /// Takes buffered log lines.
    pub logs: L,
    /// When the process started, to log how long the first frame took.
    pub started: Instant,
}

/// Runs until the app wants to quit.
pub fn run_loop<B, I, P, L>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    io: &mut LoopIo<I, P, L>,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    I: Input,
    P: FnMut(Effect) -> io::Result<()>,
    L: FnMut() -> Vec<String>,
{
    let mut dirty = true;
    let mut first = true;
    loop {
        for line in (io.logs)() {
            app.log(line);
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| render::draw(f, app))?;
            dirty = false;
            if std::mem::take(&mut first) {
                tracing::debug!("first frame drawn {:?} after start", io.started.elapsed());
            }
        }
        if app.should_quit() {
            return Ok(());
        }
        if let Some(event) = io.input.next(TICK)? {
            app.handle_event(event);
            while let Some(event) = io.input.next(Duration::ZERO)? {
                app.handle_event(event);
            }
            dirty = true;
        }
        for effect in app.take_effects() {
            (io.perform)(effect)?;
        }
        dirty |= app.tick(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::tui::testing::{app_with, typical};

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
        assert!(app.logs.iter().all(|l| l.contains("WARN something odd")));
    }
}
