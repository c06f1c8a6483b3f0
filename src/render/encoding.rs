//! Undoing `Content-Encoding` for display.
//!
//! This is display only: the stored bytes are never modified. Decoding is
//! bounded, so a decompression bomb costs at most [`MAX_DECODED`] bytes per step.

use std::borrow::Cow;
use std::io::{self, Read};

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use crate::model::{Header, HeaderList};
use crate::sanitize::sanitize;

/// The most bytes any decoding step may produce (64 MiB).
pub const MAX_DECODED: usize = 64 * 1024 * 1024;

/// More codings than this in one message are refused (each step costs up to
/// [`MAX_DECODED`] of work, and real senders use one).
pub const MAX_CODINGS: usize = 4;

/// Why a body could not be decoded. Every message is safe to print: the only
/// captured text it can contain (a coding name) is sanitized.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// A coding hookcap cannot undo, such as `compress` or `zstd`.
    #[error("unsupported content-encoding `{0}`")]
    Unsupported(String),
    /// More than [`MAX_CODINGS`] codings were listed.
    #[error("too many content-encodings ({0}, at most {MAX_CODINGS})")]
    TooManyCodings(usize),
    /// The decoded body would exceed [`MAX_DECODED`] bytes.
    #[error("decoded body exceeds {} bytes", MAX_DECODED)]
    TooLarge,
    /// The data is not valid for its coding (e.g. corrupt or truncated).
    #[error("invalid {coding} data: {reason}")]
    Corrupt {
        /// The coding that failed.
        coding: &'static str,
        /// What the decoder reported (already part of the message, so not a
        /// `source()`, to avoid printing it twice in error chains).
        reason: io::Error,
    },
}

/// One coding hookcap knows how to undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

/// The body with every `Content-Encoding` undone, borrowed when there is none.
///
/// Codings from all `Content-Encoding` headers are applied in reverse order of
/// listing; `identity` is ignored, names are case-insensitive. `deflate` accepts
/// zlib-wrapped and raw deflate data (senders use both).
pub fn decode_content_encoding<'a>(
    headers: &[Header],
    body: &'a [u8],
) -> Result<Cow<'a, [u8]>, DecodeError> {
    let codings = parse_codings(headers)?;
    let mut data = Cow::Borrowed(body);
    for coding in codings.into_iter().rev() {
        data = Cow::Owned(decode_one(coding, &data)?);
    }
    Ok(data)
}

/// The listed codings in order, `identity` dropped.
fn parse_codings(headers: &[Header]) -> Result<Vec<Coding>, DecodeError> {
    let mut names = Vec::new();
    for header in headers.all("content-encoding") {
        for part in header.value_str().split(',') {
            let name = part.trim().to_ascii_lowercase();
            if !name.is_empty() && name != "identity" {
                names.push(name);
            }
        }
    }
    if names.len() > MAX_CODINGS {
        return Err(DecodeError::TooManyCodings(names.len()));
    }
    names.iter().map(|name| coding_named(name)).collect()
}

fn coding_named(name: &str) -> Result<Coding, DecodeError> {
    match name {
        "gzip" | "x-gzip" => Ok(Coding::Gzip),
        "deflate" => Ok(Coding::Deflate),
        "br" => Ok(Coding::Brotli),
        other => Err(DecodeError::Unsupported(sanitize(other).into_owned())),
    }
}

fn decode_one(coding: Coding, data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    match coding {
        Coding::Gzip => read_capped(MultiGzDecoder::new(data), "gzip"),
        Coding::Brotli => read_capped(brotli::Decompressor::new(data, 4096), "br"),
        Coding::Deflate => match read_capped(ZlibDecoder::new(data), "deflate") {
            Err(DecodeError::Corrupt { .. }) => read_capped(DeflateDecoder::new(data), "deflate"),
            other => other,
        },
    }
}

/// Reads `reader` to the end, failing once it yields more than [`MAX_DECODED`].
fn read_capped(reader: impl Read, coding: &'static str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let limit = MAX_DECODED as u64 + 1;
    reader
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|reason| DecodeError::Corrupt { coding, reason })?;
    if out.len() > MAX_DECODED {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use std::io::Write;

    const TEXT: &[u8] = b"{\"event\":\"push\",\"n\":1}";

    fn ce(value: &str) -> Vec<Header> {
        vec![Header::new("Content-Encoding", value)]
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write to Vec");
        e.finish().expect("finish gzip")
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write to Vec");
        e.finish().expect("finish zlib")
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write to Vec");
        e.finish().expect("finish deflate")
    }

    fn brotli(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(data).expect("write to Vec");
        }
        out
    }

    fn decoded(headers: &[Header], body: &[u8]) -> Vec<u8> {
        decode_content_encoding(headers, body)
            .expect("decodes")
            .into_owned()
    }

    #[test]
    fn no_encoding_borrows_the_body() {
        let out = decode_content_encoding(&[], TEXT).expect("no-op");
        assert!(matches!(out, Cow::Borrowed(b) if b == TEXT));
    }

    #[test]
    fn identity_is_ignored() {
        let out = decode_content_encoding(&ce("identity"), TEXT).expect("no-op");
        assert!(matches!(out, Cow::Borrowed(_)));
    }

    #[test]
    fn gzip_and_x_gzip_round_trip() {
        assert_eq!(decoded(&ce("gzip"), &gzip(TEXT)), TEXT);
        assert_eq!(decoded(&ce("X-GZIP"), &gzip(TEXT)), TEXT);
    }

    #[test]
    fn concatenated_gzip_members_are_all_decoded() {
        let mut body = gzip(b"ab");
        body.extend(gzip(b"cd"));
        assert_eq!(decoded(&ce("gzip"), &body), b"abcd");
    }

    #[test]
    fn deflate_accepts_zlib_and_raw_streams() {
        assert_eq!(decoded(&ce("deflate"), &zlib(TEXT)), TEXT);
        assert_eq!(decoded(&ce("deflate"), &raw_deflate(TEXT)), TEXT);
    }

    #[test]
    fn brotli_round_trips() {
        assert_eq!(decoded(&ce("br"), &brotli(TEXT)), TEXT);
    }

    #[test]
    fn multiple_codings_are_undone_in_reverse_order() {
        let body = brotli(&gzip(TEXT));
        assert_eq!(decoded(&ce("gzip, br"), &body), TEXT);
        let split = [
            Header::new("content-encoding", "gzip"),
            Header::new("Content-Encoding", "br"),
        ];
        assert_eq!(decoded(&split, &body), TEXT);
    }

    #[test]
    fn unknown_coding_is_an_error_with_a_sanitized_name() {
        let err = decode_content_encoding(&ce("zstd\x1b[2J"), TEXT).expect_err("unsupported");
        assert!(matches!(err, DecodeError::Unsupported(_)));
        assert_eq!(
            err.to_string(),
            "unsupported content-encoding `zstd\\x1b[2j`"
        );
    }

    #[test]
    fn too_many_codings_are_refused() {
        let err =
            decode_content_encoding(&ce("gzip,gzip,gzip,gzip,gzip"), TEXT).expect_err("refused");
        assert!(matches!(err, DecodeError::TooManyCodings(5)));
    }

    #[test]
    fn corrupt_and_truncated_data_are_errors() {
        for coding in ["gzip", "deflate", "br"] {
            let err =
                decode_content_encoding(&ce(coding), b"\xff\xfenot compressed").expect_err(coding);
            assert!(
                matches!(err, DecodeError::Corrupt { .. }),
                "{coding}: {err}"
            );
        }
        let gz = gzip(TEXT);
        let err = decode_content_encoding(&ce("gzip"), &gz[..gz.len() / 2]).expect_err("truncated");
        assert!(matches!(err, DecodeError::Corrupt { coding: "gzip", .. }));
    }

    #[test]
    fn decompression_bomb_is_capped() {
        let zeros = vec![0u8; MAX_DECODED + 1];
        for (coding, body) in [
            ("gzip", gzip(&zeros)),
            ("br", brotli(&zeros)),
            ("deflate", zlib(&zeros)),
        ] {
            assert!(body.len() < 1024 * 1024, "bomb should be small");
            let err = decode_content_encoding(&ce(coding), &body).expect_err(coding);
            assert!(matches!(err, DecodeError::TooLarge), "{coding}: {err}");
        }
    }

    #[test]
    fn exactly_the_limit_is_allowed() {
        let zeros = vec![0u8; MAX_DECODED];
        assert_eq!(decoded(&ce("gzip"), &gzip(&zeros)).len(), MAX_DECODED);
    }
}
