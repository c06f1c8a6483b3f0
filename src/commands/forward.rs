//! `hookcap forward TARGET`: `listen`, except that every stored request is
//! passed on to the app at TARGET and answered with what the app answers
//! (see [`crate::capture::forward`]). Output, limits, stopping and storage are
//! `listen`'s own.

use super::Context;
use super::listen::{self, ListenConfig};
use crate::cli::ForwardArgs;
use crate::error::Exit;

/// Runs `hookcap forward`.
pub fn run(args: ForwardArgs, ctx: &Context) -> anyhow::Result<Exit> {
    listen::run_config(
        ListenConfig::resolve_forward(&args, ctx.stdout_is_tty)?,
        ctx,
    )
}
