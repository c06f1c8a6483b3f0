//! The response reader: one final answer per request, read off a [`Conn`].
//!
//! The head is read on its own ([`Conn::read_head`]): interim `1xx` answers
//! are skipped (`101` is final), the header fields keep their order, case
//! and duplicates, and the head is bounded in bytes
//! ([`MAX_RESPONSE_HEAD`]) and fields ([`MAX_RESPONSE_HEADERS`]). The body
//! then comes from a [`Body`], framed as RFC 9112 §6.3 says (none, chunked,
//! `Content-Length`, or until the connection closes), piece by piece
//! ([`Body::chunk`]), so a caller can pass it on as it arrives, keep the
//! first bytes of it ([`Body::read_into`]) or write it to a sink with a byte
//! limit ([`Body::stream_to`]). Once the body has ended, the connection is
//! handed back for reuse when the answer allows it ([`Body::finish`]).
//!
//! Nothing a server sends can make the reader panic or buffer without bound.

use std::io;

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::conn::{Conn, Stream};
use super::error::{Error, ErrorKind};
use super::limits::{
    MAX_CHUNK_LINE, MAX_RESPONSE_HEAD, MAX_RESPONSE_HEADERS, MAX_TRAILERS, READ_SIZE,
};
use crate::model::{Header, HeaderList};

/// Body pieces up to this size are copied out of the read buffer.
const SMALL_PIECE: usize = 16 * 1024;

/// A final answer's status line and header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// The status code.
    pub status: u16,
    /// The reason phrase as sent (invalid UTF-8 replaced).
    pub reason: String,
    /// The header fields in order, with their case.
    pub headers: Vec<Header>,
}

impl ResponseHead {
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub fn version(&self) -> &'static str {
        if self.minor_version == 0 {
            "HTTP/1.0"
        } else {
            "HTTP/1.1"
        }
    }
}

impl<S: AsyncRead + Unpin> Conn<S> {
    /// Reads the next final answer's head, skipping interim `1xx` answers.
    /// [`ErrorKind::Closed`] means the connection ended before any byte of
    /// an answer arrived.
    pub async fn read_head(&mut self) -> Result<ResponseHead, Error> {
        let mut got_any = !self.buf.is_empty();
        loop {
            let head = self.read_one_head(&mut got_any).await?;
            if !(100..200).contains(&head.status) || head.status == 101 {
                return Ok(head);
            }
        }
    }

    async fn read_one_head(&mut self, got_any: &mut bool) -> Result<ResponseHead, Error> {
        loop {
            // Empty lines before a status line are tolerated, as by most clients.
            let lead = self
                .buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            self.buf.advance(lead);
            if !self.buf.is_empty()
                && let Some((len, head)) = parse_head(&self.buf)?
            {
                self.buf.advance(len);
                return Ok(head);
            }
            if self.buf.len() > MAX_RESPONSE_HEAD {
                return Err(Error::new(
                    ErrorKind::Head,
                    format!("the answer's head is larger than {MAX_RESPONSE_HEAD} bytes"),
                ));
            }
            match self.fill(8 * 1024).await {
                Ok(0) if *got_any => {
                    return Err(Error::new(
                        ErrorKind::Head,
                        "the connection closed before a complete answer arrived",
                    ));
                }
                Ok(0) => {
                    return Err(Error::new(
                        ErrorKind::Closed,
                        "the connection closed before an answer arrived",
                    ));
                }
                Ok(_) => *got_any = true,
                Err(e) if !*got_any && is_disconnect(&e) => {
                    return Err(Error::caused(
                        ErrorKind::Closed,
                        "the connection closed before an answer arrived",
                        e,
                    ));
                }
                Err(e) => {
                    return Err(Error::caused(
                        ErrorKind::Head,
                        "reading the answer failed",
                        e,
                    ));
                }
            }
        }
    }

    /// The first `n` buffered bytes. Small pieces are copied, so the read
    /// buffer stays unshared and is reused for the next answer; big ones are
    /// handed out without a copy.
    fn take(&mut self, n: usize) -> Bytes {
        if n <= SMALL_PIECE {
            let piece = Bytes::copy_from_slice(&self.buf[..n]);
            self.buf.advance(n);
            piece
        } else {
            self.buf.split_to(n).freeze()
        }
    }

    /// Reads more bytes into the buffer, with room for at least `want`; 0 at
    /// the end of the stream.
    pub(super) async fn fill(&mut self, want: usize) -> io::Result<usize> {
        self.buf.reserve(want.clamp(1, READ_SIZE));
        self.io.read_buf(&mut self.buf).await
    }
}

fn is_disconnect(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

/// Parses a complete head at the start of `buf`: its length and the head,
/// or `None` when more bytes are needed.
fn parse_head(buf: &[u8]) -> Result<Option<(usize, ResponseHead)>, Error> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_RESPONSE_HEADERS];
    let mut res = httparse::Response::new(&mut slots);
    let len = match res.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Error::new(
                ErrorKind::Head,
                format!("the answer has more than {MAX_RESPONSE_HEADERS} header fields"),
            ));
        }
        Err(e) => {
            return Err(Error::caused(
                ErrorKind::Head,
                "the answer is not valid HTTP/1",
                e,
            ));
        }
    };
    let headers = res
        .headers
        .iter()
        .map(|h| Header::new(h.name, h.value))
        .collect();
    Ok(Some((
        len,
        ResponseHead {
            minor_version: res.version.unwrap_or(1),
            status: res.code.unwrap_or_default(),
            reason: res.reason.unwrap_or_default().to_owned(),
            headers,
        },
    )))
}

/// How an answer's body is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body: an answer to `HEAD`, a `1xx`, `204` or `304`.
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

impl Framing {
    /// The framing of the body after `head`; `head_only` for an answer to `HEAD`.
    pub fn of(head: &ResponseHead, head_only: bool) -> Result<Self, Error> {
        let status = head.status;
        if head_only || (100..200).contains(&status) || status == 204 || status == 304 {
            return Ok(Self::Empty);
        }
        let mut codings = head.headers.all("transfer-encoding").peekable();
        if codings.peek().is_some() {
            let last = codings.last().map(|h| h.value_str().into_owned());
            let chunked = last.is_some_and(|v| {
                v.rsplit(',')
                    .next()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"))
            });
            return Ok(if chunked {
                Self::Chunked
            } else {
                Self::UntilClose
            });
        }
        let mut length = None;
        for h in head.headers.all("content-length") {
            for item in h.value_str().split(',') {
                let item = item.trim();
                let n = (!item.is_empty() && item.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| item.parse::<u64>().ok())
                    .flatten();
                match (n, length) {
                    (Some(n), None) => length = Some(n),
                    (Some(n), Some(seen)) if n == seen => {}
                    _ => {
                        return Err(Error::new(
                            ErrorKind::Head,
                            "the answer's Content-Length is invalid",
                        ));
                    }
                }
            }
        }
        Ok(length.map_or(Self::UntilClose, Self::Length))
    }
}

/// True when the connection may carry another request after this answer:
/// HTTP/1.1 without `Connection: close` (HTTP/1.0 only with `keep-alive`),
/// a body with an end of its own, and not both framings at once.
fn keeps_alive(head: &ResponseHead, framing: Framing) -> bool {
    let mut close = false;
    let mut keep_alive = false;
    for h in head.headers.all("connection") {
        for option in h.value_str().split(',') {
            let option = option.trim();
            close |= option.eq_ignore_ascii_case("close");
            keep_alive |= option.eq_ignore_ascii_case("keep-alive");
        }
    }
    let ambiguous = head.headers.find("transfer-encoding").is_some()
        && head.headers.find("content-length").is_some();
    let persistent = if head.minor_version == 0 {
        keep_alive
    } else {
        !close
    };
    persistent && head.status != 101 && framing != Framing::UntilClose && !ambiguous
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Length(u64),
    UntilClose,
    ChunkSize,
    ChunkData(u64),
    ChunkEnd,
    Trailers(usize),
    Done,
}

/// An answer's body, read from the connection that carried it.
#[derive(Debug)]
pub struct Body<S = Stream> {
    conn: Conn<S>,
    state: State,
    keep_alive: bool,
    received: u64,
}

/// The first bytes of a body, up to a limit, and whether more arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kept {
    /// The bytes kept.
    pub bytes: Vec<u8>,
    /// True when the body was longer than the limit.
    pub truncated: bool,
    limit: usize,
}

impl Kept {
    /// Nothing kept yet; at most `limit` bytes will be.
    pub fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            truncated: false,
            limit,
        }
    }

    /// Keeps the start of `piece`, as far as the limit allows.
    pub fn keep(&mut self, piece: &[u8]) {
        let room = self.limit.saturating_sub(self.bytes.len());
        self.truncated |= piece.len() > room;
        self.bytes
            .extend_from_slice(&piece[..piece.len().min(room)]);
    }
}

/// Why streaming a body to a sink stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The answer failed (or was over the limit: [`ErrorKind::TooLarge`]).
    #[error(transparent)]
    Http(#[from] Error),
    /// Writing to the sink failed.
    #[error("{0}")]
    Sink(io::Error),
}

impl<S: AsyncRead + Unpin> Body<S> {
    /// The body after `head` on `conn` (whose head has just been read).
    pub fn new(conn: Conn<S>, head: &ResponseHead, head_only: bool) -> Result<Self, Error> {
        let framing = Framing::of(head, head_only)?;
        let state = match framing {
            Framing::Empty | Framing::Length(0) => State::Done,
            Framing::Length(n) => State::Length(n),
            Framing::Chunked => State::ChunkSize,
            Framing::UntilClose => State::UntilClose,
        };
        Ok(Self {
            conn,
            state,
            keep_alive: keeps_alive(head, framing),
            received: 0,
        })
    }

    /// The exact number of body bytes still to come, when the framing says.
    pub fn remaining(&self) -> Option<u64> {
        match self.state {
            State::Done => Some(0),
            State::Length(n) => Some(n),
            _ => None,
        }
    }

    /// True once the whole body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Body bytes read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next piece of the body, `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            let (next, piece) = match self.state {
                State::Done => return Ok(None),
                State::Length(n) => self.data(n, State::Done).await?,
                State::ChunkData(n) => self.data(n, State::ChunkEnd).await?,
                State::UntilClose => self.until_close().await?,
                State::ChunkSize => (self.chunk_size().await?, None),
                State::ChunkEnd => (self.chunk_end().await?, None),
                State::Trailers(seen) => (self.trailer(seen).await?, None),
            };
            self.state = next;
            if let Some(piece) = piece {
                self.received += piece.len() as u64;
                return Ok(Some(piece));
            }
        }
    }

    /// Up to `n` bytes of data; then `after`.
    async fn data(&mut self, n: u64, after: State) -> Result<(State, Option<Bytes>), Error> {
        if self.conn.buf.is_empty() {
            let want = usize::try_from(n).unwrap_or(usize::MAX);
            match self.conn.fill(want).await {
                Ok(0) => {
                    return Err(broke_off(
                        "the connection closed before the answer's body ended",
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::caused(
                        ErrorKind::Body,
                        "the answer's body broke off",
                        e,
                    ));
                }
            }
        }
        let take = self
            .conn
            .buf
            .len()
            .min(usize::try_from(n).unwrap_or(usize::MAX));
        let piece = self.conn.take(take);
        let left = n - take as u64;
        let next = match (left, after) {
            (0, after) => after,
            (left, State::Done) => State::Length(left),
            (left, _) => State::ChunkData(left),
        };
        Ok((next, Some(piece)))
    }

    async fn until_close(&mut self) -> Result<(State, Option<Bytes>), Error> {
        if self.conn.buf.is_empty() {
            match self.conn.fill(READ_SIZE).await {
                Ok(0) => return Ok((State::Done, None)),
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::caused(
                        ErrorKind::Body,
                        "the answer's body broke off",
                        e,
                    ));
                }
            }
        }
        let all = self.conn.buf.len();
        Ok((State::UntilClose, Some(self.conn.take(all))))
    }

    /// A line (chunk size or trailer) without its line ending, at most `max` bytes.
    async fn line(&mut self, max: usize, what: &str) -> Result<Bytes, Error> {
        loop {
            if let Some(nl) = self.conn.buf.iter().position(|&b| b == b'\n') {
                let mut line = self.conn.take(nl + 1);
                line.truncate(nl);
                if line.last() == Some(&b'\r') {
                    line.truncate(nl - 1);
                }
                return Ok(line);
            }
            if self.conn.buf.len() > max {
                return Err(broke_off(format!("the answer's {what} is too long")));
            }
            match self.conn.fill(max.min(8 * 1024)).await {
                Ok(0) => {
                    return Err(broke_off(
                        "the connection closed before the answer's body ended",
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::caused(
                        ErrorKind::Body,
                        "the answer's body broke off",
                        e,
                    ));
                }
            }
        }
    }

    async fn chunk_size(&mut self) -> Result<State, Error> {
        let line = self.line(MAX_CHUNK_LINE, "chunk-size line").await?;
        let size = line.split(|&b| b == b';').next().unwrap_or_default();
        let size = trim(size);
        let valid = !size.is_empty() && size.len() <= 16 && size.iter().all(u8::is_ascii_hexdigit);
        let n = valid
            .then(|| std::str::from_utf8(size).ok())
            .flatten()
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .ok_or_else(|| broke_off("the answer has a bad chunk size"))?;
        Ok(if n == 0 {
            State::Trailers(0)
        } else {
            State::ChunkData(n)
        })
    }

    async fn chunk_end(&mut self) -> Result<State, Error> {
        let line = self.line(2, "chunk").await?;
        if line.is_empty() {
            Ok(State::ChunkSize)
        } else {
            Err(broke_off("a chunk of the answer is longer than its size"))
        }
    }

    async fn trailer(&mut self, seen: usize) -> Result<State, Error> {
        let room = MAX_TRAILERS.saturating_sub(seen);
        let line = self.line(room, "trailer section").await?;
        Ok(if line.is_empty() {
            State::Done
        } else {
            State::Trailers(seen + line.len() + 2)
        })
    }

    /// Reads the rest of the body into `kept` (what arrived stays there even
    /// when reading fails or is cut off by a timeout); stops with
    /// [`ErrorKind::TooLarge`] once more than `limit` bytes have arrived, so
    /// an endless answer is not read forever.
    pub async fn read_into(&mut self, kept: &mut Kept, limit: u64) -> Result<(), Error> {
        while let Some(piece) = self.chunk().await? {
            kept.keep(&piece);
            if self.received > limit {
                return Err(too_large(limit));
            }
        }
        Ok(())
    }

    /// Writes the rest of the body to `sink` as it arrives; stops with
    /// [`ErrorKind::TooLarge`] before writing past `limit` bytes in all.
    /// Returns the bytes written.
    pub async fn stream_to(
        &mut self,
        sink: &mut impl io::Write,
        limit: u64,
    ) -> Result<u64, StreamError> {
        while let Some(piece) = self.chunk().await? {
            if self.received > limit {
                return Err(StreamError::Http(too_large(limit)));
            }
            sink.write_all(&piece).map_err(StreamError::Sink)?;
        }
        Ok(self.received)
    }

    /// The connection, once the body has ended, when it can carry another
    /// request (and no stray bytes followed the answer).
    pub fn finish(self) -> Option<Conn<S>> {
        (self.state == State::Done && self.keep_alive && self.conn.buf.is_empty())
            .then_some(self.conn)
    }
}

fn too_large(limit: u64) -> Error {
    Error::new(
        ErrorKind::TooLarge,
        format!(
            "the answer's body is larger than {}; stopped reading",
            bytesize::ByteSize(limit).display().iec()
        ),
    )
}

fn broke_off(what: impl Into<String>) -> Error {
    Error::new(ErrorKind::Body, what)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Reads one answer off `wire`: the head, what the body kept (up to 8
    /// bytes), and how reading it ended.
    fn answer(
        wire: &[u8],
        head_only: bool,
    ) -> Result<(ResponseHead, Kept, Result<(), Error>), Error> {
        run(async {
            let mut conn = Conn::new(wire);
            let head = conn.read_head().await?;
            let mut body = Body::new(conn, &head, head_only)?;
            let mut kept = Kept::new(8);
            let end = body.read_into(&mut kept, 64).await;
            Ok((head, kept, end))
        })
    }

    /// Whether the connection is left reusable after reading the whole answer.
    fn reusable(wire: &[u8]) -> bool {
        run(async {
            let mut conn = Conn::new(wire);
            let head = conn.read_head().await.unwrap();
            let mut body = Body::new(conn, &head, false).unwrap();
            while body.chunk().await.unwrap().is_some() {}
            body.finish().is_some()
        })
    }

    #[test]
    fn a_chunked_answer_is_decoded_and_headers_keep_order_and_case() {
        let wire = b"HTTP/1.1 200 OK\r\nX-Case: A\r\nset-cookie: 1\r\nSet-Cookie: 2\r\n\
                     Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\nT: 1\r\n\r\n";
        let (head, kept, end) = answer(wire, false).unwrap();
        end.unwrap();
        assert_eq!((head.status, head.reason.as_str()), (200, "OK"));
        let names: Vec<&str> = head.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            ["X-Case", "set-cookie", "Set-Cookie", "Transfer-Encoding"]
        );
        assert_eq!(kept.bytes, b"abcde");
        assert!(reusable(wire));
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let head = |status: u16, fields: &[(&str, &str)]| ResponseHead {
            minor_version: 1,
            status,
            reason: String::new(),
            headers: fields.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        };
        let table = [
            (
                head(200, &[("Content-Length", "5")]),
                false,
                Some(Framing::Length(5)),
            ),
            (
                head(200, &[("Content-Length", "5")]),
                true,
                Some(Framing::Empty),
            ),
            (
                head(204, &[("Content-Length", "5")]),
                false,
                Some(Framing::Empty),
            ),
            (head(304, &[]), false, Some(Framing::Empty)),
            (head(200, &[]), false, Some(Framing::UntilClose)),
            (
                head(
                    200,
                    &[
                        ("Transfer-Encoding", "gzip, chunked"),
                        ("Content-Length", "5"),
                    ],
                ),
                false,
                Some(Framing::Chunked),
            ),
            (
                head(200, &[("Transfer-Encoding", "gzip")]),
                false,
                Some(Framing::UntilClose),
            ),
            (
                head(200, &[("Content-Length", "5, 5"), ("content-length", "5")]),
                false,
                Some(Framing::Length(5)),
            ),
            (
                head(200, &[("Content-Length", "5"), ("Content-Length", "6")]),
                false,
                None,
            ),
            (head(200, &[("Content-Length", "+5")]), false, None),
            (head(200, &[("Content-Length", "")]), false, None),
            (
                head(200, &[("Content-Length", "99999999999999999999999")]),
                false,
                None,
            ),
        ];
        for (h, head_only, want) in table {
            assert_eq!(Framing::of(&h, head_only).ok(), want, "{:?}", h.headers);
        }
    }

    #[test]
    fn interim_answers_are_skipped_but_101_is_final() {
        let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n\
                     HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
        let (head, kept, _) = answer(wire, false).unwrap();
        assert_eq!((head.status, kept.bytes.as_slice()), (202, &b"ok"[..]));
        let wire = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nrest";
        let (head, kept, _) = answer(wire, false).unwrap();
        assert_eq!((head.status, kept.bytes.len()), (101, 0));
    }

    #[test]
    fn bodies_are_kept_up_to_the_limit_and_a_short_one_keeps_what_arrived() {
        let wire = b"HTTP/1.1 500 Oops\r\nContent-Length: 12\r\n\r\nhello world!";
        let (_, kept, end) = answer(wire, false).unwrap();
        end.unwrap();
        assert!(kept.truncated);
        assert_eq!(kept.bytes, b"hello wo");

        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let (_, kept, end) = answer(wire, false).unwrap();
        assert_eq!(end.unwrap_err().kind, ErrorKind::Body);
        assert_eq!(kept.bytes, b"abc");
    }

    #[test]
    fn an_answer_without_length_runs_until_close_and_is_not_reused() {
        let wire = b"HTTP/1.0 200 OK\r\n\r\nall of it";
        let (head, kept, end) = answer(wire, false).unwrap();
        end.unwrap();
        assert_eq!(
            (head.version(), kept.bytes.as_slice()),
            ("HTTP/1.0", &b"all of i"[..])
        );
        assert!(!reusable(wire));
    }

    #[test]
    fn reuse_needs_keep_alive_and_a_clean_end() {
        assert!(reusable(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
        assert!(!reusable(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"
        ));
        assert!(!reusable(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx"));
        assert!(reusable(
            b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx"
        ));
        assert!(!reusable(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxSTRAY"
        ));
        assert!(!reusable(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
        ));
    }

    #[test]
    fn heads_and_chunks_over_the_limits_are_errors() {
        let mut big = b"HTTP/1.1 200 OK\r\n".to_vec();
        while big.len() <= MAX_RESPONSE_HEAD {
            big.extend_from_slice(b"X-Pad: 0123456789012345678901234567890123456789\r\n");
        }
        assert_eq!(answer(&big, false).unwrap_err().kind, ErrorKind::Head);

        let mut many = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..=MAX_RESPONSE_HEADERS {
            many.extend_from_slice(format!("X-{i}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        let e = answer(&many, false).unwrap_err();
        assert!(e.message.contains("header fields"), "{e}");

        let mut long_size = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1".to_vec();
        long_size.extend(std::iter::repeat_n(b'0', MAX_CHUNK_LINE + 1));
        let (_, _, end) = answer(&long_size, false).unwrap();
        assert_eq!(end.unwrap_err().kind, ErrorKind::Body);

        for bad in [
            &b"zz\r\n"[..],
            b"+5\r\nhello\r\n0\r\n\r\n",
            b"3\r\nabcdef\r\n",
            b"11111111111111111\r\n",
        ] {
            let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            wire.extend_from_slice(bad);
            let (_, _, end) = answer(&wire, false).unwrap();
            assert_eq!(end.unwrap_err().kind, ErrorKind::Body, "{bad:?}");
        }
    }

    #[test]
    fn a_closed_connection_and_garbage_are_errors() {
        assert_eq!(answer(b"", false).unwrap_err().kind, ErrorKind::Closed);
        assert_eq!(answer(b"\r\n", false).unwrap_err().kind, ErrorKind::Head);
        assert_eq!(
            answer(b"HTTP/1.1 200 O", false).unwrap_err().kind,
            ErrorKind::Head
        );
        assert_eq!(
            answer(b"SSH-2.0-OpenSSH\r\n\r\n", false).unwrap_err().kind,
            ErrorKind::Head
        );
    }

    #[test]
    fn a_body_streams_to_a_sink_up_to_a_limit() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef";
        let stream = |limit: u64| {
            run(async {
                let mut conn = Conn::new(&wire[..]);
                let head = conn.read_head().await.unwrap();
                let mut body = Body::new(conn, &head, false).unwrap();
                let mut sink = Vec::new();
                (body.stream_to(&mut sink, limit).await, sink)
            })
        };
        let (done, sink) = stream(6);
        assert_eq!((done.unwrap(), sink.as_slice()), (6, &b"abcdef"[..]));
        let (over, sink) = stream(5);
        assert!(matches!(over, Err(StreamError::Http(e)) if e.kind == ErrorKind::TooLarge));
        assert!(sink.is_empty(), "nothing past the limit is written");
    }

    #[test]
    fn endless_trailers_and_bodies_stop_at_their_limits() {
        let mut wire =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n".to_vec();
        while wire.len() < 2 * MAX_TRAILERS {
            wire.extend_from_slice(b"T: 0123456789\r\n");
        }
        let (_, kept, end) = answer(&wire, false).unwrap();
        assert_eq!(
            (kept.bytes.as_slice(), end.unwrap_err().kind),
            (&b"x"[..], ErrorKind::Body)
        );

        let mut long = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec();
        long.extend_from_slice(&[b'a'; 100]);
        let (_, kept, end) = answer(&long, false).unwrap();
        assert_eq!(end.unwrap_err().kind, ErrorKind::TooLarge);
        assert_eq!(
            kept.bytes.len(),
            8,
            "what arrived is kept up to its own cap"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_read_without_panicking(wire in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = answer(&wire, false);
            let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            chunked.extend_from_slice(&wire);
            let _ = answer(&chunked, false);
        }
    }
}
