//! How ordered header lists are stored: as HTTP header lines, `Name: value\r\n`.
//!
//! The wire format keeps order, case, duplicates and non-UTF-8 value bytes, and
//! stays searchable with plain SQL. Values never contain CR or LF (HTTP/1 forbids
//! them and the parser rejects them), so the encoding is unambiguous.

use crate::model::Header;

/// Encodes headers as `Name: value\r\n` lines.
pub fn encode_headers(headers: &[Header]) -> Vec<u8> {
    let len = headers
        .iter()
        .map(|h| h.name.len() + h.value.len() + 4)
        .sum();
    let mut out = Vec::with_capacity(len);
    for h in headers {
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&h.value);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Decodes what [`encode_headers`] wrote; malformed lines are skipped, never a panic.
pub fn decode_headers(mut raw: &[u8]) -> Vec<Header> {
    let mut out = Vec::new();
    while !raw.is_empty() {
        let end = find(raw, b"\r\n").unwrap_or(raw.len());
        let line = &raw[..end];
        raw = raw.get(end + 2..).unwrap_or(&[]);
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let value = line[colon + 1..]
                .strip_prefix(b" ")
                .unwrap_or(&line[colon + 1..]);
            out.push(Header {
                name: String::from_utf8_lossy(&line[..colon]).into_owned(),
                value: value.to_vec(),
            });
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_with_order_case_duplicates_and_binary_values() {
        let headers = vec![
            Header::new("X-Dup", "a"),
            Header::new("content-TYPE", "application/json"),
            Header::new("X-Dup", "b: with colon"),
            Header::new("X-Bin", vec![0xff, 0x80, b'z']),
            Header::new("X-Empty", ""),
        ];
        assert_eq!(decode_headers(&encode_headers(&headers)), headers);
    }

    #[test]
    fn garbage_decodes_without_panicking() {
        assert!(decode_headers(b"no colon here\r\n\r\n\r").is_empty());
    }
}
