//! `hookcap rm ID...` and `hookcap rm --all [FILTER...]`: delete requests,
//! then give the space back. Safe while a listener writes: deletes go in short
//! chunks, and `--all` deletes exactly what it counted (requests that arrive
//! meanwhile are kept).

use std::io::{BufRead, IsTerminal, Write};

use super::Context;
use super::shared::lookup::request_id;
use super::shared::report::{plural, report_reclaimed};
use crate::cli::RmArgs;
use crate::error::{CliError, Exit};
use crate::filter::Filter;
use crate::model::Timestamp;
use crate::store::Store;

/// Runs `hookcap rm`.
pub fn run(args: RmArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = ctx.open_store()?;
    let mut out = std::io::stdout().lock();
    let exit = if args.all {
        remove_matching(&store, &args, &mut out)?
    } else {
        remove_ids(&store, &args.items, &mut out)?
    };
    report_reclaimed(&mut out, store.reclaim(args.reclaim.policy())?)?;
    Ok(exit)
}

fn remove_matching(store: &Store, args: &RmArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let filter = store.pinned(&Filter::parse_args(&args.items, Timestamp::now())?)?;
    let n = store.count_matching(&filter)?;
    if n == 0 {
        writeln!(out, "no requests match; nothing deleted")?;
        return Ok(Exit::Success);
    }
    if !args.yes && !confirm(n)? {
        writeln!(out, "nothing deleted")?;
        return Ok(Exit::Negative);
    }
    let deleted = store.delete_matching(&filter)?;
    writeln!(out, "deleted {}", plural(deleted))?;
    Ok(Exit::Success)
}

fn remove_ids(store: &Store, items: &[String], out: &mut impl Write) -> anyhow::Result<Exit> {
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        ids.push(request_id(
            store,
            item,
            "use numbers or 'last' (to delete by filter, add --all)",
        )?);
    }
    ids.sort_unstable();
    ids.dedup();
    let deleted = store.delete_ids(&ids)?;
    writeln!(out, "deleted {}", plural(deleted))?;
    let missing = ids.len() as u64 - deleted;
    if missing > 0 {
        return Err(CliError::NotFound(format!(
            "{missing} of the {} ids given did not exist",
            ids.len()
        ))
        .into());
    }
    Ok(Exit::Success)
}

/// Asks on the terminal; without one, refuses (a script must say `--yes`).
fn confirm(n: u64) -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::Usage(format!(
            "refusing to delete {} without confirmation: add --yes",
            plural(n)
        ))
        .into());
    }
    eprint!("Delete {}? [y/N] ", plural(n));
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
