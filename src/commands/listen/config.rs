//! `ListenArgs` / `ForwardArgs` → a validated [`ListenConfig`], with table tests.
//! `forward` is `listen` with another [`Answer`]; everything else is shared.

use std::time::Duration;

use bytes::Bytes;
use hyper::StatusCode;

use crate::capture::{ForwardConfig, Limits, ResponseShape};
use crate::cli::{ForwardArgs, LimitArgs, ListenArgs, OutputArgs, ServerArgs, StopArgs};
use crate::error::CliError;
use crate::model::Header;
use crate::upstream::Target;

/// How captured requests are shown while listening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// One human-readable line per request.
    Lines,
    /// One JSON object per event (NDJSON).
    Json,
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
    /// How to print requests.
    pub output: OutputMode,
    /// Stop after this many requests.
    pub exit_after: Option<u64>,
    /// Give up waiting for `exit_after` after this long.
    pub timeout: Option<Duration>,
}

impl ListenConfig {
    /// Validates `listen`'s arguments: header syntax, body files, status code.
    pub fn resolve(args: &ListenArgs, _stdout_is_tty: bool) -> Result<Self, CliError> {
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
        };
        let common = (&args.server, &args.limits, &args.output, &args.stop);
        Self::shared(common, Answer::Shape(shape))
    }

    /// Validates `forward`'s arguments: the target and the upstream timeout.
    pub fn resolve_forward(args: &ForwardArgs, _stdout_is_tty: bool) -> Result<Self, CliError> {
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
        };
        let common = (&args.server, &args.limits, &args.output, &args.stop);
        Self::shared(common, Answer::Forward(forward))
    }

    /// The part both commands share: where to listen, limits, output, stopping.
    fn shared(
        (server, limits, output, stop): (&ServerArgs, &LimitArgs, &OutputArgs, &StopArgs),
        answer: Answer,
    ) -> Result<Self, CliError> {
        if stop.exit_after == Some(0) {
            return Err(CliError::Usage("--exit-after must be at least 1".into()));
        }
        Ok(Self {
            host: server.host.clone(),
            port: server.port,
            answer,
            limits: Limits {
                max_body: limits.max_body.as_u64(),
                ..Limits::default()
            },
            output: if output.json {
                OutputMode::Json
            } else {
                OutputMode::Lines
            },
            exit_after: stop.exit_after,
            timeout: stop.timeout,
        })
    }

    /// The listen-mode response shape, if this is `listen`.
    pub fn shape(&self) -> Option<&ResponseShape> {
        match &self.answer {
            Answer::Shape(shape) => Some(shape),
            Answer::Forward(_) => None,
        }
    }

    /// The forward configuration, if this is `forward`.
    pub fn forward(&self) -> Option<&ForwardConfig> {
        match &self.answer {
            Answer::Forward(forward) => Some(forward),
            Answer::Shape(_) => None,
        }
    }
}

/// Parses `Name: value`, checking both parts are valid in HTTP.
pub fn parse_header(raw: &str) -> Result<Header, CliError> {
    let bad = |why: &str| CliError::Usage(format!("invalid header {raw:?}: {why}"));
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| bad("expected 'Name: value'"))?;
    let name = name.trim();
    let value = value.trim();
    hyper::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("invalid name"))?;
    hyper::header::HeaderValue::from_str(value).map_err(|_| bad("invalid value"))?;
    Ok(Header::new(name, value))
}

/// The `--body` argument: text as given, or `@FILE` read from disk.
pub fn read_body_arg(arg: Option<&str>) -> Result<Bytes, CliError> {
    match arg {
        None => Ok(Bytes::new()),
        Some(a) => match a.strip_prefix('@') {
            Some(path) => std::fs::read(path)
                .map(Bytes::from)
                .map_err(|e| CliError::Usage(format!("cannot read --body file {path}: {e}"))),
            None => Ok(Bytes::from(a.to_owned())),
        },
    }
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
            ("hookcap listen --body hi", |c| shape(c).body == "hi"),
            ("hookcap listen -H X-A:1 -H X-B:2", |c| {
                shape(c).headers.len() == 2
            }),
            ("hookcap listen --exit-after 3 --timeout 5s", |c| {
                c.exit_after == Some(3) && c.timeout == Some(Duration::from_secs(5))
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
                    && f.upstream_timeout == Duration::from_secs(30)
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
            "hookcap forward https://localhost:3000",
            "hookcap forward localhost:3000/a?b=1",
            "hookcap forward 3000 --upstream-timeout 0s",
            "hookcap forward 70000",
        ] {
            assert!(matches!(resolve(line), Err(CliError::Usage(_))), "{line}");
        }
    }

    #[test]
    fn timeout_needs_exit_after() {
        assert!(Cli::try_parse_from(["hookcap", "listen", "--timeout", "1s"]).is_err());
    }
}
