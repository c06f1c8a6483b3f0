//! The request as a plain HTTP message, for `replay --edit`: how the saved
//! file is read back (it is written by [`Outgoing::to_message`]).
//!
//! ```text
//! POST /hook?a=1 HTTP/1.1
//! Host: localhost:3000
//! Content-Type: application/json
//!
//! {"event":"ping"}
//! ```
//!
//! Lines may end in `\n` or `\r\n`. Everything after the first blank line is
//! the body, byte for byte, except that one newline an editor adds at the end
//! of the file is dropped when the body had none before. `Content-Length` is
//! recomputed on sending, so it need not be edited.

use super::Outgoing;
use crate::model::Header;

/// Why an edited message cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The file was emptied: the way to abort.
    #[error("the edited request is empty")]
    Empty,
    /// The first line is not `METHOD TARGET [VERSION]`.
    #[error("the first line must look like 'POST /path HTTP/1.1', not {0:?}")]
    RequestLine(String),
    /// A header line that is not a valid `Name: value`.
    #[error("line {line}: expected a header 'Name: value', not {text:?}")]
    Header {
        /// 1-based line number in the file.
        line: usize,
        /// The line as read.
        text: String,
    },
}

/// Reads an edited message back. `before` is the request as it was written
/// for the editor (it decides whether a final newline belongs to the body).
pub fn parse_message(text: &[u8], before: &Outgoing) -> Result<Outgoing, EditError> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(EditError::Empty);
    }
    let mut lines = Lines {
        rest: text,
        number: 0,
    };
    let (_, request_line) = lines
        .by_ref()
        .find(|(_, l)| !l.is_empty())
        .unwrap_or_default();
    let (method, target) = request_line_parts(request_line)?;
    let mut headers = Vec::new();
    for (number, line) in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        headers.push(header_line(line, number)?);
    }
    let mut body = lines.rest.to_vec();
    if !before.body.ends_with(b"\n") && body.ends_with(b"\n") {
        body.pop();
        if body.ends_with(b"\r") {
            body.pop();
        }
    }
    Ok(Outgoing {
        method,
        target,
        headers,
        body,
    })
}

fn request_line_parts(line: &[u8]) -> Result<(String, String), EditError> {
    let text = String::from_utf8_lossy(line);
    let bad = || EditError::RequestLine(text.to_string());
    let mut parts = text.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(bad());
    };
    let version_ok = parts.next().is_none_or(|v| v.starts_with("HTTP/"));
    if hyper::Method::from_bytes(method.as_bytes()).is_err()
        || !version_ok
        || parts.next().is_some()
    {
        return Err(bad());
    }
    Ok((method.to_owned(), target.to_owned()))
}

fn header_line(line: &[u8], number: usize) -> Result<Header, EditError> {
    let bad = || EditError::Header {
        line: number,
        text: String::from_utf8_lossy(line).into_owned(),
    };
    let colon = line.iter().position(|&b| b == b':').ok_or_else(bad)?;
    let name = std::str::from_utf8(&line[..colon])
        .map_err(|_| bad())?
        .trim();
    hyper::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
    Ok(Header::new(name, line[colon + 1..].trim_ascii()))
}

/// Numbered lines of the head, without their `\n` or `\r\n`; `rest` is what
/// follows the last line taken.
struct Lines<'a> {
    rest: &'a [u8],
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.iter().position(|&b| b == b'\n');
        let (line, rest) = match end {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        self.number += 1;
        Some((self.number, line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(body: &[u8]) -> Outgoing {
        Outgoing {
            method: "POST".into(),
            target: "/hook?a=1".into(),
            headers: vec![
                Header::new("Host", "localhost:3000"),
                Header::new("x-Sig", "v1=abc"),
            ],
            body: body.to_vec(),
        }
    }

    #[test]
    fn a_message_round_trips_unchanged() {
        for body in [&b"{\"a\":1}"[..], b"line\n", b"", b"\x00\xff"] {
            let o = outgoing(body);
            assert_eq!(parse_message(&o.to_message(), &o).unwrap(), o);
        }
    }

    #[test]
    fn the_newline_an_editor_appends_is_dropped() {
        let o = outgoing(b"{\"a\":1}");
        let mut saved = o.to_message();
        saved.push(b'\n');
        assert_eq!(parse_message(&saved, &o).unwrap().body, b"{\"a\":1}");
    }

    #[test]
    fn crlf_files_and_edits_are_read() {
        let o = outgoing(b"x");
        let saved = b"PUT /other HTTP/1.1\r\nHost: h\r\nX-New:  v \r\n\r\nchanged";
        let edited = parse_message(saved, &o).unwrap();
        assert_eq!(
            (edited.method.as_str(), edited.target.as_str()),
            ("PUT", "/other")
        );
        assert_eq!(edited.headers[1], Header::new("X-New", "v"));
        assert_eq!(edited.body, b"changed");
    }

    #[test]
    fn broken_messages_say_what_is_wrong() {
        let o = outgoing(b"");
        assert_eq!(parse_message(b" \n\n", &o), Err(EditError::Empty));
        assert!(matches!(
            parse_message(b"POST\n\n", &o),
            Err(EditError::RequestLine(_))
        ));
        assert!(matches!(
            parse_message(b"POST / HTTP/1.1\nno colon\n\n", &o),
            Err(EditError::Header { line: 2, .. })
        ));
        assert!(matches!(
            parse_message(b"POST / HTTP/1.1\nBad Name: v\n\n", &o),
            Err(EditError::Header { line: 2, .. })
        ));
    }
}
