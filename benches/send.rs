//! `cargo bench --bench send`: `hookcap send` against curl and wrk, on loopback,
//! against a minimal hyper server (this binary re-executed with `--serve`).
//!
//! 1. Single request, whole-process wall time: `curl` and `hookcap send` with
//!    the same JSON POST, interleaved, `RUNS` each after a warm-up.
//! 2. Throughput: `hookcap send --repeat 20000 --concurrency 32` against
//!    `wrk -t2 -c32` for `WRK_SECS` seconds, interleaved, `ROUNDS` each.
//!
//! Tools that are not installed are skipped with a message. Figures go to
//! stdout as Markdown for `docs/performance.md`. Not a test: no assertions.

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
        "Measured with `cargo bench --bench send` on {}.\n",
        machine()
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

fn hookcap() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookcap"));
    cmd.env_remove("HOOKCAP_SECRET").env("NO_COLOR", "1");
    cmd
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
    let mut c = hookcap();
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
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
    println!(
        "| {name} | {} | {} | {} | {} |",
        ms(med),
        ms(mean),
        ms(v[0]),
        ms(v[v.len() - 1])
    );
}

/// hookcap's own requests/s for `--repeat 20000 --concurrency 32`.
fn hookcap_rate(url: &str, template: bool) -> f64 {
    let mut cmd = hookcap();
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
    doc["requests_per_sec"].as_f64().unwrap()
}

/// wrk's requests/s for a POST of the same body.
fn wrk_rate(url: &str, script: &std::path::Path) -> f64 {
    let out = Command::new("wrk")
        .args(["-t2", "-c", CONNECTIONS, "-d", WRK_SECS, "-s"])
        .arg(script)
        .arg(url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk output: {text}"))
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
        ours.push(hookcap_rate(url, false));
        signed.push(hookcap_rate(url, true));
        if have_wrk {
            theirs.push(wrk_rate(url, &script));
        }
    }
    let _ = std::fs::remove_file(&script);
    println!(
        "{CONNECTIONS} connections; hookcap sends {REPEAT} requests per round, wrk runs {WRK_SECS} \
         with 2 threads; {ROUNDS} rounds each, interleaved; best round shown.\n"
    );
    println!("| load generator | requests/s (best) | all rounds |");
    println!("|---|---|---|");
    let best = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let all = |v: &[f64]| {
        v.iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "| `hookcap send --repeat` (fixed JSON body) | {:.0} | {} |",
        best(&ours),
        all(&ours)
    );
    println!(
        "| `hookcap send --repeat --template github.push --secret …` (fresh id + signature each) | {:.0} | {} |",
        best(&signed),
        all(&signed)
    );
    if have_wrk {
        println!(
            "| `wrk -t2 -c{CONNECTIONS}` | {:.0} | {} |",
            best(&theirs),
            all(&theirs)
        );
        println!(
            "\nhookcap / wrk (best rounds): **{:.2}x** (target: at least 0.7x)",
            best(&ours) / best(&theirs)
        );
    } else {
        println!("\nwrk is not installed (`apt-get install wrk`): comparison skipped");
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    format!("{cores} cores ({cpu}), load average {load} at the start")
}
