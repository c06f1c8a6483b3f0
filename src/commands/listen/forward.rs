//! `hookcap forward TARGET`: `listen`, except that every stored request is
//! passed on to the app at TARGET and answered with what the app answers
//! (see [`crate::capture::forward`]). Output, limits, stopping and storage are
//! `listen`'s own, so it lives in `listen`'s folder.

use super::{ListenConfig, run_config};
use crate::cli::ForwardArgs;
use crate::commands::Context;
use crate::error::Exit;

/// Runs `hookcap forward`.
pub fn run(args: ForwardArgs, ctx: &Context) -> anyhow::Result<Exit> {
    run_config(
        ListenConfig::resolve_forward(&args, ctx.stdout_is_tty)?,
        ctx,
    )
}
