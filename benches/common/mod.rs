//! Helpers both benchmarks share: settings from the environment, the machine
//! description, percentiles, and per-process CPU and memory from `/proc`.

// Each benchmark uses part of this module; the rest is dead code to it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

/// `name` from the environment parsed as `T`, or `default` when unset.
/// A value that does not parse stops the benchmark rather than being ignored.
pub fn env_or<T: FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a valid value")),
        Err(_) => default,
    }
}

/// One line describing the machine: CPU count, CPU model and kernel.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("nproc {cpus}, {model}, Linux {}", kernel.trim())
}

/// The commands the benchmarks spawn from the hookcap binary, with the
/// developer's hookcap settings removed so they cannot change the results.
pub fn hookcap() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookcap"));
    for var in [
        "HOOKCAP_DB",
        "HOOKCAP_PORT",
        "HOOKCAP_LOG",
        "HOOKCAP_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// p50, p90, p99 and max of a set of samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Percentiles {
    /// Median.
    pub p50: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Largest sample.
    pub max: Duration,
}

impl Percentiles {
    /// Nearest-rank percentiles of `samples` (sorted in place).
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let rank = |p: f64| {
            let i = (p * samples.len() as f64).ceil() as usize;
            samples
                .get(i.saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        Self {
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// A duration in milliseconds with two decimals, e.g. `1.25 ms`.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Kernel clock ticks per second (`getconf CLK_TCK`), and whether it was
/// assumed (100, the Linux default) because `getconf` could not say.
pub fn clock_ticks() -> (u64, bool) {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .map_or((100, true), |t| (t, false))
}

/// User + system CPU time a process has used so far, in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    read_stat(&format!("/proc/{pid}/stat")).map_or(0, |(_, user, sys)| user + sys)
}

/// User and system CPU ticks of each thread of `pid`, summed by thread name
/// (tokio names all its workers alike).
pub fn thread_cpu_ticks(pid: u32) -> BTreeMap<String, [u64; 2]> {
    let mut threads = BTreeMap::new();
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten();
    for task in tasks.flatten() {
        let path = task.path().join("stat");
        if let Some((name, user, sys)) = read_stat(&path.to_string_lossy()) {
            let t = threads.entry(name).or_insert([0, 0]);
            t[0] += user;
            t[1] += sys;
        }
    }
    threads
}

/// The name, utime and stime (fields 2, 14 and 15) of a `/proc/.../stat` file.
fn read_stat(path: &str) -> Option<(String, u64, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The name is in parentheses and may contain spaces; count fields after it.
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((name, field(11)?, field(12)?))
}

/// Peak resident memory (`VmHWM` of `/proc/PID/status`) in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmHWM:")
}

/// Resident memory now (`VmRSS` of `/proc/PID/status`) in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// A `kB` field of `/proc/PID/status`, 0 when it cannot be read.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
