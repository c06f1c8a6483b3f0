//! Undoing an answer's `Content-Encoding` as it streams (`--compressed`),
//! the codings curl undoes: `gzip`, `deflate` (zlib, or raw as some servers
//! send it) and `br`. The decoded bytes go on to the next writer as they
//! come; what they may add up to is bounded there (see [`super::sink`]).

use std::io::{self, Write};

use flate2::write::{DeflateDecoder, GzDecoder, ZlibDecoder};

/// A writer that decodes what is written to it into another writer.
pub trait Decode: Write {
    /// Writes out what is left once the encoded stream has ended.
    fn finish(&mut self) -> io::Result<()>;
}

/// The decoder for a `Content-Encoding` value writing into `out`; `None`
/// for a coding (or a list of codings) this does not undo, which is then
/// passed on as it came.
pub fn decoder<'a, W: Write + Send + 'a>(
    coding: &str,
    out: W,
) -> Option<Box<dyn Decode + Send + 'a>> {
    let coding = coding.trim().to_ascii_lowercase();
    match coding.as_str() {
        "gzip" | "x-gzip" => Some(Box::new(GzDecoder::new(out))),
        "deflate" => Some(Box::new(Inflate::Pending(Vec::new(), Some(out)))),
        "br" => Some(Box::new(brotli::DecompressorWriter::new(out, 64 * 1024))),
        _ => None,
    }
}

impl<W: Write> Decode for GzDecoder<W> {
    fn finish(&mut self) -> io::Result<()> {
        self.try_finish()
    }
}

impl<W: Write> Decode for brotli::DecompressorWriter<W> {
    fn finish(&mut self) -> io::Result<()> {
        self.close()
    }
}

/// `deflate`: zlib-wrapped, as RFC 9110 says, or raw, as some servers send
/// it; the first two bytes tell which.
enum Inflate<W: Write> {
    Pending(Vec<u8>, Option<W>),
    Zlib(ZlibDecoder<W>),
    Raw(DeflateDecoder<W>),
}

impl<W: Write> Inflate<W> {
    /// Picks the format once two bytes are known (or the stream ended).
    fn settle(&mut self) -> io::Result<()> {
        let Self::Pending(start, out) = self else {
            return Ok(());
        };
        let Some(out) = out.take() else {
            return Ok(());
        };
        let zlib = match start.as_slice() {
            [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
            _ => true,
        };
        let start = std::mem::take(start);
        *self = if zlib {
            Self::Zlib(ZlibDecoder::new(out))
        } else {
            Self::Raw(DeflateDecoder::new(out))
        };
        self.write_all(&start)
    }
}

impl<W: Write> Write for Inflate<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Pending(start, _) => {
                start.extend_from_slice(buf);
                if start.len() >= 2 {
                    self.settle()?;
                }
                Ok(buf.len())
            }
            Self::Zlib(d) => d.write(buf),
            Self::Raw(d) => d.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Pending(..) => Ok(()),
            Self::Zlib(d) => d.flush(),
            Self::Raw(d) => d.flush(),
        }
    }
}

impl<W: Write> Decode for Inflate<W> {
    fn finish(&mut self) -> io::Result<()> {
        self.settle()?;
        match self {
            Self::Pending(..) => Ok(()),
            Self::Zlib(d) => d.try_finish(),
            Self::Raw(d) => d.try_finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;

    fn decode(coding: &str, encoded: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut d = decoder(coding, &mut out).unwrap();
            // Small pieces, as they come off a connection.
            for piece in encoded.chunks(3) {
                d.write_all(piece).unwrap();
            }
            d.finish().unwrap();
        }
        out
    }

    #[test]
    fn every_coding_curl_undoes_is_undone() {
        let text = b"hello hello hello, compressed world".repeat(20);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&text).unwrap();
        assert_eq!(decode("gzip", &gz.finish().unwrap()), text);
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(&text).unwrap();
        assert_eq!(decode("deflate", &zlib.finish().unwrap()), text);
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(&text).unwrap();
        assert_eq!(decode("Deflate", &raw.finish().unwrap()), text);
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            w.write_all(&text).unwrap();
        }
        assert_eq!(decode("br", &br), text);
        assert!(decoder("zstd", Vec::new()).is_none());
        assert!(decoder("gzip, br", Vec::new()).is_none());
    }
}
