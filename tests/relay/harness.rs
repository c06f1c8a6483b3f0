//! A real `hookcap relay` serving HTTPS with a certificate made for the test
//! (rcgen), `hookcap listen --via` / `forward --via` clients trusting it
//! (`--via-ca`), and a TLS sender that writes raw bytes to the relay.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::util::{Listener, PATIENCE, RawResponse, hookcap, listening_addr};

/// A self-signed certificate for 127.0.0.1, its key, in PEM files.
pub struct Certs {
    /// The certificate (also the only trusted root of the clients).
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
    /// The certificate, DER.
    pub der: Vec<u8>,
}

impl Certs {
    fn make(dir: &Path) -> Self {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("a certificate");
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        Self {
            cert,
            key,
            der: made.cert.der().to_vec(),
        }
    }
}

/// A running relay (HTTPS, `--rate off` unless told otherwise).
pub struct Relay {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its database.
    pub db: PathBuf,
    /// Its certificate.
    pub certs: Certs,
    extra: Vec<String>,
    env: Vec<(String, String)>,
    stderr: Arc<Mutex<String>>,
    tls: Arc<ClientConfig>,
    /// Holds the database and certificates.
    _dir: tempfile::TempDir,
}

impl Relay {
    /// Starts `hookcap relay --port 0 --rate off --tls-cert … EXTRA`.
    pub fn start(extra: &[&str]) -> Self {
        Self::start_with(extra, &[], |_| {})
    }

    /// Like [`Relay::start`] with environment variables, after `prepare`
    /// has run on the database (to add channels before the relay starts).
    pub fn start_with(extra: &[&str], env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let certs = Certs::make(dir.path());
        let mut extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        if !extra.iter().any(|a| a == "--rate") {
            extra.extend(["--rate".into(), "off".into()]);
        }
        let tls = client_config(&certs.der);
        prepare(&dir.path().join("relay.db"));
        let mut relay = Self {
            child: None,
            addr: "127.0.0.1:0".parse().unwrap(),
            db: dir.path().join("relay.db"),
            certs,
            extra,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            stderr: Arc::default(),
            tls,
            _dir: dir,
        };
        relay.spawn(0);
        relay
    }

    fn spawn(&mut self, port: u16) {
        let mut child = hookcap()
            .args(["relay", "--port", &port.to_string(), "--db"])
            .arg(&self.db)
            .arg("--tls-cert")
            .arg(&self.certs.cert)
            .arg("--tls-key")
            .arg(&self.certs.key)
            .args(&self.extra)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("HOOKCAP_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hookcap relay starts");
        let stderr = child.stderr.take().unwrap();
        let sink = self.stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .trim()
            .strip_prefix("Relay listening on https://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}: {}", self.stderr()));
        self.addr = addr.parse().unwrap();
        self.child = Some(child);
    }

    /// Starts it again on the same port and database.
    pub fn restart(&mut self) {
        self.spawn(self.addr.port());
    }

    /// `SIGKILL`: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `SIGTERM`, and waits for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        signal(&child, "TERM");
        child.wait().unwrap()
    }

    /// Everything it logged so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `hookcap relay channel add NAME EXTRA` on its database; the token.
    pub fn channel(&self, name: &str, extra: &[&str]) -> String {
        let out = self.admin(&["channel", "add", name], extra);
        String::from_utf8(out).unwrap().trim().to_owned()
    }

    /// `hookcap relay ARGS EXTRA --db DB`, which must succeed; its stdout.
    pub fn admin(&self, args: &[&str], extra: &[&str]) -> Vec<u8> {
        let out = hookcap()
            .arg("relay")
            .args(args)
            .args(extra)
            .arg("--db")
            .arg(&self.db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "relay {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// The channel's public URL.
    pub fn url(&self, channel: &str) -> String {
        format!("https://{}/c/{channel}", self.addr)
    }

    /// A keep-alive TLS connection for sending raw requests.
    pub fn sender(&self) -> Sender {
        let tcp = TcpStream::connect(self.addr).expect("connect to the relay");
        tcp.set_read_timeout(Some(PATIENCE)).unwrap();
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let conn = ClientConnection::new(self.tls.clone(), name).unwrap();
        Sender(BufReader::new(StreamOwned::new(conn, tcp)))
    }

    /// Sends raw bytes on a new connection and reads one response.
    pub fn send(&self, bytes: &[u8]) -> RawResponse {
        self.sender().send(bytes).expect("an answer from the relay")
    }

    /// A POST of `body` to `path` with extra header lines, on a new connection.
    pub fn post(&self, path: &str, headers: &[&str], body: &[u8]) -> RawResponse {
        self.send(&post_bytes(path, headers, body))
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The bytes of a POST with `Content-Length`, extra header lines and a body.
pub fn post_bytes(path: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: relay.test\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn client_config(der: &[u8]) -> Arc<ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(der.to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// A TLS connection to the relay, one request at a time.
pub struct Sender(BufReader<StreamOwned<ClientConnection, TcpStream>>);

impl Sender {
    /// Writes `bytes` and reads one response; `None` once the connection failed.
    pub fn send(&mut self, bytes: &[u8]) -> Option<RawResponse> {
        self.0.get_mut().write_all(bytes).ok()?;
        self.0.get_mut().flush().ok()?;
        read_answer(&mut self.0)
    }
}

/// Reads one `Content-Length` response; `None` on any failure.
fn read_answer(reader: &mut impl BufRead) -> Option<RawResponse> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let status = line.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (n, v) = line.split_once(':')?;
        headers.push((n.trim().to_owned(), v.trim().to_owned()));
    }
    let mut res = RawResponse {
        status,
        headers,
        body: Vec::new(),
    };
    if (100..200).contains(&res.status) || res.status == 204 || res.status == 304 {
        return Some(res);
    }
    let length: usize = res.header("content-length")?.parse().ok()?;
    res.body.resize(length, 0);
    reader.read_exact(&mut res.body).ok()?;
    Some(res)
}

fn signal(child: &Child, name: &str) {
    Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
}

/// A `listen --via` (or `forward --via`) client of `channel` with `token`,
/// `--json` output, storing into `dir`; `command` is `["listen"]` or
/// `["forward", TARGET]`.
pub fn client_in(
    dir: tempfile::TempDir,
    relay: &Relay,
    command: &[&str],
    channel: &str,
    token: &str,
    extra: &[&str],
) -> Listener {
    let db = dir.path().join("hookcap.db");
    let mut child = hookcap()
        .args(command)
        .args(["--port", "0", "--json", "--db"])
        .arg(&db)
        .args(["--via", &relay.url(channel), "--via-ca"])
        .arg(&relay.certs.cert)
        .args(extra)
        .env("HOOKCAP_RELAY_TOKEN", token)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookcap starts");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines.recv_timeout(PATIENCE).expect("a first line");
    let addr = listening_addr(&first).unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    Listener {
        child,
        addr,
        db,
        lines,
        dir,
    }
}

/// `listen --via` into a fresh directory.
pub fn listen_via(relay: &Relay, channel: &str, token: &str, extra: &[&str]) -> Listener {
    client_in(
        tempfile::tempdir().unwrap(),
        relay,
        &["listen"],
        channel,
        token,
        extra,
    )
}

/// Waits until the client reports `relay: connected` (in its `--json` events).
pub fn wait_connected(client: &mut Listener) {
    wait_event(client, r#""state":"connected""#);
}

/// Waits for a `relay` event of the client containing `needle`; returns it.
pub fn wait_event(client: &mut Listener, needle: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = client.lines.recv_timeout(left) else {
            let _ = client.child.kill();
            panic!("no relay event with {needle}: {}", client.stderr());
        };
        if line.contains(r#""event":"relay""#) && line.contains(needle) {
            return line;
        }
    }
}

/// Waits until `done()` holds, failing with `what` after [`PATIENCE`] (times 3
/// for the long bursts).
pub fn wait_until(what: &str, patience: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + patience;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The relayed requests of a local database in local-id order: (local id,
/// relay id, body).
pub fn relayed(db: &Path) -> Vec<(i64, i64, Vec<u8>)> {
    let Ok(conn) = rusqlite::Connection::open(db) else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare(
        "SELECT r.id, v.relay_id, r.body FROM requests r JOIN relayed v ON v.request_id = r.id ORDER BY r.id",
    ) else {
        return Vec::new();
    };
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map(|rows| rows.map_while(Result::ok).collect())
        .unwrap_or_default()
}

/// How many requests a database holds (0 when it cannot be read yet).
pub fn count(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("SELECT count(*) FROM requests", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Sends `total` POSTs to `/c/CHANNEL/burst` over `conns` keep-alive
/// connections on threads of their own; request `i` has the body `seq=i`.
/// Counts answers in `progress`; returns each request's status (`None`:
/// never answered, e.g. the relay was killed).
pub fn burst(
    relay: &Relay,
    channel: &str,
    total: usize,
    conns: usize,
    progress: Arc<std::sync::atomic::AtomicUsize>,
) -> std::thread::JoinHandle<Vec<Option<u16>>> {
    let senders: Vec<Sender> = (0..conns).map(|_| relay.sender()).collect();
    let path = format!("/c/{channel}/burst");
    std::thread::spawn(move || {
        let threads: Vec<_> = senders
            .into_iter()
            .enumerate()
            .map(|(k, mut sender)| {
                let path = path.clone();
                let progress = progress.clone();
                std::thread::spawn(move || {
                    let mut got = Vec::new();
                    for i in (k..total).step_by(conns) {
                        let body = format!("seq={i}");
                        let status = sender
                            .send(&post_bytes(&path, &[], body.as_bytes()))
                            .map(|r| r.status);
                        progress.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        got.push((i, status));
                        if status.is_none() {
                            break;
                        }
                    }
                    got
                })
            })
            .collect();
        let mut statuses = vec![None; total];
        for t in threads {
            for (i, status) in t.join().unwrap() {
                statuses[i] = status;
            }
        }
        statuses
    })
}

/// The sequence number in a burst request's body.
pub fn seq_of(body: &[u8]) -> usize {
    String::from_utf8_lossy(body)
        .strip_prefix("seq=")
        .and_then(|n| n.parse().ok())
        .expect("a burst body")
}
