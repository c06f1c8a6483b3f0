//! The relay's own endpoints under `/_hookcap/` (a prefix ingress never
//! uses): `health` (the version), `metrics` (Prometheus text: per-channel
//! counters, consumers, backlog; the writer's batch sizes), and
//! `status/NAME` (one channel's backlog and consumers, for its token holder).
//! None of them ever shows a body, a header value or a token.

use std::fmt::Write as _;
use std::sync::Arc;

use http_body_util::{Either, Full};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Response, StatusCode};
use serde_json::json;

use super::Relay;
use super::channels::Channel;
use super::ingress::closing;
use crate::capture::relay::AnswerBody;
use crate::store::{ConsumerRecord, Store, StoreError};

/// `GET /_hookcap/health`.
pub fn health() -> Response<AnswerBody> {
    text(
        "text/plain; charset=utf-8",
        format!("hookcap {}\n", env!("CARGO_PKG_VERSION")),
    )
}

/// One channel's consumers and backlog, read from the store.
struct ChannelFacts {
    stored: u64,
    newest: i64,
    consumers: Vec<(ConsumerRecord, u64)>,
}

/// Reads every channel's facts on a blocking thread.
async fn facts(relay: &Relay, channels: Vec<Arc<Channel>>) -> Result<Vec<ChannelFacts>, String> {
    let db = relay.db.clone();
    let ids: Vec<i64> = channels.iter().map(|c| c.id).collect();
    let read = move || -> Result<Vec<ChannelFacts>, StoreError> {
        let store = Store::open_existing(&db)?;
        let counts = store.queue_counts()?;
        ids.iter()
            .map(|&id| {
                let (stored, newest) = counts
                    .iter()
                    .find(|c| c.0 == id)
                    .map_or((0, 0), |c| (c.1, c.2));
                let consumers = store
                    .consumers(id)?
                    .into_iter()
                    .map(|c| {
                        let behind = store.backlog(id, c.cursor)?;
                        Ok((c, behind))
                    })
                    .collect::<Result<_, StoreError>>()?;
                Ok(ChannelFacts {
                    stored,
                    newest,
                    consumers,
                })
            })
            .collect()
    };
    match tokio::task::spawn_blocking(read).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// `GET /_hookcap/metrics`.
pub async fn metrics(relay: &Relay) -> Response<AnswerBody> {
    let channels = relay.registry.all();
    let facts = match facts(relay, channels.clone()).await {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!("metrics: {e}");
            return closing(StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable\n");
        }
    };
    let mut out = String::new();
    let counters: [Counter; 6] = [
        (
            "requests_received_total",
            "Requests that arrived for the channel, stored or not.",
            |c| load(&c.counters.received),
        ),
        (
            "requests_stored_total",
            "Requests stored and queued for the channel's consumers.",
            |c| load(&c.counters.stored),
        ),
        (
            "requests_delivered_total",
            "Requests acknowledged by a consumer (each consumer counts).",
            |c| load(&c.counters.delivered),
        ),
        (
            "requests_rate_limited_total",
            "Requests answered 429 by the channel's rate limit.",
            |c| load(&c.counters.rate_limited),
        ),
        (
            "requests_refused_total",
            "Requests refused by an edge check or cut off (stored, not queued).",
            |c| load(&c.counters.refused),
        ),
        (
            "app_timeouts_total",
            "app-mode senders answered 504 because no consumer answered in time.",
            |c| load(&c.counters.timed_out),
        ),
    ];
    for (name, help, value) in counters {
        family(&mut out, name, help, "counter");
        for c in &channels {
            sample(&mut out, name, &c.spec.name, value(c));
        }
    }
    family(
        &mut out,
        "consumers_connected",
        "Consumers connected now.",
        "gauge",
    );
    for c in &channels {
        sample(
            &mut out,
            "consumers_connected",
            &c.spec.name,
            c.connected_count() as u64,
        );
    }
    family(
        &mut out,
        "backlog",
        "Requests queued after the slowest consumer's cursor.",
        "gauge",
    );
    for (c, f) in channels.iter().zip(&facts) {
        let slowest = f
            .consumers
            .iter()
            .map(|(_, behind)| *behind)
            .max()
            .unwrap_or(0);
        sample(&mut out, "backlog", &c.spec.name, slowest);
    }
    family(
        &mut out,
        "queued",
        "Requests kept in the channel's queue.",
        "gauge",
    );
    for (c, f) in channels.iter().zip(&facts) {
        sample(&mut out, "queued", &c.spec.name, f.stored);
    }
    writer_metrics(&mut out, relay);
    text("text/plain; version=0.0.4; charset=utf-8", out)
}

/// A counter family: its name, its help, and how to read it off a channel.
type Counter = (&'static str, &'static str, fn(&Channel) -> u64);

fn load(counter: &std::sync::atomic::AtomicU64) -> u64 {
    counter.load(std::sync::atomic::Ordering::Relaxed)
}

fn family(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP hookcap_relay_{name} {help}");
    let _ = writeln!(out, "# TYPE hookcap_relay_{name} {kind}");
}

/// One sample; channel names are `[a-z0-9-]`, so they need no escaping.
fn sample(out: &mut String, name: &str, channel: &str, value: u64) {
    let _ = writeln!(out, "hookcap_relay_{name}{{channel=\"{channel}\"}} {value}");
}

/// The writer's commits as a histogram of batch sizes.
fn writer_metrics(out: &mut String, relay: &Relay) {
    let stats = relay.writer.batch_stats();
    family(
        out,
        "writer_batch_size",
        "Requests and deliveries written per commit.",
        "histogram",
    );
    let mut cumulative = 0;
    for (bound, count) in stats.buckets() {
        cumulative += count;
        let _ = writeln!(
            out,
            "hookcap_relay_writer_batch_size_bucket{{le=\"{bound}\"}} {cumulative}"
        );
    }
    let _ = writeln!(
        out,
        "hookcap_relay_writer_batch_size_bucket{{le=\"+Inf\"}} {}",
        stats.commits()
    );
    let _ = writeln!(
        out,
        "hookcap_relay_writer_batch_size_sum {}",
        stats.written()
    );
    let _ = writeln!(
        out,
        "hookcap_relay_writer_batch_size_count {}",
        stats.commits()
    );
}

/// `GET /_hookcap/status/NAME` with the channel's token.
pub async fn status(relay: &Relay, headers: &HeaderMap, name: &str) -> Response<AnswerBody> {
    let Some(channel) = super::connect::authorized(relay, headers, name).await else {
        return closing(StatusCode::UNAUTHORIZED, "unauthorized\n");
    };
    let facts = match facts(relay, vec![channel.clone()]).await {
        Ok(mut f) => f.remove(0),
        Err(e) => {
            tracing::warn!("status: {e}");
            return closing(StatusCode::SERVICE_UNAVAILABLE, "status unavailable\n");
        }
    };
    let consumers: Vec<_> = facts
        .consumers
        .iter()
        .map(|(c, behind)| {
            json!({
                "name": c.name,
                "cursor": c.cursor,
                "backlog": behind,
                "connected": channel.is_connected(&c.name),
                "created_at": c.created_at.rfc3339(),
                "last_seen": c.last_seen.rfc3339(),
            })
        })
        .collect();
    let doc = json!({
        "channel": channel.spec.name,
        "answer": channel.spec.answer.as_str(),
        "queued": facts.stored,
        "newest": facts.newest,
        "consumers_connected": channel.connected_count(),
        "consumers": consumers,
    });
    text("application/json", format!("{doc}\n"))
}

fn text(content_type: &'static str, body: String) -> Response<AnswerBody> {
    let mut res = Response::new(Either::Left(Full::new(body.into())));
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}
