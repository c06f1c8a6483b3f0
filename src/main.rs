//! The `hookcap` binary: parse, dispatch, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use hookcap::{Cli, sanitize};

/// mimalloc instead of glibc's malloc: captures allocate on tokio's workers and
/// free on the store writer's thread, which glibc serves slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match hookcap::dispatch(cli) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(err) => {
            let code = hookcap::exit_code(&err);
            if code != 0 {
                eprintln!("hookcap: error: {}", sanitize(&format!("{err:#}")));
            }
            ExitCode::from(code)
        }
    }
}

/// Logs go to stderr (held back while the inspector owns the terminal);
/// `HOOKCAP_LOG` takes a filter such as `debug` or `hookcap=trace`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKCAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(hookcap::LogRouter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
