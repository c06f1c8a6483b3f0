//! Recording request heads exactly as they crossed the wire.
//!
//! hyper hands the service a `HeaderMap`, which lowercases names and groups
//! duplicates by name, losing arrival order. Webhook debugging needs the
//! original order and case, so a [`super::recorder::Recorder`] wraps the
//! connection's socket and
//! feeds every byte read to a [`HeadTap`]: a small HTTP/1 framing parser that
//! parses each request head leniently and skips bodies by their framing
//! (`Content-Length` or chunked). Parsed heads queue up per connection in
//! arrival order; the service takes the front one for each request hyper
//! dispatches. If the tap ever loses track (an upgrade, or framing it cannot
//! follow) it stops, and the service falls back to hyper's view of the headers.
//!
//! The tap is also where heads are judged strictly (RFC 9112 §5): hyper runs
//! with `ignore_invalid_headers`, so that values with control characters are
//! still captured, which means it silently *skips* a line such as
//! `Content-Length : 76` and would parse that body as a second request. Only
//! the tap sees every line as sent, so it marks a head [`RawHead::malformed`]
//! when a field name is not a token (whitespace before the colon, control
//! bytes, empty), a line has no colon, a line is folded, or the body's framing
//! is ambiguous (`Content-Length` and `Transfer-Encoding` together, lengths that
//! disagree or are not digits). The service answers such a request `400` and
//! closes the connection, as nginx does since 1.21.1; nothing after it on that
//! connection is read as a request, and it is never forwarded. The tap's
//! framing follows hyper's wherever it accepts a head, so each recorded head
//! belongs to the request hyper dispatches with it; should they ever disagree,
//! the connection stops recording and falls back to hyper's view.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::model::Header;

/// Request heads are recorded up to this size; a longer one is kept truncated.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The longest field name quoted in a reason.
const QUOTE_MAX: usize = 40;

/// One request head as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHead {
    /// Method as sent.
    pub method: String,
    /// Request target as sent.
    pub target: String,
    /// The protocol version as sent (`HTTP/1.1`), empty if missing.
    pub version: String,
    /// Headers in order, original case (an invalid line too, as sent).
    pub headers: Vec<Header>,
    /// Why this is not a valid HTTP/1.1 request head, if it is not: such a
    /// request is answered `400`, its connection closed, and it is stored
    /// with this reason.
    pub malformed: Option<String>,
    /// True when the head was longer than [`MAX_HEAD_BYTES`] and only its
    /// first lines are here.
    pub truncated: bool,
    /// The head's bytes exactly as read (request line through the blank
    /// line), when the tap was asked to keep them ([`HeadTap::keeping_raw`]);
    /// otherwise (and for a truncated head) empty.
    pub raw: Vec<u8>,
}

/// Heads parsed on one connection, waiting for the service to take them.
#[derive(Debug, Default)]
pub struct Heads {
    queue: VecDeque<RawHead>,
    /// Set when a head did not match hyper's request: nothing more is
    /// recorded on this connection.
    stopped: bool,
}

/// The heads of one connection, shared by its tap and its service.
pub type HeadQueue = Arc<Mutex<Heads>>;

/// Takes the next recorded head if it matches the request hyper parsed; on
/// a mismatch the connection stops recording, so this and every later
/// request fall back to hyper's view rather than borrow another's head.
pub fn take_head(queue: &HeadQueue, method: &str, target: &hyper::Uri) -> Option<RawHead> {
    let mut heads = queue.lock().ok()?;
    let head = heads.queue.pop_front()?;
    if head.method == method && *target == *head.target {
        Some(head)
    } else {
        heads.queue.clear();
        heads.stopped = true;
        None
    }
}

/// The head hyper refused when it failed to parse a request (the oldest one
/// not taken), if the tap recorded it.
pub fn take_refused(queue: &HeadQueue) -> Option<RawHead> {
    queue.lock().ok()?.queue.pop_front()
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

    /// Like [`HeadTap::new`], keeping each head's bytes too ([`RawHead::raw`]).
    pub fn keeping_raw(queue: HeadQueue) -> Self {
        Self {
            keep_raw: true,
            ..Self::new(queue)
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
                        self.accept(head);
                        &bytes[used.min(bytes.len())..]
                    }
                    None => &[],
                }
            }
            None if buf.len() <= MAX_HEAD_BYTES => {
                self.state = State::Head(buf);
                &[]
            }
            None => {
                self.keep_truncated(&buf[lead..]);
                &[]
            }
        }
    }

    /// Queues a parsed head and follows its body. A malformed head stops the
    /// tap: its connection is closed after the answer.
    fn accept(&mut self, mut head: RawHead) {
        self.state = match framing(&head.headers) {
            _ if head.malformed.is_some() => State::Lost,
            Ok(state) => state,
            Err(why) => {
                head.malformed = Some(why);
                State::Lost
            }
        };
        if let Ok(mut heads) = self.queue.lock() {
            if heads.stopped {
                self.state = State::Lost;
            } else {
                heads.queue.push_back(head);
            }
        }
    }

    /// Keeps the complete lines of a head too long to record whole, marked
    /// truncated, and stops (hyper refuses such a head, or has the rest).
    fn keep_truncated(&mut self, buf: &[u8]) {
        let Some(last) = buf.iter().rposition(|&b| b == b'\n') else {
            return;
        };
        if let Some(mut head) = parse_head(&buf[..=last]) {
            head.truncated = true;
            if let Ok(mut heads) = self.queue.lock()
                && !heads.stopped
            {
                heads.queue.push_back(head);
            }
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
        self.accept(head);
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
    for line_end in memchr::memchr_iter(b'\n', buf) {
        let line = &buf[i..line_end];
        if line.is_empty() || line == b"\r" {
            return Some(line_end + 1);
        }
        i = line_end + 1;
    }
    None
}

/// Parses a complete head. Values keep every byte except CR/LF (control
/// characters included), because hookcap records what was sent rather than
/// judging it; field names must be tokens (RFC 9110 §5.1, RFC 9112 §5.1),
/// and the first line that breaks the field syntax is named in
/// Parses the bytes of one complete head (request line through the blank
/// line) the way the recorder does: how a laptop reads a head the relay
/// recorded. [`RawHead::raw`] stays empty (the caller has the bytes).
pub fn parse_recorded(head: &[u8]) -> Option<RawHead> {
    parse_head(head)
}

/// [`RawHead::malformed`]. Only a head without a request line fails.
fn parse_head(head: &[u8]) -> Option<RawHead> {
    let text = HeadText::new(head);
    let mut lines = lines(head).map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut parts = lines
        .next()?
        .split(|&b| b == b' ')
        .filter(|p| !p.is_empty());
    let method = text.of(parts.next()?);
    let target = text.of(parts.next()?);
    let version = text.of(parts.next().unwrap_or_default());
    let mut headers: Vec<Header> = Vec::with_capacity(16);
    let mut malformed = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let problem = if matches!(line[0], b' ' | b'\t') {
            // Obsolete line folding: shown as part of the previous value.
            if let Some(prev) = headers.last_mut() {
                prev.value.push(b' ');
                prev.value.extend_from_slice(trim(line));
            }
            Some("obsolete line folding (a field line starting with whitespace)".to_owned())
        } else if let Some(colon) = memchr::memchr(b':', line) {
            let name = text.of(&line[..colon]);
            let problem = name_problem(&line[..colon], &name);
            headers.push(Header::new(name, trim(&line[colon + 1..])));
            problem
        } else {
            let line = text.of(line);
            let problem = format!("a field line without a colon: {:?}", quote(&line));
            headers.push(Header::new(line, Vec::new()));
            Some(problem)
        };
        if malformed.is_none() {
            malformed = problem;
        }
    }
    Some(RawHead {
        method,
        target,
        version,
        headers,
        malformed,
        truncated: false,
        raw: Vec::new(),
    })
}

/// The pieces of one head as text. The head is checked as UTF-8 once, and
/// when it is (the usual case) a piece is copied from it as it is; otherwise
/// each piece gets its invalid bytes replaced, as `from_utf8_lossy` does.
struct HeadText<'h> {
    head: &'h [u8],
    valid: Option<&'h str>,
}

impl<'h> HeadText<'h> {
    fn new(head: &'h [u8]) -> Self {
        Self {
            head,
            valid: std::str::from_utf8(head).ok(),
        }
    }

    /// `piece` as a `String`; taken from the checked head when `piece` lies
    /// in it (pieces are cut at ASCII bytes, so at character boundaries).
    fn of(&self, piece: &[u8]) -> String {
        let start = (piece.as_ptr() as usize).wrapping_sub(self.head.as_ptr() as usize);
        let inside = start <= self.head.len() && piece.len() <= self.head.len() - start;
        match self.valid.filter(|_| inside) {
            Some(text) => match text.get(start..start + piece.len()) {
                Some(piece) => piece.to_owned(),
                None => String::from_utf8_lossy(piece).into_owned(),
            },
            None => String::from_utf8_lossy(piece).into_owned(),
        }
    }
}

/// The lines of `head`, split at each `\n` as `split` would (a last line
/// without one included), found with a vectorised search.
fn lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', head)
        .chain(std::iter::once(head.len()))
        .map(move |end| {
            let line = &head[start..end];
            start = end + 1;
            line
        })
}

/// What is wrong with a field name, if anything: it must be a non-empty
/// token, directly followed by the colon.
fn name_problem(raw: &[u8], name: &str) -> Option<String> {
    let what = match raw {
        [] => return Some("an empty field name".to_owned()),
        [.., b' ' | b'\t'] => "whitespace between the field name and the colon",
        _ if raw.iter().all(|&b| is_tchar(b)) => return None,
        _ if raw.iter().any(|&b| b < 0x20 || b == 0x7f) => "a control character in the field name",
        _ => "a character that is not allowed in a field name",
    };
    Some(format!("{what}: {:?}", quote(name)))
}

/// A token character (RFC 9110 §5.6.2).
fn is_tchar(b: u8) -> bool {
    TCHARS[usize::from(b)]
}

/// [`is_tchar`] as a table: every field name's bytes are checked.
const TCHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let symbols = b"!#$%&'*+-.^_`|~";
    let mut i = 0;
    while i < symbols.len() {
        table[symbols[i] as usize] = true;
        i += 1;
    }
    table
};

/// The start of `s`, for quoting in a reason.
fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
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

/// How the body after a request head is framed (RFC 9112 §6.3, request
/// side), decided the way hyper decides it; what hyper might read otherwise
/// (or only by skipping a line) is refused with the reason.
fn framing(headers: &[Header]) -> Result<State, String> {
    let mut chunked = None;
    let mut length: Option<u64> = None;
    let mut upgrade = false;
    for h in headers {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // The last line decides, as in hyper.
            let value = h.value_str();
            chunked = Some(
                value
                    .rsplit(',')
                    .next()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked")),
            );
        } else if h.name.eq_ignore_ascii_case("content-length") {
            let n = digits(trim(&h.value))
                .ok_or_else(|| format!("an invalid Content-Length: {:?}", quote(&h.value_str())))?;
            if length.is_some_and(|l| l != n) {
                return Err("Content-Length fields that disagree".to_owned());
            }
            length = Some(n);
        } else if h.name.eq_ignore_ascii_case("upgrade") {
            upgrade = true;
        }
    }
    let state = match (chunked, length) {
        (Some(_), Some(_)) => {
            return Err("both Transfer-Encoding and Content-Length (RFC 9112 §6.1)".to_owned());
        }
        (Some(false), None) => {
            return Err("a Transfer-Encoding whose last coding is not chunked".to_owned());
        }
        (Some(true), None) => State::Chunked(Chunk::SizeLine(Vec::new())),
        (None, Some(n)) if n > 0 => State::Body(n),
        _ => State::Head(Vec::new()),
    };
    Ok(if upgrade { State::Lost } else { state })
}

/// A decimal length: digits only (no sign, no spaces), as hyper reads it.
fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_table_holds_exactly_the_token_characters() {
        for b in 0..=255u8 {
            let token = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), token, "{b:#04x}");
        }
    }

    #[test]
    fn head_text_is_each_piece_as_from_utf8_lossy_reads_it() {
        let heads: [&[u8]; 3] = [b"POST /h\xc3\xa9 HTTP/1.1", b"GET /\xff\xfe x", b""];
        for head in heads {
            let text = HeadText::new(head);
            for start in 0..=head.len() {
                for end in start..=head.len() {
                    let piece = &head[start..end];
                    assert_eq!(text.of(piece), String::from_utf8_lossy(piece), "{piece:?}");
                }
            }
            let elsewhere = b"elsewhere".to_vec();
            assert_eq!(text.of(&elsewhere), "elsewhere");
            assert_eq!(text.of(&[]), "");
        }
    }

    #[test]
    fn lines_split_as_split_does() {
        for head in [&b""[..], b"\n", b"a", b"a\n", b"a\r\nb\n\n", b"\n\nx"] {
            let by_split: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
            assert_eq!(lines(head).collect::<Vec<_>>(), by_split, "{head:?}");
        }
    }

    fn heads_of(chunks: &[&[u8]]) -> Vec<RawHead> {
        let queue = HeadQueue::default();
        let mut tap = HeadTap::new(queue.clone());
        for c in chunks {
            tap.feed(c);
        }
        let heads = queue.lock().unwrap();
        heads.queue.iter().cloned().collect()
    }

    fn names(h: &RawHead) -> Vec<&str> {
        h.headers.iter().map(|h| h.name.as_str()).collect()
    }

    #[test]
    fn a_tap_keeping_raw_bytes_keeps_each_head_exactly_and_only_the_head() {
        let queue = HeadQueue::default();
        let mut tap = HeadTap::keeping_raw(queue.clone());
        let first = b"POST /a HTTP/1.1\r\nx-SP:  v \r\nContent-Length: 3\r\n\r\n";
        let second = b"GET /b HTTP/1.1\nhost: h\n\n";
        let mut wire = b"\r\n".to_vec();
        wire.extend_from_slice(first);
        wire.extend_from_slice(b"abc");
        wire.extend_from_slice(second);
        for bytes in wire.chunks(7) {
            tap.feed(bytes);
        }
        let heads: Vec<RawHead> = queue.lock().unwrap().queue.iter().cloned().collect();
        assert_eq!(heads[0].raw, first);
        assert_eq!(heads[1].raw, second);
        let plain = heads_of(&[first]);
        assert!(plain[0].raw.is_empty(), "only kept when asked");
        let recorded = parse_recorded(first).unwrap();
        assert_eq!(
            (recorded.version.as_str(), names(&recorded)),
            ("HTTP/1.1", vec!["x-SP", "Content-Length"])
        );
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
    fn control_characters_in_values_are_kept_byte_exact() {
        let heads = heads_of(&[
            b"POST / HTTP/1.1\r\nX-Evil:  a\x1b[2J\x00b \r\nX_Odd.Name!#$%&'*+-^`|~: v\r\n\r\n",
        ]);
        assert_eq!(heads[0].headers[0].value, b"a\x1b[2J\x00b");
        assert_eq!(heads[0].headers[1].name, "X_Odd.Name!#$%&'*+-^`|~");
        assert_eq!(heads[0].malformed, None, "hostile but valid");
    }

    fn malformed(wire: &[u8]) -> Option<String> {
        heads_of(&[wire]).swap_remove(0).malformed
    }

    #[test]
    fn invalid_field_lines_mark_the_head_malformed_and_are_kept() {
        for (line, why) in [
            (
                &b"Content-Length : 5"[..],
                "whitespace between the field name and the colon: \"Content-Length \"",
            ),
            (
                b"Content-Length\t: 5",
                "whitespace between the field name and the colon",
            ),
            (b"X-\x01Bad: 1", "a control character in the field name"),
            (
                b"X(Bad): 1",
                "a character that is not allowed in a field name",
            ),
            (b"X Y: 1", "a character that is not allowed"),
            (b": empty", "an empty field name"),
            (
                b"NoColonHere",
                "a field line without a colon: \"NoColonHere\"",
            ),
            (b" folded", "obsolete line folding"),
        ] {
            let mut wire = b"POST /m HTTP/1.1\r\nHost: h\r\n".to_vec();
            wire.extend_from_slice(line);
            wire.extend_from_slice(b"\r\n\r\n");
            let got = malformed(&wire).unwrap_or_default();
            assert!(
                got.starts_with(why),
                "{:?}: {got}",
                String::from_utf8_lossy(line)
            );
        }
        let heads = heads_of(&[b"POST / HTTP/1.1\r\nContent-Length : 5\r\nNoColon\r\n\r\n"]);
        let names: Vec<_> = heads[0].headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["Content-Length ", "NoColon"], "kept as sent");
    }

    #[test]
    fn ambiguous_framing_is_malformed() {
        for (fields, why) in [
            (
                "Content-Length: 3\r\nTransfer-Encoding: chunked",
                "both Transfer-Encoding and Content-Length",
            ),
            (
                "Content-Length: 3\r\nContent-Length: 4",
                "Content-Length fields that disagree",
            ),
            ("Content-Length: +3", "an invalid Content-Length"),
            ("Content-Length: 3, 3", "an invalid Content-Length"),
            ("Content-Length: 3\x01", "an invalid Content-Length"),
            (
                "Transfer-Encoding: chunked, gzip",
                "a Transfer-Encoding whose last coding",
            ),
        ] {
            let wire = format!("POST / HTTP/1.1\r\n{fields}\r\n\r\n");
            let got = malformed(wire.as_bytes()).unwrap_or_default();
            assert!(got.starts_with(why), "{fields:?}: {got}");
        }
        assert_eq!(
            malformed(b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length:  3 \r\n\r\n"),
            None
        );
    }

    #[test]
    fn nothing_after_a_malformed_head_is_taken_for_a_request() {
        let smuggled = b"POST /admin HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
        let mut wire = format!(
            "POST /a HTTP/1.1\r\nContent-Length : {}\r\n\r\n",
            smuggled.len()
        )
        .into_bytes();
        wire.extend_from_slice(smuggled);
        let heads = heads_of(&[&wire]);
        assert_eq!(heads.len(), 1);
        assert!(heads[0].malformed.is_some());
    }

    #[test]
    fn a_mismatch_stops_recording_for_the_connection() {
        let queue = HeadQueue::default();
        let mut tap = HeadTap::new(queue.clone());
        tap.feed(b"GET /a HTTP/1.1\r\n\r\n");
        assert!(take_head(&queue, "GET", &hyper::Uri::from_static("/other")).is_none());
        tap.feed(b"GET /b HTTP/1.1\r\n\r\n");
        assert!(take_head(&queue, "GET", &hyper::Uri::from_static("/b")).is_none());
    }

    #[test]
    fn a_head_too_long_is_kept_truncated() {
        let mut wire = b"GET /big HTTP/1.1\r\n".to_vec();
        while wire.len() <= MAX_HEAD_BYTES {
            wire.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        let heads = heads_of(&[&wire]);
        assert_eq!(heads.len(), 1);
        assert!(heads[0].truncated && heads[0].headers.len() > 1000);
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
