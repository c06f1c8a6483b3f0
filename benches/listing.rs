//! `cargo bench --bench listing`: how fast `ls` and `show` answer from a big
//! database, as a user sees it (whole process, spawn included), side by side
//! with `hookcap --version` (what spawning alone costs) in the same run.
//!
//! The database gets `BENCH_ROWS` synthetic requests (default 1,000,000)
//! through the group-commit writer. Set `BENCH_DB=PATH` to keep it between
//! runs: a database that already has enough rows is reused, not refilled.
//! Each command runs `BENCH_RUNS` times (default 20), interleaved, after one
//! untimed round that warms the page cache.

mod common;
#[path = "listing/fill.rs"]
mod fill;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Percentiles, ms};

/// The target from the issue for listing the latest 20.
const LIST_TARGET: Duration = Duration::from_millis(100);

/// A command line to time, and whether it reads the database.
struct Case {
    label: &'static str,
    args: &'static [&'static str],
    uses_db: bool,
}

const CASES: &[Case] = &[
    Case {
        label: "hookcap --version (spawn baseline)",
        args: &["--version"],
        uses_db: false,
    },
    Case {
        label: "ls (latest 20)",
        args: &["ls"],
        uses_db: true,
    },
    Case {
        label: "ls --method POST --path '/hooks/*'",
        args: &["ls", "--method", "POST", "--path", "/hooks/*"],
        uses_db: true,
    },
    Case {
        label: "ls --session latest",
        args: &["ls", "--session", "latest"],
        uses_db: true,
    },
    Case {
        label: "ls --session 1 (the oldest quarter)",
        args: &["ls", "--session", "1"],
        uses_db: true,
    },
    Case {
        label: "ls --since 1h",
        args: &["ls", "--since", "1h"],
        uses_db: true,
    },
    Case {
        label: "ls --since 1h --path '/rare/*'",
        args: &["ls", "--since", "1h", "--path", "/rare/*"],
        uses_db: true,
    },
    Case {
        label: "show last",
        args: &["show", "last"],
        uses_db: true,
    },
    Case {
        label: "ls --path '/rare/*' (few matches)",
        args: &["ls", "--path", "/rare/*"],
        uses_db: true,
    },
];

fn main() {
    let rows: u64 = common::env_or("BENCH_ROWS", 1_000_000);
    let runs: usize = common::env_or("BENCH_RUNS", 20usize).max(1);
    println!("hookcap listing benchmark");
    println!("machine: {}", common::machine());
    let (db, _dir) = fill::database("listing.db");
    fill::prepare(&db, rows);
    let timings = time_cases(&db, runs);
    print_table(&timings, runs);
}

/// What one case measured: wall times and lines printed by the last run.
struct Timing {
    wall: Percentiles,
    lines: usize,
}

/// Runs every case `runs` times round-robin (after one untimed round), so
/// machine noise spreads evenly over them.
fn time_cases(db: &Path, runs: usize) -> Vec<Timing> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); CASES.len()];
    let mut lines = vec![0; CASES.len()];
    for round in 0..=runs {
        for (i, case) in CASES.iter().enumerate() {
            let (took, printed) = run_once(case, db);
            if round > 0 {
                samples[i].push(took);
            }
            lines[i] = printed;
        }
    }
    samples
        .iter_mut()
        .zip(lines)
        .map(|(s, lines)| Timing {
            wall: Percentiles::of(s),
            lines,
        })
        .collect()
}

/// One run of `case`, timed from spawn to exit; also returns the lines printed.
fn run_once(case: &Case, db: &Path) -> (Duration, usize) {
    let mut cmd = common::hookcap();
    cmd.args(case.args);
    if case.uses_db {
        cmd.arg("--db").arg(db);
    }
    let started = Instant::now();
    let out = cmd.output().expect("hookcap runs");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "hookcap {:?} failed: {}",
        case.args,
        String::from_utf8_lossy(&out.stderr)
    );
    (took, out.stdout.iter().filter(|&&b| b == b'\n').count())
}

fn print_table(timings: &[Timing], runs: usize) {
    let spawn = timings[0].wall.p50;
    println!("\n{runs} runs each, whole process (spawn to exit), interleaved:\n");
    println!(
        "{:<38} {:>9} {:>9} {:>16} {:>6}",
        "command", "median", "p90", "median - spawn", "lines"
    );
    for (case, t) in CASES.iter().zip(timings) {
        let over = t.wall.p50.saturating_sub(spawn);
        println!(
            "{:<38} {:>9} {:>9} {:>16} {:>6}",
            case.label,
            ms(t.wall.p50),
            ms(t.wall.p90),
            if case.uses_db { ms(over) } else { "-".into() },
            t.lines
        );
    }
    let latest = timings[1].wall.p50;
    println!(
        "\ntarget: listing the latest 20 well under {} ms: {} ({} median)",
        LIST_TARGET.as_millis(),
        if latest < LIST_TARGET {
            "met"
        } else {
            "MISSED"
        },
        ms(latest)
    );
}
