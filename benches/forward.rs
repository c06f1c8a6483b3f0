//! Forward-mode benchmark: a minimal hyper app, loaded directly and through
//! `hookcap forward`, in one run. Not a timed test: it prints figures for
//! `docs/performance.md` and fails only when a request or delivery is lost.
//!
//! ```sh
//! cargo bench --bench forward                 # the forward figures
//! cargo bench --bench forward -- --clients    # also: hyper-util's client vs hookcap's own (src/http)
//! ```
//!
//! Load: 1 KiB JSON POSTs over 32 keep-alive connections from a raw-TCP
//! generator on one thread. Closed loop (each connection sends as soon as
//! its previous answer arrived) for the throughput; open loop at 1,000
//! requests/s, with latency measured from each request's *scheduled* send
//! time (so a stall is not hidden by sending later), for the added latency.
//! The app runs as a separate process (this binary re-run with a hidden
//! argument), like a real app would.
//!
//! A third server is loaded in the same rounds as a reference: a minimal
//! reverse proxy (hyper server + hyper-util's pooled client, also a process of
//! its own) that passes requests on and stores nothing. It shows what putting
//! *any* proxy between the generator and the app costs on this machine.

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Connections the generator keeps open.
const CONNECTIONS: usize = 32;
/// How long each closed-loop run lasts, after a warm-up of a fifth of it.
const CLOSED_LOOP: Duration = Duration::from_secs(3);
/// Open-loop rate and length.
const OPEN_RATE: u32 = 1_000;
const OPEN_LOOP: Duration = Duration::from_secs(3);
/// Direct and forward runs alternate this many times, so that a busy
/// machine (other processes) weighs on both alike; medians are reported.
const ROUNDS: usize = 3;
/// The hidden argument that turns this binary into the app.
const APP_ARG: &str = "--upstream-app";
/// The hidden argument (followed by the app's address) that turns this binary
/// into the storage-free reference proxy.
const PROXY_ARG: &str = "--bare-proxy";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == APP_ARG) {
        return run_app();
    }
    if let Some(i) = args.iter().position(|a| a == PROXY_ARG) {
        let app = args.get(i + 1).and_then(|a| a.parse().ok());
        return run_bare_proxy(app.expect("--bare-proxy APP_ADDR"));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut app = App::start();
    let report = runtime.block_on(bench_forward(app.addr));
    report.print();
    if args.iter().any(|a| a == "--clients") {
        runtime.block_on(compare_clients(app.addr));
    }
    app.stop();
    assert!(report.all_stored, "requests or deliveries were lost");
}

/// The minimal app: read the body, answer `200 {"ok":true}`.
fn run_app() {
    serve_loopback(|| {
        service_fn(|req: Request<Incoming>| async move {
            let _ = req.into_body().collect().await;
            let body = Full::new(Bytes::from_static(b"{\"ok\":true}"));
            Ok::<_, Infallible>(Response::new(body))
        })
    });
}

/// The reference proxy: every request passed on to `app` as it came (body
/// streamed), the app's answer passed back; nothing recorded.
fn run_bare_proxy(app: SocketAddr) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Incoming>();
    serve_loopback(move || {
        let client = client.clone();
        service_fn(move |mut req: Request<Incoming>| {
            let client = client.clone();
            async move {
                let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
                *req.uri_mut() = format!("http://{app}{path}").parse().expect("uri");
                match client.request(req).await {
                    Ok(res) => Ok::<_, Infallible>(res.map(http_body_util::Either::Left)),
                    Err(_) => Ok(Response::builder()
                        .status(502)
                        .body(http_body_util::Either::Right(Full::new(Bytes::new())))
                        .expect("502")),
                }
            }
        })
    });
}

/// Serves HTTP/1 on a free loopback port until killed, with a service from
/// `service` per connection, on a multi-threaded runtime; prints the address first.
fn serve_loopback<M, S, B>(service: M)
where
    M: Fn() -> S,
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("{}", listener.local_addr().expect("addr"));
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let svc = service();
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
}

/// A child process that printed its address (or `Listening on URL`) first.
struct App {
    child: Child,
    addr: SocketAddr,
}

impl App {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("own path");
        Self::spawn(Command::new(exe).arg(APP_ARG))
    }

    fn bare_proxy(app: SocketAddr) -> Self {
        let exe = std::env::current_exe().expect("own path");
        Self::spawn(Command::new(exe).args([PROXY_ARG, &app.to_string()]))
    }

    fn hookcap_forward(app: SocketAddr, db: &std::path::Path) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookcap"));
        cmd.args([
            "forward",
            &format!("http://{app}"),
            "--port",
            "0",
            "--no-tui",
            "--db",
        ])
        .arg(db)
        .env_remove("HOOKCAP_LOG");
        Self::spawn(&mut cmd)
    }

    fn spawn(cmd: &mut Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().expect("a first line").expect("readable");
        let addr = first
            .trim_start_matches("Listening on http://")
            .parse()
            .unwrap_or_else(|_| panic!("unexpected first line {first:?}"));
        // Keep reading (hookcap prints a line per request) so the pipe never fills.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, addr }
    }

    /// SIGTERM, then wait: hookcap flushes its writer on the way out.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// What one load run measured.
#[derive(Debug, Default)]
struct Run {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    latencies_us: Vec<u64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(i).copied().unwrap_or_default() as f64 / 1000.0
    }

    fn merge(runs: Vec<Run>, elapsed: Duration) -> Run {
        let mut all = Run {
            elapsed,
            ..Run::default()
        };
        for r in runs {
            all.requests += r.requests;
            all.failures += r.failures;
            all.latencies_us.extend(r.latencies_us);
        }
        all
    }
}

/// The figures for `docs/performance.md`.
struct Report {
    direct_closed: Vec<Run>,
    proxy_closed: Vec<Run>,
    forward_closed: Vec<Run>,
    direct_open: Run,
    forward_open: Run,
    /// hookcap's CPU time per forwarded request during the closed loops, by thread.
    cpu_per_request: ThreadTimes,
    /// The same for the reference proxy.
    proxy_cpu_per_request: ThreadTimes,
    sent_through: u64,
    stored: (u64, u64),
    all_stored: bool,
}

async fn bench_forward(app: SocketAddr) -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.db");
    let mut hookcap = App::hookcap_forward(app, &db);
    let mut proxy = App::bare_proxy(app);
    let pid = hookcap.child.id();
    let (mut direct_closed, mut proxy_closed, mut forward_closed) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut sent_through = 0;
    let (mut cpu, mut proxy_cpu) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        direct_closed.push(closed_loop(app).await.0);
        let before = thread_cpu(proxy.child.id());
        let (run, warmed) = closed_loop(proxy.addr).await;
        proxy_cpu.push(CpuRound {
            requests: run.requests + warmed,
            before,
            after: thread_cpu(proxy.child.id()),
        });
        proxy_closed.push(run);
        let before = thread_cpu(pid);
        let (run, warmed) = closed_loop(hookcap.addr).await;
        cpu.push(CpuRound {
            requests: run.requests + warmed,
            before,
            after: thread_cpu(pid),
        });
        sent_through += run.requests + warmed;
        forward_closed.push(run);
    }
    proxy.stop();
    let (direct_open, forward_open) = open_loops(app, hookcap.addr).await;
    sent_through += forward_open.requests;
    hookcap.stop();
    let store = hookcap::Store::open_existing(&db).expect("the bench database");
    let stored = (
        store.count().expect("count"),
        store.count_deliveries().expect("count"),
    );
    let failures = forward_open.failures + forward_closed.iter().map(|r| r.failures).sum::<u64>();
    Report {
        all_stored: stored == (sent_through, sent_through) && failures == 0,
        direct_closed,
        proxy_closed,
        forward_closed,
        direct_open,
        forward_open,
        cpu_per_request: per_request(&cpu),
        proxy_cpu_per_request: per_request(&proxy_cpu),
        sent_through,
        stored,
    }
}

/// The open loop against the app and through hookcap, alternating `ROUNDS`
/// times; latencies are pooled.
async fn open_loops(app: SocketAddr, hookcap: SocketAddr) -> (Run, Run) {
    let (mut direct, mut forward) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        direct.push(open_loop(app).await);
        forward.push(open_loop(hookcap).await);
    }
    let length = OPEN_LOOP * ROUNDS as u32;
    (Run::merge(direct, length), Run::merge(forward, length))
}

/// CPU time used so far by the threads of `pid`, summed by thread name, from
/// `/proc` (Linux; empty elsewhere).
fn thread_cpu(pid: u32) -> ThreadTimes {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        let path = task.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let schedstat = std::fs::read_to_string(path.join("schedstat")).unwrap_or_default();
        let ns = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok());
        let used = Duration::from_nanos(ns.unwrap_or(0));
        match out.iter_mut().find(|(n, _)| n == comm.trim()) {
            Some((_, d)) => *d += used,
            None => out.push((comm.trim().to_owned(), used)),
        }
    }
    out
}

/// CPU time by thread name.
type ThreadTimes = Vec<(String, Duration)>;

/// hookcap's threads before and after one forward round of `requests`.
struct CpuRound {
    requests: u64,
    before: ThreadTimes,
    after: ThreadTimes,
}

/// CPU time per request by thread name, over all rounds.
fn per_request(rounds: &[CpuRound]) -> ThreadTimes {
    let mut totals: ThreadTimes = Vec::new();
    let requests: u64 = rounds.iter().map(|r| r.requests).sum();
    for CpuRound { before, after, .. } in rounds {
        for (name, used) in after {
            let earlier = before
                .iter()
                .find(|(n, _)| n == name)
                .map_or(Duration::ZERO, |(_, d)| *d);
            let delta = used.saturating_sub(earlier);
            match totals.iter_mut().find(|(n, _)| n == name) {
                Some((_, d)) => *d += delta,
                None => totals.push((name.clone(), delta)),
            }
        }
    }
    totals.retain(|(_, d)| !d.is_zero());
    totals.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    for (_, d) in &mut totals {
        *d /= requests.max(1) as u32;
    }
    totals
}

/// CPU per forwarded request in the closed loops, in all and by thread.
fn print_cpu(who: &str, times: &ThreadTimes) {
    let total: Duration = times.iter().map(|(_, d)| *d).sum();
    println!(
        "{who} CPU per forwarded request (closed loop): {:.1} µs",
        total.as_secs_f64() * 1e6
    );
    for (name, d) in times {
        println!("  {name:16} {:>6.1} µs", d.as_secs_f64() * 1e6);
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

impl Report {
    fn print(&self) {
        self.print_closed();
        self.print_open();
        print_cpu("hookcap", &self.cpu_per_request);
        print_cpu("bare proxy", &self.proxy_cpu_per_request);
        println!(
            "stored: {} requests, {} deliveries, of {} sent through hookcap",
            self.stored.0, self.stored.1, self.sent_through
        );
    }

    fn print_closed(&self) {
        let rates = |runs: &[Run]| runs.iter().map(Run::rate).collect::<Vec<_>>();
        let direct = rates(&self.direct_closed);
        let proxy = rates(&self.proxy_closed);
        let forward = rates(&self.forward_closed);
        let ratio = |r: &[f64]| median(direct.iter().zip(r).map(|(d, x)| x / d).collect());
        println!(
            "closed loop, {CONNECTIONS} connections, {ROUNDS} alternating rounds of {CLOSED_LOOP:?}:"
        );
        for (name, r) in [
            ("direct", &direct),
            ("bare proxy", &proxy),
            ("forward", &forward),
        ] {
            let each: Vec<String> = r.iter().map(|x| format!("{x:.0}")).collect();
            println!(
                "  {name:10} median {:>7.0} req/s   (rounds: {})",
                median(r.clone()),
                each.join(", ")
            );
        }
        println!(
            "  bare proxy / direct: median {:.2}x   (a proxy that stores nothing)",
            ratio(&proxy)
        );
        println!("  forward / direct:    median {:.2}x", ratio(&forward));
        println!(
            "  forward / bare proxy: median {:.2}x",
            ratio(&forward) / ratio(&proxy)
        );
    }

    fn print_open(&self) {
        println!(
            "open loop, {OPEN_RATE} req/s, {ROUNDS} × {OPEN_LOOP:?}, latency from the scheduled send:"
        );
        for (name, r) in [
            ("direct", &self.direct_open),
            ("forward", &self.forward_open),
        ] {
            println!(
                "  {name:8} p50 {:.3} ms   p90 {:.3} ms   p99 {:.3} ms   max {:.3} ms   failures {}",
                r.percentile(0.5),
                r.percentile(0.9),
                r.percentile(0.99),
                r.percentile(1.0),
                r.failures
            );
        }
        let added = self.forward_open.percentile(0.5) - self.direct_open.percentile(0.5);
        println!("  added p50: {added:.3} ms");
    }
}

/// A 1 KiB JSON document.
fn body_bytes() -> Vec<u8> {
    let head = "{\"event\":\"bench\",\"id\":1,\"pad\":\"";
    let pad = "x".repeat(1024 - head.len() - 2);
    format!("{head}{pad}\"}}").into_bytes()
}

/// The request every connection sends: a 1 KiB JSON POST.
fn request_bytes() -> Vec<u8> {
    let body = body_bytes();
    let mut raw = format!(
        "POST /hook HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    raw
}

/// One keep-alive connection of the generator.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let _ = stream.set_nodelay(true);
        Self {
            stream,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Sends one request and reads its answer; true for a 200.
    async fn exchange(&mut self, request: &[u8]) -> bool {
        if self.stream.write_all(request).await.is_err() {
            return false;
        }
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill().await {
                return false;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while self.buf.len() < head_end + length {
            if !self.fill().await {
                return false;
            }
        }
        head.starts_with("http/1.1 200")
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }
}

/// Every connection sends back-to-back until the deadline, after a warm-up
/// of a fifth of the time whose requests are only counted (second value).
async fn closed_loop(addr: SocketAddr) -> (Run, u64) {
    let request = std::sync::Arc::new(request_bytes());
    let warmup = Instant::now() + CLOSED_LOOP / 5;
    let end = warmup + CLOSED_LOOP;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut conn = Conn::open(addr).await;
                let (mut run, mut warm) = (Run::default(), 0u64);
                loop {
                    let started = Instant::now();
                    if started >= end {
                        return (run, warm);
                    }
                    let ok = conn.exchange(&request).await;
                    if started < warmup {
                        warm += 1;
                        continue;
                    }
                    run.requests += 1;
                    run.failures += u64::from(!ok);
                    run.latencies_us.push(started.elapsed().as_micros() as u64);
                }
            })
        })
        .collect();
    let mut runs = Vec::new();
    let mut warmed = 0;
    for t in tasks {
        let (run, warm) = t.await.expect("connection task");
        runs.push(run);
        warmed += warm;
    }
    (Run::merge(runs, CLOSED_LOOP), warmed)
}

/// Requests at a fixed rate: request `i` is due at `start + i / rate` and
/// goes out on connection `i % CONNECTIONS`; latency counts from when it was
/// due. A thread of its own paces them with `std::thread::sleep`, which is far
/// finer than tokio's millisecond timer.
async fn open_loop(addr: SocketAddr) -> Run {
    let request = std::sync::Arc::new(request_bytes());
    let total = OPEN_RATE as usize * OPEN_LOOP.as_secs() as usize;
    let mut queues = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (due_tx, mut due_rx) = tokio::sync::mpsc::channel::<Instant>(total);
        let mut conn = Conn::open(addr).await;
        let request = request.clone();
        queues.push(due_tx);
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            while let Some(due) = due_rx.recv().await {
                let ok = conn.exchange(&request).await;
                run.requests += 1;
                run.failures += u64::from(!ok);
                run.latencies_us.push(due.elapsed().as_micros() as u64);
            }
            run
        }));
    }
    let pacer = std::thread::spawn(move || {
        let interval = Duration::from_secs(1) / OPEN_RATE;
        let start = Instant::now() + Duration::from_millis(50);
        for i in 0..total {
            let due = start + interval * i as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let _ = queues[i % CONNECTIONS].blocking_send(due);
        }
    });
    let mut runs = Vec::new();
    for t in tasks {
        runs.push(t.await.expect("connection task"));
    }
    pacer.join().expect("pacer");
    Run::merge(runs, OPEN_LOOP)
}

/// The forward client choice: the same app loaded through hyper-util's pooled
/// client (what `forward` used before) and through hookcap's own client
/// (`hookcap::http`, what it uses now), 32 tasks in a closed loop.
async fn compare_clients(app: SocketAddr) {
    let url: hyper::Uri = format!("http://{app}/hook").parse().expect("uri");
    let body = Bytes::from(body_bytes());
    let hyper_client =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<Full<Bytes>>();
    let target = hookcap::outgoing::Target::parse(&format!("http://{app}")).expect("target");
    let own = std::sync::Arc::new(hookcap::outgoing::Client::new(
        target,
        hookcap::outgoing::ConnectOptions::default(),
    ));
    let headers = std::sync::Arc::new(vec![
        hookcap::Header::new("Host", app.to_string()),
        hookcap::Header::new("Content-Type", "application/json"),
        hookcap::Header::new("Content-Length", body.len().to_string()),
    ]);
    println!("forward client choice, {CONNECTIONS} tasks, closed loop, 3 s:");
    let hyper_run = client_loop(|| {
        let req = Request::post(url.clone())
            .header("content-type", "application/json")
            .body(Full::new(body.clone()))
            .expect("request");
        let fut = hyper_client.request(req);
        async move { fut.await.is_ok_and(|r| r.status() == 200) }
    })
    .await;
    let own_run = client_loop(|| {
        let (own, headers, body) = (own.clone(), headers.clone(), body.clone());
        async move {
            let request = hookcap::outgoing::Request {
                method: "POST",
                target: "/hook",
                headers: &headers,
                body: &body,
            };
            let Ok(mut answer) = own.send(&request).await else {
                return false;
            };
            while let Ok(Some(_)) = answer.body.chunk().await {}
            let ok = answer.head.status == 200 && answer.body.is_done();
            own.recycle(answer.body);
            ok
        }
    })
    .await;
    for (name, r) in [("hyper-util", hyper_run), ("hookcap::http", own_run)] {
        println!(
            "  {name:13} {:>9.0} req/s   p50 {:.3} ms   failures {}",
            r.rate(),
            r.percentile(0.5),
            r.failures
        );
    }
}

async fn client_loop<F, Fut>(mut send: F) -> Run
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let end = Instant::now() + Duration::from_secs(3);
    let (done, mut results) = tokio::sync::mpsc::channel::<(bool, u64)>(CONNECTIONS);
    let mut in_flight = 0;
    let mut run = Run::default();
    loop {
        while in_flight < CONNECTIONS && Instant::now() < end {
            let fut = send();
            let done = done.clone();
            let started = Instant::now();
            tokio::spawn(async move {
                let ok = fut.await;
                let _ = done.send((ok, started.elapsed().as_micros() as u64)).await;
            });
            in_flight += 1;
        }
        if in_flight == 0 {
            break;
        }
        let (ok, us) = results.recv().await.expect("results");
        in_flight -= 1;
        run.requests += 1;
        run.failures += u64::from(!ok);
        run.latencies_us.push(us);
    }
    run.elapsed = Duration::from_secs(3);
    run
}
