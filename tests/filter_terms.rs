//! The filter language on the command line: terms as arguments, errors that
//! point at the term, flags as the older spelling.

use crate::util::{Listener, run, run_ok};

fn ids(out: &[u8]) -> Vec<i64> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

fn filled() -> Listener {
    let l = Listener::start(&[]);
    l.post(
        "/hooks/github",
        &["Content-Type: application/json", "X-GitHub-Event: push"],
        br#"{"ref":"refs/heads/main","repository":{"name":"hookcap"}}"#,
    );
    l.post(
        "/hooks/github",
        &["X-GitHub-Event: ping"],
        br#"{"zen":"keep it simple"}"#,
    );
    l.post(
        "/hooks/stripe?live=1",
        &["Stripe-Signature: t=1,v1=abc"],
        b"type=charge.succeeded",
    );
    l.send_raw(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    l
}

#[test]
fn ls_takes_terms_as_arguments_anded() {
    let l = filled();
    let table: &[(&[&str], &[i64])] = &[
        (&["method:post"], &[3, 2, 1]),
        (&["path:/hooks/*", "method:POST"], &[3, 2, 1]),
        (&["header:X-GitHub-Event"], &[2, 1]),
        (&["header:x-github-event=push"], &[1]),
        (&["json:/ref=refs/heads/main"], &[1]),
        (&["json:/repository/name"], &[1]),
        (&["body:charge"], &[3]),
        (&["status:2xx", "id:>2"], &[4, 3]),
        (&["status:404"], &[]),
        (&["session:latest", "since:1h"], &[4, 3, 2, 1]),
        (&["simple"], &[2]),
        (&["live=1"], &[3]),
        (&["text:v1=abc"], &[3]),
    ];
    for (terms, want) in table {
        let mut args = vec!["ls", "--json"];
        args.extend_from_slice(terms);
        assert_eq!(ids(&run_ok(&l.db, &args)), *want, "{terms:?}");
    }
}

#[test]
fn flags_and_terms_combine() {
    let l = filled();
    assert_eq!(
        ids(&run_ok(
            &l.db,
            &[
                "ls",
                "--json",
                "--method",
                "POST",
                "header:X-GitHub-Event=ping"
            ]
        )),
        [2]
    );
}

#[test]
fn residual_terms_still_fill_the_page() {
    let l = filled();
    assert_eq!(
        ids(&run_ok(&l.db, &["ls", "--json", "-n", "1", "json:/zen"])),
        [2]
    );
}

#[test]
fn a_bad_term_is_a_usage_error_that_points_at_it() {
    let l = filled();
    let out = run(&l.db, &["ls", "method:POST", "status:20x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid filter term \"status:20x\""), "{err}");
    assert!(err.contains("class like 2xx"), "{err}");
}

#[test]
fn sig_terms_select_by_the_live_verdict() {
    let l = filled();
    // Nothing was checked while capturing, so no request has a verdict.
    for term in ["sig:valid", "sig:invalid", "sig:unsigned"] {
        assert!(
            ids(&run_ok(&l.db, &["ls", "--json", term])).is_empty(),
            "{term}"
        );
    }
}

#[test]
fn listen_exit_after_counts_only_matching_requests() {
    let mut l = Listener::start(&[
        "--exit-after",
        "1",
        "--match",
        "json:/ok=true",
        "--timeout",
        "20s",
    ]);
    l.post("/a", &[], br#"{"ok":false}"#);
    l.post("/b", &[], b"not json");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(l.child.try_wait().unwrap().is_none(), "no match yet");
    l.post("/c", &[], br#"{"ok":true}"#);
    assert_eq!(l.wait_exit().code(), Some(0));
}

#[test]
fn delivery_terms_pick_by_the_newest_delivery_in_ls_and_replay() {
    use crate::util::{Behavior, Upstream, closed_port};
    let failing = Upstream::start(Behavior::Status(503));
    let l = Listener::forward(&failing.url(), &[]);
    l.post("/a", &[], b"1");
    l.post("/b", &[], b"2");
    let json = |args: &[&str]| {
        let mut all = vec!["ls", "--json"];
        all.extend_from_slice(args);
        ids(&run_ok(&l.db, &all))
    };
    assert_eq!(json(&["delivery:5xx"]), [2, 1]);
    assert_eq!(json(&["delivery:503"]), [2, 1]);
    assert_eq!(json(&["delivery:none"]), Vec::<i64>::new());

    let fixed = Upstream::start(Behavior::Status(200));
    let out = run(
        &l.db,
        &[
            "replay",
            "--all",
            "delivery:5xx",
            "path:/a",
            "--to",
            &fixed.url(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fixed.requests().len(), 1, "only /a was replayed");
    assert_eq!(json(&["delivery:5xx"]), [2]);
    assert_eq!(json(&["delivery:2xx"]), [1]);

    let refused = format!("http://127.0.0.1:{}", closed_port());
    run(&l.db, &["replay", "2", "--to", &refused]);
    assert_eq!(json(&["delivery:error"]), [2]);
    assert_eq!(
        json(&["status:5xx"]),
        [2, 1],
        "status: is still the first answer"
    );

    assert_eq!(
        json(&["delivery:evt_1"]),
        Vec::<i64>::new(),
        "any other value is the provider's delivery id"
    );
}
