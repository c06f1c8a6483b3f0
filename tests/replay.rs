//! `hookcap replay`: stored requests sent again, byte-exact, and every attempt recorded.

use std::path::Path;
use std::process::Output;

use crate::util::{
    Behavior, Listener, Upstream, closed_port, hookcap, run, show_json, split_request,
};

fn replay(db: &Path, args: &[&str], editor: Option<&str>) -> Output {
    let mut cmd = hookcap();
    cmd.arg("replay").args(args).arg("--db").arg(db);
    cmd.env_remove("VISUAL");
    match editor {
        Some(e) => cmd.env("EDITOR", e),
        None => cmd.env_remove("EDITOR"),
    };
    cmd.output().expect("hookcap replay runs")
}

/// The deliveries of the newest request, from `show --json`.
fn deliveries(db: &Path) -> Vec<serde_json::Value> {
    show_json(db, "last")["deliveries"]
        .as_array()
        .expect("a deliveries array")
        .clone()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A listener with one captured request: mixed case, duplicates, hop-by-hop fields.
fn captured() -> Listener {
    let l = Listener::start(&[]);
    l.send_raw(
        b"POST /hook?x=1 HTTP/1.1\r\nhost: hooks.example\r\nX-Sig: v1=abc\r\nContent-Type: application/json\r\n\
          X-Dup: 1\r\nConnection: close\r\nx-dup: 2\r\nContent-Length: 16\r\n\r\n{\"event\":\"ping\"}",
    );
    l
}

#[test]
fn a_replay_sends_the_stored_request_byte_exact() {
    let l = captured();
    let app = Upstream::start(Behavior::Echo);
    let out = replay(&l.db, &["last", "--to", &app.url()], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let (head, body) = split_request(&app.requests()[0]);
    let expected = [
        "POST /hook?x=1 HTTP/1.1".to_owned(),
        format!("host: {}", app.addr),
        "X-Sig: v1=abc".into(),
        "Content-Type: application/json".into(),
        "X-Dup: 1".into(),
        "x-dup: 2".into(),
        "Content-Length: 16".into(),
    ];
    assert_eq!(head, expected);
    assert_eq!(body, b"{\"event\":\"ping\"}");
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("#1 POST {}/hook?x=1 → 201 ", app.url())),
        "{text}"
    );
    assert!(
        text.contains("X-Sig: v1=abc"),
        "the echoed body is printed: {text}"
    );
    let d = &show_json(&l.db, "1")["deliveries"][0];
    assert_eq!(
        (d["kind"].as_str(), d["status"].as_u64()),
        (Some("replay"), Some(201))
    );
    assert_eq!(
        d["response"]["headers"][0][0], "X-Echo-Case",
        "answer headers keep their case"
    );
}

#[test]
fn a_replay_goes_to_the_forward_target_of_its_session_by_default() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&format!("{}/base", app.url()), &[]);
    l.post("/hook", &[], b"{}");
    let out = replay(&l.db, &["last"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        app.request_lines(),
        ["POST /base/hook HTTP/1.1", "POST /base/hook HTTP/1.1"]
    );
    let kinds: Vec<String> = deliveries(&l.db)
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["forward", "replay"]);
}

#[test]
fn without_a_known_destination_nothing_is_sent_and_the_error_says_why() {
    let l = captured();
    let out = replay(&l.db, &["last"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--to URL"), "{}", stderr(&out));
}

#[test]
fn edit_sends_what_the_editor_saved() {
    let l = captured();
    let app = Upstream::start(Behavior::Echo);
    let script = l.dir.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i -e 's/ping/pingpong/' -e 's/^X-Sig: .*/X-Sig: edited/' \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = replay(
        &l.db,
        &["1", "--edit", "--to", &app.url()],
        Some(script.to_str().unwrap()),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (head, body) = split_request(&app.requests()[0]);
    assert_eq!(
        body, b"{\"event\":\"pingpong\"}",
        "no newline added by the edit"
    );
    assert!(head.contains(&"X-Sig: edited".to_owned()), "{head:?}");
    assert!(head.contains(&"Content-Length: 20".to_owned()), "{head:?}");
}

#[test]
fn an_aborted_edit_sends_nothing() {
    let l = captured();
    let app = Upstream::start(Behavior::Echo);
    let out = replay(
        &l.db,
        &["last", "--edit", "--to", &app.url()],
        Some("false"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    assert!(app.requests().is_empty());
    assert!(deliveries(&l.db).is_empty());
}

#[test]
fn times_three_sends_three_times_and_records_three_deliveries() {
    let l = captured();
    let app = Upstream::start(Behavior::Echo);
    let out = replay(
        &l.db,
        &["last", "--to", &app.url(), "--times", "3", "--json"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(app.requests().len(), 3);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .all(|d| d["status"] == 201 && d["kind"] == "replay")
    );
    assert_eq!(deliveries(&l.db).len(), 3);
}

#[test]
fn headers_and_the_body_can_be_replaced() {
    let l = captured();
    let app = Upstream::start(Behavior::Echo);
    let file = l.dir.path().join("body.json");
    std::fs::write(&file, "{\"fixed\":true}").unwrap();
    let body_arg = format!("@{}", file.display());
    let args = [
        "last",
        "--to",
        &app.url(),
        "-H",
        "x-sig: new",
        "-H",
        "X-Extra: 1",
        "--body",
        &body_arg,
    ];
    assert!(replay(&l.db, &args, None).status.success());
    let (head, body) = split_request(&app.requests()[0]);
    assert_eq!(
        head[2], "X-Sig: new",
        "replaced in place, keeping the stored case"
    );
    assert_eq!(head.last().unwrap(), "X-Extra: 1");
    assert!(head.contains(&"Content-Length: 14".to_owned()));
    assert_eq!(body, b"{\"fixed\":true}");
}

#[test]
fn a_non_2xx_answer_or_an_unreachable_destination_exits_1() {
    let l = captured();
    let app = Upstream::start(Behavior::Status(500));
    let out = replay(&l.db, &["last", "--to", &app.url()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("→ 500"));
    let down = format!("http://127.0.0.1:{}", closed_port());
    let out = replay(&l.db, &["last", "--to", &down], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no answer"), "{}", stdout(&out));
    let d = &deliveries(&l.db)[1];
    assert!(d["status"].is_null() && d["error"].as_str().unwrap().contains("connect"));
}

#[test]
fn all_replays_what_the_filters_match_in_capture_order() {
    let l = Listener::start(&[]);
    l.post("/a", &[], b"1");
    l.send_raw(b"GET /skip HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    l.post("/b", &[], b"2");
    let app = Upstream::start(Behavior::Echo);
    let out = replay(
        &l.db,
        &["--all", "--method", "POST", "--to", &app.url()],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        app.request_lines(),
        ["POST /a HTTP/1.1", "POST /b HTTP/1.1"]
    );
    assert!(stderr(&out).contains("2 of 2 attempts got a 2xx answer"));
    let bad = run(
        &l.db,
        &["replay", "last", "--method", "POST", "--to", &app.url()],
    );
    assert_eq!(bad.status.code(), Some(2), "filters need --all");
}

#[test]
fn resign_makes_a_changed_body_verify_again() {
    use hookcap::Timestamp;
    use hookcap::{ProviderKind, Secret, SignInput, provider};

    let original = br#"{"action":"opened"}"#;
    let signed = provider(ProviderKind::Github, None)
        .unwrap()
        .sign(
            &Secret::from_bytes("S"),
            &SignInput::new(original, Timestamp::now()),
        )
        .unwrap();
    let headers: Vec<String> = signed
        .headers
        .iter()
        .map(|h| format!("{}: {}", h.name, h.value_str()))
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let first = Listener::start(&[]);
    assert_eq!(first.post("/gh", &headers, original).status, 200);
    let second = Listener::start(&[]);
    let to = format!("http://{}", second.addr);
    let changed = first.dir.path().join("changed.json");
    std::fs::write(&changed, br#"{"action":"closed"}"#).unwrap();
    let body_arg = format!("@{}", changed.display());
    let verify = || {
        run(
            &second.db,
            &["verify", "last", "--provider", "github", "--secret", "S"],
        )
    };

    let stale = replay(&first.db, &["last", "--body", &body_arg, "--to", &to], None);
    assert!(stale.status.success(), "{}", stderr(&stale));
    assert_eq!(
        show_json(&second.db, "last")["body"]["data"],
        r#"{"action":"closed"}"#
    );
    assert_eq!(
        verify().status.code(),
        Some(1),
        "the old signature no longer matches"
    );

    let fresh = replay(
        &first.db,
        &[
            "last", "--body", &body_arg, "--resign", "github", "--secret", "S", "--to", &to,
        ],
        None,
    );
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    let out = verify();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = show_json(&second.db, "last");
    let names: Vec<&str> = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    let sigs = names
        .iter()
        .filter(|n| n.eq_ignore_ascii_case("x-hub-signature-256"))
        .count();
    assert_eq!(
        sigs, 1,
        "the old signature is replaced, not added to: {names:?}"
    );
}

#[test]
fn resign_needs_a_secret() {
    let l = captured();
    let out = replay(&l.db, &["last", "--resign", "github", "--to", "3000"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no secret"), "{}", stderr(&out));
}

#[test]
fn resign_gives_a_new_message_id_unless_h_sets_one() {
    let l = Listener::start(&[]);
    let sent = l.post(
        "/sw",
        &[
            "webhook-id: msg_old",
            "webhook-timestamp: 1",
            "webhook-signature: v1,c3RhbGU=",
            "Content-Type: application/json",
        ],
        b"{}",
    );
    assert_eq!(sent.status, 200);
    let app = Upstream::start(Behavior::Echo);
    let resign = |extra: &[&str]| {
        let mut args = vec![
            "last",
            "--resign",
            "standard",
            "--secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--to",
        ];
        let url = app.url();
        args.push(&url);
        args.extend_from_slice(extra);
        let out = replay(&l.db, &args, None);
        assert!(out.status.success(), "{}", stderr(&out));
        let (head, _) = split_request(app.requests().last().unwrap());
        let ids: Vec<String> = head
            .iter()
            .filter_map(|line| line.strip_prefix("webhook-id: "))
            .map(str::to_owned)
            .collect();
        let names: Vec<&str> = head.iter().filter_map(|l| l.split(':').next()).collect();
        assert_eq!(
            names[3..],
            [
                "webhook-id",
                "webhook-timestamp",
                "webhook-signature",
                "Content-Type"
            ],
            "replaced in place, not added"
        );
        ids
    };
    let fresh = resign(&[]);
    assert_eq!(fresh.len(), 1, "{fresh:?}");
    assert!(
        fresh[0].starts_with("msg_") && fresh[0] != "msg_old",
        "{fresh:?}"
    );
    assert_ne!(resign(&[]), fresh, "each replay is a new message");
    assert_eq!(
        resign(&["-H", "webhook-id: msg_old"]),
        ["msg_old"],
        "-H keeps the id"
    );
}
