//! `hookcap listen`: capture every request on a local port. `hookcap forward`
//! runs the same machinery with another [`Answer`] (see `listen/forward.rs`).
//!
//! Start-up opens the store and binds before printing `Listening on URL`, so a
//! script that reads that line can send at once. The capture server runs on the
//! tokio runtime; a separate thread (the [`LiveOutput`]) follows what the writer
//! commits and prints it, so slow output never slows capture.
//!
//! On a terminal the interactive inspector ([`crate::tui`]) runs on a thread of
//! its own instead of the printed lines. It hears about commits on the writer's
//! watch channel (never blocking capture), records its replays (`r`) through
//! the same writer, and quitting it stops the listener the same graceful way
//! Ctrl-C does.
//!
//! Stopping is graceful: the listener stops accepting, closes the inspector,
//! then says how many requests are still in flight and waits for them up to
//! `--drain-timeout`; a second signal cuts them off at once. stdout failing
//! never stops capture silently (see `stdout.rs`).

mod config;
pub(super) mod forward;
mod in_use;
mod keep;
mod output;
mod stdout;
mod via;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::watch;

pub use config::{Answer, ListenConfig, OutputMode};
use keep::Keeper;
use output::LiveOutput;
use stdout::say;

use super::Context;
use super::shared::report::plural;
use crate::capture::{
    self, BodyBudget, CaptureState, Drained, Draining, Forwarder, Limits, Responder,
};
use crate::cli::ListenArgs;
use crate::error::Exit;
use crate::model::{Session, SessionMode};
use crate::store::{Checkpointer, GroupCommitWriter, Store, WriterHandle};
use crate::tui::{self, LiveFeed, Origin};

/// Runs `hookcap listen`.
pub fn run(args: ListenArgs, ctx: &Context) -> anyhow::Result<Exit> {
    run_config(ListenConfig::resolve(&args, ctx.stdout_is_tty)?, ctx)
}

/// Runs a capture server as `config` says, until it is stopped.
pub fn run_config(config: ListenConfig, ctx: &Context) -> anyhow::Result<Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(listen(config, ctx));
    // Requests cut off by the drain deadline or a second signal are dropped
    // here, unanswered.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

async fn listen(config: ListenConfig, ctx: &Context) -> anyhow::Result<Exit> {
    let store =
        Store::open_or_create(&ctx.db).with_context(|| format!("opening {}", ctx.db.display()))?;
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|e| anyhow::anyhow!(in_use::bind_error(&e, &config.host, config.port)))?;
    let addr = listener.local_addr()?;
    forward::refuse_own_target(&config, addr).await?;
    if !addr.ip().is_loopback() {
        tracing::warn!("listening on {addr}: reachable from other machines, not just this one");
    }
    let url = format!("http://{addr}");
    let session = config.answer.create_session(&store, &url)?;
    let (writer, handle) = GroupCommitWriter::start_for_session(&ctx.db, &session)?;
    let checkpointer = Checkpointer::start(&ctx.db, writer.wal_log())?;
    let keeper = config
        .keep
        .map(|n| Keeper::start(&ctx.db, n, handle.subscribe()))
        .transpose()?;
    let (stop, stopped) = watch::channel(false);
    // Before the listening line: a script that reads it may signal at once.
    let signals = Signals::new();
    let output = LiveOutput::start(
        &config,
        ctx,
        &session,
        &url,
        (handle.subscribe_batches(), handle.start_overs()),
        stop.clone(),
    )?;
    // The relay client's state, for the inspector's top bar.
    let (relay_line, relay_shown) = watch::channel(String::new());
    let inspector = match config.output {
        OutputMode::Tui => Some(start_inspector(
            ctx,
            (&session, &url),
            &handle,
            (stop.clone(), stopped.clone()),
            config.via.is_some().then_some(relay_shown),
        )?),
        _ => None,
    };

    let relay = config.via.as_ref().map(|v| {
        let stops = (stop.clone(), stopped.clone());
        via::start(
            &config,
            v,
            (&ctx.db, &handle),
            session.id,
            stops,
            relay_line,
        )
    });
    let timed_out = Arc::new(AtomicBool::new(false));
    let (quit, quitting) = watch::channel(false);
    spawn_stop_triggers(&config, signals, (stop.clone(), quit), timed_out.clone());
    let state = Arc::new(CaptureState {
        writer: handle,
        session_id: session.id,
        responder: config.answer.responder(&config.limits),
        limits: config.limits,
        guard: config.guard.clone(),
        bodies: BodyBudget::new(config.limits.max_inflight_body),
    });
    let draining = capture::serve(listener, state, stopped).await;

    // The inspector closes as the listener stops; once it has restored the
    // terminal, say what is still in flight.
    let inspected = match inspector {
        Some(thread) => join_inspector(thread).await,
        None => Ok(()),
    };
    drain(draining, config.limits.drain_timeout, quitting).await;
    // The relay client acknowledges what is committed before the writer stops.
    let relayed = match relay {
        Some(link) => link.join().await,
        None => Ok(()),
    };
    // Flush what is queued and stop.
    writer.finish().await;
    let printed = output.join();
    if let Some(k) = keeper {
        k.join();
    }
    checkpointer.stop();
    inspected?;
    relayed?;
    if config.output != OutputMode::Json {
        say(&format!(
            "session {} captured {} into {}",
            session.id,
            plural(printed.count),
            ctx.db.display()
        ));
    }
    if printed.stdout_closed {
        return Ok(Exit::OutputClosed);
    }
    if timed_out.load(Ordering::SeqCst) && !printed.reached_exit_after {
        say(&format!(
            "timed out after {} with {} of {} requests",
            humantime::format_duration(config.timeout.unwrap_or_default()),
            printed.matched,
            config.exit_after.unwrap_or_default()
        ));
        return Ok(Exit::TimedOut);
    }
    Ok(Exit::Success)
}

impl Answer {
    /// Records the session: a forward session keeps its target, for `replay`.
    fn create_session(&self, store: &Store, url: &str) -> anyhow::Result<Session> {
        Ok(match self {
            Self::Shape(_) => store.create_session(SessionMode::Listen, url, None)?,
            Self::Forward(f) => {
                store.create_session(SessionMode::Forward, url, Some(&f.target.to_string()))?
            }
        })
    }

    /// The capture server's way of answering.
    fn responder(&self, limits: &Limits) -> Responder {
        match self {
            Self::Shape(shape) => Responder::Shape(shape.clone()),
            Self::Forward(f) => Responder::Forward(Forwarder::new(f.clone(), limits)),
        }
    }
}

/// Sends `true` when dropped: the inspector stops the listener however its
/// thread ends, even by a panic.
struct StopOnDrop(watch::Sender<bool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(true);
    }
}

/// Starts the inspector on its own thread, showing this session as it is
/// captured (and recording its replays through `writer`); it closes when
/// `stopped` turns true and stops the listener when the user quits.
fn start_inspector(
    ctx: &Context,
    (session, url): (&crate::model::Session, &str),
    writer: &WriterHandle,
    (stop, stopped): (watch::Sender<bool>, watch::Receiver<bool>),
    relay: Option<watch::Receiver<String>>,
) -> anyhow::Result<JoinHandle<anyhow::Result<()>>> {
    let opts = tui::Options {
        db: ctx.db.clone(),
        origin: Origin::Listening {
            url: url.to_owned(),
            session_id: session.id,
            target: session.target.clone(),
        },
        follow: true,
        filter: Some(format!("session:{}", session.id)),
        live: LiveFeed::Writer(writer.subscribe()),
        stop: Some(stopped),
        recorder: tui::Recorder::Writer(writer.clone()),
        relay,
    };
    std::thread::Builder::new()
        .name("hookcap-tui".into())
        .spawn(move || {
            let _stop = StopOnDrop(stop);
            tui::run(opts)
        })
        .context("starting the inspector")
}

/// Waits for the inspector's thread (which has restored the terminal).
async fn join_inspector(thread: JoinHandle<anyhow::Result<()>>) -> anyhow::Result<()> {
    match tokio::task::spawn_blocking(move || thread.join()).await {
        Ok(Ok(result)) => result,
        _ => Err(anyhow::anyhow!("the inspector crashed")),
    }
}

/// Waits for the requests in flight, saying how many; the drain deadline or
/// a second signal (`quitting`) cuts them off.
async fn drain(draining: Draining, deadline: Duration, mut quitting: watch::Receiver<bool>) {
    let n = draining.in_flight();
    if n > 0 {
        say(&format!(
            "waiting for {} (Ctrl-C again to quit now)",
            in_flight(n)
        ));
    }
    let quit = async move {
        if quitting.wait_for(|quit| *quit).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    match draining.finish(deadline, quit).await {
        Drained::All => {}
        Drained::TimedOut(n) => say(&format!(
            "--drain-timeout {} passed: cut off {} (no answer sent)",
            humantime::format_duration(deadline),
            in_flight(n)
        )),
        Drained::Quit(0) => {}
        Drained::Quit(n) => say(&format!(
            "quitting now: cut off {} (no answer sent)",
            in_flight(n)
        )),
    }
}

fn in_flight(n: usize) -> String {
    match n {
        1 => "1 in-flight request".to_owned(),
        n => format!("{n} in-flight requests"),
    }
}

/// Ctrl-C, SIGTERM, SIGHUP and `--timeout` all end the listener gracefully;
/// a signal after that (the first being any of them) means quit now.
fn spawn_stop_triggers(
    config: &ListenConfig,
    mut signals: Signals,
    (stop, quit): (watch::Sender<bool>, watch::Sender<bool>),
    timed_out: Arc<AtomicBool>,
) {
    let on_signal = stop.clone();
    tokio::spawn(async move {
        loop {
            signals.recv().await;
            if *on_signal.borrow() {
                let _ = quit.send(true);
            } else {
                let _ = on_signal.send(true);
            }
        }
    });
    if let Some(limit) = config.timeout {
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            timed_out.store(true, Ordering::SeqCst);
            let _ = stop.send(true);
        });
    }
}

/// Ctrl-C, SIGTERM, and SIGHUP (the terminal was closed), each registered
/// once for the life of the listener.
struct Signals([Option<Signal>; 3]);

impl Signals {
    fn new() -> Self {
        let on = |kind: SignalKind| signal(kind).ok();
        Self([
            on(SignalKind::interrupt()),
            on(SignalKind::terminate()),
            on(SignalKind::hangup()),
        ])
    }

    /// The next of these signals.
    async fn recv(&mut self) {
        let [int, term, hup] = &mut self.0;
        tokio::select! {
            () = next_signal(int) => {}
            () = next_signal(term) => {}
            () = next_signal(hup) => {}
        }
    }
}

/// The next delivery of `signal`; never, if it could not be registered.
async fn next_signal(signal: &mut Option<Signal>) {
    match signal {
        Some(s) => drop(s.recv().await),
        None => std::future::pending().await,
    }
}
