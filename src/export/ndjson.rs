//! NDJSON: one `show --json` document ([`RequestDoc`]) per line.

use std::io::Write;

use crate::document::RequestDoc;
use crate::model::CapturedRequest;

/// Writes `r` as one line.
pub fn line(out: &mut dyn Write, r: &CapturedRequest) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &RequestDoc::of(r))?;
    out.write_all(b"\n")
}
