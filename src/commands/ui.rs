//! `hookcap ui`: the interactive inspector on the database, without listening.
//! Requests another hookcap process captures into it appear live (the
//! inspector polls the newest id).

use super::Context;
use crate::cli::UiArgs;
use crate::error::{CliError, Exit};
use crate::tui::{self, LiveFeed, Origin};

/// Runs `hookcap ui`.
pub fn run(args: UiArgs, ctx: &Context) -> anyhow::Result<Exit> {
    if !ctx.stdout_is_tty {
        return Err(CliError::Usage(
            "`hookcap ui` needs a terminal; in scripts use `hookcap ls` or `hookcap show`".into(),
        )
        .into());
    }
    tui::run(tui::Options {
        relay: None,
        db: ctx.db.clone(),
        origin: Origin::Browsing { db: ctx.db.clone() },
        follow: args.follow,
        filter: args.filter,
        live: LiveFeed::polling(),
        stop: None,
        recorder: tui::Recorder::Database(ctx.db.clone()),
    })?;
    Ok(Exit::Success)
}
