//! The socket wrapper of every capture connection: shows each byte read to
//! the connection's [`HeadTap`] (and tells the connection cap that bytes
//! arrived), and answers an HTTP/2 prior-knowledge preface itself.
//!
//! hyper closes a connection that starts with `PRI * HTTP/2.0` without a
//! word; the [`Recorder`] holds those bytes back from it and answers `505`
//! with a line saying hookcap speaks HTTP/1.1 instead. Nothing is stored for
//! it: the preface is not a request, and the request behind it is in binary
//! HTTP/2 frames hookcap does not decode, so a row would only say `PRI *`.
//! A warning (at most one every 5 s) tells the hookcap user.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::conns::Conn;
use super::head::{HeadQueue, HeadTap};

/// The request line HTTP/2's prior-knowledge preface starts with.
const H2_PREFACE_LINE: &[u8] = b"PRI * HTTP/2.0";

/// What a connection that starts with the HTTP/2 preface is answered.
const H2_ANSWER: &[u8] = b"HTTP/1.1 505 HTTP Version Not Supported\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 80\r\nConnection: close\r\n\r\n\
hookcap speaks HTTP/1.1 only: send this request over HTTP/1.1 (curl: --http1.1)\n";

/// At most one warning about refused HTTP/2 connections per this many seconds.
const H2_WARN_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A socket wrapper that shows every byte read to a [`HeadTap`], and answers
/// an HTTP/2 preface itself.
pub struct Recorder<S> {
    inner: S,
    tap: HeadTap,
    start: Start,
    /// Told when bytes arrive, so the connection cap knows who is idle.
    conn: Arc<Conn>,
}

/// Where a connection is with its first bytes.
enum Start {
    /// The first bytes, held back from hyper while they could still be the
    /// start of the HTTP/2 preface.
    Sniffing(Vec<u8>),
    /// HTTP/1: every byte goes to hyper (through the tap).
    Http1,
    /// An HTTP/2 preface: writing [`H2_ANSWER`] (this much written so far),
    /// then hyper sees the end of the stream.
    RefusingH2(usize),
}

impl<S> Recorder<S> {
    /// Wraps `inner`, recording heads into `queue` and telling `conn` when
    /// bytes arrive.
    pub fn new(inner: S, queue: HeadQueue, conn: Arc<Conn>) -> Self {
        Self {
            inner,
            tap: HeadTap::new(queue),
            start: Start::Sniffing(Vec::new()),
            conn,
        }
    }

    /// Like [`Recorder::new`], keeping each head's bytes too
    /// ([`super::head::RawHead::raw`]): the relay's connections.
    pub fn keeping_raw(inner: S, queue: HeadQueue, conn: Arc<Conn>) -> Self {
        Self {
            tap: HeadTap::keeping_raw(queue.clone()),
            ..Self::new(inner, queue, conn)
        }
    }
}

/// What the first bytes of a connection say about HTTP/2.
fn h2_preface(seen: &[u8]) -> Option<bool> {
    if seen.starts_with(H2_PREFACE_LINE) {
        Some(true)
    } else if H2_PREFACE_LINE.starts_with(seen) {
        None
    } else {
        Some(false)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Recorder<S> {
    /// Reads the first bytes until they show whether this is HTTP/2's preface.
    /// The usual first read settles it and goes to hyper without a copy.
    fn poll_sniff(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        loop {
            let Start::Sniffing(held) = &mut self.start else {
                return Poll::Ready(Ok(()));
            };
            let before = buf.filled().len();
            if held.is_empty() {
                std::task::ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
                let new = &buf.filled()[before..];
                match h2_preface(new) {
                    _ if new.is_empty() => self.start = Start::Http1,
                    Some(false) => {
                        self.conn.on_read();
                        self.tap.feed(new);
                        self.start = Start::Http1;
                    }
                    Some(true) => {
                        buf.set_filled(before);
                        self.start = Start::RefusingH2(0);
                        return self.poll_refuse_h2(cx);
                    }
                    None => {
                        held.extend_from_slice(new);
                        buf.set_filled(before);
                        continue;
                    }
                }
                return Poll::Ready(Ok(()));
            }
            // Rare: the first read was a few bytes of what could be the
            // preface. Read more beside them, then hand over all together.
            let mut more = [0u8; 1024];
            let room = buf.remaining().saturating_sub(held.len()).min(more.len());
            let mut next = ReadBuf::new(&mut more[..room]);
            std::task::ready!(Pin::new(&mut self.inner).poll_read(cx, &mut next))?;
            let eof = next.filled().is_empty();
            held.extend_from_slice(next.filled());
            match h2_preface(held) {
                Some(true) => {
                    self.start = Start::RefusingH2(0);
                    return self.poll_refuse_h2(cx);
                }
                None if !eof => continue,
                _ => {
                    let bytes = std::mem::take(held);
                    // Always fits: hyper's buffer has room for far more than
                    // the few bytes held here.
                    let fits = bytes.len().min(buf.remaining());
                    buf.put_slice(&bytes[..fits]);
                    self.conn.on_read();
                    self.tap.feed(&bytes[..fits]);
                    self.start = Start::Http1;
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }

    /// Writes [`H2_ANSWER`], reads what the client already sent (so that
    /// closing does not reset the connection before it reads the answer),
    /// then ends the stream for hyper, which closes the connection quietly.
    fn poll_refuse_h2(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Start::RefusingH2(written) = self.start
            && written < H2_ANSWER.len()
        {
            let n =
                std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &H2_ANSWER[written..]))?;
            if n == 0 {
                return Poll::Ready(Ok(()));
            }
            self.start = Start::RefusingH2(written + n);
            if written + n == H2_ANSWER.len() {
                warn_h2_refused();
            }
        }
        let mut scratch = [0u8; 1024];
        for _ in 0..64 {
            let mut discard = ReadBuf::new(&mut scratch);
            match Pin::new(&mut self.inner).poll_read(cx, &mut discard) {
                Poll::Ready(Ok(())) if !discard.filled().is_empty() => {}
                _ => break,
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Says (at most every [`H2_WARN_EVERY`]) that an HTTP/2 connection was refused.
fn warn_h2_refused() {
    static LAST: Mutex<Option<std::time::Instant>> = Mutex::new(None);
    let Ok(mut last) = LAST.lock() else {
        return;
    };
    if last.is_none_or(|t| t.elapsed() >= H2_WARN_EVERY) {
        *last = Some(std::time::Instant::now());
        tracing::warn!(
            "refused an HTTP/2 connection (prior knowledge) with 505: hookcap speaks HTTP/1.1"
        );
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Recorder<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.start {
            Start::Http1 => {}
            Start::Sniffing(_) => return this.poll_sniff(cx, buf),
            Start::RefusingH2(_) => return this.poll_refuse_h2(cx),
        }
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll
            && buf.filled().len() > before
        {
            this.conn.on_read();
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

    #[test]
    fn the_http2_answer_says_its_length() {
        let text = String::from_utf8_lossy(H2_ANSWER);
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("Content-Length: {}\r\n", body.len())),
            "{head}"
        );
        assert_eq!(h2_preface(b"PRI * HTTP/2.0\r\n\r\nSM"), Some(true));
        assert_eq!(h2_preface(b"PRI * HT"), None);
        assert_eq!(h2_preface(b"PRIX"), Some(false));
        assert_eq!(h2_preface(b"POST / HTTP/1.1"), Some(false));
    }
}
