//! Where an answer's body goes, read piece by piece as it arrives: kept in
//! memory up to a cap (what a terminal shows, what `--json-result` reports),
//! written on (`-o FILE`, `-o -`), or dropped (`--repeat`). Memory stays
//! bounded whatever a server sends: the wire bytes and the decoded bytes are
//! both stopped at `--max-response`.

use std::io::{self, Write};

/// Where the body of the final answer goes.
pub enum BodySink<'a> {
    /// Kept in memory, up to this many bytes; the rest is counted.
    Keep(usize),
    /// Written as it arrives.
    Write(&'a mut (dyn Write + Send)),
    /// Read and dropped.
    Discard,
}

impl std::fmt::Debug for BodySink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Keep(cap) => write!(f, "Keep({cap})"),
            Self::Write(_) => f.write_str("Write"),
            Self::Discard => f.write_str("Discard"),
        }
    }
}

/// The first `cap` bytes written, and how many there were in all.
#[derive(Debug, Default)]
pub struct Kept {
    /// The bytes kept.
    pub bytes: Vec<u8>,
    /// Every byte written, kept or not.
    pub total: u64,
    cap: usize,
}

impl Kept {
    /// Keeps at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Self {
            bytes: Vec::new(),
            total: 0,
            cap,
        }
    }
}

impl Write for Kept {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&buf[..buf.len().min(room)]);
        self.total += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Passes bytes on until `limit` have passed, then fails (and remembers
/// that it did, so the failure reads as "too large", not as an output error).
/// Counts what passed, and remembers when the writer behind it failed.
pub struct Limited<W: Write> {
    inner: W,
    limit: u64,
    /// Bytes passed on.
    pub written: u64,
    /// True once a write went past the limit.
    pub exceeded: bool,
    /// True once the writer behind failed.
    pub failed: bool,
}

impl<W: Write> Limited<W> {
    /// Passes at most `limit` bytes to `inner`.
    pub fn new(inner: W, limit: u64) -> Self {
        Self {
            inner,
            limit,
            written: 0,
            exceeded: false,
            failed: false,
        }
    }
}

impl<W: Write> Write for Limited<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("over the limit"));
        }
        // Each piece is flushed on, so `-o -` shows bytes as they arrive.
        let done = self.inner.write_all(buf).and_then(|()| self.inner.flush());
        if let Err(e) = done {
            self.failed = true;
            return Err(e);
        }
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bytes_stop_at_the_cap_and_the_rest_is_counted() {
        let mut k = Kept::new(4);
        k.write_all(b"abc").unwrap();
        k.write_all(b"defg").unwrap();
        assert_eq!((k.bytes.as_slice(), k.total), (&b"abcd"[..], 7));
    }

    #[test]
    fn a_limited_writer_fails_past_its_limit() {
        let mut out = Vec::new();
        let mut l = Limited::new(&mut out, 5);
        l.write_all(b"abc").unwrap();
        assert!(l.write_all(b"def").is_err());
        assert!(l.exceeded && !l.failed);
        assert_eq!(l.written, 3);
        assert_eq!(out, b"abc");
    }
}
