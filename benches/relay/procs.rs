//! The processes the relay benchmark drives: `hookcap relay`, `hookcap
//! listen` (the reference) and `hookcap listen --via` (the laptop), each on
//! loopback with a database in a temporary directory.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a process may take to print its address.
const STARTUP_PATIENCE: Duration = Duration::from_secs(30);

/// A process under test, and the lines it prints after its first.
pub struct Proc {
    /// Where it accepts connections.
    pub addr: SocketAddr,
    /// Its database.
    pub db: PathBuf,
    /// Its stdout after the first line.
    pub lines: mpsc::Receiver<(Instant, String)>,
    child: Child,
}

impl Proc {
    /// `hookcap relay` on plain HTTP with `--rate off` and no retention, so
    /// it is compared with `listen` doing the same work.
    pub fn relay(db: &Path) -> Self {
        let mut cmd = crate::common::hookcap();
        cmd.args([
            "relay",
            "--port",
            "0",
            "--rate",
            "off",
            "--max-age",
            "0s",
            "--db",
        ])
        .arg(db);
        Self::spawn(cmd, db, "Relay listening on http://")
    }

    /// `hookcap listen --no-tui` (stdout drained like the capture benchmark's).
    pub fn listen(db: &Path) -> Self {
        let mut cmd = crate::common::hookcap();
        cmd.args(["listen", "--port", "0", "--no-tui", "--db"])
            .arg(db);
        Self::spawn(cmd, db, "Listening on http://")
    }

    /// `hookcap listen --json --via URL` as consumer `name`, with its lines
    /// timestamped as they are read.
    pub fn laptop(db: &Path, url: &str, token: &str, name: &str) -> Self {
        let mut cmd = crate::common::hookcap();
        cmd.args([
            "listen",
            "--port",
            "0",
            "--json",
            "--via",
            url,
            "--consumer",
            name,
        ])
        .arg("--db")
        .arg(db)
        .env("HOOKCAP_RELAY_TOKEN", token);
        Self::spawn(cmd, db, "")
    }

    fn spawn(mut cmd: Command, db: &Path, prefix: &str) -> Self {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send((Instant::now(), line)).is_err() {
                    return;
                }
            }
        });
        let (_, first) = lines
            .recv_timeout(STARTUP_PATIENCE)
            .unwrap_or_else(|_| panic!("{cmd:?} printed nothing"));
        let addr = if prefix.is_empty() {
            let event: serde_json::Value = serde_json::from_str(&first).expect("a JSON event");
            event["url"]
                .as_str()
                .and_then(|u| u.strip_prefix("http://"))
                .map(str::to_owned)
        } else {
            first.strip_prefix(prefix).map(str::to_owned)
        };
        let addr = addr
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        Self {
            addr,
            db: db.to_owned(),
            lines,
            child,
        }
    }

    /// The process id, for `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until a `relay` event with `state` `connected` was printed.
    pub fn wait_connected(&self) {
        let deadline = Instant::now() + STARTUP_PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (_, line) = self.lines.recv_timeout(left).expect("the laptop connects");
            if line.contains(r#""state":"connected""#) {
                return;
            }
        }
    }

    /// SIGTERM, and waits for the exit.
    pub fn stop(mut self) {
        let pid = self.pid().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hookcap relay channel add NAME --db DB`: the token.
pub fn add_channel(db: &Path, name: &str) -> String {
    let out = crate::common::hookcap()
        .args(["relay", "channel", "add", name, "--db"])
        .arg(db)
        .output()
        .expect("hookcap runs");
    assert!(out.status.success(), "channel add {name} failed");
    String::from_utf8(out.stdout)
        .expect("a token")
        .trim()
        .to_owned()
}

/// Requests in a database (0 while it cannot be read).
/// How many requests `db` holds. The newest id, not `count(*)`: the drain
/// phase asks every few milliseconds, and counting 100,000 rows each time
/// would take CPU from the processes being measured (ids are never reused and
/// the benches delete nothing, so the two agree).
pub fn rows(db: &Path) -> u64 {
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.query_row("SELECT coalesce(max(id), 0) FROM requests", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .map_or(0, |n| n as u64)
}
