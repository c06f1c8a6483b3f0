//! `hookcap prune --older-than AGE`: delete old requests and give the space back.

use std::io::Write;

use super::Context;
use super::shared::report::{plural, report_reclaimed};
use crate::cli::PruneArgs;
use crate::error::Exit;
use crate::filter::ago;
use crate::model::Timestamp;

/// Runs `hookcap prune`.
pub fn run(args: PruneArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = ctx.open_store()?;
    let cutoff = ago(Timestamp::now(), args.older_than);
    let deleted = store.delete_received_before(cutoff)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "deleted {} received before {}",
        plural(deleted),
        cutoff.rfc3339()
    )?;
    report_reclaimed(&mut out, store.reclaim(args.reclaim.policy())?)?;
    Ok(Exit::Success)
}
