//! `hookcap relay` serving: opens the relay's database, binds, prints
//! `Relay listening on URL`, and serves until Ctrl-C, SIGTERM or SIGHUP;
//! then in-flight requests finish, consumer sessions save their cursors and
//! the writer commits what is queued.

use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::capture::{self, Limits};
use crate::cli::RelayServeArgs;
use crate::commands::Context;
use crate::commands::shared::signal::wait_for_signal;
use crate::error::{CliError, Exit};
use crate::model::SessionMode;
use crate::relay::queue::SqliteQueue;
use crate::relay::server::channels::edge_guard;
use crate::relay::server::rate::parse_rate;
use crate::relay::server::{Parts, Relay, Settings, tls};
use crate::store::{Checkpointer, GroupCommitWriter, Store};

/// Runs the relay.
pub fn run(args: RelayServeArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let settings = settings(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(args, settings, ctx))
}

/// The checked settings of the command line.
fn settings(args: &RelayServeArgs) -> Result<Settings, CliError> {
    let rate = parse_rate(&args.rate).map_err(|e| CliError::Usage(e.to_string()))?;
    if args.keep == Some(0) {
        return Err(CliError::Usage("--keep must be at least 1".into()));
    }
    if let Some(url) = &args.public_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        return Err(CliError::Usage(format!(
            "invalid --public-url {:?}: use https://HOST",
            crate::sanitize::sanitize(url)
        )));
    }
    Ok(Settings {
        limits: Limits {
            max_body: args.limits.max_body.as_u64(),
            body_timeout: args.limits.body_timeout,
            header_read_timeout: args.limits.header_timeout,
            max_connections: args.limits.max_connections.map(|n| n as usize),
            max_inflight_body: args.limits.max_inflight_body.as_u64(),
            drain_timeout: args.limits.drain_timeout,
        },
        rate,
        keep: args.keep,
        max_age: (!args.max_age.is_zero()).then_some(args.max_age),
    })
}

async fn serve(args: RelayServeArgs, settings: Settings, ctx: &Context) -> anyhow::Result<Exit> {
    let store =
        Store::open_or_create(&ctx.db).with_context(|| format!("opening {}", ctx.db.display()))?;
    let instance = store.relay_instance()?;
    let moved = store.clamp_cursors()?;
    if moved > 0 {
        tracing::warn!(
            "{moved} consumer cursors pointed past the newest request (requests deleted by hand?) and were moved back to it"
        );
    }
    for channel in store.channels()? {
        edge_guard(&channel.spec)
            .map_err(|why| CliError::Usage(format!("channel {}: {why}", channel.spec.name)))?;
    }
    let acceptor = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(tls::acceptor(cert, key).map_err(|e| CliError::Usage(e.to_string()))?)
        }
        _ => None,
    };
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
    let addr = listener.local_addr()?;
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{addr}");
    let public = args.public_url.clone().unwrap_or_else(|| url.clone());
    let session = store.create_session(SessionMode::Listen, &format!("relay {public}"), None)?;
    let (writer, handle) = GroupCommitWriter::start(&ctx.db)?;
    let checkpointer = Checkpointer::start(&ctx.db, writer.wal_log())?;
    let (stop, stopped) = watch::channel(false);
    let parts = Parts {
        queue: Arc::new(SqliteQueue::new(handle.clone(), ctx.db.clone())),
        writer: handle.clone(),
        db: ctx.db.clone(),
        instance,
    };
    let relay = Relay::start(parts, settings, stopped.clone())
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the channels: {e}"))?;
    let state = Arc::new(relay.capture_state(handle, session.id));

    println!("Relay listening on {url}");
    if acceptor.is_none() {
        eprintln!(
            "hookcap: serving plain HTTP: put a TLS-terminating proxy (Caddy, nginx) in front, \
             or give --tls-cert and --tls-key (docs/relay.md)"
        );
    }
    let names = relay.channel_names();
    if names.is_empty() {
        eprintln!(
            "hookcap: no channels yet: `hookcap relay channel add NAME --db {}`",
            ctx.db.display()
        );
    }
    for name in names {
        eprintln!("hookcap: channel {name}: {public}/c/{name}");
    }

    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = stop.send(true);
    });
    let drain_timeout = state.limits.drain_timeout;
    let draining = capture::serve_tls(listener, state, stopped, acceptor).await;
    // In-flight requests finish (a second signal cuts them off), then the
    // consumer sessions save their cursors and the writer commits the rest.
    let drained = draining.finish(drain_timeout, wait_for_signal()).await;
    if drained != capture::Drained::All {
        tracing::warn!("stopped with requests in flight: {drained:?}");
    }
    relay.finish().await;
    writer.finish().await;
    checkpointer.stop();
    Ok(Exit::Success)
}
