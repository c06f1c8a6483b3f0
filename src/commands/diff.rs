//! `hookcap diff A B`: what differs between two captured requests (from any
//! sessions), or between one and an entry of a HAR file (`file.har#3`).
//! Exit 0 when they are the same, 1 when they differ (like `diff(1)`).

use std::io::Write;
use std::path::Path;

use super::Context;
use crate::cli::DiffArgs;
use crate::diff::{compare, render::render};
use crate::error::{CliError, Exit};
use crate::model::NewRequest;
use crate::render::color::Style;
use crate::sanitize::{json, sanitize};
use crate::store::Store;

/// Runs `hookcap diff`.
pub fn run(args: DiffArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let mut store = None;
    let (a_label, a) = load(&args.a, ctx, &mut store)?;
    let (b_label, b) = load(&args.b, ctx, &mut store)?;
    let diff = compare(&a, &b);
    let mut out = std::io::stdout().lock();
    if args.json {
        let doc = serde_json::json!({"a": a_label, "b": b_label, "diff": diff});
        json::write_line(&mut out, &doc)?;
    } else {
        let paint = &ctx.paint;
        writeln!(
            out,
            "{} {}\n{} {}",
            paint.paint("---", Style::Red),
            sanitize(&a_label),
            paint.paint("+++", Style::Green),
            sanitize(&b_label)
        )?;
        write!(out, "{}", render(&diff, paint))?;
    }
    out.flush()?;
    Ok(if diff.same {
        Exit::Success
    } else {
        Exit::Negative
    })
}

/// The request `spec` names: an id or `last` in the database, or
/// `FILE#N`, entry N (from 1) of a HAR (or NDJSON) file.
fn load(
    spec: &str,
    ctx: &Context,
    store: &mut Option<Store>,
) -> anyhow::Result<(String, NewRequest)> {
    if let Some((file, n)) = spec.rsplit_once('#')
        && !file.is_empty()
    {
        return from_file(spec, Path::new(file), n);
    }
    if store.is_none() {
        *store = Some(ctx.open_store()?);
    }
    let store = store.as_ref().expect("opened above");
    let wanted = if spec.eq_ignore_ascii_case("last") {
        store
            .last_id()?
            .ok_or_else(|| CliError::NotFound("no requests captured yet".into()))?
    } else {
        spec.parse::<i64>().map_err(|_| {
            CliError::Usage(format!(
                "invalid request {:?}: use an id, 'last', or FILE.har#N",
                sanitize(spec)
            ))
        })?
    };
    let r = store
        .get(wanted)?
        .ok_or_else(|| CliError::NotFound(format!("no request with id {wanted}")))?;
    Ok((format!("#{} (session {})", r.id, r.session_id), r.request))
}

fn from_file(spec: &str, path: &Path, n: &str) -> anyhow::Result<(String, NewRequest)> {
    let n: usize = n.parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
        CliError::Usage(format!("{spec:?}: the entry after # is a number from 1"))
    })?;
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let mut requests = crate::export::import::read(&bytes, 0)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?
        .requests;
    let count = requests.len();
    if n > count {
        return Err(
            CliError::NotFound(format!("{} has {count} entries, not {n}", path.display())).into(),
        );
    }
    Ok((spec.to_owned(), requests.swap_remove(n - 1)))
}
