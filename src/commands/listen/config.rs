//! `ListenArgs` / `ForwardArgs` → a validated [`ListenConfig`], with table tests.
//! `forward` is `listen` with another [`Answer`]; everything else is shared.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper::StatusCode;

use crate::capture::{ForwardConfig, Guard, Limits, ResponseShape, TokenRule};
use crate::cli::{
    CheckArgs, ForwardArgs, LimitArgs, ListenArgs, OutputArgs, ResponseArgs, ServerArgs, StopArgs,
    ViaArgs,
};
use crate::commands::shared::input::{parse_header, read_body_arg};
use crate::commands::shared::secret;
use crate::error::CliError;
use crate::filter::Filter;
use crate::http::Target;
use crate::model::Timestamp;
use crate::relay::client::ViaConfig;
use crate::rules::RuleBook;
use crate::sign::{Checker, Secret};

/// How captured requests are shown while listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// The interactive inspector (stdout is a terminal, no `--no-tui`/`--json`).
    Tui,
    /// One human-readable line per request.
    Lines,
    /// One JSON object per event (NDJSON).
    Json,
}

impl OutputMode {
    /// `--json` wins, then `--no-tui`; otherwise the inspector when stdout
    /// is a terminal and lines when it is not.
    pub fn resolve(json: bool, no_tui: bool, stdout_is_tty: bool) -> Self {
        if json {
            Self::Json
        } else if no_tui || !stdout_is_tty {
            Self::Lines
        } else {
            Self::Tui
        }
    }
}

/// How captured requests are answered.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `listen`: the configured response.
    Shape(ResponseShape),
    /// `forward`: whatever the app answers.
    Forward(ForwardConfig),
}

/// Everything `listen` and `forward` need, checked.
#[derive(Debug, Clone)]
pub struct ListenConfig {
    /// Address to bind.
    pub host: String,
    /// Port to bind (0: any free port).
    pub port: u16,
    /// What to answer.
    pub answer: Answer,
    /// Body size and time limits.
    pub limits: Limits,
    /// Live signature, token and address checks.
    pub guard: Guard,
    /// How to print requests.
    pub output: OutputMode,
    /// Stop after this many requests.
    pub exit_after: Option<u64>,
    /// Give up waiting for `exit_after` after this long.
    pub timeout: Option<Duration>,
    /// Count only requests matching this toward `exit_after`.
    pub exit_filter: Option<Filter>,
    /// Keep only the newest this many requests in the database.
    pub keep: Option<u64>,
    /// Also pull this relay channel (`--via`).
    pub via: Option<ViaConfig>,
}

impl ListenConfig {
    /// Validates `listen`'s arguments: header syntax, body files, status code.
    pub fn resolve(args: &ListenArgs, stdout_is_tty: bool) -> Result<Self, CliError> {
        let status = StatusCode::from_u16(args.response.status).map_err(|_| {
            CliError::Usage(format!("invalid status code {}", args.response.status))
        })?;
        let shape = ResponseShape {
            status,
            headers: args
                .response
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_, _>>()?,
            body: read_body_arg(args.response.body.as_deref())?,
            delay: args.response.delay.unwrap_or_default(),
            rules: rule_book(&args.response, status.as_u16())?,
        };
        if args.keep == Some(0) {
            return Err(CliError::Usage("--keep must be at least 1".into()));
        }
        let common = (&args.server, &args.limits, &args.output, &args.stop);
        let mut config = Self::shared(
            common,
            Answer::Shape(shape),
            guard(&args.checks)?,
            stdout_is_tty,
        )?;
        config.keep = args.keep;
        config.via = via(&args.via)?;
        Ok(config)
    }

    /// Validates `forward`'s arguments: the target, the upstream timeout, and
    /// the live checks (the same as `listen`'s).
    pub fn resolve_forward(args: &ForwardArgs, stdout_is_tty: bool) -> Result<Self, CliError> {
        let target = Target::parse(&args.target).map_err(|e| CliError::Usage(e.to_string()))?;
        if args.upstream_timeout.is_zero() {
            return Err(CliError::Usage(
                "--upstream-timeout must be more than 0".into(),
            ));
        }
        let forward = ForwardConfig {
            target,
            preserve_host: args.preserve_host,
            upstream_timeout: args.upstream_timeout,
            insecure: args.insecure,
        };
        let common = (&args.server, &args.limits, &args.output, &args.stop);
        let mut config = Self::shared(
            common,
            Answer::Forward(forward),
            guard(&args.checks)?,
            stdout_is_tty,
        )?;
        config.via = via(&args.via)?;
        Ok(config)
    }

    /// The part both commands share: where to listen, limits, checks,
    /// output, stopping.
    fn shared(
        (server, limits, output, stop): (&ServerArgs, &LimitArgs, &OutputArgs, &StopArgs),
        answer: Answer,
        guard: Guard,
        stdout_is_tty: bool,
    ) -> Result<Self, CliError> {
        if stop.exit_after == Some(0) {
            return Err(CliError::Usage("--exit-after must be at least 1".into()));
        }
        let exit_filter = stop
            .match_terms
            .as_deref()
            .map(|line| Filter::parse_line(line, Timestamp::now()))
            .transpose()
            .map_err(|e| CliError::Usage(format!("--match: {e}")))?;
        Ok(Self {
            host: server.host.clone(),
            port: server.port,
            answer,
            limits: Limits {
                max_body: limits.max_body.as_u64(),
                body_timeout: limits.body_timeout,
                header_read_timeout: limits.header_timeout,
                max_connections: limits.max_connections.map(|n| n as usize),
                max_inflight_body: limits.max_inflight_body.as_u64(),
                drain_timeout: limits.drain_timeout,
            },
            guard,
            output: OutputMode::resolve(output.json, output.no_tui, stdout_is_tty),
            exit_after: stop.exit_after,
            timeout: stop.timeout,
            exit_filter,
            keep: None,
            via: None,
        })
    }
}

/// The `--respond` rules, then the `--rules` file's, checked now: a bad rule
/// is a usage error naming it. `None` when there are none.
fn rule_book(args: &ResponseArgs, default_status: u16) -> Result<Option<Arc<RuleBook>>, CliError> {
    let usage = |e: crate::rules::RuleError| CliError::Usage(e.to_string());
    let mut rules = args
        .respond
        .iter()
        .enumerate()
        .map(|(i, text)| crate::rules::parse_rule(i as u32 + 1, text, Path::new(".")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(usage)?;
    if let Some(path) = &args.rules {
        let first = rules.len() as u32 + 1;
        rules.extend(crate::rules::parse_file(path, first).map_err(usage)?);
    }
    Ok((!rules.is_empty()).then(|| Arc::new(RuleBook::new(rules, default_status, args.seed))))
}

/// The live checks the flags ask for; `--verify` needs a secret.
pub fn guard(args: &CheckArgs) -> Result<Guard, CliError> {
    let checker = match args.verify {
        None => None,
        Some(choice) => Some(Checker {
            kind: choice.0,
            secret: secret::require(&args.secret)?,
            hmac: secret::hmac_spec(choice.0, &args.hmac)?,
            tolerance: args.tolerance,
        }),
    };
    let token = match &args.require_token {
        Some(t) if t.is_empty() => return Err(CliError::Usage("--require-token is empty".into())),
        Some(t) => Some(TokenRule {
            header: args.token_header.clone(),
            token: Secret::from_bytes(t.as_str()),
        }),
        None => None,
    };
    Ok(Guard {
        checker,
        reject_invalid: args.reject_invalid,
        token,
        allow: args.allow_ip.clone(),
    })
}

/// The relay channel `--via` asks for, with its token from the environment.
fn via(args: &ViaArgs) -> Result<Option<ViaConfig>, CliError> {
    let Some(url) = &args.via else {
        return Ok(None);
    };
    ViaConfig::new(
        url,
        &args.token_env,
        args.consumer.as_deref(),
        args.from.as_deref(),
        args.via_ca.as_deref(),
    )
    .map(Some)
    .map_err(CliError::Usage)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn resolve(line: &str) -> Result<ListenConfig, CliError> {
        let cli = Cli::try_parse_from(line.split_whitespace()).expect("parses");
        match cli.command {
            Command::Listen(args) => ListenConfig::resolve(&args, false),
            Command::Forward(args) => ListenConfig::resolve_forward(&args, false),
            _ => panic!("not listen or forward"),
        }
    }

    fn shape(c: &ListenConfig) -> &ResponseShape {
        c.shape().expect("a listen config")
    }

    impl ListenConfig {
        fn shape(&self) -> Option<&ResponseShape> {
            match &self.answer {
                Answer::Shape(shape) => Some(shape),
                Answer::Forward(_) => None,
            }
        }

        fn forward(&self) -> Option<&ForwardConfig> {
            match &self.answer {
                Answer::Forward(forward) => Some(forward),
                Answer::Shape(_) => None,
            }
        }
    }

    #[test]
    fn defaults_bind_loopback_on_the_memorable_port() {
        let c = resolve("hookcap listen").unwrap();
        assert_eq!(
            (c.host.as_str(), shape(&c).status.as_u16()),
            ("127.0.0.1", 200)
        );
        assert_eq!(c.limits.max_body, 16 * 1024 * 1024);
        assert_eq!(c.output, OutputMode::Lines);
    }

    #[test]
    fn command_lines_resolve_as_documented() {
        type Check = fn(&ListenConfig) -> bool;
        let table: &[(&str, Check)] = &[
            ("hookcap listen --port 0", |c| c.port == 0),
            ("hookcap listen --status 503", |c| shape(c).status == 503),
            ("hookcap listen --delay 250ms", |c| {
                shape(c).delay == Duration::from_millis(250)
            }),
            ("hookcap listen --max-body 1KiB", |c| {
                c.limits.max_body == 1024
            }),
            ("hookcap listen --json", |c| c.output == OutputMode::Json),
            (
                "hookcap listen --verify github --secret s --reject-invalid",
                |c| c.guard.checker.is_some() && c.guard.reject_invalid,
            ),
            ("hookcap listen --verify auto --secret s", |c| {
                c.guard.checker.as_ref().is_some_and(|k| k.kind.is_none())
            }),
            (
                "hookcap listen --require-token t --token-header X-Token",
                |c| {
                    c.guard
                        .token
                        .as_ref()
                        .is_some_and(|t| t.header == "X-Token")
                },
            ),
            ("hookcap listen --allow-ip 10.0.0.0/8 --allow-ip ::1", |c| {
                c.guard.allow.len() == 2
            }),
            ("hookcap listen", |c| c.guard.is_empty()),
            ("hookcap listen --body hi", |c| shape(c).body == "hi"),
            ("hookcap listen -H X-A:1 -H X-B:2", |c| {
                shape(c).headers.len() == 2
            }),
            ("hookcap listen --exit-after 3 --timeout 5s", |c| {
                c.exit_after == Some(3) && c.timeout == Some(Duration::from_secs(5))
            }),
            ("hookcap listen --exit-after 1 --match method:POST", |c| {
                c.exit_filter.as_ref().is_some_and(|f| f.terms.len() == 1)
            }),
            ("hookcap listen --keep 10", |c| c.keep == Some(10)),
            ("hookcap listen", |c| shape(c).rules.is_none()),
            (
                "hookcap listen --respond method:POST=>503,200 --respond =>drop --seed 3",
                |c| {
                    shape(c)
                        .rules
                        .as_ref()
                        .is_some_and(|b| b.rules().len() == 2)
                },
            ),
            ("hookcap listen --max-connections 50", |c| {
                c.limits.max_connections == Some(50)
            }),
            ("hookcap listen", |c| {
                c.limits.max_connections.is_none()
                    && c.limits.max_inflight_body == 256 * 1024 * 1024
            }),
            ("hookcap listen", |c| {
                c.limits.drain_timeout == Duration::from_secs(5)
            }),
            ("hookcap listen --drain-timeout 1m", |c| {
                c.limits.drain_timeout == Duration::from_secs(60)
            }),
            ("hookcap listen --max-inflight-body 1MiB", |c| {
                c.limits.max_inflight_body == 1024 * 1024
            }),
        ];
        for (line, check) in table {
            assert!(check(&resolve(line).unwrap()), "{line}");
        }
    }

    #[test]
    fn forward_command_lines_resolve_as_documented() {
        type Check = fn(&ListenConfig) -> bool;
        let table: &[(&str, Check)] = &[
            ("hookcap forward 3000", |c| {
                let f = c.forward().unwrap();
                f.target.to_string() == "http://localhost:3000"
                    && !f.preserve_host
                    && !f.insecure
                    && f.upstream_timeout == Duration::from_secs(30)
            }),
            ("hookcap forward https://localhost:8443/hooks -k", |c| {
                let f = c.forward().unwrap();
                f.target.to_string() == "https://localhost:8443/hooks" && f.insecure
            }),
            (
                "hookcap forward http://127.0.0.1:8000/api --preserve-host",
                |c| {
                    let f = c.forward().unwrap();
                    f.target.base_path == "/api" && f.preserve_host
                },
            ),
            ("hookcap forward :3000 --upstream-timeout 250ms", |c| {
                c.forward().unwrap().upstream_timeout == Duration::from_millis(250)
            }),
            (
                "hookcap forward 3000 --port 0 --json --max-body 1KiB",
                |c| c.port == 0 && c.output == OutputMode::Json && c.limits.max_body == 1024,
            ),
            ("hookcap forward 3000 --exit-after 2 --timeout 1s", |c| {
                c.exit_after == Some(2) && c.shape().is_none()
            }),
            (
                "hookcap forward 3000 --exit-after 1 --match status:2xx",
                |c| c.exit_filter.is_some() && c.keep.is_none(),
            ),
            ("hookcap forward 3000 --body-timeout 2s", |c| {
                c.limits.body_timeout == Duration::from_secs(2) && c.guard.is_empty()
            }),
            (
                "hookcap forward 3000 --verify github --secret s --reject-invalid",
                |c| c.guard.checker.is_some() && c.guard.reject_invalid,
            ),
            (
                "hookcap forward 3000 --require-token t --allow-ip 127.0.0.1",
                |c| c.guard.token.is_some() && c.guard.allow.len() == 1,
            ),
        ];
        for (line, check) in table {
            assert!(check(&resolve(line).unwrap()), "{line}");
        }
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for line in [
            "hookcap listen -H nocolon",
            "hookcap listen --body @/no/such/file",
            "hookcap listen --exit-after 0",
            "hookcap listen --keep 0",
            "hookcap listen --exit-after 1 --match status:2yx",
            "hookcap forward ftp://localhost:3000",
            "hookcap forward localhost:3000/a?b=1",
            "hookcap forward 3000 --upstream-timeout 0s",
            "hookcap forward 70000",
            "hookcap forward 3000 --verify github",
            "hookcap listen --respond json:x=>200",
            "hookcap listen --respond =>200{{nope}}",
            "hookcap listen --rules /no/such/rules.toml",
        ] {
            assert!(matches!(resolve(line), Err(CliError::Usage(_))), "{line}");
        }
    }

    #[test]
    fn timeout_and_match_need_exit_after() {
        assert!(Cli::try_parse_from(["hookcap", "listen", "--timeout", "1s"]).is_err());
        assert!(Cli::try_parse_from(["hookcap", "listen", "--match", "id:1"]).is_err());
    }

    #[test]
    fn a_bad_match_points_at_the_term() {
        let cli = Cli::try_parse_from([
            "hookcap",
            "listen",
            "--exit-after",
            "1",
            "--match",
            "method:POST json:x",
        ])
        .unwrap();
        let Command::Listen(args) = cli.command else {
            panic!("not listen")
        };
        let err = ListenConfig::resolve(&args, false).unwrap_err().to_string();
        assert!(
            err.starts_with("--match: invalid filter term \"json:x\" at column 18"),
            "{err}"
        );
    }
}
