//! NDJSON: one `show --json` document ([`RequestDoc`]) per line.

use std::io::Write;

use crate::document::{RequestDoc, ViaDoc};
use crate::model::{CapturedRequest, Delivery, HookFacts};
use crate::sanitize::json;

/// Writes `r`, its deliveries, its webhook facts and where it came from as one line.
pub fn line(
    out: &mut dyn Write,
    r: &CapturedRequest,
    (deliveries, hook): (&[Delivery], Option<&HookFacts>),
    via: Option<ViaDoc>,
) -> std::io::Result<()> {
    let doc = RequestDoc::with_deliveries(r, deliveries)
        .with_hook(hook)
        .with_via(via);
    json::write_line(out, &doc)
}
