//! Printing the results: the side-by-side table, CPU by thread, and the
//! targets from the issue next to the measured figures.

use std::time::Duration;

use crate::common::{self, ms};
use crate::{Phase, Report, Settings, WARMUP};

/// What is measured, on what machine, before any figures.
pub fn print_preamble(settings: &Settings, request_len: usize) {
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
        "load: POST /hook, {request_len} B on the wire; closed loop {} conns, open loop {} req/s; \
         each {:.0} s per server in {} alternating rounds (first closed round after a {:.0} s warm-up)",
        settings.conns,
        settings.rate,
        settings.secs.as_secs_f64(),
        settings.rounds,
        WARMUP.as_secs_f64(),
    );
}

/// A table row: label, baseline, hookcap, ratio, target.
type Row = [String; 5];

/// Baseline and hookcap side by side, with the ratio and the target.
pub fn print_table(reports: &[Report; 2]) {
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
    ("open loop: wait to send p50", "", |r| {
        Figure::Latency(r.open.send_lag.p50)
    }),
    ("open loop: wait to send p99", "", |r| {
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

/// Where each server's CPU time went, by thread, in both phases.
pub fn print_threads(reports: &[Report; 2]) {
    for (phase, pick) in [
        ("closed loop", (|r| &r.closed) as fn(&Report) -> &Phase),
        ("open loop", |r| &r.open),
    ] {
        println!("\nserver CPU by thread, {phase} (µs per request: user + system):");
        for (name, r) in ["baseline", "hookcap"].iter().zip(reports) {
            let threads: Vec<String> = pick(r)
                .threads_us_per_req
                .iter()
                .filter(|(_, [u, s])| u + s >= 0.05)
                .map(|(t, [u, s])| format!("{t} {:.1} ({u:.1} + {s:.1})", u + s))
                .collect();
            println!("  {name:<8}  {}", threads.join(", "));
        }
    }
}

/// Each target from the issue with the measured hookcap figure: met or missed.
pub fn print_targets(r: &[Report; 2]) {
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
