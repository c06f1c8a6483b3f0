//! One HTTP/1.1 exchange over a fresh TCP connection, byte-exact on the way
//! out: the request bytes are written as they are, and one answer is read
//! back (interim `1xx` answers skipped), its body framed by
//! `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection.
//! The answer's headers keep their order and case.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::model::{Header, HeaderList, ResponseRecord};

/// The largest answer head read (the same bound as for captured requests).
const MAX_HEAD: usize = crate::capture::head::MAX_HEAD_BYTES;
/// The most header fields an answer may have.
const MAX_HEADERS: usize = 256;

/// What has been read of the answer, kept even when the exchange fails halfway.
pub(super) struct Answer {
    /// The answer, once its head has arrived.
    pub response: Option<ResponseRecord>,
    /// True when the body was longer than the record keeps.
    pub truncated: bool,
    max_body: usize,
}

impl Answer {
    /// Nothing read yet; at most `max_body` body bytes will be kept.
    pub fn new(max_body: usize) -> Self {
        Self {
            response: None,
            truncated: false,
            max_body,
        }
    }

    fn keep(&mut self, data: &[u8]) {
        let Some(r) = self.response.as_mut() else {
            return;
        };
        let room = self.max_body.saturating_sub(r.body.len());
        self.truncated |= data.len() > room;
        r.body.extend_from_slice(&data[..data.len().min(room)]);
    }
}

/// Connects to `authority`, writes `request`, and reads the answer into `answer`.
pub(super) async fn exchange(
    authority: &str,
    request: &[u8],
    head_only: bool,
    answer: &mut Answer,
) -> Result<(), String> {
    let mut stream = TcpStream::connect(with_port(authority))
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    let _ = stream.set_nodelay(true);
    stream
        .write_all(request)
        .await
        .map_err(|e| format!("sending failed: {e}"))?;
    read_answer(&mut BufReader::new(stream), head_only, answer).await
}

/// Reads one final answer: interim `1xx` heads are skipped.
async fn read_answer(
    reader: &mut (impl AsyncBufRead + Unpin),
    head_only: bool,
    answer: &mut Answer,
) -> Result<(), String> {
    let (status, headers) = loop {
        let (status, headers) = read_head(reader).await?;
        if !(100..200).contains(&status) || status == 101 {
            break (status, headers);
        }
    };
    let framing = Framing::of(status, &headers, head_only);
    answer.response = Some(ResponseRecord {
        status,
        headers,
        body: Vec::new(),
    });
    framing.read(reader, answer).await
}

/// `host:port`, adding HTTP's default port when the authority has none.
fn with_port(authority: &str) -> String {
    let has_port = authority
        .parse::<hyper::http::uri::Authority>()
        .is_ok_and(|a| a.port_u16().is_some());
    if has_port {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    }
}

async fn read_head(reader: &mut (impl AsyncBufRead + Unpin)) -> Result<(u16, Vec<Header>), String> {
    let mut buf = Vec::new();
    loop {
        let room = (MAX_HEAD + 1).saturating_sub(buf.len()) as u64;
        let n = (&mut *reader)
            .take(room)
            .read_until(b'\n', &mut buf)
            .await
            .map_err(|e| format!("reading the answer failed: {e}"))?;
        if n == 0 {
            return Err("the connection closed before a complete answer arrived".into());
        }
        if buf.len() > MAX_HEAD {
            return Err(format!("the answer's head is larger than {MAX_HEAD} bytes"));
        }
        let blank_start = buf.iter().all(|&b| b == b'\r' || b == b'\n');
        if blank_start {
            buf.clear();
        } else if buf.ends_with(b"\n\n") || buf.ends_with(b"\n\r\n") {
            return parse_head(&buf);
        }
    }
}

fn parse_head(buf: &[u8]) -> Result<(u16, Vec<Header>), String> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut res = httparse::Response::new(&mut slots);
    match res.parse(buf) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("the answer's head is incomplete".into()),
        Err(e) => return Err(format!("the answer is not valid HTTP/1: {e}")),
    }
    let headers = res
        .headers
        .iter()
        .map(|h| Header::new(h.name, h.value))
        .collect();
    Ok((res.code.unwrap_or_default(), headers))
}

/// How the answer's body is delimited (RFC 9112 §6.3).
enum Framing {
    None,
    Chunked,
    Length(u64),
    UntilClose,
}

impl Framing {
    fn of(status: u16, headers: &[Header], head_only: bool) -> Self {
        if head_only || status == 204 || status == 304 {
            return Self::None;
        }
        let chunked = headers.all("transfer-encoding").last().is_some_and(|h| {
            h.value_str()
                .rsplit(',')
                .next()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("chunked"))
        });
        if chunked {
            return Self::Chunked;
        }
        match headers.get_str("content-length").map(|v| v.trim().parse()) {
            Some(Ok(n)) => Self::Length(n),
            _ => Self::UntilClose,
        }
    }

    async fn read(
        self,
        reader: &mut (impl AsyncBufRead + Unpin),
        answer: &mut Answer,
    ) -> Result<(), String> {
        match self {
            Self::None => Ok(()),
            Self::Length(n) => copy(reader, Some(n), answer).await,
            Self::UntilClose => copy(reader, None, answer).await,
            Self::Chunked => read_chunked(reader, answer).await,
        }
    }
}

/// Copies `n` bytes (or everything until the connection ends) into the answer.
async fn copy(
    reader: &mut (impl AsyncBufRead + Unpin),
    n: Option<u64>,
    answer: &mut Answer,
) -> Result<(), String> {
    let mut left = n.unwrap_or(u64::MAX);
    let mut buf = vec![0; 64 * 1024];
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let got = reader
            .read(&mut buf[..want])
            .await
            .map_err(|e| format!("the answer's body broke off: {e}"))?;
        if got == 0 {
            return match n {
                Some(_) => Err("the connection closed before the answer's body ended".into()),
                None => Ok(()),
            };
        }
        answer.keep(&buf[..got]);
        left -= got as u64;
    }
    Ok(())
}

async fn read_chunked(
    reader: &mut (impl AsyncBufRead + Unpin),
    answer: &mut Answer,
) -> Result<(), String> {
    loop {
        let line = read_line(reader).await?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size, 16)
            .map_err(|_| format!("bad chunk size {:?} in the answer", size))?;
        if size == 0 {
            // Trailers, up to the blank line that ends the message.
            while !read_line(reader).await?.is_empty() {}
            return Ok(());
        }
        copy(reader, Some(size), answer).await?;
        read_line(reader).await?;
    }
}

/// One short line (chunk sizes, trailers), without its line ending.
async fn read_line(reader: &mut (impl AsyncBufRead + Unpin)) -> Result<String, String> {
    let mut line = Vec::new();
    let n = (&mut *reader)
        .take(MAX_HEAD as u64)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| format!("the answer's body broke off: {e}"))?;
    if n == 0 || !line.ends_with(b"\n") {
        return Err("the connection closed before the answer's body ended".into());
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer_of(wire: &[u8], head_only: bool) -> (Result<(), String>, Answer) {
        let mut answer = Answer::new(8);
        let result = read_answer(&mut BufReader::new(wire), head_only, &mut answer).await;
        (result, answer)
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_chunked_answer_is_decoded_and_headers_keep_their_case() {
        let wire = b"HTTP/1.1 200 OK\r\nX-Case: A\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\nT: 1\r\n\r\n";
        let (result, answer) = run(answer_of(wire, false));
        result.unwrap();
        let r = answer.response.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abcde"[..]));
        assert_eq!(r.headers[0], Header::new("X-Case", "A"));
    }

    #[test]
    fn an_interim_100_continue_is_skipped() {
        let wire =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
        let (result, answer) = run(answer_of(wire, false));
        result.unwrap();
        assert_eq!(answer.response.unwrap().status, 202);
    }

    #[test]
    fn bodies_are_kept_up_to_the_limit() {
        let wire = b"HTTP/1.1 500 Oops\r\nContent-Length: 12\r\n\r\nhello world!";
        let (result, answer) = run(answer_of(wire, false));
        result.unwrap();
        assert!(answer.truncated);
        assert_eq!(answer.response.unwrap().body, b"hello wo");
    }

    #[test]
    fn a_short_body_is_an_error_but_keeps_what_arrived() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let (result, answer) = run(answer_of(wire, false));
        assert!(result.unwrap_err().contains("closed"));
        assert_eq!(answer.response.unwrap().body, b"abc");
    }

    #[test]
    fn head_answers_and_204_have_no_body() {
        let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        run(answer_of(wire, true)).0.unwrap();
        run(answer_of(b"HTTP/1.1 204 No Content\r\n\r\n", false))
            .0
            .unwrap();
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(run(answer_of(b"SSH-2.0-OpenSSH\r\n\r\n", false)).0.is_err());
        assert!(run(answer_of(b"", false)).0.is_err());
    }

    #[test]
    fn a_missing_port_means_80() {
        assert_eq!(with_port("example.test"), "example.test:80");
        assert_eq!(with_port("[::1]:3000"), "[::1]:3000");
    }
}
