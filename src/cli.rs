//! Command-line definitions: one struct per subcommand, shared option groups
//! flattened in. Parsing only; validation into configs happens in `commands/`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::export::Format;
use crate::render::color::ColorChoice;
use crate::send::data::DataFlag;

mod relay;
pub use relay::*;

/// The default listening port: 4665 spells HOOK on a phone keypad, and no
/// common app dev server uses it.
pub const DEFAULT_PORT: u16 = 4665;

/// The filter language in brief, appended to the help of every command that
/// takes filter terms (`docs/filters.md` has the full story).
macro_rules! filter_help {
    () => {
        "

Filter terms (all must match; quote a term with spaces for the shell):
  method:POST                      method, any case
  path:/hooks/*                    path without the query; glob: * ? [a-z] [^a]
  status:2xx  status:401           the status hookcap answered
  delivery:5xx  delivery:error     the newest forward/replay: its status, error or none
  header:X-GitHub-Event            header present (name in any case)
  header:X-GitHub-Event=push       a value of it matches a glob
  body:TEXT                        body contains TEXT (bytes, case-sensitive)
  json:/ref=refs/heads/main        JSON body: RFC 6901 pointer equals a value
  json:/pull_request/id            JSON body: pointer exists
  sig:valid|invalid|unsigned       signature verdict
  since:10m  since:'2026-01-02 15:04'   received at or after (local time; Z for UTC)
  session:latest  session:3        one session
  id:>100  id:<=7  id:5            compare the id
  provider:github                  webhook provider detected at capture
  event:pull_request.*             webhook event (glob)
  delivery:ID                      the provider's delivery id (a value not status-shaped)
  attempt:>1  dup                  retries of a delivery / repeats after a 2xx
  via:*  via:*/c/github            came through a relay (listen --via), by channel URL
  WORD  text:WORD                  target, header lines or body contain WORD
See docs/filters.md for details."
    };
}

const MAIN_EXAMPLES: &str = "\
Examples:
  hookcap listen                     capture on http://127.0.0.1:4665
  hookcap listen --port 0 --json     any free port, NDJSON events on stdout
  hookcap forward 3000               capture, then pass on to the app on port 3000
  hookcap listen --via https://hooks.example.com/c/gh   real webhooks via your relay (hookcap relay)
  hookcap replay last                send the newest request to the app again
  hookcap ls -n 5                    the five newest requests
  hookcap ls method:POST status:4xx  filter terms: see `hookcap ls --help`
  hookcap show last                  the newest request in full
  hookcap show 12 --raw | jq .       the exact body bytes of request 12
  hookcap ui                         browse everything captured, live
  hookcap send :4665/hook --template github.push --secret s3cret   fire a signed webhook
  hookcap wait json:/action=opened --timeout 60s --json   block until one arrives (CI)
  hookcap export --format har -o hooks.har   for browser devtools, Insomnia, mitmproxy

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
// Parsed once per process, so the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Capture every HTTP request sent to a local port
    #[command(after_help = LISTEN_EXAMPLES)]
    Listen(ListenArgs),
    /// Capture every request, pass it on to your app, and record the app's answer
    #[command(after_help = FORWARD_EXAMPLES)]
    Forward(ForwardArgs),
    /// Send stored requests again, to the app or anywhere else
    #[command(after_help = REPLAY_EXAMPLES)]
    Replay(ReplayArgs),
    /// List captured requests, newest first
    #[command(after_help = LS_EXAMPLES)]
    Ls(LsArgs),
    /// Print one captured request in full
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Browse captured requests in the interactive inspector, live as they arrive
    #[command(after_help = UI_EXAMPLES)]
    Ui(UiArgs),
    /// Block until requests matching a filter are captured (for CI)
    #[command(after_help = WAIT_EXAMPLES)]
    Wait(WaitArgs),
    /// Write captured requests as HAR, NDJSON, curl or HTTPie commands
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// Add requests from a HAR or NDJSON file, as a new session
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender's retries
    #[command(after_help = DELIVERIES_EXAMPLES)]
    Deliveries(DeliveriesArgs),
    /// Compare two captured requests (or one with a HAR entry): request line, headers, body, signature
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Delete captured requests by id, or all that match a filter
    #[command(after_help = RM_EXAMPLES)]
    Rm(RmArgs),
    /// Delete requests older than a given age and reclaim the space
    #[command(after_help = PRUNE_EXAMPLES)]
    Prune(PruneArgs),
    /// Check a captured request's webhook signature and explain a mismatch
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Send a request (or a realistic, signed webhook) to any URL, like curl
    #[command(after_help = SEND_EXAMPLES)]
    Send(Box<SendArgs>),
    /// Run a public relay so webhooks from the internet reach `listen --via` on a laptop
    #[command(after_help = relay::RELAY_EXAMPLES)]
    Relay(RelayArgs),
    /// Write shell completions and man pages (for packagers)
    #[command(hide = true, after_help = "Example:\n  hookcap generate .")]
    Generate(GenerateArgs),
}

const LISTEN_EXAMPLES: &str = "\
Examples:
  hookcap listen                              capture on http://127.0.0.1:4665
  hookcap listen --port 0 --no-tui            headless, any free port
  hookcap listen --status 500 --delay 2s      test how the sender retries
  hookcap listen --respond 'provider:stripe => 503 Retry-After:2, 200'   fail once per delivery
  hookcap listen --respond 'json:/type=url_verification => 200 {{json:/challenge}}'   Slack's challenge
  hookcap listen --respond 'path:/flaky => p=0.2 drop' --seed 7   drop a fifth of them
  hookcap listen --rules answers.toml         rules from a file (docs/rules.md)
  hookcap listen --body '{\"ok\":true}' --header 'Content-Type: application/json'
  hookcap listen --exit-after 1 --timeout 30s --json   wait for one webhook in CI
  hookcap listen --exit-after 1 --match 'json:/action=opened'   stop at the first match
  hookcap listen --keep 1000                  keep only the newest 1000 requests
  hookcap listen --verify github --secret-env GITHUB_WEBHOOK_SECRET --reject-invalid
  hookcap listen --require-token s3cret --allow-ip 10.0.0.0/8
  hookcap listen --max-body 1MiB --body-timeout 10s --max-connections 500   tighter limits
  hookcap listen --drain-timeout 30s          on Ctrl-C, give slow uploads 30s to finish
  hookcap listen --via https://hooks.example.com/c/github   also pull a relay channel (token in
                                              HOOKCAP_RELAY_TOKEN; see `hookcap relay --help`)

Exit codes: 0 stopped (Ctrl-C, SIGTERM, --exit-after), 1 could not start (e.g. the port
is taken), 2 usage or unusable database, 3 stdout was closed (e.g. `| head -1`),
124 --timeout before --exit-after.";

const FORWARD_EXAMPLES: &str = "\
Examples:
  hookcap forward 3000                        capture on :4665, pass on to localhost:3000
  hookcap forward http://localhost:8000/api   a base path is prefixed: /hook -> /api/hook
  hookcap forward :3000 --preserve-host       the app sees the Host the sender used
  hookcap forward https://localhost:8443 -k   an https app with a self-signed certificate
  hookcap forward 3000 --upstream-timeout 5s --json   504 after 5s; NDJSON events
  hookcap forward 3000 --verify github --secret-env GITHUB_WEBHOOK_SECRET --reject-invalid
  hookcap forward 3000 --via https://hooks.example.com/c/github   real webhooks from a relay

Requests are stored before they are passed on, so none is lost while the app is
down (the sender gets 502, or 504 when the app is too slow). `hookcap show ID`
lists what the app answered; `hookcap replay ID` sends a request again.
Requests that live checks reject (401/403) are stored but never passed on.";

const REPLAY_EXAMPLES: &str = "\
Examples:
  hookcap replay last                         to the target of the session that captured it
  hookcap replay 12 --to http://localhost:3000
  hookcap replay 12 -H 'X-Test: 1' --body @fixed.json
  hookcap replay 12 --edit                    change it in $EDITOR first
  hookcap replay 12 --body @changed.json --resign github --secret-env GITHUB_WEBHOOK_SECRET
  hookcap replay 12 --times 3                 test duplicate-delivery handling
  hookcap replay --all session:latest method:POST --json

Exit status: 0 when every attempt got a 2xx answer, 1 otherwise.";

const LS_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap ls                          the 20 newest requests
  hookcap ls method:POST 'path:/hooks/*' since:10m
  hookcap ls header:X-GitHub-Event=push json:/ref=refs/heads/main
  hookcap ls status:4xx session:latest --json | jq .id
  hookcap ls --method POST --path '/hooks/*'   the same as method:POST path:/hooks/*",
    filter_help!()
);

const WAIT_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap wait                                  one request in the latest session
  hookcap wait json:/action=opened --timeout 60s --json | jq .body.data
  hookcap wait method:POST --count 3 --new      three more POSTs from now on
  hookcap wait path:/stripe --session any       in any session (listen and forward share a database)

Exits 0 once --count requests match (printing them), 1 on timeout.",
    filter_help!()
);

const EXPORT_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap export --format har -o hooks.har      for devtools, Insomnia, mitmproxy
  hookcap export session:latest > hooks.ndjson  one `show --json` document per line
  hookcap export id:12 --format curl --url http://localhost:3000
  hookcap export 'path:/stripe*' --format httpie -o replay.sh",
    filter_help!()
);

const DELIVERIES_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap deliveries                          every delivery, one line each
  hookcap deliveries provider:stripe session:latest --strict   exit 1 if a verdict fails (CI)
  hookcap deliveries 'event:pull_request.*' --json | jq .verdicts
  hookcap deliveries --secret-env STRIPE_WEBHOOK_SECRET   also check each attempt's signature

Requests with the same provider and delivery id are attempts of one delivery.
Verdicts: no retry after a 2xx (duplicate), Retry-After honoured, body identical,
and with a secret: signature valid on each attempt and timestamp refreshed.
Exit status: 0, or with --strict 1 when any verdict fails.",
    filter_help!()
);

const DIFF_EXAMPLES: &str = "\
Examples:
  hookcap diff 12 13                  two captured requests (any sessions)
  hookcap diff last 12 --json         for scripts
  hookcap diff 12 hooks.har#3         against entry 3 (from 1) of a HAR file

Headers are compared in order and case (added, removed, changed, moved);
JSON bodies by pointer, forms by field, text by line, binary by size and hash.
The signature line says which signed parts differ.
Exit status: 0 when the requests are the same, 1 when they differ.";

const IMPORT_EXAMPLES: &str = "\
Examples:
  hookcap import hooks.har          requests from browser devtools or hookcap export
  hookcap import hooks.ndjson       what `hookcap export` wrote
  cat hooks.ndjson | hookcap import -";

const RM_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap rm 12 13                  delete two requests
  hookcap rm --all session:3        delete a whole session (asks first)
  hookcap rm --all status:4xx --yes without asking
  hookcap rm --all --yes            delete everything",
    filter_help!()
);

const PRUNE_EXAMPLES: &str = "\
Examples:
  hookcap prune --older-than 7d     delete what is older than a week
  hookcap prune --older-than 12h";

const SHOW_EXAMPLES: &str = "\
Examples:
  hookcap show last                   the newest request
  hookcap show 12 --raw > body.bin    the exact body bytes
  hookcap show 12 --json | jq '.headers'";

const UI_EXAMPLES: &str = concat!(
    "\
Examples:
  hookcap ui                                   browse the database; new requests appear live
  hookcap ui --filter 'method:POST stripe'     start filtered (as if typed after /)
  hookcap ui --filter 'sig:invalid since:1h'   the requests that failed a live signature check
  hookcap ui --db ./ci.db --follow             keep the newest request selected

Keys: j/k move, Enter detail, Tab next tab, / filter, f follow, c copy as curl,
y copy body, d delete, r replay, v check the signature, ? every key, q quit.",
    filter_help!()
);

const VERIFY_EXAMPLES: &str = "\
Examples:
  hookcap verify last --secret-env GITHUB_WEBHOOK_SECRET      detect the provider
  hookcap verify 12 --provider stripe --secret-file .stripe-secret
  hookcap verify 12 --provider twilio --url https://abc.ngrok.app/sms --secret-env TWILIO_TOKEN
  hookcap verify 12 --provider hmac --sig-header X-Signature --algo sha512 --encoding base64 --secret s3cret
  hookcap verify last --body-file seen-by-my-app.json --secret-env SECRET   hints for body mismatches

Exit status: 0 valid, 1 invalid or unsigned, 2 usage error.";

/// Where to listen.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Server")]
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
#[command(next_help_heading = "Response")]
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
    /// Answer requests matching FILTER with ANSWER (repeatable, first match wins; the flags above answer the rest), e.g. 'provider:stripe => 503 Retry-After:2, 200' (see docs/rules.md)
    #[arg(long = "respond", value_name = "FILTER => ANSWER")]
    pub respond: Vec<String>,
    /// Answer rules from a TOML file, checked after the --respond rules (see docs/rules.md)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Seed for the rules' rates (p=0.2), so a run can be repeated
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Size limits for captured requests.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated
    #[arg(long, default_value = "16MiB", value_name = "SIZE")]
    pub max_body: bytesize::ByteSize,
    /// Disconnect a client that has not sent a complete request head within this time (in total, however it drips)
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub header_timeout: Duration,
    /// Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub body_timeout: Duration,
    /// Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
    /// Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)
    #[arg(long, default_value = "256MiB", value_name = "SIZE")]
    pub max_inflight_body: bytesize::ByteSize,
    /// On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub drain_timeout: Duration,
}

/// How to print captured requests.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
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
    /// Keep only the newest N requests in the database, deleting older ones as new ones arrive
    #[arg(long, value_name = "N")]
    pub keep: Option<u64>,
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
    /// Live checks.
    #[command(flatten)]
    pub checks: CheckArgs,
    /// When to stop by itself.
    #[command(flatten)]
    pub stop: StopArgs,
    /// Pulling a relay channel.
    #[command(flatten)]
    pub via: ViaArgs,
}

/// When a capture server stops by itself (for CI).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "CI")]
pub struct StopArgs {
    /// Exit 0 once this many requests have been captured (and, in forward mode, answered)
    #[arg(long, value_name = "N")]
    pub exit_after: Option<u64>,
    /// With --exit-after: give up after this long and exit 124
    #[arg(
        long,
        requires = "exit_after",
        value_parser = humantime::parse_duration,
        value_name = "DURATION"
    )]
    pub timeout: Option<Duration>,
    /// With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)
    #[arg(long = "match", requires = "exit_after", value_name = "TERMS")]
    pub match_terms: Option<String>,
}

/// `hookcap forward`.
#[derive(Debug, Clone, Args)]
pub struct ForwardArgs {
    /// The app: a port (3000), :3000, or a URL like http://localhost:3000/base or https://app.test
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Pass the sender's Host header on instead of the target's
    #[arg(long)]
    pub preserve_host: bool,
    /// Skip TLS certificate verification of an https:// target (self-signed dev certs)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// How long the app may take to answer in full before the sender gets 504
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub upstream_timeout: Duration,
    /// Where to listen.
    #[command(flatten)]
    pub server: ServerArgs,
    /// Size limits.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Output mode.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Live checks: a rejected request is stored and answered, never passed on.
    #[command(flatten)]
    pub checks: CheckArgs,
    /// When to stop by itself.
    #[command(flatten)]
    pub stop: StopArgs,
    /// Pulling a relay channel.
    #[command(flatten)]
    pub via: ViaArgs,
}

/// `hookcap replay`.
#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// Request ids to send, or 'last' for the newest; with --all, filter terms instead
    #[arg(value_name = "ID|FILTER", required_unless_present = "all")]
    pub ids: Vec<String>,
    /// Send every request the filter terms (and flags) match, oldest first
    #[arg(long)]
    pub all: bool,
    /// Base URL to send to; the stored path is appended [default: the forward target of the session that captured it]
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Add or replace a header 'Name: value' (repeatable)
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Replace the body: text, or @FILE to read a file
    #[arg(long, value_name = "TEXT|@FILE")]
    pub body: Option<String>,
    /// Edit the request in $EDITOR (request line, headers, blank line, body) before sending
    #[arg(long)]
    pub edit: bool,
    /// Sign again after the changes, as this provider does: its old signature headers are replaced by fresh ones
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub resign: Option<crate::sign::ProviderKind>,
    /// Send each request this many times
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub times: u32,
    /// Give up on an attempt that has not been answered in full after this long
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Print one JSON object per attempt (NDJSON)
    #[arg(long)]
    pub json: bool,
    /// Filters as flags for --all (older spelling of the same terms).
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Where the --resign secret comes from.
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The generic hmac scheme, for --resign hmac.
    #[command(flatten)]
    pub hmac: HmacArgs,
}

/// Filters shared by the commands that pick requests.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Filters")]
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
    /// Only requests since a duration ago (10m, 2h) or a time ('2026-01-02 15:04' local, or with a zone)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
}

/// Filter terms as positional arguments, one term per argument.
#[derive(Debug, Clone, Args)]
pub struct TermArgs {
    /// Filter terms, all of which must match (e.g. method:POST status:2xx json:/ref=main)
    #[arg(value_name = "FILTER")]
    pub terms: Vec<String>,
}

/// `hookcap ls`.
#[derive(Debug, Clone, Args)]
pub struct LsArgs {
    /// Filter terms.
    #[command(flatten)]
    pub terms: TermArgs,
    /// Show at most this many requests
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: u32,
    /// Print NDJSON, one object per request
    #[arg(long)]
    pub json: bool,
    /// Filters as flags (older spelling of the same terms).
    #[command(flatten)]
    pub filter: FilterArgs,
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
    /// Start with this filter, as typed after /: filter terms on one line (see below)
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
    /// Keep the newest request selected as new ones arrive
    #[arg(long)]
    pub follow: bool,
}

/// `hookcap wait`.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Filter terms.
    #[command(flatten)]
    pub terms: TermArgs,
    /// How many matching requests to wait for
    #[arg(short = 'n', long, default_value_t = 1, value_name = "N")]
    pub count: u64,
    /// Give up after this long and exit 1
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Count only requests stored after `wait` started (default: the whole latest session)
    #[arg(long)]
    pub new: bool,
    /// Which session counts: latest (whichever is newest, even one started later), any, or a session id [default: latest; any with --new]
    #[arg(long, value_name = "any|latest|ID")]
    pub session: Option<String>,
    /// Print each matching request as a `show --json` document (NDJSON)
    #[arg(long)]
    pub json: bool,
}

/// `hookcap export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Filter terms.
    #[command(flatten)]
    pub terms: TermArgs,
    /// Output format
    #[arg(short, long, value_enum, default_value_t = Format::Ndjson, value_name = "FORMAT")]
    pub format: Format,
    /// Write to this file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Base URL the commands (and HAR URLs) point at [default: http:// + each request's Host header]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// With --url, scripts keep each request's own Host header instead of the destination's (as replay --to sets it)
    #[arg(long, requires = "url")]
    pub preserve_host: bool,
}

/// `hookcap deliveries`.
#[derive(Debug, Clone, Args)]
pub struct DeliveriesArgs {
    /// Filter terms: the deliveries of the matching requests are shown, with all their attempts.
    #[command(flatten)]
    pub terms: TermArgs,
    /// Exit 1 when any verdict fails (for CI)
    #[arg(long)]
    pub strict: bool,
    /// Print NDJSON, one object per delivery
    #[arg(long)]
    pub json: bool,
    /// With a secret: the signature scheme (auto detects it from the headers)
    #[arg(long, default_value = "auto", value_name = "PROVIDER")]
    pub provider: ProviderChoice,
    /// With a secret: largest accepted age of a signed timestamp, at capture time
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub tolerance: Duration,
    /// A secret checks each attempt's signature and timestamp.
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The generic hmac scheme.
    #[command(flatten)]
    pub hmac: HmacArgs,
}

/// `hookcap diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// A request id, 'last', or FILE.har#N (entry N, from 1)
    #[arg(value_name = "A")]
    pub a: String,
    /// A request id, 'last', or FILE.har#N (entry N, from 1)
    #[arg(value_name = "B")]
    pub b: String,
    /// Print the differences as one JSON document
    #[arg(long)]
    pub json: bool,
}

/// `hookcap import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// A HAR or NDJSON file (the format is detected), or - for stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `hookcap rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Request ids to delete; with --all, filter terms instead
    #[arg(value_name = "ID|FILTER", required_unless_present = "all")]
    pub items: Vec<String>,
    /// Delete every request matching the filter terms (all requests without terms)
    #[arg(long)]
    pub all: bool,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub yes: bool,
    /// How freed space is given back.
    #[command(flatten)]
    pub reclaim: ReclaimArgs,
}

/// `hookcap prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// Delete requests received longer ago than this (e.g. 7d, 12h)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub older_than: Duration,
    /// How freed space is given back.
    #[command(flatten)]
    pub reclaim: ReclaimArgs,
}

/// How `rm` and `prune` give freed space back to the file system. Without
/// `--vacuum` a database with at most 64 MiB left is rewritten at once; a
/// bigger one keeps the freed pages for new captures to reuse.
#[derive(Debug, Clone, Args)]
pub struct ReclaimArgs {
    /// Rewrite the database file to give all freed space back, however big it is
    /// (a listener running meanwhile waits, and answers 503 after 5 s)
    #[arg(long)]
    pub vacuum: bool,
}

/// `hookcap generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Directory to write completions/ and docs/ into
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Where the webhook secret comes from. The secret is never stored or logged.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Secret")]
pub struct SecretArgs {
    /// The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)
    #[arg(
        long,
        env = "HOOKCAP_SECRET",
        hide_env_values = true,
        value_name = "SECRET",
        group = "secret_source"
    )]
    pub secret: Option<String>,
    /// Read the secret from this environment variable
    #[arg(long, value_name = "VAR", group = "secret_source")]
    pub secret_env: Option<String>,
    /// Read the secret from this file (one trailing newline is ignored)
    #[arg(long, value_name = "PATH", group = "secret_source")]
    pub secret_file: Option<PathBuf>,
}

/// The generic `hmac` scheme: where the signature is and how it is made.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Generic HMAC")]
pub struct HmacArgs {
    /// With the hmac scheme (--provider/--sign hmac): the header carrying the signature
    #[arg(long = "sig-header", value_name = "NAME")]
    pub sig_header: Option<String>,
    /// With the hmac scheme (--provider/--sign hmac): the hash algorithm
    #[arg(long, value_enum, default_value_t = crate::sign::Algo::Sha256, value_name = "ALGO")]
    pub algo: crate::sign::Algo,
    /// With the hmac scheme (--provider/--sign hmac): how the MAC is written
    #[arg(long, value_enum, default_value_t = crate::sign::Encoding::Hex, value_name = "ENCODING")]
    pub encoding: crate::sign::Encoding,
    /// With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
}

/// Checks run on every captured request as it arrives.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Live checks")]
pub struct CheckArgs {
    /// Verify each request's signature (auto, github, stripe, …) and store the verdict
    #[arg(long, value_name = "PROVIDER")]
    pub verify: Option<ProviderChoice>,
    /// With --verify: largest accepted age (or future skew) of a signed timestamp
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub tolerance: Duration,
    /// With --verify: answer 401 to invalid or unsigned requests (still stored)
    #[arg(long, requires = "verify")]
    pub reject_invalid: bool,
    /// Answer 401 to requests whose --token-header is not this token (still stored)
    #[arg(
        long,
        env = "HOOKCAP_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub require_token: Option<String>,
    /// The header --require-token reads
    #[arg(long, default_value = "X-Gitlab-Token", value_name = "NAME")]
    pub token_header: String,
    /// Answer 403 to sources outside this address or CIDR range (repeatable; still stored)
    #[arg(long, value_name = "CIDR")]
    pub allow_ip: Vec<crate::capture::Cidr>,
    /// Where the secret comes from.
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The generic hmac scheme.
    #[command(flatten)]
    pub hmac: HmacArgs,
}

/// A provider name, or `auto` to detect it from the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderChoice(pub Option<crate::sign::ProviderKind>);

impl std::str::FromStr for ProviderChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Self(None));
        }
        let names: Vec<&str> = crate::sign::ProviderKind::ALL
            .iter()
            .map(|k| k.name())
            .collect();
        s.parse()
            .map(|k| Self(Some(k)))
            .map_err(|_| format!("unknown provider {s:?}; use auto, {}", names.join(", ")))
    }
}

/// `hookcap verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Request id, or 'last' for the newest
    #[arg(value_name = "ID|last")]
    pub id: String,
    /// Signature scheme: auto, github, gitlab, stripe, slack, standard, svix, shopify, twilio, hmac
    #[arg(long, default_value = "auto", value_name = "PROVIDER")]
    pub provider: ProviderChoice,
    /// Largest accepted age (or future skew) of a signed timestamp
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub tolerance: Duration,
    /// Measure timestamps against the wall clock instead of the capture time
    #[arg(long)]
    pub now: bool,
    /// The public URL the provider posted to (Twilio signs it; behind a tunnel it differs)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The body as your framework saw it, to explain body mismatches
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<PathBuf>,
    /// Print the verdict as one JSON document
    #[arg(long)]
    pub json: bool,
    /// Where the secret comes from.
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The generic hmac scheme.
    #[command(flatten)]
    pub hmac: HmacArgs,
}

const SEND_EXAMPLES: &str = "\
Examples:
  hookcap send :4665/hook -d 'a=1&b=2'                  form POST to http://127.0.0.1:4665/hook
  hookcap send https://example.com/hook --json '{\"ok\":true}' -H 'X-Env: test'
  hookcap send :4665/upload -F name=demo -F file=@report.pdf
  hookcap send :4665/gh --template github.push --secret-env GITHUB_WEBHOOK_SECRET
  hookcap send :4665/pay --template stripe.payment_intent.succeeded --set /data/object/amount=500
  hookcap send :4665/hook --data-binary @event.json --sign standard --secret-file whsec.txt
  hookcap send :4665/search -G --data-urlencode 'q=a b' --compressed
  hookcap send https://example.com/big.iso -o big.iso --max-response 8GiB
  hookcap send :4665/hook --template slack.event_callback --repeat 1000 --concurrency 16
  hookcap send https://flaky.example/hook -d x --retry 5 --retry-max-time 1m
  hookcap send --list-templates

URL shorthands: ':8080/hook' and '8080/hook' mean http://127.0.0.1:8080/hook; a URL
without a scheme gets http://.

Requests go out as curl 7.88 writes them for the same options (-H lines as typed,
in curl's order); only User-Agent differs.

Exit status: 0 for a 2xx response (every response, with --repeat), 1 for any other
status or a transport error, an answer over --max-response included (0 for any
response with --no-fail), 2 for usage errors.

--json-result prints one JSON object. A single request:
  {\"request\": {\"method\", \"url\", \"headers\": [[name, value]...], \"body\": BODY},
   \"response\": {\"status\", \"reason\", \"version\", \"headers\", \"body\": BODY} | null,
   \"error\": {\"kind\", \"message\"} | null, \"attempts\", \"timing\": {\"headers_ms\", \"total_ms\"}}
  where BODY is {\"encoding\": \"utf8\"|\"base64\", \"data\", \"size\"}.
With --repeat: {\"requests\", \"concurrency\", \"statuses\": {\"200\": N...},
  \"errors\": {\"connect\": N...}, \"retries\", \"elapsed_ms\", \"requests_per_sec\",
  \"latency_ms\": {\"min\", \"p50\", \"p90\", \"p99\", \"max\"}}.";

/// `hookcap send`.
#[derive(Debug, Clone, Args)]
pub struct SendArgs {
    /// Where to send: a URL, or :PORT/PATH and PORT/PATH for http://127.0.0.1:PORT/PATH
    #[arg(value_name = "URL", required_unless_present = "list_templates")]
    pub url: Option<String>,
    /// The request line, headers and body.
    #[command(flatten)]
    pub request: RequestArgs,
    /// Templates.
    #[command(flatten)]
    pub template: TemplateArgs,
    /// Signing.
    #[command(flatten)]
    pub signing: SignArgs,
    /// Connection, timeout and retries.
    #[command(flatten)]
    pub transfer: TransferArgs,
    /// Repeats and concurrency.
    #[command(flatten)]
    pub load: LoadArgs,
    /// What to print.
    #[command(flatten)]
    pub output: SendOutputArgs,
}

/// `hookcap send`: the request itself, with curl's option names.
#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    /// Request method [default: POST with a body, GET without]
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// Request header, sent exactly as typed and in the order given, like curl: 'Name: value'; 'Name:' removes a default header, 'Name;' sends it empty
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The body, from the data options in the order given (joined with '&', like curl).
    #[command(flatten)]
    pub data: DataArgs,
    /// Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)
    #[arg(short = 'F', long = "form", value_name = "NAME=VALUE", conflicts_with_all = ["data", "data_raw", "data_binary", "data_urlencode", "json"])]
    pub form: Vec<String>,
    /// Put the data options in the URL's query and send a GET, like curl -G
    #[arg(short = 'G', long = "get", conflicts_with_all = ["json", "form"])]
    pub get: bool,
    /// Query part appended to the URL like curl --url-query: content, name=content, =content, @FILE, name@FILE are form-encoded; +TEXT is added as it is (repeatable)
    #[arg(long = "url-query", value_name = "DATA")]
    pub url_query: Vec<String>,
    /// Query parameter name=value appended to the URL, both sides form-encoded (repeatable)
    #[arg(long = "query", value_name = "NAME=VALUE")]
    pub query: Vec<String>,
    /// Basic authentication as user:password
    #[arg(short = 'u', long = "user", value_name = "USER:PASSWORD")]
    pub user: Option<String>,
    /// User-Agent header ('' sends none) [default: hookcap/VERSION, or the template's]
    #[arg(short = 'A', long = "user-agent", value_name = "NAME")]
    pub user_agent: Option<String>,
    /// Ask for a compressed answer (Accept-Encoding: deflate, gzip, br, zstd, as curl sends it) and decode it
    #[arg(long)]
    pub compressed: bool,
}

/// The data options of `send`, in the order they were given on the command
/// line (curl joins them in that order, whichever option each came from).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataArgs {
    /// Each data option and its argument, in command-line order.
    pub items: Vec<(DataFlag, String)>,
}

/// The data options as clap defines them; [`DataArgs`] puts them in order.
#[derive(Debug, Clone, Args)]
struct DataFlags {
    /// Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with '&'; form content type
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    data: Vec<String>,
    /// Like -d, but '@' has no special meaning
    #[arg(long = "data-raw", value_name = "DATA")]
    data_raw: Vec<String>,
    /// Body bytes exactly as given (@FILE, @- for stdin); repeats joined with '&'; form content type
    #[arg(long = "data-binary", value_name = "DATA")]
    data_binary: Vec<String>,
    /// Form-encoded data like curl: content, =content, name=content, @FILE, name@FILE (the content is encoded)
    #[arg(long = "data-urlencode", value_name = "DATA")]
    data_urlencode: Vec<String>,
    /// JSON body (@FILE, @- for stdin), with JSON Content-Type and Accept, like curl --json; repeats are concatenated
    #[arg(long = "json", value_name = "DATA", conflicts_with_all = ["data", "data_raw", "data_binary", "data_urlencode"])]
    json: Vec<String>,
}

/// The ids of the data options, with the flag each stands for.
const DATA_IDS: [(&str, DataFlag); 5] = [
    ("data", DataFlag::Data),
    ("data_raw", DataFlag::Raw),
    ("data_binary", DataFlag::Binary),
    ("data_urlencode", DataFlag::Urlencode),
    ("json", DataFlag::Json),
];

impl Args for DataArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        DataFlags::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        DataFlags::augment_args_for_update(cmd)
    }
}

impl clap::FromArgMatches for DataArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut indexed = Vec::new();
        for (id, flag) in DATA_IDS {
            let (Some(values), Some(indices)) =
                (matches.get_many::<String>(id), matches.indices_of(id))
            else {
                continue;
            };
            indexed.extend(indices.zip(values).map(|(i, v)| (i, flag, v.clone())));
        }
        indexed.sort_by_key(|(i, _, _)| *i);
        Ok(Self {
            items: indexed.into_iter().map(|(_, f, v)| (f, v)).collect(),
        })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// `hookcap send`: realistic sample payloads.
#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// Send a provider's sample webhook with the headers it really sends (see --list-templates)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["data", "data_raw", "data_binary", "data_urlencode", "json", "form", "get"])]
    pub template: Option<String>,
    /// Edit the template before sending: an RFC 6901 JSON pointer and a value (JSON if it parses, else a string)
    #[arg(long = "set", value_name = "/POINTER=VALUE", requires = "template")]
    pub set: Vec<String>,
    /// List the templates with one-line descriptions, then exit
    #[arg(long)]
    pub list_templates: bool,
}

/// `hookcap send`: signatures.
#[derive(Debug, Clone, Args)]
pub struct SignArgs {
    /// Sign the exact bytes sent the way this provider does [default: the template's provider when a secret is given]
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub sign: Option<crate::sign::ProviderKind>,
    /// Where the secret comes from.
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The generic hmac scheme.
    #[command(flatten)]
    pub hmac: HmacArgs,
}

/// `hookcap send`: how requests travel.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Transfer")]
pub struct TransferArgs {
    /// Skip TLS certificate verification (self-signed test servers)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Give up on a request after this long (e.g. 10s, 500ms) [default: no limit]
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,
    /// Retry connect errors, timeouts, 429 and 5xx up to N times, with exponential backoff and jitter, honouring Retry-After
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub retry: u32,
    /// Stop retrying once this much time has passed since the first attempt (e.g. 30s)
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub retry_max_time: Option<Duration>,
}

/// `hookcap send`: load.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Load")]
pub struct LoadArgs {
    /// Send the request N times (each with a fresh delivery id and signature) and print a summary
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub repeat: u64,
    /// With --repeat: requests in flight at once, over this many connections
    #[arg(long, default_value_t = 1, value_name = "C", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub concurrency: u64,
}

/// `hookcap send`: output.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub struct SendOutputArgs {
    /// Also print the response headers
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Also print the request as sent (line, headers, body) before the response
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Write the response body to FILE as it arrives ('-' for the exact bytes on stdout, nothing else)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Stop reading an answer whose body is larger than this (e.g. 1MiB, 2GiB) and fail
    #[arg(long, default_value = "64MiB", value_name = "SIZE")]
    pub max_response: bytesize::ByteSize,
    /// Print one JSON object (request as sent, response, timing; or the --repeat summary) for scripts
    #[arg(long, conflicts_with_all = ["include", "verbose"])]
    pub json_result: bool,
    /// Exit 0 for any response, whatever its status (transport errors still exit 1)
    #[arg(long)]
    pub no_fail: bool,
}
