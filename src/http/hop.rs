//! Hop-by-hop header fields (RFC 9110 §7.6.1): they describe one connection,
//! so `forward` and `replay` never pass them on.

use crate::model::Header;

/// Header fields that describe one connection (RFC 9110 §7.6.1) and are
/// never passed on. `Trailer` joins them because hookcap sends bodies with a
/// `Content-Length`, never with trailers.
const HOP_BY_HOP: [&str; 7] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "te",
    "transfer-encoding",
    "upgrade",
    "trailer",
];

/// The hop-by-hop fields of one message: the fixed list plus every field the
/// message's `Connection` header names.
#[derive(Debug, Default)]
pub struct HopByHop {
    named: Vec<String>,
}

impl HopByHop {
    /// Collects the options of every `Connection` value.
    pub fn from_connection<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut named = Vec::new();
        for value in values {
            for option in String::from_utf8_lossy(value).split(',') {
                let option = option.trim();
                if !option.is_empty() {
                    named.push(option.to_ascii_lowercase());
                }
            }
        }
        Self { named }
    }

    /// True when a field with this name must not be passed on.
    pub fn contains(&self, name: &str) -> bool {
        HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h))
            || self.named.iter().any(|n| name.eq_ignore_ascii_case(n))
    }
}

/// Removes hop-by-hop fields from an ordered header list.
pub fn strip_hop_by_hop(headers: &mut Vec<Header>) {
    let hop = HopByHop::from_connection(
        headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("connection"))
            .map(|h| h.value.as_slice()),
    );
    headers.retain(|h| !hop.contains(&h.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_fields_and_those_connection_names_are_removed() {
        let mut headers = vec![
            Header::new("Host", "a"),
            Header::new("Connection", "keep-alive, X-Private"),
            Header::new("x-private", "secret"),
            Header::new("Keep-Alive", "timeout=5"),
            Header::new("Transfer-Encoding", "chunked"),
            Header::new("TE", "trailers"),
            Header::new("X-Kept", "1"),
        ];
        strip_hop_by_hop(&mut headers);
        let names: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["Host", "X-Kept"]);
    }
}
