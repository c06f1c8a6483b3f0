//! The relay's wire protocol: small binary frames, each one WebSocket binary
//! message, so request bytes travel as they are (no base64, no re-encoding).
//!
//! Every frame starts with the protocol version ([`VERSION`]) and a kind
//! byte; numbers are big-endian; variable parts carry their length first.
//! A frame with another version, an unknown kind, a length past its end or
//! bytes after its last field is refused as a whole ([`FrameError`]).
//!
//! | kind | direction | fields |
//! |------|-----------|--------|
//! | `1` hello | relay → laptop | UTF-8 JSON ([`Hello`]) |
//! | `2` request | relay → laptop | relay id `u64`, received at `i64` µs, SHA-256 `[32]`, peer `u16`+bytes, head `u32`+bytes, body `u32`+bytes |
//! | `3` ack | laptop → relay | relay id `u64`: everything up to it is committed on the laptop |
//! | `4` answer | laptop → relay | relay id `u64`, status `u16`, headers `u32`+`Name: value\r\n` lines, body `u32`+bytes; status `0` ([`WITHHELD`]) answers nothing, its body `drop` or `hang` |

use serde::{Deserialize, Serialize};

use crate::model::{ResponseRecord, Timestamp};

/// The protocol version this build speaks.
pub const VERSION: u8 = 1;

/// The status of an answer frame that answers nothing: a `drop` or `hang`
/// rule of the consumer withheld the answer (the body says which).
pub const WITHHELD: u16 = 0;

const HELLO: u8 = 1;
const REQUEST: u8 = 2;
const ACK: u8 = 3;
const ANSWER: u8 = 4;

/// What the relay tells a consumer once it is connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The relay database's instance id (relay ids are unique within it).
    pub instance: String,
    /// The channel's name.
    pub channel: String,
    /// The consumer's name as the relay knows it.
    pub consumer: String,
    /// The consumer's cursor: requests after it are sent.
    pub cursor: i64,
    /// `now` or `app`: whether the relay waits for answers.
    pub answer: String,
    /// The relay's hookcap version.
    pub version: String,
}

/// One stored request on its way to a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFrame {
    /// Its id on the relay.
    pub relay_id: i64,
    /// When the relay received it.
    pub received_at: Timestamp,
    /// SHA-256 of `head` followed by `body`, computed on arrival.
    pub sha256: [u8; 32],
    /// The address that sent it.
    pub peer: String,
    /// The head bytes as received.
    pub head: Vec<u8>,
    /// The body as stored.
    pub body: Vec<u8>,
}

/// A consumer's answer to a request of an `app` channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFrame {
    /// The request answered.
    pub relay_id: i64,
    /// What the sender is to get.
    pub answer: ResponseRecord,
}

/// Any frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Relay → laptop, once, first.
    Hello(Hello),
    /// Relay → laptop: a request to store.
    Request(RequestFrame),
    /// Laptop → relay: everything up to this relay id is committed.
    Ack(i64),
    /// Laptop → relay: the answer for a waiting sender.
    Answer(AnswerFrame),
}

/// A message that is not a frame this build understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Another protocol version.
    #[error("relay protocol version {0} (this hookcap speaks {VERSION})")]
    Version(u8),
    /// An unknown kind byte.
    #[error("unknown relay frame kind {0}")]
    Kind(u8),
    /// A field runs past the end, or bytes follow the last field.
    #[error("malformed relay frame ({0})")]
    Malformed(&'static str),
}

impl Frame {
    /// The frame's bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::Hello(hello) => {
                let mut out = vec![VERSION, HELLO];
                // A struct of strings and numbers always serializes.
                out.extend(serde_json::to_vec(hello).unwrap_or_default());
                out
            }
            Self::Request(r) => encode_request(r),
            Self::Ack(id) => {
                let mut out = vec![VERSION, ACK];
                out.extend_from_slice(&id.to_be_bytes());
                out
            }
            Self::Answer(a) => {
                let headers = crate::model::encode_headers(&a.answer.headers);
                let mut out = Vec::with_capacity(20 + headers.len() + a.answer.body.len());
                out.extend_from_slice(&[VERSION, ANSWER]);
                out.extend_from_slice(&a.relay_id.to_be_bytes());
                out.extend_from_slice(&a.answer.status.to_be_bytes());
                put_long(&mut out, &headers);
                put_long(&mut out, &a.answer.body);
                out
            }
        }
    }

    /// Parses one frame.
    pub fn decode(bytes: &[u8]) -> Result<Self, FrameError> {
        let mut r = Reader(bytes);
        let version = r.u8()?;
        if version != VERSION {
            return Err(FrameError::Version(version));
        }
        let frame = match r.u8()? {
            HELLO => {
                let hello = serde_json::from_slice(r.rest())
                    .map_err(|_| FrameError::Malformed("hello is not the expected JSON"))?;
                return Ok(Self::Hello(hello));
            }
            REQUEST => Self::Request(RequestFrame {
                relay_id: r.i64()?,
                received_at: Timestamp(r.i64()?),
                sha256: r.hash()?,
                peer: String::from_utf8_lossy(r.short()?).into_owned(),
                head: r.long()?.to_vec(),
                body: r.long()?.to_vec(),
            }),
            ACK => Self::Ack(r.i64()?),
            ANSWER => {
                let relay_id = r.i64()?;
                let status = r.u16()?;
                let headers = crate::model::decode_headers(r.long()?);
                let body = r.long()?.to_vec();
                Self::Answer(AnswerFrame {
                    relay_id,
                    answer: ResponseRecord {
                        status,
                        headers,
                        body,
                    },
                })
            }
            kind => return Err(FrameError::Kind(kind)),
        };
        if !r.0.is_empty() {
            return Err(FrameError::Malformed("bytes after the last field"));
        }
        Ok(frame)
    }
}

fn encode_request(r: &RequestFrame) -> Vec<u8> {
    let peer = &r.peer.as_bytes()[..r.peer.len().min(usize::from(u16::MAX))];
    let mut out =
        Vec::with_capacity(2 + 8 + 8 + 32 + 2 + 4 + 4 + peer.len() + r.head.len() + r.body.len());
    out.extend_from_slice(&[VERSION, REQUEST]);
    out.extend_from_slice(&r.relay_id.to_be_bytes());
    out.extend_from_slice(&r.received_at.0.to_be_bytes());
    out.extend_from_slice(&r.sha256);
    out.extend_from_slice(&(peer.len() as u16).to_be_bytes());
    out.extend_from_slice(peer);
    put_long(&mut out, &r.head);
    put_long(&mut out, &r.body);
    out
}

/// Appends a `u32` length and the bytes (longer parts are cut: a relay's
/// bodies are limited far below 4 GiB).
fn put_long(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        if self.0.len() < n {
            return Err(FrameError::Malformed("a field runs past the end"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FrameError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, FrameError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, FrameError> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    fn hash(&mut self) -> Result<[u8; 32], FrameError> {
        self.array()
    }

    fn short(&mut self) -> Result<&'a [u8], FrameError> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    fn long(&mut self) -> Result<&'a [u8], FrameError> {
        let n = u32::from_be_bytes(self.array()?);
        self.take(n as usize)
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::Header;

    fn request(head: &[u8], body: &[u8]) -> Frame {
        Frame::Request(RequestFrame {
            relay_id: 812,
            received_at: Timestamp(1_700_000_000_123_456),
            sha256: crate::model::head_and_body_sha256(head, body),
            peer: "192.0.2.7:51234".into(),
            head: head.to_vec(),
            body: body.to_vec(),
        })
    }

    #[test]
    fn every_kind_round_trips() {
        let frames = [
            Frame::Hello(Hello {
                instance: "abc".into(),
                channel: "github".into(),
                consumer: "ana@laptop".into(),
                cursor: 7,
                answer: "app".into(),
                version: "0.1.0".into(),
            }),
            request(
                b"POST /c/x/y HTTP/1.1\r\nX-A:  1 \r\n\r\n",
                &[0, 255, 13, 10],
            ),
            Frame::Ack(i64::MAX),
            Frame::Answer(AnswerFrame {
                relay_id: 3,
                answer: ResponseRecord {
                    status: 201,
                    headers: vec![Header::new("X-Dup", "1"), Header::new("x-dup", vec![0xff])],
                    body: b"ok".to_vec(),
                },
            }),
        ];
        for frame in frames {
            assert_eq!(Frame::decode(&frame.encode()).unwrap(), frame);
        }
    }

    #[test]
    fn a_request_frame_is_laid_out_as_documented() {
        let bytes = request(b"H", b"BB").encode();
        assert_eq!(&bytes[..2], &[1, 2]);
        assert_eq!(&bytes[2..10], &812u64.to_be_bytes());
        assert_eq!(&bytes[50..52], &15u16.to_be_bytes(), "peer length");
        assert_eq!(&bytes[67..71], &1u32.to_be_bytes(), "head length");
        assert_eq!(&bytes[71..72], b"H");
        assert_eq!(&bytes[72..76], &2u32.to_be_bytes(), "body length");
        assert_eq!(&bytes[76..], b"BB");
    }

    #[test]
    fn bad_frames_are_refused_whole() {
        let good = request(b"H", b"B").encode();
        assert_eq!(Frame::decode(&[2, 3]), Err(FrameError::Version(2)));
        assert_eq!(Frame::decode(&[1, 9]), Err(FrameError::Kind(9)));
        assert!(matches!(Frame::decode(&[1]), Err(FrameError::Malformed(_))));
        assert!(matches!(
            Frame::decode(&good[..good.len() - 1]),
            Err(FrameError::Malformed(_))
        ));
        let mut longer = good.clone();
        longer.push(0);
        assert!(matches!(
            Frame::decode(&longer),
            Err(FrameError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_decode_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Frame::decode(&bytes);
        }

        #[test]
        fn any_request_bytes_round_trip(head in proptest::collection::vec(any::<u8>(), 0..300),
                                        body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let frame = request(&head, &body);
            prop_assert_eq!(Frame::decode(&frame.encode()).unwrap(), frame);
        }
    }
}
