//! `hookcap verify ID|last`: is this captured request signed correctly, and if
//! not, exactly why? Exit 0 valid, 1 invalid or unsigned, 2 usage error.

use std::io::Write;

use super::Context;
use super::shared::lookup::find;
use super::shared::secret;
use crate::cli::VerifyArgs;
use crate::error::{CliError, Exit};
use crate::model::{CapturedRequest, Timestamp};
use crate::render::color::{Paint, Style};
use crate::sanitize::{json, sanitize};
use crate::sign::{Checked, Checker, Outcome};

/// Runs `hookcap verify`.
pub fn run(args: VerifyArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let kind = args.provider.0;
    let checker = Checker {
        kind,
        secret: secret::require(&args.secret)?,
        hmac: secret::hmac_spec(kind, &args.hmac)?,
        tolerance: args.tolerance,
    };
    let alt_body = match &args.body_file {
        Some(p) => Some(std::fs::read(p).map_err(|e| {
            CliError::Usage(format!("--body-file: cannot read {}: {e}", p.display()))
        })?),
        None => None,
    };
    let store = ctx.open_store()?;
    let request = find(&store, &args.id)?;
    let now = if args.now {
        Timestamp::now()
    } else {
        request.received_at
    };
    let checked = checker.check(&request, args.url.as_deref(), now, alt_body.as_deref());
    let mut out = std::io::stdout().lock();
    match &checked {
        Some(c) if args.json => json::write_line(&mut out, &json_doc(&request, c))?,
        Some(c) => write_verdict(&mut out, &request, c, args.tolerance, &ctx.paint)?,
        None if args.json => json::write_line(
            &mut out,
            &serde_json::json!({"id": request.id, "outcome": "unsigned", "provider": null, "reason": NO_SCHEME}),
        )?,
        None => writeln!(
            out,
            "{} request #{}: {NO_SCHEME}",
            ctx.paint.paint("unsigned", Style::Yellow),
            request.id
        )?,
    }
    out.flush()?;
    Ok(match checked {
        Some(c) if c.verdict.is_valid() => Exit::Success,
        _ => Exit::Negative,
    })
}

const NO_SCHEME: &str =
    "no known signature headers found; pass --provider to check a specific scheme";

fn json_doc(request: &CapturedRequest, c: &Checked) -> serde_json::Value {
    let mut doc = serde_json::to_value(&c.verdict).unwrap_or_default();
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("id".into(), request.id.into());
        obj.insert("detected".into(), c.detected.into());
    }
    doc
}

fn write_verdict(
    out: &mut impl Write,
    request: &CapturedRequest,
    c: &Checked,
    tolerance: std::time::Duration,
    paint: &Paint,
) -> std::io::Result<()> {
    let v = &c.verdict;
    let how = if c.detected { " (detected)" } else { "" };
    let word = match v.outcome {
        Outcome::Valid => paint.paint("valid", Style::Green),
        Outcome::Invalid => paint.paint("INVALID", Style::Red),
        Outcome::Unsigned => paint.paint("unsigned", Style::Yellow),
    };
    writeln!(
        out,
        "{word}: {} — request #{}, provider {}{how}",
        sanitize(&v.reason),
        request.id,
        v.provider.name()
    )?;
    for (label, value) in v.explanation(tolerance) {
        writeln!(
            out,
            "  {} {}",
            paint.paint(&format!("{label:<9}"), Style::Dim),
            sanitize(&value)
        )?;
    }
    Ok(())
}
