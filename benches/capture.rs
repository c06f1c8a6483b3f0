//! `cargo bench --bench capture`: what capturing costs, measured side by side
//! against a bare hyper server that stores nothing, in the same run.
//!
//! Both servers run as processes of their own on loopback and get the same
//! load from a built-in generator (raw HTTP/1.1 keep-alive, `POST /hook` with a
//! ~1 KiB JSON body):
//!
//! 1. closed loop: `BENCH_CONNS` connections (default 32) back to back for
//!    `BENCH_SECS` seconds (default 8) after a 1 s warm-up: throughput,
//!    latency, and server CPU time per request;
//! 2. open loop: a steady `BENCH_RATE` requests/s (default 2000) for
//!    `BENCH_SECS` seconds, latency measured from each request's scheduled
//!    time (corrected for coordinated omission).
//!
//! `BENCH_RESPOND='provider:stripe => 200'` runs hookcap with that answer rule
//! (`listen --respond`), to measure the rule engine's cost.
//!
//! Each phase is cut into `BENCH_ROUNDS` rounds (default 4) that alternate
//! between the servers, so noise from the rest of the machine lands on both.
//! Then each server's peak RSS, and for hookcap a check that every 2xx answer
//! is a stored row. Timing targets are printed next to the figures, never
//! asserted: this machine is shared and noisy, so compare the ratios.

mod common;
#[path = "capture/load.rs"]
mod load;
#[path = "capture/report.rs"]
mod report;
#[path = "capture/servers.rs"]
mod servers;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Percentiles, cpu_ticks};
use load::{Tally, Window};
use servers::Server;

/// The warm-up before the closed-loop measurement.
const WARMUP: Duration = Duration::from_secs(1);
/// Untimed start of every later round: connections open and settle.
const RAMP: Duration = Duration::from_millis(200);

/// How hard and how long to push, from `BENCH_*` variables.
struct Settings {
    conns: usize,
    secs: Duration,
    rate: u32,
    /// Rounds per server and phase, alternating between the servers.
    rounds: usize,
    /// Clock ticks per second, and whether that was assumed.
    ticks: (u64, bool),
}

impl Settings {
    fn from_env() -> Self {
        Self {
            conns: common::env_or("BENCH_CONNS", 32usize).max(1),
            secs: Duration::from_secs_f64(common::env_or("BENCH_SECS", 8.0f64)),
            rate: common::env_or("BENCH_RATE", 2000u32).max(1),
            rounds: common::env_or("BENCH_ROUNDS", 4usize).max(1),
            ticks: common::clock_ticks(),
        }
    }

    /// The measured window of one round, starting after `ramp`.
    fn round_window(&self, ramp: Duration) -> Window {
        let start = Instant::now() + ramp;
        Window {
            start,
            end: start + self.secs / self.rounds as u32,
        }
    }

    fn cpu_us(&self, ticks: u64) -> f64 {
        ticks as f64 * 1e6 / self.ticks.0 as f64
    }
}

/// Raw measurements of one phase for one server, summed over its rounds.
#[derive(Default)]
struct Sample {
    tally: Tally,
    secs: f64,
    cpu: CpuUse,
}

impl Sample {
    fn add(&mut self, other: Sample) {
        self.tally.merge(other.tally);
        self.secs += other.secs;
        self.cpu.add(&other.cpu);
    }
}

/// CPU ticks used during a measurement window.
#[derive(Default)]
struct CpuUse {
    /// The whole server process.
    server: u64,
    /// This process: the load generator.
    client: u64,
    /// The server by thread name: [user, system].
    threads: BTreeMap<String, [u64; 2]>,
}

impl CpuUse {
    fn now(pid: u32) -> Self {
        Self {
            server: cpu_ticks(pid),
            client: cpu_ticks(std::process::id()),
            threads: common::thread_cpu_ticks(pid),
        }
    }

    fn add(&mut self, other: &CpuUse) {
        self.server += other.server;
        self.client += other.client;
        for (name, [user, sys]) in &other.threads {
            let t = self.threads.entry(name.clone()).or_default();
            t[0] += user;
            t[1] += sys;
        }
    }

    /// What was used since `before`.
    fn since(&self, before: &CpuUse) -> CpuUse {
        let threads = self.threads.iter().map(|(name, [user, sys])| {
            let [u0, s0] = before.threads.get(name).copied().unwrap_or_default();
            (
                name.clone(),
                [user.saturating_sub(u0), sys.saturating_sub(s0)],
            )
        });
        CpuUse {
            server: self.server.saturating_sub(before.server),
            client: self.client.saturating_sub(before.client),
            threads: threads.collect(),
        }
    }
}

/// One phase's figures for one server.
#[derive(Default)]
struct Phase {
    requests_per_sec: f64,
    latency: Percentiles,
    send_lag: Percentiles,
    from_send: Percentiles,
    server_cpu_us_per_req: f64,
    client_cpu_us_per_req: f64,
    /// Server threads by name: µs per request [user, system].
    threads_us_per_req: Vec<(String, [f64; 2])>,
    ok: u64,
    non_2xx: u64,
    errors: u64,
}

impl Phase {
    fn new(sample: Sample, settings: &Settings) -> Self {
        let Sample {
            mut tally,
            secs,
            cpu,
        } = sample;
        let done = tally.latencies.len().max(1) as f64;
        Self {
            requests_per_sec: tally.latencies.len() as f64 / secs.max(1e-9),
            latency: Percentiles::of(&mut tally.latencies),
            send_lag: Percentiles::of(&mut tally.send_lag),
            from_send: Percentiles::of(&mut tally.from_send),
            server_cpu_us_per_req: settings.cpu_us(cpu.server) / done,
            client_cpu_us_per_req: settings.cpu_us(cpu.client) / done,
            threads_us_per_req: cpu
                .threads
                .into_iter()
                .map(|(name, ticks)| (name, ticks.map(|t| settings.cpu_us(t) / done)))
                .collect(),
            ok: tally.ok,
            non_2xx: tally.non_2xx,
            errors: tally.errors,
        }
    }
}

/// Everything measured for one server.
#[derive(Default)]
struct Report {
    closed: Phase,
    open: Phase,
    peak_rss_kib: u64,
}

fn main() {
    if std::env::args().any(|a| a == servers::BARE_SERVER_ARG) {
        servers::run_bare_server();
        return;
    }
    let settings = Settings::from_env();
    let request: Arc<[u8]> = request_bytes().into();
    report::print_preamble(&settings, request.len());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let servers = [Server::bare(), Server::hookcap(dir.path().join("bench.db"))];
    let reports = run_phases(&servers, &request, &settings);
    let stored_ok: u64 = reports[1].closed.ok + reports[1].open.ok;
    let [bare, hookcap] = servers;
    let db = hookcap.db.clone().expect("hookcap has a database");
    bare.stop();
    hookcap.stop();
    let rows = stored_rows(&db);
    report::print_table(&reports);
    report::print_threads(&reports);
    report::print_targets(&reports);
    check_stored(rows, stored_ok);
}

/// The closed loop, then the open loop, each cut into rounds that alternate
/// between the servers (A B B A ...), so a burst of noise from the rest of the
/// machine lands on both rather than on whichever happened to be running.
fn run_phases(servers: &[Server; 2], request: &Arc<[u8]>, settings: &Settings) -> [Report; 2] {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut closed: [Sample; 2] = Default::default();
    let mut open: [Sample; 2] = Default::default();
    eprintln!("closed loop, {} rounds ...", settings.rounds);
    for (round, i) in rounds(settings.rounds) {
        let ramp = if round < 2 { WARMUP } else { RAMP };
        let run = closed_round(&servers[i], request.clone(), ramp, settings);
        closed[i].add(runtime.block_on(run));
    }
    eprintln!("open loop, {} rounds ...", settings.rounds);
    for (_, i) in rounds(settings.rounds) {
        open[i].add(runtime.block_on(open_round(&servers[i], request.clone(), settings)));
    }
    let [c0, c1] = closed;
    let [o0, o1] = open;
    [(c0, o0, &servers[0]), (c1, o1, &servers[1])].map(|(c, o, server)| Report {
        closed: Phase::new(c, settings),
        open: Phase::new(o, settings),
        peak_rss_kib: common::peak_rss_kib(server.pid()),
    })
}

/// (run number, server index) in A B B A A B ... order, `rounds` per server.
fn rounds(rounds: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..rounds * 2).map(|n| (n, (n + n / 2) % 2))
}

/// One closed-loop round: `ramp` untimed, then the round's share of `BENCH_SECS`.
async fn closed_round(
    server: &Server,
    request: Arc<[u8]>,
    ramp: Duration,
    settings: &Settings,
) -> Sample {
    let window = settings.round_window(ramp);
    let load = load::closed_loop(server.addr, request, settings.conns, window);
    let load = tokio::spawn(load);
    let cpu = cpu_during(server.pid(), window).await;
    let tally = load.await.expect("the closed loop");
    Sample {
        tally,
        secs: (window.end - window.start).as_secs_f64(),
        cpu,
    }
}

/// One open-loop round at `BENCH_RATE`.
async fn open_round(server: &Server, request: Arc<[u8]>, settings: &Settings) -> Sample {
    let window = settings.round_window(RAMP);
    let load = load::open_loop(server.addr, request, settings.conns, settings.rate, window);
    let load = tokio::spawn(load);
    let cpu = cpu_during(server.pid(), window).await;
    let tally = load.await.expect("the open loop");
    Sample {
        tally,
        secs: (window.end - window.start).as_secs_f64(),
        cpu,
    }
}

/// CPU used in `window` by the server `pid` and by this process.
async fn cpu_during(pid: u32, window: Window) -> CpuUse {
    tokio::time::sleep_until(window.start.into()).await;
    let before = CpuUse::now(pid);
    tokio::time::sleep_until(window.end.into()).await;
    CpuUse::now(pid).since(&before)
}

/// `POST /hook` with a realistic ~1 KiB webhook payload, as bytes on the wire.
fn request_bytes() -> Vec<u8> {
    let body = webhook_body();
    let head = format!(
        "POST /hook HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n\
         Accept: */*; q=0.5, application/xml\r\n\
         Cache-Control: no-cache\r\n\
         Content-Type: application/json\r\n\
         Stripe-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// An `invoice.paid` event shaped like the ones payment providers send.
fn webhook_body() -> Vec<u8> {
    let event = serde_json::json!({
        "id": "evt_1QbC3xLkdIwHu7ix2Yq8mNpR",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_767_225_600,
        "type": "invoice.paid",
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_8fKq2LmNpQrS7t", "idempotency_key": "b4e1c0a2-7d3f-4f6e-9a51-2c8d7e6f5a4b"},
        "data": {"object": {
            "id": "in_1QbC3wLkdIwHu7ixQz9xYk2L",
            "object": "invoice",
            "account_country": "US",
            "amount_due": 2900, "amount_paid": 2900, "amount_remaining": 0,
            "billing_reason": "subscription_cycle",
            "currency": "usd",
            "customer": "cus_RTf9aXk2LmQ8vN",
            "customer_email": "jenny.rosen@example.com",
            "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1Nv0FGQ9RKHgCVdK/test_YWNjdF8xTnYwRkdROVJLSGdDVmRLLF9SVGY5",
            "lines": {"object": "list", "has_more": false, "total_count": 1, "data": [{
                "id": "il_1QbC3wLkdIwHu7ixm3Pq9Rst",
                "amount": 2900, "currency": "usd",
                "description": "1 × Pro plan (at $29.00 / month)",
                "period": {"start": 1_767_225_600, "end": 1_769_904_000},
                "price": {"id": "price_1Nv0HkLkdIwHu7ixP7oQ2wXy", "unit_amount": 2900, "recurring": {"interval": "month"}}
            }]},
            "status": "paid",
            "subscription": "sub_1Nv0IbLkdIwHu7ixVb8sKd3e",
            "total": 2900
        }}
    });
    serde_json::to_vec(&event).expect("JSON")
}

/// Rows in hookcap's database, read after it stopped.
fn stored_rows(db: &std::path::Path) -> u64 {
    let conn = rusqlite::Connection::open(db).expect("open the benchmark database");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .expect("count stored requests");
    n as u64
}

/// hookcap answers 2xx only after committing, so every 2xx must be a row.
fn check_stored(rows: u64, ok: u64) {
    println!("\nhookcap stored {rows} rows for {ok} 2xx responses");
    if rows < ok {
        eprintln!("FAIL: {} acknowledged requests were not stored", ok - rows);
        std::process::exit(1);
    }
    println!("ok: every acknowledged request was stored");
}
