//! Command-line definitions: one struct per subcommand, shared option groups
//! flattened in. Parsing only; validation into configs happens in `commands/`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::render::color::ColorChoice;

/// The default listening port: 4665 spells HOOK on a phone keypad, and no
/// common app dev server uses it.
pub const DEFAULT_PORT: u16 = 4665;

const MAIN_EXAMPLES: &str = "\
Examples:
  hookcap listen                     capture on http://127.0.0.1:4665
  hookcap listen --port 0 --json     any free port, NDJSON events on stdout
  hookcap ls -n 5                    the five newest requests
  hookcap show last                  the newest request in full
  hookcap show 12 --raw | jq .       the exact body bytes of request 12
  hookcap ui                         browse everything captured, live

Environment: HOOKCAP_DB (database path), HOOKCAP_PORT (listen port),
NO_COLOR (disable colors), HOOKCAP_LOG (log filter, e.g. debug).";

/// Capture, inspect and replay webhooks from your terminal.
#[derive(Debug, Parser)]
#[command(name = "hookcap", version, about, after_help = MAIN_EXAMPLES)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]
    #[arg(long, global = true, env = "HOOKCAP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// When to use colors: auto is on for terminals unless NO_COLOR is set
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Capture every HTTP request sent to a local port
    #[command(after_help = LISTEN_EXAMPLES)]
    Listen(ListenArgs),
    /// List captured requests, newest first
    #[command(after_help = LS_EXAMPLES)]
    Ls(LsArgs),
    /// Print one captured request in full
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Browse captured requests in the interactive inspector, live as they arrive
    #[command(after_help = UI_EXAMPLES)]
    Ui(UiArgs),
    /// Write shell completions and man pages (for packagers)
    #[command(hide = true, after_help = "Example:\n  hookcap generate .")]
    Generate(GenerateArgs),
}

const LISTEN_EXAMPLES: &str = "\
Examples:
  hookcap listen                              capture on http://127.0.0.1:4665
  hookcap listen --port 0 --no-tui            headless, any free port
  hookcap listen --status 500 --delay 2s      test how the sender retries
  hookcap listen --body '{\"ok\":true}' --header 'Content-Type: application/json'
  hookcap listen --exit-after 1 --timeout 30s --json   wait for one webhook in CI";

const LS_EXAMPLES: &str = "\
Examples:
  hookcap ls                          the 20 newest requests
  hookcap ls --method POST --path '/hooks/*' --since 10m
  hookcap ls --session latest --json | jq .id";

const SHOW_EXAMPLES: &str = "\
Examples:
  hookcap show last                   the newest request
  hookcap show 12 --raw > body.bin    the exact body bytes
  hookcap show 12 --json | jq '.headers'";

const UI_EXAMPLES: &str = "\
Examples:
  hookcap ui                                 browse the database; new requests appear live
  hookcap ui --filter 'method:POST stripe'   start filtered (as if typed after /)
  hookcap ui --db ./ci.db --follow           keep the newest request selected

Keys: j/k move, Enter detail, Tab next tab, / filter, f follow, c copy as curl,
y copy body, d delete, ? every key, q quit.";

/// Where to listen.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address to bind; the default is loopback only, never all interfaces unless asked
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (the real port is printed)
    #[arg(short, long, env = "HOOKCAP_PORT", default_value_t = DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
}

/// What to answer every captured request with.
#[derive(Debug, Clone, Args)]
pub struct ResponseArgs {
    /// Status code to answer with
    #[arg(long, default_value_t = 200, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..=999))]
    pub status: u16,
    /// Response body: text, or @FILE to read a file
    #[arg(long, value_name = "TEXT|@FILE")]
    pub body: Option<String>,
    /// Response header 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Wait this long after storing before answering (e.g. 250ms, 2s)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub delay: Option<Duration>,
}

/// Size limits for captured requests.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated
    #[arg(long, default_value = "16MiB", value_name = "SIZE")]
    pub max_body: bytesize::ByteSize,
}

/// How to print captured requests.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Print one line per request instead of the interactive view
    #[arg(long)]
    pub no_tui: bool,
    /// Print NDJSON events (implies --no-tui)
    #[arg(long)]
    pub json: bool,
}

/// `hookcap listen`.
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// Where to listen.
    #[command(flatten)]
    pub server: ServerArgs,
    /// What to answer.
    #[command(flatten)]
    pub response: ResponseArgs,
    /// Size limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output mode.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 0 once this many requests have been captured
    #[arg(long, value_name = "N")]
    pub exit_after: Option<u64>,
    /// With --exit-after: give up after this long and exit 124
    #[arg(long, requires = "exit_after", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
}

/// Filters shared by the commands that pick requests.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// Only this method (case-insensitive)
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// Only paths matching this glob (*, ?, [abc]); the query is not part of the path
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,
    /// Only this session: a session id, or 'latest'
    #[arg(long, value_name = "ID|latest")]
    pub session: Option<String>,
    /// Only requests since a duration ago (10m, 2h) or an RFC 3339 time
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
}

/// `hookcap ls`.
#[derive(Debug, Clone, Args)]
pub struct LsArgs {
    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Show at most this many requests
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: u32,
    /// Print NDJSON, one object per request
    #[arg(long)]
    pub json: bool,
}

/// `hookcap show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Request id, or 'last' for the newest
    #[arg(value_name = "ID|last")]
    pub id: String,
    /// Write the exact body bytes to stdout, nothing else
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,
    /// Print one JSON document with everything captured
    #[arg(long)]
    pub json: bool,
}

/// `hookcap ui`.
#[derive(Debug, Clone, Args)]
pub struct UiArgs {
    /// Start with this filter, as typed after /: words to find in method, path, headers and body, plus method:M path:GLOB session:ID|latest since:10m
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
    /// Keep the newest request selected as new ones arrive
    #[arg(long)]
    pub follow: bool,
}

/// `hookcap generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Directory to write completions/ and docs/ into
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}
