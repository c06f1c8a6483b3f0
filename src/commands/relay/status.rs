//! `hookcap relay status URL`: a channel's backlog and consumers, asked of
//! the relay itself with the channel's token.

use std::io::Write;

use anyhow::Context as _;

use crate::cli::RelayStatusArgs;
use crate::commands::Context;
use crate::error::{CliError, Exit};
use crate::relay::client::{ChannelUrl, Transport};
use crate::sanitize::sanitize;

/// Runs `hookcap relay status`.
pub fn run(args: RelayStatusArgs, _ctx: &Context) -> anyhow::Result<Exit> {
    let url = ChannelUrl::parse(&args.url).map_err(|e| CliError::Usage(e.to_string()))?;
    let token = std::env::var(&args.token_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            CliError::Usage(format!("the channel's token is not in ${}", args.token_env))
        })?;
    let transport =
        Transport::new(args.via_ca.as_deref()).map_err(|e| CliError::Usage(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (status, body) = runtime
        .block_on(transport.get(&url, "status", token.trim()))
        .with_context(|| format!("asking {url}"))?;
    match status {
        200 => {}
        401 => {
            return Err(
                CliError::Usage(format!("the relay refused the token for {url} (401)")).into(),
            );
        }
        other => anyhow::bail!("the relay answered {other} for {url}"),
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&body).context("the relay's status is not JSON")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{doc}")?;
        return Ok(Exit::Success);
    }
    let text = |v: &serde_json::Value| sanitize(v.as_str().unwrap_or("")).into_owned();
    writeln!(
        out,
        "channel {} ({} answers): {} requests queued, newest #{}, {} consumers connected",
        text(&doc["channel"]),
        text(&doc["answer"]),
        doc["queued"],
        doc["newest"],
        doc["consumers_connected"]
    )?;
    let consumers = doc["consumers"].as_array().cloned().unwrap_or_default();
    if consumers.is_empty() {
        writeln!(out, "no consumers yet")?;
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "{:<32} {:>10} {:>9} {:<9} LAST SEEN",
        "CONSUMER", "CURSOR", "BACKLOG", "STATE"
    )?;
    for c in consumers {
        let state = if c["connected"].as_bool() == Some(true) {
            "connected"
        } else {
            "away"
        };
        writeln!(
            out,
            "{:<32} {:>10} {:>9} {:<9} {}",
            text(&c["name"]),
            c["cursor"],
            c["backlog"],
            state,
            text(&c["last_seen"])
        )?;
    }
    Ok(Exit::Success)
}
