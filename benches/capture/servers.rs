//! The two servers under test, each in a process of its own so its CPU time
//! and memory can be read from `/proc`:
//!
//! - **baseline**: this benchmark binary re-executed with `--bare-server`: a
//!   minimal hyper 1 HTTP/1 server that reads each body and answers `200` with
//!   an empty body, storing nothing. It prints its port, then serves until its
//!   stdin closes (so it never outlives the benchmark).
//! - **hookcap**: `hookcap listen --port 0 --no-tui` with a temporary database.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The hidden argument that turns this binary into the baseline server.
pub const BARE_SERVER_ARG: &str = "--bare-server";

/// How long a server may take to print its address.
const STARTUP_PATIENCE: Duration = Duration::from_secs(20);

/// A server process under test.
pub struct Server {
    /// `baseline` or `hookcap`.
    pub name: &'static str,
    /// Where it accepts connections.
    pub addr: SocketAddr,
    /// Its database (hookcap only).
    pub db: Option<PathBuf>,
    child: Child,
}

impl Server {
    /// Starts the baseline server: this binary with [`BARE_SERVER_ARG`].
    pub fn bare() -> Self {
        let exe = std::env::current_exe().expect("the benchmark knows its own path");
        let mut cmd = Command::new(exe);
        cmd.arg(BARE_SERVER_ARG).stdin(Stdio::piped());
        let (child, first) = spawn_reading_first_line(cmd);
        let port: u16 = first
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("baseline printed {first:?}, not a port"));
        Self {
            name: "baseline",
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            db: None,
            child,
        }
    }

    /// Starts `hookcap listen` on a free loopback port, storing to `db`;
    /// with `BENCH_RESPOND` set, also `--respond "$BENCH_RESPOND"` (one
    /// answer rule active, e.g. `provider:stripe => 200`).
    pub fn hookcap(db: PathBuf) -> Self {
        let mut cmd = crate::common::hookcap();
        cmd.args(["listen", "--host", "127.0.0.1", "--port", "0", "--no-tui"])
            .arg("--db")
            .arg(&db)
            .stdin(Stdio::null());
        if let Ok(rule) = std::env::var("BENCH_RESPOND") {
            eprintln!("hookcap runs with --respond {rule:?}");
            cmd.arg("--respond").arg(rule);
        }
        let (child, first) = spawn_reading_first_line(cmd);
        let addr = first
            .trim()
            .strip_prefix("Listening on http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("hookcap printed {first:?}, not its address"));
        Self {
            name: "hookcap",
            addr,
            db: Some(db),
            child,
        }
    }

    /// The process id, for `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server gracefully (hookcap flushes its writer on SIGTERM; the
    /// baseline exits when its stdin closes) and waits for it.
    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        if self.name == "hookcap" {
            let pid = self.pid().to_string();
            let sent = Command::new("kill").args(["-TERM", &pid]).status();
            assert!(sent.is_ok_and(|s| s.success()), "could not signal hookcap");
        }
        let status = self.child.wait().expect("waiting for the server");
        assert!(status.success(), "{} exited with {status}", self.name);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only reached with the process still running when the benchmark failed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` with stdout piped and returns its first stdout line. The rest
/// of stdout (hookcap prints a line per request) is drained on a thread, so
/// the server never blocks on a full pipe.
fn spawn_reading_first_line(mut cmd: Command) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = tx.send(first);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let first = rx
        .recv_timeout(STARTUP_PATIENCE)
        .unwrap_or_else(|_| panic!("{cmd:?} printed nothing"));
    (child, first)
}

/// The baseline server's `main`: serve on a free port until stdin closes.
pub fn run_bare_server() {
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        std::process::exit(0);
    });
    // The same runtime hookcap builds: multi-threaded, one worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(serve_bare());
}

async fn serve_bare() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("local address").port();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{port}")
        .and_then(|()| out.flush())
        .expect("print port");
    drop(out);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = service_fn(answer_empty);
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Reads the whole body, keeps nothing, answers `200` with an empty body.
async fn answer_empty(req: Request<Incoming>) -> Result<Response<Empty<Bytes>>, hyper::Error> {
    req.into_body().collect().await?;
    Ok(Response::new(Empty::new()))
}
