//! NDJSON: one `show --json` document ([`RequestDoc`]) per line.

use std::io::Write;

use crate::document::{RequestDoc, ViaDoc};
use crate::model::{CapturedRequest, Delivery};

/// Writes `r`, its deliveries and where it came from as one line.
pub fn line(
    out: &mut dyn Write,
    r: &CapturedRequest,
    deliveries: &[Delivery],
    via: Option<ViaDoc>,
) -> std::io::Result<()> {
    let doc = RequestDoc::with_deliveries(r, deliveries).with_via(via);
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}
