//! NDJSON: one `show --json` document ([`RequestDoc`]) per line.

use std::io::Write;

use crate::document::RequestDoc;
use crate::model::{CapturedRequest, Delivery};
use crate::sanitize::json;

/// Writes `r` and its deliveries as one line.
pub fn line(
    out: &mut dyn Write,
    r: &CapturedRequest,
    deliveries: &[Delivery],
) -> std::io::Result<()> {
    json::write_line(out, &RequestDoc::with_deliveries(r, deliveries))
}
