//! `hookcap relay`: serve ([`serve`]), manage channels on the relay's
//! database ([`channel`]), or ask a relay for a channel's status ([`status`]).

mod channel;
mod serve;
mod status;

use super::Context;
use crate::cli::{RelayArgs, RelayCommand};
use crate::error::Exit;

/// Runs `hookcap relay`.
pub fn run(args: RelayArgs, ctx: &Context) -> anyhow::Result<Exit> {
    match args.command {
        None => serve::run(args.serve, ctx),
        Some(RelayCommand::Channel(channel)) => channel::run(channel.command, ctx),
        Some(RelayCommand::Status(status)) => status::run(status, ctx),
    }
}
