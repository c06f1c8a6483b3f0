//! NDJSON: one `show --json` document ([`RequestDoc`]) per line.

use std::io::Write;

use crate::document::RequestDoc;
use crate::model::{CapturedRequest, Delivery, HookFacts};

/// Writes `r`, its deliveries and its webhook facts as one line.
pub fn line(
    out: &mut dyn Write,
    r: &CapturedRequest,
    deliveries: &[Delivery],
    hook: Option<&HookFacts>,
) -> std::io::Result<()> {
    let doc = RequestDoc::with_deliveries(r, deliveries).with_hook(hook);
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}
