//! stdout as the listener's view of what it captures: the database is the
//! record, so a failing stdout never stops capture silently.
//!
//! - A write that fails (a full disk, an I/O error) turns the output off:
//!   stderr says so once, with where capture goes on, and the listener keeps
//!   capturing (and counting for `--exit-after`).
//! - A closed pipe (`listen --json | head -1`) means nobody will ever read
//!   again, and the caller's pipeline waits for the listener to end: it stops
//!   gracefully and exits [`crate::error::Exit::OutputClosed`]. A pipe's
//!   reader going away is noticed at once ([`watch_for_close`]), not only when
//!   the next request fails to print.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

/// Where the listener's lines go, and what became of it.
pub struct Sink {
    off: bool,
    closed: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    /// "listening on URL, storing into DB", for the one message.
    whereabouts: String,
}

impl Sink {
    /// stdout, on; `stop` ends the listener if stdout is closed.
    pub fn new(stop: watch::Sender<bool>, whereabouts: String) -> Self {
        Self {
            off: false,
            closed: Arc::default(),
            stop,
            whereabouts,
        }
    }

    /// Runs `write` on stdout (then flushes) unless output is off or closed.
    /// A failure turns output off, saying why once, or for a closed pipe
    /// stops the listener.
    pub fn write(&mut self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        if self.off || self.is_closed() {
            return;
        }
        let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        let result = write(&mut out).and_then(|()| out.flush());
        // A failed flush leaves the rest in the buffer; it is not retried.
        drop(out.into_parts());
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => self.close(),
            Err(e) => {
                self.off = true;
                say(&format!(
                    "cannot write to stdout ({e}): output is off; capture goes on, {}",
                    self.whereabouts
                ));
            }
        }
    }

    /// True once stdout was found closed.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// The flag set when stdout is found closed, for [`watch_for_close`].
    pub fn closed_flag(&self) -> Arc<AtomicBool> {
        self.closed.clone()
    }

    fn close(&self) {
        closed(&self.closed, &self.stop, &self.whereabouts);
    }
}

/// Marks stdout closed and stops the listener, saying so once.
fn closed(flag: &AtomicBool, stop: &watch::Sender<bool>, whereabouts: &str) {
    if !flag.swap(true, Ordering::SeqCst) {
        say(&format!(
            "stdout was closed (its reader went away): stopping; everything answered is stored ({whereabouts})"
        ));
        let _ = stop.send(true);
    }
}

/// Watches stdout, when it is a pipe, for its reader going away (the kernel
/// reports an error on the pipe), and then stops the listener as a failed
/// write would. Does nothing for files and terminals.
pub fn watch_for_close(sink: &Sink) {
    let Some(pipe) = stdout_pipe() else {
        return;
    };
    let (flag, stop, whereabouts) = (
        sink.closed_flag(),
        sink.stop.clone(),
        sink.whereabouts.clone(),
    );
    tokio::spawn(async move {
        if pipe.ready(tokio::io::Interest::ERROR).await.is_ok() {
            closed(&flag, &stop, &whereabouts);
        }
    });
}

/// stdout (a duplicate of it, left blocking) registered with the runtime,
/// if it is a pipe.
fn stdout_pipe() -> Option<tokio::net::unix::pipe::Sender> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
    let kind = std::fs::File::from(fd.try_clone().ok()?)
        .metadata()
        .ok()?
        .file_type();
    if !kind.is_fifo() {
        return None;
    }
    // Not `from_owned_fd`, which would make stdout itself non-blocking.
    tokio::net::unix::pipe::Sender::from_owned_fd_unchecked(fd).ok()
}

/// A line on stderr; a stderr that is gone is no reason to panic.
pub fn say(line: &str) {
    let _ = writeln!(io::stderr(), "hookcap: {line}");
}
