//! Recording request heads exactly as they crossed the wire.
//!
//! hyper hands the service a `HeaderMap`, which lowercases names and groups
//! duplicates by name, losing arrival order. Webhook debugging needs the
//! original order and case, so [`Recorder`] wraps the connection's socket and
//! feeds every byte read to a [`HeadTap`]: a small HTTP/1 framing parser that
//! parses each request head leniently and skips bodies by their framing
//! (`Content-Length` or chunked). Parsed heads queue up per connection in
//! arrival order; the service takes the front one for each request hyper
//! dispatches. If the tap ever loses track (an upgrade, or framing it cannot
//! follow) it stops, and the service falls back to hyper's view of the headers.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::model::Header;

/// Request heads larger than this are not recorded (hyper rejects them too).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// One request head as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHead {
    /// Method as sent.
    pub method: String,
    /// Request target as sent.
    pub target: String,
    /// Headers in order, original case.
    pub headers: Vec<Header>,
    /// The head's bytes exactly as read (request line through the blank
    /// line), when the tap was asked to keep them ([`Recorder::keeping_raw`]);
    /// otherwise empty.
    pub raw: Vec<u8>,
}

/// Heads parsed on one connection, waiting for the service to take them.
pub type HeadQueue = Arc<Mutex<VecDeque<RawHead>>>;

/// Takes the next recorded head if it matches the request hyper parsed;
/// on a mismatch the queue is cleared so later requests fall back safely.
pub fn take_head(queue: &HeadQueue, method: &str, target: &hyper::Uri) -> Option<RawHead> {
    let mut q = queue.lock().ok()?;
    let head = q.pop_front()?;
    if head.method == method && *target == *head.target {
        Some(head)
    } else {
        q.clear();
        None
    }
}

#[derive(Debug)]
enum State {
    Head(Vec<u8>),
    Body(u64),
    Chunked(Chunk),
    Lost,
}

#[derive(Debug)]
enum Chunk {
    SizeLine(Vec<u8>),
    Data(u64),
    DataEnd(u8),
    Trailers(Vec<u8>),
}

/// The framing parser fed with every byte read from a connection.
#[derive(Debug)]
pub struct HeadTap {
    state: State,
    queue: HeadQueue,
    keep_raw: bool,
}

impl HeadTap {
    /// A tap that pushes parsed heads into `queue`.
    pub fn new(queue: HeadQueue) -> Self {
        Self {
            state: State::Head(Vec::new()),
            queue,
            keep_raw: false,
        }
    }

    /// Parses `head` and, when asked, keeps its bytes with it.
    fn parse(&self, head: &[u8]) -> Option<RawHead> {
        let mut parsed = parse_head(head)?;
        if self.keep_raw {
            parsed.raw = head.to_vec();
        }
        Some(parsed)
    }

    /// Consumes the next bytes read from the connection.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            bytes = match std::mem::replace(&mut self.state, State::Lost) {
                State::Head(buf) => self.feed_head(buf, bytes),
                State::Body(n) => self.skip_body(n, bytes),
                State::Chunked(c) => self.feed_chunked(c, bytes),
                State::Lost => return,
            };
        }
    }

    fn feed_head<'a>(&mut self, mut buf: Vec<u8>, bytes: &'a [u8]) -> &'a [u8] {
        if buf.is_empty()
            && let Some(rest) = self.whole_head(bytes)
        {
            return rest;
        }
        let start = buf.len();
        buf.extend_from_slice(bytes);
        // Empty lines before a request line are allowed and ignored (RFC 9112 §2.2).
        let lead = buf
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        match head_end(&buf[lead..]) {
            Some(len) => {
                let used = (lead + len).saturating_sub(start);
                match self.parse(&buf[lead..lead + len]) {
                    Some(head) => {
                        self.state = framing(&head.headers);
                        if let Ok(mut q) = self.queue.lock() {
                            q.push_back(head);
                        }
                        &bytes[used.min(bytes.len())..]
                    }
                    None => &[],
                }
            }
            None if buf.len() <= MAX_HEAD_BYTES => {
                self.state = State::Head(buf);
                &[]
            }
            None => &[],
        }
    }

    /// The common case: a read that starts with a whole head (and usually its
    /// body) is parsed in place rather than copied into a buffer first.
    fn whole_head<'a>(&mut self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        if matches!(bytes.first(), Some(b'\r' | b'\n')) {
            return None;
        }
        let len = head_end(bytes)?;
        let head = self.parse(&bytes[..len])?;
        self.state = framing(&head.headers);
        if let Ok(mut q) = self.queue.lock() {
            q.push_back(head);
        }
        Some(&bytes[len..])
    }

    fn skip_body<'a>(&mut self, remaining: u64, bytes: &'a [u8]) -> &'a [u8] {
        let n = remaining.min(bytes.len() as u64) as usize;
        self.state = if remaining > n as u64 {
            State::Body(remaining - n as u64)
        } else {
            State::Head(Vec::new())
        };
        &bytes[n..]
    }

    fn feed_chunked<'a>(&mut self, chunk: Chunk, bytes: &'a [u8]) -> &'a [u8] {
        match chunk {
            Chunk::SizeLine(line) => self.chunk_size_line(line, bytes),
            Chunk::Data(n) => {
                let take = n.min(bytes.len() as u64) as usize;
                self.state = State::Chunked(if n > take as u64 {
                    Chunk::Data(n - take as u64)
                } else {
                    Chunk::DataEnd(0)
                });
                &bytes[take..]
            }
            Chunk::DataEnd(seen) => self.chunk_data_end(seen, bytes),
            Chunk::Trailers(buf) => self.chunk_trailers(buf, bytes),
        }
    }

    fn chunk_size_line<'a>(&mut self, mut line: Vec<u8>, bytes: &'a [u8]) -> &'a [u8] {
        let Some(nl) = bytes.iter().position(|&b| b == b'\n') else {
            line.extend_from_slice(bytes);
            if line.len() <= 1024 {
                self.state = State::Chunked(Chunk::SizeLine(line));
            }
            return &[];
        };
        line.extend_from_slice(&bytes[..nl]);
        let text = String::from_utf8_lossy(&line);
        let hex = text.split(';').next().unwrap_or("").trim();
        match u64::from_str_radix(hex, 16) {
            Ok(0) => self.state = State::Chunked(Chunk::Trailers(Vec::new())),
            Ok(n) => self.state = State::Chunked(Chunk::Data(n)),
            Err(_) => return &[],
        }
        &bytes[nl + 1..]
    }

    fn chunk_data_end<'a>(&mut self, _seen: u8, bytes: &'a [u8]) -> &'a [u8] {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                self.state = State::Chunked(Chunk::SizeLine(Vec::new()));
                &bytes[nl + 1..]
            }
            None => {
                self.state = State::Chunked(Chunk::DataEnd(1));
                &[]
            }
        }
    }

    fn chunk_trailers<'a>(&mut self, mut buf: Vec<u8>, bytes: &'a [u8]) -> &'a [u8] {
        for (i, &b) in bytes.iter().enumerate() {
            buf.push(b);
            if b == b'\n' {
                let line_is_empty = buf == b"\n" || buf == b"\r\n";
                if line_is_empty {
                    self.state = State::Head(Vec::new());
                    return &bytes[i + 1..];
                }
                buf.clear();
            }
        }
        if buf.len() <= MAX_HEAD_BYTES {
            self.state = State::Chunked(Chunk::Trailers(buf));
        }
        &[]
    }
}

/// The length of the head at the start of `buf` (through its blank line), if complete.
fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(nl) = buf[i..].iter().position(|&b| b == b'\n') {
        let line_end = i + nl;
        let line = &buf[i..line_end];
        if line.is_empty() || line == b"\r" {
            return Some(line_end + 1);
        }
        i = line_end + 1;
    }
    None
}

/// Parses the bytes of one complete head (request line through the blank
/// line) the way the recorder does, keeping them in [`RawHead::raw`]: how a
/// laptop reads a head the relay recorded.
pub fn parse_recorded(head: &[u8]) -> Option<RawHead> {
    let mut parsed = parse_head(head)?;
    parsed.raw = head.to_vec();
    Some(parsed)
}

/// Parses a complete head leniently: any byte except CR/LF is kept in header
/// values (control characters included), because hookcap records what was
/// sent rather than judging it. Only a head without a request line fails.
fn parse_head(head: &[u8]) -> Option<RawHead> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut parts = lines
        .next()?
        .split(|&b| b == b' ')
        .filter(|p| !p.is_empty());
    let method = String::from_utf8_lossy(parts.next()?).into_owned();
    let target = String::from_utf8_lossy(parts.next()?).into_owned();
    let mut headers: Vec<Header> = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if matches!(line[0], b' ' | b'\t') {
            // Obsolete line folding: a continuation of the previous value.
            if let Some(prev) = headers.last_mut() {
                prev.value.push(b' ');
                prev.value.extend_from_slice(trim(line));
            }
        } else if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(trim(&line[..colon])).into_owned();
            headers.push(Header::new(name, trim(&line[colon + 1..])));
        }
    }
    Some(RawHead {
        method,
        target,
        headers,
        raw: Vec::new(),
    })
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = b {
        b = rest;
    }
    b
}

/// How the body after a request head is framed (RFC 9112 §6.3, request side).
fn framing(headers: &[Header]) -> State {
    let mut chunked = false;
    let mut length = None;
    for h in headers {
        let value = h.value_str();
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"));
        } else if h.name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<u64>().ok();
        } else if h.name.eq_ignore_ascii_case("upgrade") {
            return State::Lost;
        }
    }
    match (chunked, length) {
        (true, _) => State::Chunked(Chunk::SizeLine(Vec::new())),
        (false, Some(n)) if n > 0 => State::Body(n),
        _ => State::Head(Vec::new()),
    }
}

/// A socket wrapper that shows every byte read to a [`HeadTap`].
pub struct Recorder<S> {
    inner: S,
    tap: HeadTap,
}

impl<S> Recorder<S> {
    /// Wraps `inner`, recording heads into `queue`.
    pub fn new(inner: S, queue: HeadQueue) -> Self {
        Self {
            inner,
            tap: HeadTap::new(queue),
        }
    }

    /// Like [`Recorder::new`], keeping each head's bytes too ([`RawHead::raw`]).
    pub fn keeping_raw(inner: S, queue: HeadQueue) -> Self {
        let mut tap = HeadTap::new(queue);
        tap.keep_raw = true;
        Self { inner, tap }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recorder<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            this.tap.feed(&buf.filled()[before..]);
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorder<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads_of(chunks: &[&[u8]]) -> Vec<RawHead> {
        let queue = HeadQueue::default();
        let mut tap = HeadTap::new(queue.clone());
        for c in chunks {
            tap.feed(c);
        }
        let q = queue.lock().unwrap();
        q.iter().cloned().collect()
    }

    fn names(h: &RawHead) -> Vec<&str> {
        h.headers.iter().map(|h| h.name.as_str()).collect()
    }

    #[test]
    fn a_head_keeps_order_case_and_duplicates() {
        let heads = heads_of(&[
            b"POST /a?b=1 HTTP/1.1\r\nX-B: 1\r\nhost: h\r\nX-B: 2\r\nContent-Length: 0\r\n\r\n",
        ]);
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].target, "/a?b=1");
        assert_eq!(names(&heads[0]), ["X-B", "host", "X-B", "Content-Length"]);
    }

    #[test]
    fn pipelined_requests_with_bodies_are_all_seen() {
        let wire = b"POST /1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\n\r\n";
        let heads = heads_of(&[wire]);
        let targets: Vec<_> = heads.iter().map(|h| h.target.as_str()).collect();
        assert_eq!(targets, ["/1", "/2"]);
    }

    #[test]
    fn bytes_arriving_one_at_a_time_still_parse() {
        let wire = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /y HTTP/1.1\r\n\r\n";
        let chunks: Vec<&[u8]> = wire.chunks(1).collect();
        let heads = heads_of(&chunks);
        let targets: Vec<_> = heads.iter().map(|h| h.target.as_str()).collect();
        assert_eq!(targets, ["/x", "/y"]);
    }

    #[test]
    fn a_body_that_looks_like_a_request_is_not_mistaken_for_one() {
        let body = b"GET /fake HTTP/1.1\r\n\r\n";
        let mut wire = format!(
            "POST /real HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        wire.extend_from_slice(body);
        let heads = heads_of(&[&wire]);
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].target, "/real");
    }

    #[test]
    fn an_upgrade_stops_the_tap() {
        let heads =
            heads_of(&[b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /no HTTP/1.1\r\n\r\n"]);
        assert_eq!(heads.len(), 1);
    }

    #[test]
    fn a_mismatched_head_clears_the_queue() {
        let queue = HeadQueue::default();
        HeadTap::new(queue.clone()).feed(b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
        assert!(take_head(&queue, "GET", &hyper::Uri::from_static("/other")).is_none());
        assert!(take_head(&queue, "GET", &hyper::Uri::from_static("/b")).is_none());
    }

    #[test]
    fn a_tap_keeping_raw_bytes_keeps_each_head_exactly_and_only_the_head() {
        let queue = HeadQueue::default();
        let mut tap = HeadTap::new(queue.clone());
        tap.keep_raw = true;
        let first = b"POST /a HTTP/1.1\r\nx-SP:  v \r\nContent-Length: 3\r\n\r\n";
        let second = b"GET /b HTTP/1.1\nhost: h\n\n";
        let mut wire = b"\r\n".to_vec();
        wire.extend_from_slice(first);
        wire.extend_from_slice(b"abc");
        wire.extend_from_slice(second);
        for byte in wire.chunks(7) {
            tap.feed(byte);
        }
        let heads: Vec<RawHead> = queue.lock().unwrap().iter().cloned().collect();
        assert_eq!(heads[0].raw, first);
        assert_eq!(heads[1].raw, second);
        let plain = heads_of(&[first]);
        assert!(plain[0].raw.is_empty(), "only kept when asked");
    }

    #[test]
    fn control_characters_in_values_are_kept_byte_exact() {
        let heads =
            heads_of(&[b"POST / HTTP/1.1\r\nX-Evil:  a\x1b[2J\x00b \r\nX-Fold: a\r\n  b\r\n\r\n"]);
        assert_eq!(heads[0].headers[0].value, b"a\x1b[2J\x00b");
        assert_eq!(heads[0].headers[1].value, b"a b");
    }

    #[test]
    fn bare_lf_line_endings_are_understood() {
        let heads = heads_of(&[b"GET /lf HTTP/1.1\nA: 1\n\nGET /next HTTP/1.1\n\n"]);
        let targets: Vec<_> = heads.iter().map(|h| h.target.as_str()).collect();
        assert_eq!(targets, ["/lf", "/next"]);
    }

    #[test]
    fn garbage_never_panics() {
        heads_of(&[
            b"\x00\xff\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: zz\r\n\r\n",
            &[0xff; 70_000],
        ]);
    }
}
