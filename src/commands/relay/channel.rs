//! `hookcap relay channel add|ls|rm|rotate`, on the relay's database (a
//! running relay picks the changes up within a few seconds).

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::cli::{AnswerChoice, ChannelAddArgs, ChannelCommand, ChannelLsArgs, ChannelNameArgs};
use crate::commands::Context;
use crate::commands::shared::input::read_body_arg;
use crate::error::{CliError, Exit};
use crate::relay::server::channels::edge_guard;
use crate::relay::token::{check_name, new_token, token_hash};
use crate::sanitize::sanitize;
use crate::sign::ProviderKind;
use crate::store::{AnswerMode, ChannelSpec, Store};

/// Runs one channel subcommand.
pub fn run(command: ChannelCommand, ctx: &Context) -> anyhow::Result<Exit> {
    match command {
        ChannelCommand::Add(args) => add(&args, ctx),
        ChannelCommand::Ls(args) => ls(&args, ctx),
        ChannelCommand::Rm(args) => rm(&args, ctx),
        ChannelCommand::Rotate(args) => rotate(&args, ctx),
    }
}

fn open(ctx: &Context) -> anyhow::Result<Store> {
    Store::open_or_create(&ctx.db).with_context(|| format!("opening {}", ctx.db.display()))
}

/// The channel `add` describes, checked.
fn spec(args: &ChannelAddArgs) -> Result<ChannelSpec, CliError> {
    check_name(&args.name).map_err(|e| CliError::Usage(e.to_string()))?;
    if args.timeout.is_zero() {
        return Err(CliError::Usage("--timeout must be more than 0".into()));
    }
    hyper::StatusCode::from_u16(args.status)
        .map_err(|_| CliError::Usage(format!("invalid status code {}", args.status)))?;
    let verify = match args.verify {
        None => None,
        Some(choice) if choice.0 == Some(ProviderKind::Hmac) => {
            return Err(CliError::Usage(
                "a relay channel cannot --verify hmac (it takes no --sig-header); name the provider".into(),
            ));
        }
        Some(choice) => Some(choice.0.map_or("auto", |k| k.name()).to_owned()),
    };
    if verify.is_some() && args.secret_env.is_none() {
        return Err(CliError::Usage(
            "--verify needs --secret-env VAR: the relay reads the secret from that variable when it starts"
                .into(),
        ));
    }
    let body = read_body_arg(args.body.as_deref())?.to_vec();
    Ok(ChannelSpec {
        name: args.name.clone(),
        answer: match args.answer {
            AnswerChoice::Now => AnswerMode::Now,
            AnswerChoice::App => AnswerMode::App,
        },
        status: args.status,
        body,
        timeout: args.timeout,
        allow_ip: args.allow_ip.iter().map(ToString::to_string).collect(),
        verify,
        secret_env: args.secret_env.clone(),
        reject_invalid: args.reject_invalid,
    })
}

fn add(args: &ChannelAddArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let spec = spec(args)?;
    if let (Err(why), Some(var)) = (edge_guard(&spec), &spec.secret_env) {
        // Not fatal here: the relay may run with another environment.
        eprintln!(
            "hookcap: note: {} (set ${var} where the relay runs)",
            sanitize(&why)
        );
    }
    let store = open(ctx)?;
    let token = new_token().context("creating a token")?;
    let Some(channel) = store.add_channel(&spec, &token_hash(&token))? else {
        return Err(CliError::Usage(format!(
            "a channel named {} exists already (rotate its token with `hookcap relay channel rotate {}`)",
            spec.name, spec.name
        ))
        .into());
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            json!({"channel": channel.spec.name, "token": token})
        )?;
    } else {
        writeln!(out, "{token}")?;
        eprintln!(
            "hookcap: channel {} created ({} answers). Its token is printed above, once: \
             keep it in HOOKCAP_RELAY_TOKEN on the laptop.\n\
             hookcap: senders post to https://RELAY/c/{}/...; pull it with \
             `hookcap listen --via https://RELAY/c/{}`",
            channel.spec.name,
            channel.spec.answer.as_str(),
            channel.spec.name,
            channel.spec.name
        );
    }
    Ok(Exit::Success)
}

fn ls(args: &ChannelLsArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = open(ctx)?;
    let counts = store.queue_counts()?;
    let mut docs = Vec::new();
    for channel in store.channels()? {
        let stored = counts.iter().find(|c| c.0 == channel.id).map_or(0, |c| c.1);
        let consumers = store
            .consumers(channel.id)?
            .into_iter()
            .map(|c| {
                let backlog = store.backlog(channel.id, c.cursor)?;
                Ok(json!({
                    "name": c.name,
                    "cursor": c.cursor,
                    "backlog": backlog,
                    "last_seen": c.last_seen.rfc3339(),
                }))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        docs.push(json!({
            "name": channel.spec.name,
            "created_at": channel.created_at.rfc3339(),
            "answer": channel.spec.answer.as_str(),
            "requests": stored,
            "consumers": consumers,
        }));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::Value::Array(docs))?;
        return Ok(Exit::Success);
    }
    if docs.is_empty() {
        eprintln!("hookcap: no channels yet; add one with `hookcap relay channel add NAME`");
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "{:<24} {:<20} {:<6} {:>9}  CONSUMERS",
        "NAME", "CREATED", "ANSWER", "REQUESTS"
    )?;
    for doc in &docs {
        let created = doc["created_at"]
            .as_str()
            .unwrap_or("")
            .get(..19)
            .unwrap_or("");
        writeln!(
            out,
            "{:<24} {:<20} {:<6} {:>9}  {}",
            doc["name"].as_str().unwrap_or(""),
            created.replace('T', " "),
            doc["answer"].as_str().unwrap_or(""),
            doc["requests"],
            consumer_list(&doc["consumers"])
        )?;
    }
    Ok(Exit::Success)
}

/// `name (cursor N, B behind, seen TIME)`, comma-separated; `-` for none.
fn consumer_list(consumers: &serde_json::Value) -> String {
    let list: Vec<String> = consumers
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let seen = c["last_seen"]
                        .as_str()
                        .unwrap_or("")
                        .get(..19)
                        .unwrap_or("");
                    format!(
                        "{} (cursor {}, {} behind, seen {})",
                        sanitize(c["name"].as_str().unwrap_or("")),
                        c["cursor"],
                        c["backlog"],
                        seen.replace('T', " ")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        "-".into()
    } else {
        list.join(", ")
    }
}

fn rm(args: &ChannelNameArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = open(ctx)?;
    let Some(deleted) = store.remove_channel(&args.name)? else {
        return Err(
            CliError::NotFound(format!("no channel named {}", sanitize(&args.name))).into(),
        );
    };
    if args.json {
        println!("{}", json!({"channel": args.name, "deleted": deleted}));
    } else {
        eprintln!(
            "hookcap: channel {} removed with {deleted} stored requests",
            args.name
        );
    }
    Ok(Exit::Success)
}

fn rotate(args: &ChannelNameArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = open(ctx)?;
    let token = new_token().context("creating a token")?;
    if !store.set_channel_token(&args.name, &token_hash(&token))? {
        return Err(
            CliError::NotFound(format!("no channel named {}", sanitize(&args.name))).into(),
        );
    }
    if args.json {
        println!("{}", json!({"channel": args.name, "token": token}));
    } else {
        println!("{token}");
        eprintln!(
            "hookcap: channel {} has a new token (printed above, once); consumers using the old one are disconnected",
            args.name
        );
    }
    Ok(Exit::Success)
}
