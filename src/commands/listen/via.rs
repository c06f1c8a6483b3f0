//! `--via URL`: the relay client runs beside the capture server, storing
//! through the same writer into the same session, and its state is shown
//! with the listener's output: `relay: connected`,
//! `relay: reconnecting in 4s (connection reset)`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::{Answer, ListenConfig, OutputMode};
use crate::capture::Forwarder;
use crate::relay::client::{self, Local, LocalAnswer, Refused, RelayState, ViaConfig};
use crate::store::WriterHandle;

/// The running relay client.
pub struct RelayLink {
    task: JoinHandle<Result<(), Refused>>,
    shown: JoinHandle<()>,
}

/// Says where requests come from, then starts pulling `via` into the
/// listener; a refusal (a wrong token) stops the listener.
pub fn start(
    config: &ListenConfig,
    via: &ViaConfig,
    (db, writer): (&Path, &WriterHandle),
    session_id: i64,
    (stop, stopped): (watch::Sender<bool>, watch::Receiver<bool>),
    line: watch::Sender<String>,
) -> RelayLink {
    announce(config.output, via);
    let answer = match &config.answer {
        Answer::Shape(shape) => LocalAnswer::Shape(shape.clone()),
        Answer::Forward(f) => {
            LocalAnswer::Forward(Arc::new(Forwarder::new(f.clone(), &config.limits)))
        }
    };
    let local = Local {
        db: db.to_owned(),
        writer: writer.clone(),
        session_id,
        guard: config.guard.clone(),
        answer,
    };
    let (state, states) = watch::channel(RelayState::Connecting);
    let shown = tokio::spawn(show_states(config.output, states, line));
    let via = via.clone();
    let task = tokio::spawn(async move {
        let pulled = client::run(via, local, state, stopped).await;
        if pulled.is_err() {
            let _ = stop.send(true);
        }
        pulled
    });
    RelayLink { task, shown }
}

impl RelayLink {
    /// Waits for the client to acknowledge what is committed and close; a
    /// refusal is the listener's error.
    pub async fn join(self) -> anyhow::Result<()> {
        let pulled = self.task.await;
        let _ = self.shown.await;
        match pulled {
            Ok(Ok(())) => Ok(()),
            Ok(Err(refused)) => Err(refused.into()),
            Err(_) => Err(anyhow::anyhow!("the relay client crashed")),
        }
    }
}

fn announce(mode: OutputMode, via: &ViaConfig) {
    let mut out = std::io::stdout().lock();
    let _ = match mode {
        OutputMode::Tui => Ok(()),
        OutputMode::Lines => writeln!(out, "Relaying {} → this listener", via.url),
        OutputMode::Json => writeln!(
            out,
            "{}",
            json!({"event": "relaying", "url": via.url.to_string(), "consumer": via.consumer})
        ),
    };
    let _ = out.flush();
}

/// Shows each state change until the client stops: printed, or as `line`
/// for the inspector's top bar.
async fn show_states(
    mode: OutputMode,
    mut states: watch::Receiver<RelayState>,
    line: watch::Sender<String>,
) {
    line.send_replace(format!("relay: {}", RelayState::Connecting));
    while states.changed().await.is_ok() {
        let state = states.borrow_and_update().clone();
        match mode {
            OutputMode::Tui => drop(line.send_replace(format!("relay: {state}"))),
            OutputMode::Lines => eprintln!("hookcap: relay: {state}"),
            OutputMode::Json => {
                let mut event = json!({"event": "relay", "state": state_name(&state)});
                if let RelayState::Reconnecting { delay, why } = &state {
                    event["retry_in_ms"] = json!(delay.as_millis() as u64);
                    event["why"] = json!(why);
                }
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{event}");
                let _ = out.flush();
            }
        }
        if state == RelayState::Stopped {
            return;
        }
    }
}

fn state_name(state: &RelayState) -> &'static str {
    match state {
        RelayState::Connecting => "connecting",
        RelayState::Connected => "connected",
        RelayState::Reconnecting { .. } => "reconnecting",
        RelayState::Stopped => "stopped",
    }
}
