//! One file or folder per subcommand, each exposing `run(args, ctx)`
//! (`forward`, which is `listen` with another answer, lives in `listen/`).
//! Commands never take from each other: what several of them parse or print
//! alike is in `shared/`. [`dispatch`] is the one place a parsed command line
//! turns into work.

pub mod generate;
pub mod listen;

pub use generate::generated_files;
mod deliveries;
mod diff;
mod export;
mod import;
mod ls;
mod prune;
mod relay;
mod replay;
mod rm;
mod send;
mod shared;
mod show;
mod ui;
mod verify;
mod wait;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::error::Exit;
use crate::render::color::{self, Paint};
use crate::store::{Store, default_db_path};

/// What every command needs, resolved once before dispatch.
#[derive(Debug, Clone)]
pub struct Context {
    /// The database file.
    pub db: PathBuf,
    /// Colors for stdout.
    pub paint: Paint,
    /// Whether stdout is a terminal.
    pub stdout_is_tty: bool,
}

impl Context {
    /// Opens the existing database for reading.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        Ok(Store::open_existing(&self.db)?)
    }
}

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<Exit> {
    let stdout_is_tty = std::io::stdout().is_terminal();
    let ctx = Context {
        db: cli.global.db.unwrap_or_else(default_db_path),
        paint: Paint::new(color::resolve(cli.global.color, stdout_is_tty)),
        stdout_is_tty,
    };
    match cli.command {
        Command::Listen(args) => listen::run(args, &ctx),
        Command::Forward(args) => listen::forward::run(args, &ctx),
        Command::Replay(args) => replay::run(args, &ctx),
        Command::Ls(args) => ls::run(args, &ctx),
        Command::Show(args) => show::run(args, &ctx),
        Command::Ui(args) => ui::run(args, &ctx),
        Command::Wait(args) => wait::run(args, &ctx),
        Command::Export(args) => export::run(args, &ctx),
        Command::Import(args) => import::run(args, &ctx),
        Command::Deliveries(args) => deliveries::run(args, &ctx),
        Command::Diff(args) => diff::run(args, &ctx),
        Command::Rm(args) => rm::run(args, &ctx),
        Command::Prune(args) => prune::run(args, &ctx),
        Command::Verify(args) => verify::run(args, &ctx),
        Command::Send(args) => send::run(*args, &ctx),
        Command::Relay(args) => relay::run(args, &ctx),
        Command::Generate(args) => generate::run(args),
    }
}
