//! The inspector end to end: the real binary in a real pseudo-terminal (tmux),
//! real HTTP requests, and the screen read back.
//!
//! Each test runs its own tmux server on a private socket, polls the screen
//! with a deadline (no fixed sleeps) and kills the server when it ends. Without
//! tmux the tests are skipped with a message saying so.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::util::{Behavior, PATIENCE, Upstream, send_raw};

/// A tmux server of its own (its socket in a temporary directory, removed
/// with it) with one 120×40 window running a command.
struct Tmux {
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `shell_command` in a new detached session, or `None` (after
    /// saying so) when tmux is not installed.
    fn start(shell_command: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping the inspector end-to-end test: tmux is not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Self {
            socket: dir.path().join("tmux.sock"),
            _dir: dir,
        };
        let out = t.tmux(&["new-session", "-d", "-x", "120", "-y", "40", shell_command]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(t)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// The visible screen as text.
    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// A tmux format value of the pane, e.g. `#{alternate_on}`.
    fn pane(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    /// Waits until the screen satisfies `ok`, failing with the screen after [`PATIENCE`].
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// A shell command running hookcap with a clean environment (times in UTC),
/// then reporting its exit status and whether the terminal is back in
/// canonical mode, and staying open so the screen can be read.
fn shell(db: &Path, args: &str) -> String {
    shell_with(db, args, "TZ=UTC")
}

/// [`shell`] with `TZ` set to `zone`.
fn shell_in_zone(db: &Path, args: &str, zone: &str) -> String {
    shell_with(db, args, &format!("TZ='{zone}'"))
}

/// [`shell`] with these `NAME=value` settings in the environment.
fn shell_with(db: &Path, args: &str, settings: &str) -> String {
    format!(
        "env -u HOOKCAP_DB -u HOOKCAP_PORT -u HOOKCAP_LOG -u NO_COLOR -u HOOKCAP_SECRET \
         TERM=xterm-256color {settings} \
         '{bin}' {args} --db '{db}'; echo \"exit=$?\"; \
         stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon; sleep 600",
        bin = env!("CARGO_BIN_EXE_hookcap"),
        db = db.display(),
    )
}

/// True once the shell has printed the exit status and the terminal mode.
fn exited(screen: &str) -> bool {
    screen.contains("exit=") && screen.lines().any(|l| l == "icanon" || l == "-icanon")
}

/// The port in the top bar's `listening on http://127.0.0.1:PORT`.
/// `hookcap ARGS --db DB` in tmux, once its top bar shows the port it listens
/// on; None (the test is skipped) where tmux is missing.
fn start_listening(db: &Path, args: &str) -> Option<(Tmux, u16)> {
    let t = Tmux::start(&shell(db, args))?;
    let screen = t.wait_for("the top bar", |s| port_on(s).is_some());
    let port = port_on(&screen).expect("port");
    Some((t, port))
}

fn port_on(screen: &str) -> Option<u16> {
    let rest = screen.split("listening on http://127.0.0.1:").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn post(port: u16, path: &str, content_type: &str, body: &[u8]) {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let addr = format!("127.0.0.1:{port}").parse().expect("address");
    assert_eq!(send_raw(addr, &req).status, 200);
}

#[test]
fn listen_shows_requests_live_with_escapes_inert_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((t, port)) = start_listening(&db, "listen --port 0") else {
        return;
    };
    assert_eq!(
        t.pane("#{alternate_on}"),
        "1",
        "the inspector uses the alternate screen"
    );

    let started = Instant::now();
    post(port, "/first", "application/json", br#"{"hello":"world"}"#);
    t.wait_for("the first request", |s| s.contains("/first"));
    let latency = started.elapsed();

    let hostile = b"before \x1b[2J\x1b]0;pwned\x07\xc2\x9b after";
    post(port, "/evil", "text/plain", hostile);
    t.wait_for("the second request", |s| s.contains("/evil"));
    t.keys(&["3"]);
    let screen = t.wait_for("the escaped body", |s| {
        s.contains(r"before \x1b[2J\x1b]0;pwned\x07\u{9b} after")
    });
    assert!(
        screen.contains("/first") && screen.contains("hookcap │"),
        "nothing was cleared:\n{screen}"
    );
    assert_ne!(
        t.pane("#{pane_title}"),
        "pwned",
        "the title was not changed"
    );

    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(
        screen.lines().any(|l| l == "icanon"),
        "raw mode is off:\n{screen}"
    );
    assert!(screen.contains("session 1 captured 2 requests"), "{screen}");
    assert_eq!(
        t.pane("#{alternate_on}"),
        "0",
        "the alternate screen was left"
    );
    assert_eq!(t.pane("#{cursor_flag}"), "1", "the cursor is shown");
    eprintln!("request to screen: {latency:?} (includes tmux polling)");
}

#[test]
fn ui_follows_what_another_process_captures_and_ctrl_c_quits() {
    let listener = crate::util::Listener::start(&[]);
    post(listener.addr.port(), "/before", "text/plain", b"old");
    let Some(t) = Tmux::start(&shell(&listener.db, "ui --follow")) else {
        return;
    };
    t.wait_for("the stored request", |s| {
        s.contains("/before") && s.contains("browsing")
    });
    post(listener.addr.port(), "/after", "text/plain", b"new");
    let screen = t.wait_for("the new request", |s| {
        s.contains("/after") && s.contains("#2 POST /after")
    });
    assert!(screen.contains("FOLLOW"), "{screen}");
    t.keys(&["C-c"]);
    let screen = t.wait_for("the exit", exited);
    assert!(
        screen.contains("exit=0") && screen.lines().any(|l| l == "icanon"),
        "{screen}"
    );
}

#[test]
fn the_readme_lists_every_key_of_the_help() {
    let readme = include_str!("../README.md");
    for (keys, what) in hookcap::inspector::HELP {
        let row = format!("| `{keys}` | {what} |");
        assert!(readme.contains(&row), "README.md lacks the key row {row}");
    }
}

#[test]
fn ui_without_a_terminal_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::run(&dir.path().join("h.db"), &["ui"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}

#[test]
fn exit_after_still_counts_and_closes_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((t, port)) = start_listening(&db, "listen --port 0 --exit-after 1 --timeout 20s")
    else {
        return;
    };
    post(port, "/once", "text/plain", b"x");
    let screen = t.wait_for("the exit", exited);
    assert!(
        screen.contains("exit=0") && screen.lines().any(|l| l == "icanon"),
        "{screen}"
    );
    assert!(screen.contains("captured 1 request into"), "{screen}");
}

/// Sends `POST path` with extra header lines; returns the status.
fn post_with(port: u16, path: &str, headers: &str, body: &[u8]) -> u16 {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let addr = format!("127.0.0.1:{port}").parse().expect("address");
    send_raw(addr, &req).status
}

#[test]
fn live_checks_show_as_badges_and_the_filter_speaks_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let args = "listen --port 0 --verify github --secret s3cret --reject-invalid";
    let Some((t, port)) = start_listening(&db, args) else {
        return;
    };
    assert_eq!(post_with(port, "/unsigned", "", b"{}"), 401);
    let bad = "X-Hub-Signature-256: sha256=0000000000000000000000000000000000000000000000000000000000000000\r\n";
    assert_eq!(post_with(port, "/tampered", bad, b"{}"), 401);
    // The Overview spells out the verdict (waited for with the badges: tmux
    // may show a frame half-drawn).
    t.wait_for("both badges and the Overview's verdict", |s| {
        s.contains("✗ github: signature mismatch")
            && s.contains("- unsigned")
            && s.contains("signature ✗ github: signature mismatch")
            && s.contains("rejected  ")
    });

    // The listener starts filtered to its session; add a term to that.
    t.keys(&["/", " sig:unsigned", "Enter"]);
    t.wait_for("only the unsigned request", |s| {
        s.contains("/unsigned") && !s.contains("/tampered")
    });
    t.keys(&["/", " status:4x"]);
    let screen = t.wait_for("the caret under the bad term", |s| {
        s.contains("is not a status") && s.contains("^^")
    });
    let filter_row = screen
        .lines()
        .find(|l| l.contains("status:4x"))
        .expect("the filter line");
    let caret_row = screen.lines().find(|l| l.contains("^^")).expect("carets");
    assert_eq!(
        caret_row.find('^'),
        filter_row.find("4x"),
        "the carets stand under the bad value:\n{screen}"
    );
    // Apart, or the terminal reads Escape then q as Alt-q.
    t.keys(&["Escape"]);
    t.wait_for("the filter cleared", |s| {
        s.contains("/unsigned") && s.contains("/tampered")
    });
    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
}

/// True when the status line says `outcome…` and nothing after the time
/// (no error, nothing unrecorded). Whole-screen conditions go in `wait_for`
/// rather than after it: tmux may show a frame half-drawn.
fn replayed(screen: &str, outcome: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains(outcome) && l.trim_end().ends_with("ms"))
}

/// The `kind` of every delivery `show ID --json` lists, in order.
fn delivery_kinds(db: &Path, id: &str) -> Vec<String> {
    let doc = crate::util::show_json(db, id);
    doc["deliveries"]
        .as_array()
        .expect("a deliveries array")
        .iter()
        .map(|d| d["kind"].as_str().expect("a kind").to_owned())
        .collect()
}

#[test]
fn r_in_ui_replays_a_forwarded_request_and_lists_the_delivery() {
    let upstream = Upstream::start(Behavior::Echo);
    let listener = crate::util::Listener::forward(&upstream.url(), &[]);
    let forwarded = listener.post("/hook", &["Content-Type: application/json"], b"{\"a\":1}");
    assert_eq!(forwarded.status, 201, "the echo app answers 201");
    let Some(t) = Tmux::start(&shell(&listener.db, "ui")) else {
        return;
    };
    t.wait_for("the request and its forward", |s| {
        s.contains("/hook") && s.contains("forward 201")
    });
    t.keys(&["5"]);
    t.wait_for("the forward in the Deliveries tab", |s| {
        s.contains("5 Deliveries (1)") && s.contains(&format!("forward → {}/hook", upstream.url()))
    });

    t.keys(&["r"]);
    t.wait_for("the replay's outcome, recorded", |s| {
        replayed(s, "#1 replayed → 201 in ")
    });
    t.wait_for("the replay in the tab and the list", |s| {
        s.contains("5 Deliveries (2)")
            && s.contains("replay 201")
            && s.contains(&format!("replay → {}/hook", upstream.url()))
    });
    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");

    assert_eq!(delivery_kinds(&listener.db, "1"), ["forward", "replay"]);
    let lines = upstream.request_lines();
    assert_eq!(lines, ["POST /hook HTTP/1.1", "POST /hook HTTP/1.1"]);
}

#[test]
fn r_in_forward_on_a_terminal_records_through_the_listener() {
    let upstream = Upstream::start(Behavior::Echo);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let args = format!("forward {} --port 0", upstream.url());
    let Some((t, port)) = start_listening(&db, &args) else {
        return;
    };
    assert_eq!(post_with(port, "/fwd", "", b"{}"), 201);
    let screen = t.wait_for("the forward in the list", |s| {
        s.contains("/fwd") && s.contains("forward 201")
    });
    let top = screen.lines().next().unwrap_or_default();
    assert!(
        top.contains(&format!("→ {} · session 1", upstream.url())),
        "the top bar says where requests go: {top}"
    );
    t.keys(&["r"]);
    t.wait_for("the replay's outcome, recorded", |s| {
        replayed(s, "#1 replayed → 201 in ")
    });
    t.keys(&["5"]);
    t.wait_for("both deliveries", |s| {
        s.contains("5 Deliveries (2)") && s.contains("2 deliveries, newest first")
    });
    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(
        screen.contains("captured 1 request into"),
        "a replay is not a capture:\n{screen}"
    );
    assert_eq!(delivery_kinds(&db, "1"), ["forward", "replay"]);
    assert_eq!(upstream.requests().len(), 2);
}

#[test]
fn r_on_a_request_captured_by_listen_says_there_is_no_destination() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((t, port)) = start_listening(&db, "listen --port 0") else {
        return;
    };
    post(port, "/nowhere", "text/plain", b"x");
    t.wait_for("the request", |s| s.contains("/nowhere"));
    t.keys(&["r"]);
    t.wait_for("the explanation", |s| {
        s.contains(
            "#1 has no destination (captured by `hookcap listen`): R to type one, \
             or `hookcap replay 1 --to URL`",
        )
    });
    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(delivery_kinds(&db, "1").is_empty());
}

/// Quitting the inspector with a request in flight restores the terminal and
/// says what it waits for, instead of a blank screen; Ctrl-C then quits at once.
#[test]
fn quitting_with_a_request_in_flight_says_so_and_ctrl_c_quits_now() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((t, port)) = start_listening(&db, "listen --port 0 --drain-timeout 10m") else {
        return;
    };
    let mut upload = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    upload.set_read_timeout(Some(PATIENCE)).unwrap();
    upload
        .write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n")
        .unwrap();
    let mut continued = [0u8; 25];
    upload.read_exact(&mut continued).unwrap();
    upload.write_all(b"only the start").unwrap();
    t.keys(&["q"]);
    t.wait_for("the message", |s| {
        s.contains("waiting for 1 in-flight request (Ctrl-C again to quit now)")
    });
    assert_eq!(t.pane("#{alternate_on}"), "0", "the terminal is restored");
    t.keys(&["C-c"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(screen.contains("cut off 1 in-flight request"), "{screen}");
    let mut got = Vec::new();
    let _ = upload.read_to_end(&mut got);
    assert!(
        !got.starts_with(b"HTTP/1.1 2"),
        "no answer for what was cut off"
    );
}

#[test]
fn two_inspectors_on_one_database_each_count_what_they_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((a, port_a)) = start_listening(&db, "listen --port 0") else {
        return;
    };
    let Some((b, port_b)) = start_listening(&db, "listen --port 0") else {
        return;
    };
    for path in ["/a1", "/a2"] {
        post(port_a, path, "text/plain", b"x");
    }
    for path in ["/b1", "/b2", "/b3"] {
        post(port_b, path, "text/plain", b"x");
    }
    a.wait_for("its own two requests, counted", |s| {
        s.contains("/a2") && s.contains("session 1 │ 2 requests")
    });
    b.wait_for("its own three requests, counted", |s| {
        s.contains("/b3") && s.contains("session 2 │ 3 requests")
    });
    post(port_a, "/a3", "text/plain", b"x");
    a.wait_for("the third, counted live", |s| {
        s.contains("/a3") && s.contains("session 1 │ 3 requests")
    });
    for t in [a, b] {
        t.keys(&["q"]);
        let screen = t.wait_for("the exit", exited);
        assert!(screen.contains("exit=0"), "{screen}");
    }
}

#[test]
fn the_inspector_shows_local_times() {
    let listener = crate::util::Listener::start(&[]);
    post(listener.addr.port(), "/timed", "text/plain", b"x");
    let doc = crate::util::show_json(&listener.db, "1");
    let utc: jiff::Timestamp = doc["received_at"].as_str().unwrap().parse().unwrap();
    let local = utc.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    let clock = local.strftime("%H:%M:%S%.3f").to_string();
    let Some(t) = Tmux::start(&shell_in_zone(&listener.db, "ui", "CET-1")) else {
        return;
    };
    let received = local.strftime("%Y-%m-%d %H:%M:%S%.6f CET").to_string();
    // One condition for the whole screen: tmux may show a frame half-drawn.
    t.wait_for(
        "the request at its local time, in the list and the Overview",
        |s| {
            s.contains("/timed")
                && s.contains("TIME (CET)")
                && s.contains(&clock)
                && s.contains(&received)
        },
    );
    t.keys(&["q"]);
    t.wait_for("the exit", exited);
}

#[test]
fn v_checks_the_signature_with_hookcap_secret() {
    let listener = crate::util::Listener::start(&[]);
    let body = br#"{"zen":"ok"}"#;
    let signed = crate::util::github_headers(body, "s3cret");
    let headers: String = signed.iter().map(|h| format!("{h}\r\n")).collect();
    assert_eq!(post_with(listener.addr.port(), "/gh", &headers, body), 200);
    let Some(t) = Tmux::start(&shell_with(
        &listener.db,
        "ui",
        "TZ=UTC HOOKCAP_SECRET=s3cret",
    )) else {
        return;
    };
    t.wait_for("the request", |s| s.contains("/gh"));
    t.keys(&["v"]);
    t.wait_for("the verdict, explained", |s| {
        s.contains("#1: valid (github)")
            && s.contains("verify    valid: signature matches — provider github (detected)")
    });
    t.keys(&["q"]);
    t.wait_for("the exit", exited);
}

/// `listen --respond`: two attempts of one GitHub delivery, the first
/// answered 503 by the rule, the second 200; the list shows the event and
/// `attempt 2/2`, the Response tab the rule, and `=` on both the diff.
#[test]
fn webhook_attempts_rules_and_the_diff_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let args = "listen --port 0 --respond 'provider:github => 503 Retry-After:1, 200'";
    let Some((t, port)) = start_listening(&db, args) else {
        return;
    };
    let body = br#"{"action":"opened","number":7}"#;
    let attempt = |n: u32| {
        format!(
            "X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: 72d3f0c2-pr\r\nX-Attempt: {n}\r\n"
        )
    };
    assert_eq!(post_with(port, "/webhooks/github", &attempt(1), body), 503);
    assert_eq!(post_with(port, "/webhooks/github", &attempt(2), body), 200);
    t.wait_for("both attempts with their event and place", |s| {
        s.contains("EVENT")
            && s.contains("pull_request.opened")
            && s.contains("attempt 1/2")
            && s.contains("attempt 2/2")
            && s.contains("attempts of this delivery (2)")
    });
    t.keys(&["4"]);
    t.wait_for("the rule on the Response tab", |s| {
        s.contains("200 OK  answered by a rule (listen --respond)")
            && s.contains("rule      #1, step 2: 200")
    });
    t.keys(&["="]);
    t.wait_for("the mark", |s| s.contains("#2 marked"));
    t.keys(&["k"]);
    t.keys(&["="]);
    t.wait_for("the diff of the two attempts", |s| {
        s.contains("= diff #2 → #1")
            && s.contains("--- #2 (session 1)")
            && s.contains("+++ #1 (session 1)")
            && s.contains("~ X-Attempt: 2 → X-Attempt: 1")
    });
    t.keys(&["Escape"]);
    t.wait_for("the Response tab again", |s| {
        s.contains("503 Service Unavailable  answered by a rule")
            && s.contains("rule      #1, step 1: 503 Retry-After:1")
    });
    t.keys(&["q"]);
    let screen = t.wait_for("the exit", exited);
    assert!(screen.contains("exit=0"), "{screen}");
}

/// A terminal that goes away under the inspector (its window closed, tmux
/// killed) ends the listener, keeping what it stored, instead of leaving it
/// spinning on the dead terminal (crossterm reads end-of-file in a loop).
#[test]
fn a_terminal_that_hangs_up_ends_the_listener() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let Some((t, port)) = start_listening(&db, "listen --port 0") else {
        return;
    };
    post(port, "/before", "text/plain", b"x");
    t.wait_for("the request", |s| s.contains("/before"));
    let pid = hookcap_pid_using(&db).expect("the listener's pid");
    t.tmux(&["kill-server"]);
    let deadline = Instant::now() + PATIENCE;
    while is_running(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let ended = !is_running(pid);
    if !ended {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    assert!(ended, "the listener still runs after its terminal hung up");
    let doc = crate::util::show_json(&db, "1");
    assert_eq!(doc["target"], "/before");
}

/// The pid of the `hookcap` process (not its shell) whose command line names `db`.
fn hookcap_pid_using(db: &Path) -> Option<u32> {
    let db = db.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let args: Vec<String> = cmdline
                .split(|&b| b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let program = args.first()?;
            (program.ends_with("/hookcap") && args.contains(&db)).then_some(pid)
        })
}

/// True while `pid` exists and is not a zombie.
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}
