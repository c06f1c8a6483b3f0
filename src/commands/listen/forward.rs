//! `hookcap forward TARGET`: `listen`, except that every stored request is
//! passed on to the app at TARGET and answered with what the app answers
//! (see [`crate::capture::forward`]). Output, limits, stopping and storage are
//! `listen`'s own, so it lives in `listen`'s folder.

use std::net::SocketAddr;

use super::{Answer, ListenConfig, run_config};
use crate::capture::loops::is_own_address;
use crate::cli::ForwardArgs;
use crate::commands::Context;
use crate::error::{CliError, Exit};

/// Runs `hookcap forward`.
pub fn run(args: ForwardArgs, ctx: &Context) -> anyhow::Result<Exit> {
    run_config(
        ListenConfig::resolve_forward(&args, ctx.stdout_is_tty)?,
        ctx,
    )
}

/// Refuses a forward whose target is the listener itself (bound at `bound`):
/// every request would be passed back to hookcap, again and again.
pub(super) async fn refuse_own_target(
    config: &ListenConfig,
    bound: SocketAddr,
) -> Result<(), CliError> {
    let Answer::Forward(forward) = &config.answer else {
        return Ok(());
    };
    if is_own_address(&forward.target, bound).await {
        return Err(CliError::Usage(format!(
            "the target {} is this listener itself (listening on {bound}): every request would \
             come back to hookcap in a loop; give your app's address",
            forward.target
        )));
    }
    Ok(())
}
