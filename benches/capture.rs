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
//! Then each server's peak RSS, and for hookcap a check that every 2xx answer
//! is a stored row. Timing targets are printed next to the figures, never
//! asserted: this machine is shared and noisy, so compare the ratios.

mod common;
#[path = "capture/load.rs"]
mod load;
#[path = "capture/servers.rs"]
mod servers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Percentiles, cpu_ticks, ms};
use load::{Tally, Window};
use servers::Server;

/// The warm-up before the closed-loop measurement.
const WARMUP: Duration = Duration::from_secs(1);
/// Time given to the open loop's connections to connect before the first request is due.
const OPEN_LOOP_LEAD: Duration = Duration::from_millis(200);

/// How hard and how long to push, from `BENCH_*` variables.
struct Settings {
    conns: usize,
    secs: Duration,
    rate: u32,
    /// Clock ticks per second, and whether that was assumed.
    ticks: (u64, bool),
}

impl Settings {
    fn from_env() -> Self {
        Self {
            conns: common::env_or("BENCH_CONNS", 32usize).max(1),
            secs: Duration::from_secs_f64(common::env_or("BENCH_SECS", 8.0f64)),
            rate: common::env_or("BENCH_RATE", 2000u32).max(1),
            ticks: common::clock_ticks(),
        }
    }

    fn cpu_us(&self, ticks: u64) -> f64 {
        ticks as f64 * 1e6 / self.ticks.0 as f64
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
    ok: u64,
    non_2xx: u64,
    errors: u64,
}

impl Phase {
    fn new(mut tally: Tally, window: Window, cpu: [u64; 2], settings: &Settings) -> Self {
        let secs = (window.end - window.start).as_secs_f64();
        let done = tally.latencies.len().max(1) as f64;
        Self {
            requests_per_sec: tally.latencies.len() as f64 / secs,
            latency: Percentiles::of(&mut tally.latencies),
            send_lag: Percentiles::of(&mut tally.send_lag),
            from_send: Percentiles::of(&mut tally.from_send),
            server_cpu_us_per_req: settings.cpu_us(cpu[0]) / done,
            client_cpu_us_per_req: settings.cpu_us(cpu[1]) / done,
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
    print_preamble(&settings, request.len());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let servers = [Server::bare(), Server::hookcap(dir.path().join("bench.db"))];
    let reports = run_phases(&servers, &request, &settings);
    let stored_ok: u64 = reports[1].closed.ok + reports[1].open.ok;
    let [bare, hookcap] = servers;
    let db = hookcap.db.clone().expect("hookcap has a database");
    bare.stop();
    hookcap.stop();
    let rows = stored_rows(&db);
    print_table(&reports);
    print_targets(&reports);
    check_stored(rows, stored_ok);
}

/// Closed loop on each server in turn, then the open loop on each, so both
/// servers see the same machine conditions as closely as possible.
fn run_phases(servers: &[Server; 2], request: &Arc<[u8]>, settings: &Settings) -> [Report; 2] {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut reports: [Report; 2] = Default::default();
    for (server, report) in servers.iter().zip(&mut reports) {
        eprintln!("closed loop: {} ...", server.name);
        report.closed = runtime.block_on(closed_phase(server, request.clone(), settings));
    }
    for (server, report) in servers.iter().zip(&mut reports) {
        eprintln!("open loop: {} ...", server.name);
        report.open = runtime.block_on(open_phase(server, request.clone(), settings));
        report.peak_rss_kib = common::peak_rss_kib(server.pid());
    }
    reports
}

async fn closed_phase(server: &Server, request: Arc<[u8]>, settings: &Settings) -> Phase {
    let start = Instant::now() + WARMUP;
    let window = Window {
        start,
        end: start + settings.secs,
    };
    let load = tokio::spawn(load::closed_loop(
        server.addr,
        request,
        settings.conns,
        window,
    ));
    let cpu = cpu_during(server.pid(), window).await;
    let tally = load.await.expect("the closed loop");
    Phase::new(tally, window, cpu, settings)
}

async fn open_phase(server: &Server, request: Arc<[u8]>, settings: &Settings) -> Phase {
    let start = Instant::now() + OPEN_LOOP_LEAD;
    let window = Window {
        start,
        end: start + settings.secs,
    };
    let load = tokio::spawn(load::open_loop(
        server.addr,
        request,
        settings.conns,
        settings.rate,
        window,
    ));
    let cpu = cpu_during(server.pid(), window).await;
    let tally = load.await.expect("the open loop");
    Phase::new(tally, window, cpu, settings)
}

/// CPU ticks used in `window` by the server `pid` and by this process (the
/// load generator).
async fn cpu_during(pid: u32, window: Window) -> [u64; 2] {
    let me = std::process::id();
    tokio::time::sleep_until(window.start.into()).await;
    let before = [cpu_ticks(pid), cpu_ticks(me)];
    tokio::time::sleep_until(window.end.into()).await;
    [cpu_ticks(pid) - before[0], cpu_ticks(me) - before[1]]
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

fn print_preamble(settings: &Settings, request_len: usize) {
    let (ticks, assumed) = settings.ticks;
    println!("hookcap capture benchmark (loopback, one process per server)");
    println!("machine: {}", common::machine());
    println!(
        "CPU clock: {ticks} ticks/s ({})",
        if assumed {
            "assumed: getconf CLK_TCK failed"
        } else {
            "getconf CLK_TCK"
        }
    );
    println!(
        "load: POST /hook, {request_len} B on the wire; closed loop {} conns for {:.0} s after {:.0} s warm-up; \
         open loop {} req/s for {:.0} s",
        settings.conns,
        settings.secs.as_secs_f64(),
        WARMUP.as_secs_f64(),
        settings.rate,
        settings.secs.as_secs_f64()
    );
}

/// A table row: label, baseline, hookcap, ratio, target.
type Row = [String; 5];

fn print_table(reports: &[Report; 2]) {
    let rows = table_rows(reports);
    let header: Row = [
        "",
        "baseline",
        "hookcap",
        "hookcap/baseline",
        "target (hookcap)",
    ]
    .map(String::from);
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    println!();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| match c {
                0 | 4 => format!("{cell:<w$}"),
                _ => format!("{cell:>w$}"),
            })
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
}

/// One figure of a report, formatted for the table.
enum Figure {
    /// A number shown with this many decimals.
    Num(f64, usize),
    /// A latency, shown in milliseconds.
    Latency(Duration),
    /// Counts shown as text (no ratio).
    Text(String),
}

/// A table line: label, target, and how to read the figure from a report.
type Metric = (&'static str, &'static str, fn(&Report) -> Figure);

/// The table, top to bottom.
const METRICS: &[Metric] = &[
    ("closed loop: requests/s", "≥ 0.5x (aim 0.6x)", |r| {
        Figure::Num(r.closed.requests_per_sec, 0)
    }),
    ("closed loop: p50 latency", "", |r| {
        Figure::Latency(r.closed.latency.p50)
    }),
    ("closed loop: p99 latency", "", |r| {
        Figure::Latency(r.closed.latency.p99)
    }),
    ("closed loop: max latency", "", |r| {
        Figure::Latency(r.closed.latency.max)
    }),
    ("server CPU µs/request (closed)", "< 30 µs", |r| {
        Figure::Num(r.closed.server_cpu_us_per_req, 1)
    }),
    ("load generator CPU µs/request", "", |r| {
        Figure::Num(r.closed.client_cpu_us_per_req, 1)
    }),
    ("open loop: achieved requests/s", "", |r| {
        Figure::Num(r.open.requests_per_sec, 0)
    }),
    ("open loop: p50 latency", "", |r| {
        Figure::Latency(r.open.latency.p50)
    }),
    ("open loop: p99 latency", "< 2 ms", |r| {
        Figure::Latency(r.open.latency.p99)
    }),
    ("open loop: max latency", "", |r| {
        Figure::Latency(r.open.latency.max)
    }),
    ("open loop: p99 from actual send", "", |r| {
        Figure::Latency(r.open.from_send.p99)
    }),
    ("open loop: send lag p50 (generator)", "", |r| {
        Figure::Latency(r.open.send_lag.p50)
    }),
    ("open loop: send lag p99 (generator)", "", |r| {
        Figure::Latency(r.open.send_lag.p99)
    }),
    ("server CPU µs/request (open)", "", |r| {
        Figure::Num(r.open.server_cpu_us_per_req, 1)
    }),
    ("peak RSS MB (VmHWM)", "< 40 MB", |r| {
        Figure::Num(mb(r.peak_rss_kib), 1)
    }),
    ("non-2xx / errors", "0 / 0", |r| Figure::Text(failures(r))),
];

fn table_rows(r: &[Report; 2]) -> Vec<Row> {
    METRICS
        .iter()
        .map(|(label, target, get)| {
            let (b, h) = (get(&r[0]), get(&r[1]));
            let ratio = match (&b, &h) {
                (Figure::Num(b, _), Figure::Num(h, _)) => ratio(*h, *b),
                (Figure::Latency(b), Figure::Latency(h)) => ratio(h.as_secs_f64(), b.as_secs_f64()),
                _ => String::new(),
            };
            [(*label).into(), b.cell(), h.cell(), ratio, (*target).into()]
        })
        .collect()
}

impl Figure {
    fn cell(&self) -> String {
        match self {
            Self::Num(v, decimals) => format!("{v:.decimals$}"),
            Self::Latency(d) => ms(*d),
            Self::Text(t) => t.clone(),
        }
    }
}

/// Non-2xx answers and connection errors over both phases.
fn failures(r: &Report) -> String {
    let (c, o) = (&r.closed, &r.open);
    format!("{} / {}", c.non_2xx + o.non_2xx, c.errors + o.errors)
}

/// KiB (as `/proc` reports) to decimal megabytes (as the target is stated).
fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn ratio(h: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}x", h / b)
    } else {
        "-".to_owned()
    }
}

/// Each target from the issue with the measured hookcap figure: met or missed.
fn print_targets(r: &[Report; 2]) {
    let (b, h) = (&r[0], &r[1]);
    let throughput = h.closed.requests_per_sec / b.closed.requests_per_sec.max(1e-9);
    let rss_mb = mb(h.peak_rss_kib);
    let verdicts = [
        (
            format!("throughput {throughput:.2}x of baseline (≥ 0.5x, aim 0.6x)"),
            throughput >= 0.5,
        ),
        (
            format!(
                "server CPU {:.1} µs per captured request (< 30 µs)",
                h.closed.server_cpu_us_per_req
            ),
            h.closed.server_cpu_us_per_req < 30.0,
        ),
        (
            format!("p99 {} at a steady rate (< 2 ms)", ms(h.open.latency.p99)),
            h.open.latency.p99 < Duration::from_millis(2),
        ),
        (format!("peak RSS {rss_mb:.1} MB (< 40 MB)"), rss_mb < 40.0),
    ];
    println!("\ntargets (hookcap; printed, not asserted):");
    for (what, met) in verdicts {
        println!("  {:<6}  {what}", if met { "met" } else { "MISSED" });
    }
}
