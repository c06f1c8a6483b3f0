//! The test harness: the real binary, isolated from the developer's environment,
//! on port 0 with a temporary database, spoken to over real TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long any single wait in a test may take before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The hookcap binary with a clean environment: no user database, no colors
/// forced either way, no log filter, no proxy, times in UTC (a test of local
/// times sets `TZ` again).
pub fn hookcap() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookcap"));
    cmd.env("TZ", "UTC");
    for var in [
        "HOOKCAP_DB",
        "HOOKCAP_PORT",
        "HOOKCAP_LOG",
        "NO_COLOR",
        "HOOKCAP_SECRET",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs `hookcap ARGS --db DB` and returns its output.
pub fn run(db: &Path, args: &[&str]) -> Output {
    hookcap()
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("hookcap runs")
}

/// stdout of a run that must succeed.
pub fn run_ok(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "hookcap {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `show ID --json` parsed.
pub fn show_json(db: &Path, id: &str) -> serde_json::Value {
    serde_json::from_slice(&run_ok(db, &["show", id, "--json"])).expect("show --json is JSON")
}

/// `show ID --raw`: the exact body bytes.
pub fn show_raw(db: &Path, id: &str) -> Vec<u8> {
    run_ok(db, &["show", id, "--raw"])
}

/// A running `hookcap listen` on a free port with its own temporary database.
pub struct Listener {
    /// The child process.
    pub child: Child,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The database it writes.
    pub db: PathBuf,
    /// stdout lines after the first, as they arrive.
    pub lines: mpsc::Receiver<String>,
    /// Keeps the temporary directory alive.
    pub dir: tempfile::TempDir,
}

impl Listener {
    /// Starts `hookcap listen --port 0 --no-tui --db TMP EXTRA...`.
    pub fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start_in(dir, extra)
    }

    /// Like [`Listener::start`], in a directory prepared by the test.
    pub fn start_in(dir: tempfile::TempDir, extra: &[&str]) -> Self {
        Self::spawn(dir, &["listen"], extra)
    }

    /// Starts `hookcap forward TARGET --port 0 --no-tui --db TMP EXTRA...`.
    pub fn forward(target: &str, extra: &[&str]) -> Self {
        Self::forward_on(0, target, extra)
    }

    /// Like [`Listener::forward`], on `port` (from [`closed_port`], for
    /// listeners that must know each other's port before they start).
    pub fn forward_on(port: u16, target: &str, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::spawn_with(dir, hookcap(), &["forward", target], port, extra)
    }

    /// Like [`Listener::start`], with the listener's descriptor limit
    /// (`RLIMIT_NOFILE`) lowered to `nofile` by the shell that starts it.
    pub fn start_with_nofile(nofile: u32, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut shell = Command::new("sh");
        shell
            .arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_hookcap"));
        Self::spawn_with(dir, shell, &["listen"], 0, extra)
    }

    fn spawn(dir: tempfile::TempDir, command: &[&str], extra: &[&str]) -> Self {
        Self::spawn_with(dir, hookcap(), command, 0, extra)
    }

    fn spawn_with(
        dir: tempfile::TempDir,
        mut program: Command,
        command: &[&str],
        port: u16,
        extra: &[&str],
    ) -> Self {
        let db = dir.path().join("hookcap.db");
        for var in ["HOOKCAP_DB", "HOOKCAP_PORT", "HOOKCAP_LOG", "NO_COLOR"] {
            program.env_remove(var);
        }
        let mut child = program
            .stdin(Stdio::null())
            .args(command)
            .args(["--port", &port.to_string(), "--no-tui", "--db"])
            .arg(&db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hookcap starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(PATIENCE)
            .expect("a first line on stdout");
        let addr =
            listening_addr(&first).unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        Self {
            child,
            addr,
            db,
            lines,
            dir,
        }
    }

    /// Sends raw bytes on a new connection and reads one response.
    pub fn send_raw(&self, bytes: &[u8]) -> RawResponse {
        send_raw(self.addr, bytes)
    }

    /// A simple POST with a body and extra header lines.
    pub fn post(&self, path: &str, headers: &[&str], body: &[u8]) -> RawResponse {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n",
            body.len()
        );
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("Connection: close\r\n\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.send_raw(&bytes)
    }

    /// The next stdout line, waiting at most [`PATIENCE`].
    pub fn next_line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("another stdout line")
    }

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "listener did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for a graceful exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        self.signal("TERM")
    }

    /// Sends signal `name` (`TERM`, `HUP`, …) and waits for the exit.
    pub fn signal(&mut self, name: &str) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .expect("kill runs");
        self.wait_exit()
    }

    /// Everything the listener wrote to stderr (after it exited).
    pub fn stderr(&mut self) -> String {
        let mut s = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses `Listening on http://ADDR`, or the `listening` event of `--json`.
pub fn listening_addr(line: &str) -> Option<SocketAddr> {
    if line.starts_with('{') {
        let event: serde_json::Value = serde_json::from_str(line).ok()?;
        return event["url"].as_str()?.strip_prefix("http://")?.parse().ok();
    }
    line.strip_prefix("Listening on http://")?.parse().ok()
}

/// A response read off the wire.
#[derive(Debug)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Header lines as (name, value).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Writes `bytes` to a new connection to `addr` and reads one response.
pub fn send_raw(addr: SocketAddr, bytes: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(bytes).expect("write request");
    read_response(&mut BufReader::new(stream))
}

/// Reads one HTTP/1.1 response (Content-Length framed, or until close).
pub fn read_response(reader: &mut impl BufRead) -> RawResponse {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (n, v) = line.split_once(':').expect("header colon");
        headers.push((n.trim().to_owned(), v.trim().to_owned()));
    }
    let mut response = RawResponse {
        status,
        headers,
        body: Vec::new(),
    };
    match response
        .header("content-length")
        .map(|v| v.parse::<usize>().expect("length"))
    {
        Some(n) => {
            response.body.resize(n, 0);
            reader.read_exact(&mut response.body).expect("body");
        }
        None => {
            let _ = reader.read_to_end(&mut response.body);
        }
    }
    response
}

/// How an [`Upstream`] answers.
#[derive(Debug, Clone, Copy)]
pub enum Behavior {
    /// `201` with the exact bytes of the request it got as the body, a
    /// Title-Case `X-Echo-Case` header and a lowercase `x-app-case` one.
    Echo,
    /// This status, with the body `status`.
    Status(u16),
    /// `200` after this long.
    Slow(Duration),
    /// `200` with the chunked body `abcdef`, in two chunks.
    Chunked,
    /// `200` with the body `once`, then the connection is closed without a
    /// word (as an app with a short keep-alive timeout does).
    CloseAfterAnswer,
    /// `101 Switching Protocols` to WebSocket, whatever was asked, then a
    /// WebSocket text frame `hello`.
    SwitchProtocols,
}

/// A port-0 HTTP/1.1 app for forward and replay tests, speaking raw TCP so it
/// sees (and records) exactly the bytes it was sent. Keeps connections alive.
pub struct Upstream {
    /// Where it listens.
    pub addr: SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl Upstream {
    /// Starts answering as `behavior` says, on threads of its own.
    pub fn start(behavior: Behavior) -> Self {
        Self::serve(behavior, |stream, behavior, record| {
            serve_upstream(stream, behavior, record)
        })
    }

    /// The same over TLS, with a self-signed certificate for `localhost`
    /// and `127.0.0.1` made for this run.
    pub fn start_tls(behavior: Behavior) -> Self {
        let config = std::sync::Arc::new(self_signed_server_config());
        Self::serve(behavior, move |stream, behavior, record| {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            serve_upstream(rustls::StreamOwned::new(conn, stream), behavior, record)
        })
    }

    fn serve(
        behavior: Behavior,
        serve: impl Fn(TcpStream, Behavior, &std::sync::Mutex<Vec<Vec<u8>>>) + Send + Sync + 'static,
    ) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind upstream");
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::<std::sync::Mutex<Vec<Vec<u8>>>>::default();
        let record = seen.clone();
        let serve = std::sync::Arc::new(serve);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (record, serve) = (record.clone(), serve.clone());
                std::thread::spawn(move || serve(stream, behavior, &record));
            }
        });
        Self { addr, seen }
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The raw bytes of every request received so far, in order.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.seen.lock().unwrap().clone()
    }

    /// The request line of every request received so far, in order.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| split_request(r).0.swap_remove(0))
            .collect()
    }
}

fn serve_upstream(
    stream: impl Read + Write,
    behavior: Behavior,
    seen: &std::sync::Mutex<Vec<Vec<u8>>>,
) {
    let mut reader = BufReader::new(stream);
    while let Some(raw) = read_request(&mut reader) {
        seen.lock().unwrap().push(raw.clone());
        let answer = upstream_answer(behavior, raw);
        let writer = reader.get_mut();
        if writer.write_all(&answer).is_err() || writer.flush().is_err() {
            return;
        }
        if let Behavior::CloseAfterAnswer = behavior {
            return;
        }
    }
}

/// The bytes an [`Upstream`] answers `raw` with.
fn upstream_answer(behavior: Behavior, raw: Vec<u8>) -> Vec<u8> {
    let (status, extra, body) = match behavior {
        Behavior::Chunked => {
            return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"
                .to_vec();
        }
        Behavior::SwitchProtocols => {
            return b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello"
                .to_vec();
        }
        Behavior::Echo => (
            201,
            "X-Echo-Case: Yes\r\nx-app-case: lower\r\nContent-Type: application/octet-stream\r\n",
            raw,
        ),
        Behavior::Status(code) => (code, "", b"status".to_vec()),
        Behavior::Slow(wait) => {
            std::thread::sleep(wait);
            (200, "", b"late".to_vec())
        }
        Behavior::CloseAfterAnswer => (200, "", b"once".to_vec()),
    };
    let mut answer = format!(
        "HTTP/1.1 {status} Whatever\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

/// A rustls server configuration with a certificate made now (rcgen) for
/// `localhost` and `127.0.0.1`, trusted by nobody.
pub fn self_signed_server_config() -> rustls::ServerConfig {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("a test certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let _ = rustls::crypto::ring::default_provider().install_default();
    rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .expect("a server configuration")
}

/// Reads one request (head, then a `Content-Length` body) as raw bytes; `None` at EOF.
fn read_request(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut length = 0;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(v) = text.strip_prefix("content-length:") {
            length = v.trim().parse().expect("content-length");
        }
        if line == b"\r\n" {
            break;
        }
    }
    let start = raw.len();
    raw.resize(start + length, 0);
    reader.read_exact(&mut raw[start..]).ok()?;
    Some(raw)
}

/// Splits raw request bytes into the head's lines and the body.
pub fn split_request(raw: &[u8]) -> (Vec<String>, Vec<u8>) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let lines = head.split("\r\n").map(str::to_owned).collect();
    (lines, raw[end + 4..].to_vec())
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `Name: value` lines of a valid GitHub signature of `body` with `secret`,
/// as `-H` arguments or raw header lines.
pub fn github_headers(body: &[u8], secret: &str) -> Vec<String> {
    use hookcap::Timestamp;
    use hookcap::{ProviderKind, Secret, SignInput, provider};
    let signed = provider(ProviderKind::Github, None)
        .unwrap()
        .sign(
            &Secret::from_bytes(secret),
            &SignInput::new(body, Timestamp::now()),
        )
        .unwrap();
    signed
        .headers
        .iter()
        .map(|h| format!("{}: {}", h.name, h.value_str()))
        .collect()
}
