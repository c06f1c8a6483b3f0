//! `hookcap relay` (the public server, its channels, a channel's status) and
//! `--via` (pulling a channel into `listen`/`forward`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::{LimitArgs, ProviderChoice};

pub(super) const RELAY_EXAMPLES: &str = "\
Examples:
  hookcap relay --host 0.0.0.0 --port 8080 --db relay.db     behind Caddy or nginx (TLS there)
  hookcap relay --host 0.0.0.0 --port 443 --db relay.db \\
      --tls-cert fullchain.pem --tls-key privkey.pem --public-url https://hooks.example.com
  hookcap relay channel add github --db relay.db            prints the channel's token once
  hookcap relay channel add slack --answer app --timeout 5s --db relay.db
  hookcap relay channel add stripe --verify stripe --secret-env STRIPE_SECRET --reject-invalid
  hookcap relay channel ls --db relay.db
  hookcap relay status https://hooks.example.com/c/github   backlog and consumers, with the token

Senders post to https://RELAY/c/NAME/any/path; a laptop pulls the channel with
  HOOKCAP_RELAY_TOKEN=hcr_... hookcap listen --via https://RELAY/c/NAME
Every request is stored before it is answered and delivered to each consumer
exactly once into its local database, byte for byte (docs/relay.md).
GET /_hookcap/health and /_hookcap/metrics (Prometheus) are served on the same port.";

/// `hookcap relay`: serve, or manage channels.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RelayArgs {
    /// Manage channels, or ask a relay for a channel's status.
    #[command(subcommand)]
    pub command: Option<RelayCommand>,
    /// Serving.
    #[command(flatten)]
    pub serve: RelayServeArgs,
}

/// What `hookcap relay` does besides serving.
#[derive(Debug, Clone, Subcommand)]
pub enum RelayCommand {
    /// Add, list, remove channels or give one a new token (on the relay's database)
    Channel(ChannelArgs),
    /// Show a channel's backlog and consumers from anywhere, with the channel's token
    #[command(
        after_help = "Example:\n  HOOKCAP_RELAY_TOKEN=hcr_... hookcap relay status https://hooks.example.com/c/github"
    )]
    Status(RelayStatusArgs),
}

/// `hookcap relay` serving.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Relay")]
pub struct RelayServeArgs {
    /// Address to bind (0.0.0.0 for every interface)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (the real port is printed)
    #[arg(short, long, default_value_t = 8080, value_name = "PORT")]
    pub port: u16,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The public base URL senders and laptops use (printed in channel URLs)
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Size and time limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Each channel's rate limit: N/s, N/m or N/h; more get 429 with Retry-After (off: none)
    #[arg(long, default_value = "50/s", value_name = "RATE")]
    pub rate: String,
    /// Keep at most N requests per channel, deleting the oldest
    #[arg(long, value_name = "N")]
    pub keep: Option<u64>,
    /// Delete requests older than this (e.g. 7d, 12h), delivered or not; 0 keeps them
    #[arg(long, default_value = "7d", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_age: Duration,
}

/// `hookcap relay channel`.
#[derive(Debug, Clone, Args)]
pub struct ChannelArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ChannelCommand,
}

/// The channel subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum ChannelCommand {
    /// Create a channel and print its token (shown once, stored only as a hash)
    Add(ChannelAddArgs),
    /// List channels: created, requests stored, consumers with their cursor and last seen
    Ls(ChannelLsArgs),
    /// Remove a channel with its consumers and stored requests
    Rm(ChannelNameArgs),
    /// Give a channel a new token (connected consumers are disconnected)
    Rotate(ChannelNameArgs),
}

/// How a channel answers senders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnswerChoice {
    /// As soon as the request is stored
    Now,
    /// With a connected laptop's answer (its listener's, or its app's under forward)
    App,
}

/// `hookcap relay channel add`.
#[derive(Debug, Clone, Args)]
pub struct ChannelAddArgs {
    /// The channel's name: 3 to 63 of a-z, 0-9 and -
    #[arg(value_name = "NAME")]
    pub name: String,
    /// When senders are answered
    #[arg(long, value_enum, default_value_t = AnswerChoice::Now, value_name = "MODE")]
    pub answer: AnswerChoice,
    /// With --answer now: the status senders get
    #[arg(long, default_value_t = 200, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..=999))]
    pub status: u16,
    /// With --answer now: the body senders get: text, or @FILE
    #[arg(long, value_name = "TEXT|@FILE")]
    pub body: Option<String>,
    /// With --answer app: how long a sender waits for a laptop's answer before 504
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Edge check: answer 403 to sources outside this address or CIDR range (repeatable; stored, not delivered)
    #[arg(long, value_name = "CIDR")]
    pub allow_ip: Vec<crate::capture::Cidr>,
    /// Edge check: verify signatures (auto, github, stripe, …) as they arrive
    #[arg(long, value_name = "PROVIDER")]
    pub verify: Option<ProviderChoice>,
    /// With --verify: the environment variable the relay reads the secret from when it starts
    #[arg(long, value_name = "VAR", requires = "verify")]
    pub secret_env: Option<String>,
    /// With --verify: answer 401 to invalid or unsigned requests (stored, not delivered)
    #[arg(long, requires = "verify")]
    pub reject_invalid: bool,
    /// Print {"channel", "token"} as JSON
    #[arg(long)]
    pub json: bool,
}

/// `hookcap relay channel ls`.
#[derive(Debug, Clone, Args)]
pub struct ChannelLsArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// A channel by name.
#[derive(Debug, Clone, Args)]
pub struct ChannelNameArgs {
    /// The channel's name
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// `hookcap relay status`.
#[derive(Debug, Clone, Args)]
pub struct RelayStatusArgs {
    /// The channel's URL, e.g. https://hooks.example.com/c/github
    #[arg(value_name = "URL")]
    pub url: String,
    /// The environment variable holding the channel's token
    #[arg(long, default_value = "HOOKCAP_RELAY_TOKEN", value_name = "VAR")]
    pub token_env: String,
    /// Trust only the certificates in this PEM file (a relay with a private CA)
    #[arg(long, value_name = "FILE")]
    pub via_ca: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// `--via`: also pull a relay channel into `listen` or `forward`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Relay")]
pub struct ViaArgs {
    /// Also pull this relay channel (https://HOST/c/NAME) into the listener
    #[arg(long, value_name = "URL")]
    pub via: Option<String>,
    /// With --via: the environment variable holding the channel's token
    #[arg(long, default_value = "HOOKCAP_RELAY_TOKEN", value_name = "VAR")]
    pub token_env: String,
    /// With --via: this laptop's name on the relay, with its own cursor [default: user@host]
    #[arg(long, value_name = "NAME", requires = "via")]
    pub consumer: Option<String>,
    /// With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id
    #[arg(long, value_name = "now|earliest|ID", requires = "via")]
    pub from: Option<String>,
    /// With --via: trust only the certificates in this PEM file (a relay with a private CA)
    #[arg(long, value_name = "FILE", requires = "via")]
    pub via_ca: Option<PathBuf>,
}
