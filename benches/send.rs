//! `cargo bench --bench send`: `hookcap send` against curl and wrk, on loopback,
//! against a minimal hyper server (this binary re-executed with `--serve`).
//!
//! 1. Single request, whole-process wall time: `curl` and `hookcap send` with
//!    the same JSON POST, interleaved, `RUNS` each after a warm-up.
//! 2. Throughput: `hookcap send --repeat 20000 --concurrency 32` against
//!    `wrk -t2 -c32` for `WRK_SECS` seconds, interleaved, `ROUNDS` each.
//!
//! Tools that are not installed are skipped with a message. With
//! `/usr/bin/time` present, the CPU (user + system) each load generator used
//! per request is shown too: on a shared machine it is steadier than
//! requests/s. Figures go to stdout as Markdown for `docs/performance.md`.
//! Not a test: the only assertion is that every repeated request got a 200.

mod common;

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::ms;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

/// Single-send runs per tool.
const RUNS: usize = 30;
/// Throughput rounds per tool.
const ROUNDS: usize = 3;
/// Requests per hookcap throughput round (the issue's figure).
const REPEAT: &str = "20000";
/// Connections for both load generators.
const CONNECTIONS: &str = "32";
/// wrk's duration per round.
const WRK_SECS: &str = "5s";
/// The request body both tools send.
const BODY: &str = r#"{"event":"ping","id":42}"#;

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        serve();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut server = Server::start();
    let url = format!("http://127.0.0.1:{}/hook", server.port);
    println!("## Send\n");
    println!(
        "Measured with `cargo bench --bench send` on {}, load average {} at the start.\n",
        common::machine(),
        load_average()
    );
    single(&url);
    throughput(&url);
    server.stop();
}

/// The minimal server: answers every request `200 ok` after reading its body.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = req.into_body().collect().await;
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(
                            b"ok",
                        ))))
                    },
                );
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--serve")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap();
        Self { child, port }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn installed(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Wall time of one process run (stdout and stderr discarded).
fn wall(mut cmd: Command) -> Duration {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let took = start.elapsed();
    assert!(status.success(), "{cmd:?} failed");
    took
}

fn curl_cmd(url: &str) -> Command {
    let mut c = Command::new("curl");
    c.args([
        "-s",
        "--noproxy",
        "*",
        "-H",
        "Content-Type: application/json",
    ])
    .args(["--data-binary", BODY, url]);
    c
}

fn hookcap_cmd(url: &str) -> Command {
    let mut c = common::hookcap();
    c.args(["send", url, "-H", "Content-Type: application/json"])
        .args(["--data-binary", BODY]);
    c
}

fn single(url: &str) {
    println!("### One request, whole process\n");
    let have_curl = installed("curl");
    for _ in 0..3 {
        wall(hookcap_cmd(url));
        if have_curl {
            wall(curl_cmd(url));
        }
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        ours.push(wall(hookcap_cmd(url)));
        if have_curl {
            theirs.push(wall(curl_cmd(url)));
        }
    }
    println!("JSON POST to a loopback hyper server, {RUNS} runs each, interleaved.\n");
    println!("| tool | median | mean | min | max |");
    println!("|---|---|---|---|---|");
    row("hookcap send", &mut ours);
    if have_curl {
        row("curl", &mut theirs);
        let ratio = median(&mut ours).as_secs_f64() / median(&mut theirs).as_secs_f64();
        println!("\nhookcap / curl (median): **{ratio:.2}x** (target: at most 1.2x)\n");
    } else {
        println!("\ncurl is not installed: comparison skipped\n");
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn row(name: &str, v: &mut [Duration]) {
    let mean = v.iter().sum::<Duration>() / v.len() as u32;
    let med = median(v);
    println!(
        "| {name} | {} | {} | {} | {} |",
        ms(med),
        ms(mean),
        ms(v[0]),
        ms(v[v.len() - 1])
    );
}

/// One load run: requests/s and, when timed, CPU microseconds per request.
#[derive(Debug, Clone, Copy)]
struct Run {
    rate: f64,
    cpu_us: Option<f64>,
}

/// hookcap's own requests/s for `--repeat 20000 --concurrency 32`.
fn hookcap_run(url: &str, template: bool) -> Run {
    let mut cmd = timed(common::hookcap());
    cmd.args([
        "send",
        url,
        "--repeat",
        REPEAT,
        "--concurrency",
        CONNECTIONS,
        "--json-result",
    ]);
    if template {
        cmd.args(["--template", "github.push", "--secret", "s3cret"]);
    } else {
        cmd.args([
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            BODY,
        ]);
    }
    let out = cmd.stderr(Stdio::null()).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["statuses"]["200"].as_u64(), Some(20000), "{doc}");
    let requests = doc["requests"].as_f64().unwrap();
    Run {
        rate: doc["requests_per_sec"].as_f64().unwrap(),
        cpu_us: last_cpu().map(|s| s * 1e6 / requests),
    }
}

/// wrk's requests/s for a POST of the same body.
fn wrk_run(url: &str, script: &std::path::Path) -> Run {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c", CONNECTIONS, "-d", WRK_SECS, "-s"])
        .arg(script)
        .arg(url);
    let out = timed(cmd).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let number = |prefix: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    };
    let rate = number("Requests/sec:").unwrap_or_else(|| panic!("no Requests/sec in: {text}"));
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse::<f64>().ok());
    Run {
        rate,
        cpu_us: last_cpu().zip(requests).map(|(s, n)| s * 1e6 / n),
    }
}

fn throughput(url: &str) {
    println!("### Throughput\n");
    let have_wrk = installed("wrk");
    let script = std::env::temp_dir().join(format!("hookcap-bench-{}.lua", std::process::id()));
    let lua = format!(
        "wrk.method = \"POST\"\nwrk.body = '{BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
    );
    std::fs::write(&script, lua).unwrap();
    let (mut ours, mut signed, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(hookcap_run(url, false));
        signed.push(hookcap_run(url, true));
        if have_wrk {
            theirs.push(wrk_run(url, &script));
        }
    }
    let _ = std::fs::remove_file(&script);
    println!(
        "{CONNECTIONS} connections; hookcap sends {REPEAT} requests per round, wrk runs {WRK_SECS} \
         with 2 threads; {ROUNDS} rounds each, interleaved. CPU is the load generator's own \
         (user + system) per request, median of the rounds.\n"
    );
    println!("| load generator | requests/s (best) | all rounds | CPU per request |");
    println!("|---|---:|---|---:|");
    table_row("`hookcap send --repeat` (fixed JSON body)", &ours);
    table_row(
        "`hookcap send --repeat --template github.push --secret …` (fresh id + signature each)",
        &signed,
    );
    if have_wrk {
        table_row(&format!("`wrk -t2 -c{CONNECTIONS}`"), &theirs);
        println!(
            "\nhookcap / wrk (best rounds): **{:.2}x** (target: at least 0.7x)",
            best(&ours) / best(&theirs)
        );
    } else {
        println!("\nwrk is not installed (`apt-get install wrk`): comparison skipped");
    }
}

fn best(runs: &[Run]) -> f64 {
    runs.iter().map(|r| r.rate).fold(0.0, f64::max)
}

fn table_row(name: &str, runs: &[Run]) {
    let all: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.rate)).collect();
    let mut cpu: Vec<f64> = runs.iter().filter_map(|r| r.cpu_us).collect();
    cpu.sort_by(f64::total_cmp);
    let cpu = cpu
        .get(cpu.len() / 2)
        .map_or("–".to_owned(), |c| format!("{c:.1} µs"));
    println!(
        "| {name} | {:.0} | {} | {cpu} |",
        best(runs),
        all.join(", ")
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// Where `/usr/bin/time` writes a run's CPU seconds (`user system`).
fn time_file() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("hookcap-bench-time-{}", std::process::id()))
}

/// `cmd` wrapped in `/usr/bin/time -f '%U %S'` when it is installed.
fn timed(cmd: Command) -> Command {
    if !std::path::Path::new("/usr/bin/time").exists() {
        return cmd;
    }
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .args(["-f", "%U %S", "-o"])
        .arg(time_file())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    wrapped
}

/// CPU seconds of the last timed run, if it was timed.
fn last_cpu() -> Option<f64> {
    let text = std::fs::read_to_string(time_file()).ok()?;
    let _ = std::fs::remove_file(time_file());
    let line = text.lines().last()?;
    let (user, sys) = line.split_once(' ')?;
    Some(user.trim().parse::<f64>().ok()? + sys.trim().parse::<f64>().ok()?)
}
