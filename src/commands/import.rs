//! `hookcap import FILE`: requests from a HAR or NDJSON file into a new session
//! marked imported.
//!
//! Entries that cannot be read are skipped with a warning on stderr; the
//! command succeeds when at least one request was imported and fails (exit 1,
//! no session created) when none was.

use std::io::Read;

use anyhow::Context as _;

use super::Context;
use super::shared::report::plural;
use crate::cli::ImportArgs;
use crate::error::Exit;
use crate::export::import::{self, Imported};
use crate::model::SessionMode;
use crate::sanitize::sanitize;
use crate::store::Store;

/// At most this many warnings are printed; the rest are counted.
const MAX_WARNINGS: usize = 20;

/// Runs `hookcap import`.
pub fn run(args: ImportArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let name = args.file.display().to_string();
    let bytes = if name == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .context("reading stdin")?;
        b
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?
    };
    // Parse before touching the store, so a bad file leaves no empty session.
    let mut imported = import::read(&bytes, 0).with_context(|| format!("cannot import {name}"))?;
    print_warnings(&imported.warnings);
    if imported.requests.is_empty() {
        anyhow::bail!("cannot import {name}: {}", nothing_read(&imported));
    }
    let store =
        Store::open_or_create(&ctx.db).with_context(|| format!("opening {}", ctx.db.display()))?;
    let session = store.create_session(SessionMode::Import, "", None)?;
    for r in &mut imported.requests {
        r.session_id = session.id;
    }
    let ids = store.insert_requests(&imported.requests)?;
    let ids = match (ids.first(), ids.last()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "none".to_owned(),
    };
    println!(
        "imported {} into session {} (ids {ids})",
        counted(&imported),
        session.id
    );
    Ok(Exit::Success)
}

/// `4 requests`, or `291 of 292 entries (1 skipped)` when some were skipped.
fn counted(imported: &Imported) -> String {
    let n = imported.requests.len();
    if n == imported.total {
        return plural(n as u64);
    }
    format!(
        "{n} of {} {} ({} skipped)",
        imported.total,
        imported.kind.items(),
        imported.total - n
    )
}

fn nothing_read(imported: &Imported) -> String {
    match imported.total {
        0 => format!("it holds no {}", imported.kind.items()),
        n => format!("none of its {n} {} could be read", imported.kind.items()),
    }
}

/// The warnings on stderr, sanitized (they quote the file), at most [`MAX_WARNINGS`].
fn print_warnings(warnings: &[String]) {
    for w in warnings.iter().take(MAX_WARNINGS) {
        eprintln!("hookcap: warning: {}", sanitize(w));
    }
    if warnings.len() > MAX_WARNINGS {
        eprintln!(
            "hookcap: warning: … and {} more warnings",
            warnings.len() - MAX_WARNINGS
        );
    }
}
