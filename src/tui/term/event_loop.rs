//! The one event loop.
//!
//! [`run_loop`] draws when something changed, waits up to [`TICK`] for input,
//! handles every queued event before drawing again (so held-down keys never
//! lag behind), performs the app's effects and ticks the app. It is generic
//! over the app ([`TerminalApp`]), the backend and the input, so tests drive
//! it with a `TestBackend` and this module knows nothing of what is shown.

use std::io;
use std::time::{Duration, Instant};

use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use ratatui::{Frame, Terminal};

use super::effect::Effect;

/// The longest the loop waits for input before looking for new requests.
pub const TICK: Duration = Duration::from_millis(25);

/// Where events come from.
pub trait Input {
    /// The next event, waiting at most `timeout`.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// The terminal's events, via crossterm, with one guard crossterm lacks: a
/// terminal that hangs up (its window closed, `tmux kill-server`) makes
/// crossterm's reader spin on end-of-file forever, so the loop waits on the
/// terminal itself first and ends with an error once it has hung up.
pub struct TerminalInput {
    /// The terminal crossterm reads: stdin when it is one, else `/dev/tty`.
    tty: Option<std::fs::File>,
}

impl TerminalInput {
    /// Input from the controlling terminal.
    pub fn new() -> Self {
        let tty = if io::IsTerminal::is_terminal(&io::stdin()) {
            None
        } else {
            std::fs::File::open("/dev/tty").ok()
        };
        Self { tty }
    }

    /// Waits up to `timeout` for the terminal: true when there is input, an
    /// error when it has hung up.
    fn wait(&self, timeout: Duration) -> io::Result<bool> {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        use std::os::fd::AsFd;
        let stdin = io::stdin();
        let fd = match &self.tty {
            Some(tty) => tty.as_fd(),
            None => stdin.as_fd(),
        };
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        let timeout = Timespec::try_from(timeout).map_err(io::Error::other)?;
        poll(&mut fds, Some(&timeout))?;
        let got = fds[0].revents();
        if got.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal hung up",
            ));
        }
        Ok(got.contains(PollFlags::IN))
    }
}

impl Input for TerminalInput {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        // crossterm may hold input it has already read (a burst of keys).
        if event::poll(Duration::ZERO)? {
            return event::read().map(Some);
        }
        if self.wait(timeout)? && event::poll(Duration::ZERO)? {
            event::read().map(Some)
        } else {
            Ok(None)
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

/// What the loop runs: an app that takes terminal events, draws itself and
/// asks for effects on the terminal.
pub trait TerminalApp {
    /// Draws the whole screen.
    fn draw(&self, frame: &mut Frame<'_>);
    /// Handles one terminal event.
    fn handle_event(&mut self, event: Event);
    /// Brings in what happened outside; true when the screen needs drawing again.
    fn tick(&mut self, now: Instant) -> bool;
    /// The side effects asked for since the last call.
    fn take_effects(&mut self) -> Vec<Effect>;
    /// A log line written while the app runs.
    fn log(&mut self, line: String);
    /// True once the app wants to stop.
    fn should_quit(&self) -> bool;
}

/// Runs until the app wants to quit.
pub fn run_loop<B, A, I, P, L>(
    terminal: &mut Terminal<B>,
    app: &mut A,
    io: &mut LoopIo<I, P, L>,
) -> anyhow::Result<()>
where
    B: Backend,
    A: TerminalApp,
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
            terminal.draw(|f| app.draw(f))?;
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
