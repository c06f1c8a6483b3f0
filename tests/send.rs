//! `hookcap send` end to end: what arrives at a real `hookcap listen` (method,
//! target, headers, exact body bytes) for every request option, templates that
//! pass `verify`, output modes and exit codes. Retries, repeats and TLS are in
//! `send_load.rs`.

use std::io::Write;
use std::process::{Output, Stdio};

use base64::Engine as _;
use serde_json::Value;

use crate::util::{Listener, hookcap, run, show_json};

/// Runs `hookcap send ARGS`.
pub fn send(args: &[&str]) -> Output {
    hookcap()
        .arg("send")
        .args(args)
        .output()
        .expect("hookcap runs")
}

/// Runs `hookcap send ARGS` with `input` on stdin.
fn send_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = hookcap()
        .arg("send")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Asserts success and returns stdout as text.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn url(l: &Listener, path: &str) -> String {
    format!("http://{}{path}", l.addr)
}

/// `[[name, value], ...]` of a `show --json` document, names lowercased.
pub fn headers(doc: &Value) -> Vec<(String, String)> {
    doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let name = h[0].as_str().unwrap().to_ascii_lowercase();
            (name, h[1].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

pub fn header(doc: &Value, name: &str) -> Option<String> {
    headers(doc)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The exact body bytes of a `show --json` (or `--json-result`) body document.
pub fn body(doc: &Value) -> Vec<u8> {
    let data = doc["body"]["data"].as_str().unwrap_or_default();
    match doc["body"]["encoding"].as_str() {
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
        _ => data.as_bytes().to_vec(),
    }
}

#[test]
fn form_data_query_auth_and_headers_arrive_exactly() {
    let l = Listener::start(&[]);
    let target = format!("{}:{}/hooks/a?x=1", "", l.addr.port());
    ok(send(&[
        &target,
        "-X",
        "PATCH",
        "-d",
        "a=1",
        "-d",
        "b=two words",
        "--query",
        "q=ä b&c",
        "-H",
        "x-First: 1",
        "-H",
        "X-Second;",
        "-u",
        "user:p@ss",
        "-A",
        "agent/9",
    ]));
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["method"], "PATCH");
    assert_eq!(doc["target"], "/hooks/a?x=1&q=%C3%A4+b%26c");
    assert_eq!(body(&doc), b"a=1&b=two words");
    let got: Vec<(String, String)> = headers(&doc);
    let want = [
        ("host", l.addr.to_string()),
        ("authorization", "Basic dXNlcjpwQHNz".to_owned()),
        ("user-agent", "agent/9".to_owned()),
        ("accept", "*/*".to_owned()),
        ("x-first", "1".to_owned()),
        ("x-second", String::new()),
        ("content-length", "15".to_owned()),
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, v)| (n.to_string(), v.clone()))
        .collect();
    assert_eq!(got, want);
    let names: Vec<&str> = doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert_eq!(names[4], "x-First", "names go out as typed");
}

#[test]
fn get_is_the_default_without_a_body() {
    let l = Listener::start(&[]);
    ok(send(&[&format!("{}/ping", l.addr.port())]));
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["method"], "GET");
    assert_eq!(doc["target"], "/ping");
    assert_eq!(header(&doc, "content-length"), None);
    assert_eq!(
        header(&doc, "user-agent").unwrap(),
        concat!("hookcap/", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn data_files_follow_curl_rules() {
    let l = Listener::start(&[]);
    let file = l.dir.path().join("payload.txt");
    std::fs::write(&file, b"line1\r\nline2\n\xff\x00end").unwrap();
    let at = format!("@{}", file.display());
    ok(send(&[&url(&l, "/d"), "-d", &at]));
    assert_eq!(body(&show_json(&l.db, "last")), b"line1line2\xff\x00end");
    ok(send(&[
        &url(&l, "/b"),
        "--data-binary",
        &at,
        "--data-binary",
        "tail",
    ]));
    assert_eq!(
        body(&show_json(&l.db, "last")),
        b"line1\r\nline2\n\xff\x00end&tail"
    );
    ok(send_stdin(
        &[&url(&l, "/s"), "--data-binary", "@-"],
        b"from\nstdin",
    ));
    assert_eq!(body(&show_json(&l.db, "last")), b"from\nstdin");
}

#[test]
fn json_sets_content_type_and_accept() {
    let l = Listener::start(&[]);
    ok(send(&[
        &url(&l, "/j"),
        "--json",
        "{\"a\":",
        "--json",
        "[1, 2]}",
    ]));
    let doc = show_json(&l.db, "last");
    assert_eq!(doc["method"], "POST");
    assert_eq!(body(&doc), b"{\"a\":[1, 2]}");
    assert_eq!(header(&doc, "content-type").unwrap(), "application/json");
    assert_eq!(header(&doc, "accept").unwrap(), "application/json");
}

/// A real multipart parser: Python's standard `email` package.
const PARSE_MULTIPART: &str = r#"
import sys, json, base64
from email.parser import BytesParser
from email import policy
body = sys.stdin.buffer.read()
msg = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + sys.argv[1].encode() + b"\r\n\r\n" + body)
parts = [{"name": p.get_param("name", header="content-disposition"),
          "filename": p.get_filename(),
          "type": p.get("content-type"),
          "data": base64.b64encode(p.get_payload(decode=True)).decode()} for p in msg.iter_parts()]
print(json.dumps({"multipart": msg.is_multipart(), "defects": [str(d) for d in msg.defects], "parts": parts}))
"#;

fn python_parse_multipart(content_type: &str, body: &[u8]) -> Option<Value> {
    let child = std::process::Command::new("python3")
        .args(["-c", PARSE_MULTIPART, content_type])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("python3 not found: multipart checked by the unit tests only");
        return None;
    };
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn multipart_forms_parse_with_a_real_parser() {
    let l = Listener::start(&[]);
    let bin = l.dir.path().join("image.png");
    let bytes: Vec<u8> = (0..=255u8).chain(*b"\r\n--\r\n").collect();
    std::fs::write(&bin, &bytes).unwrap();
    let notes = l.dir.path().join("notes.txt");
    std::fs::write(&notes, "from a file").unwrap();
    ok(send(&[
        &url(&l, "/upload"),
        "-F",
        "title=Hello \"world\"",
        "-F",
        &format!("pic=@{}", bin.display()),
        "-F",
        &format!("doc=@{};type=text/csv;filename=report.csv", notes.display()),
        "-F",
        &format!("text=<{}", notes.display()),
    ]));
    let doc = show_json(&l.db, "last");
    let ct = header(&doc, "content-type").unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let Some(parsed) = python_parse_multipart(&ct, &body(&doc)) else {
        return;
    };
    assert_eq!(parsed["multipart"], true);
    assert_eq!(parsed["defects"], serde_json::json!([]));
    let parts = parsed["parts"].as_array().unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let want = [
        ("title", Value::Null, Value::Null, b64(b"Hello \"world\"")),
        ("pic", "image.png".into(), "image/png".into(), b64(&bytes)),
        (
            "doc",
            "report.csv".into(),
            "text/csv".into(),
            b64(b"from a file"),
        ),
        ("text", Value::Null, Value::Null, b64(b"from a file")),
    ];
    assert_eq!(parts.len(), want.len());
    for (part, (name, filename, ty, data)) in parts.iter().zip(want) {
        assert_eq!(part["name"], name, "{part}");
        assert_eq!(part["filename"], filename, "{part}");
        assert_eq!(part["type"], ty, "{part}");
        assert_eq!(part["data"], data.as_str(), "{part}");
    }
}

#[test]
fn every_template_arrives_with_its_headers_and_verifies() {
    let l = Listener::start(&[]);
    let list = ok(send(&["--list-templates"]));
    let names: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(names.len() >= 11, "{list}");
    for name in names {
        let provider = name.split('.').next().unwrap();
        let secret = if provider == "standard" {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        } else {
            "s3cret"
        };
        ok(send(&[
            &url(&l, &format!("/t/{name}")),
            "--template",
            name,
            "--secret",
            secret,
        ]));
        let out = run(
            &l.db,
            &["verify", "last", "--provider", provider, "--secret", secret],
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn github_push_carries_githubs_headers_and_fresh_delivery_ids() {
    let l = Listener::start(&[]);
    let args = [
        &url(&l, "/gh") as &str,
        "--template",
        "github.push",
        "--secret",
        "s3cret",
    ];
    ok(send(&args));
    ok(send(&args));
    let first = show_json(&l.db, "1");
    let second = show_json(&l.db, "2");
    assert_eq!(header(&first, "x-github-event").unwrap(), "push");
    assert!(
        header(&first, "user-agent")
            .unwrap()
            .starts_with("GitHub-Hookshot/")
    );
    assert_eq!(header(&first, "content-type").unwrap(), "application/json");
    let id1 = header(&first, "x-github-delivery").unwrap();
    let id2 = header(&second, "x-github-delivery").unwrap();
    assert_eq!(id1.len(), 36);
    assert_ne!(id1, id2);
    assert!(
        header(&first, "x-hub-signature-256")
            .unwrap()
            .starts_with("sha256=")
    );
    let payload: Value = serde_json::from_slice(&body(&first)).unwrap();
    assert_eq!(payload["ref"], "refs/heads/main");
    // A wrong secret does not verify.
    let out = run(
        &l.db,
        &[
            "verify",
            "last",
            "--provider",
            "github",
            "--secret",
            "other",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn set_edits_a_template_and_the_signature_covers_the_edit() {
    let l = Listener::start(&[]);
    ok(send(&[
        &url(&l, "/pay"),
        "--template",
        "stripe.payment_intent.succeeded",
        "--set",
        "/data/object/amount=500",
        "--set",
        "/data/object/metadata/order_id=A-17",
        "--secret",
        "whsec_test",
    ]));
    let doc = show_json(&l.db, "last");
    let payload: Value = serde_json::from_slice(&body(&doc)).unwrap();
    assert_eq!(payload["data"]["object"]["amount"], 500);
    assert_eq!(payload["data"]["object"]["metadata"]["order_id"], "A-17");
    assert!(payload["id"].as_str().unwrap().starts_with("evt_"));
    assert!(payload["created"].is_i64());
    let out = run(
        &l.db,
        &[
            "verify",
            "last",
            "--provider",
            "stripe",
            "--secret",
            "whsec_test",
        ],
    );
    assert!(out.status.success());
}

#[test]
fn sign_works_for_any_body_and_every_provider() {
    let l = Listener::start(&[]);
    let hmac = [
        "--sig-header",
        "X-Signature",
        "--algo",
        "sha512",
        "--encoding",
        "base64",
    ];
    for provider in [
        "github", "gitlab", "stripe", "slack", "standard", "svix", "shopify", "twilio", "hmac",
    ] {
        let secret = if matches!(provider, "standard" | "svix") {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        } else {
            "s3cret"
        };
        for body_args in [["--json", "{\"n\":1}"], ["-d", "a=1&b=2"]] {
            let mut args = vec![
                url(&l, "/s?x=1"),
                "--sign".into(),
                provider.into(),
                "--secret".into(),
                secret.into(),
            ];
            args.extend(body_args.iter().map(|s| s.to_string()));
            let mut verify = vec!["verify", "last", "--provider", provider, "--secret", secret];
            if provider == "hmac" {
                args.extend(hmac.iter().map(|s| s.to_string()));
                verify.extend(hmac);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(send(&args));
            let out = run(&l.db, &verify);
            assert!(
                out.status.success(),
                "{provider} {body_args:?}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn exit_codes_follow_the_status() {
    let ok_listener = Listener::start(&[]);
    let failing = Listener::start(&["--status", "404", "--body", "nope"]);
    assert_eq!(send(&[&url(&ok_listener, "/")]).status.code(), Some(0));
    let out = send(&[&url(&failing, "/")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 404 Not Found"));
    assert_eq!(
        send(&[&url(&failing, "/"), "--no-fail"]).status.code(),
        Some(0)
    );
    assert_eq!(
        send(&[&url(&failing, "/"), "-H", "bad header"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        send(&[&url(&failing, "/"), "-d", "a", "--json", "b"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(send(&[]).status.code(), Some(2));
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = send(&[&format!("http://{closed}/"), "--no-fail"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("hookcap: error: GET http://{closed}/: ")),
        "{err}"
    );
    assert!(err.contains("refused"), "{err}");
}

#[test]
fn output_modes_status_include_verbose_and_files() {
    let l = Listener::start(&[
        "--body",
        "{\"ok\":true}",
        "--header",
        "Content-Type: application/json",
        "--header",
        "X-Reply: 1",
    ]);
    let out = ok(send(&[&url(&l, "/o")]));
    assert_eq!(out, "HTTP/1.1 200 OK\n\n{\n  \"ok\": true\n}\n");
    let out = ok(send(&[&url(&l, "/o"), "-i"]));
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    assert!(
        out.contains("\nx-reply:") && out.ends_with("\n\n{\n  \"ok\": true\n}\n"),
        "{out}"
    );
    let out = ok(send(&[&url(&l, "/o?v=1"), "-v", "-d", "a=\x1b[31m"]));
    let (request, response) = out.split_once("\n\nHTTP/1.1 200 OK").unwrap();
    assert!(request.starts_with("POST /o?v=1 HTTP/1.1\nHost:"), "{out}");
    assert!(request.contains("Content-Length: 7\n"), "{out}");
    assert!(
        request.contains("\\x1b[31m") && !out.contains('\x1b'),
        "escapes are shown escaped: {out}"
    );
    assert!(response.contains("\"ok\": true"));
    let file = l.dir.path().join("body.json");
    let out = ok(send(&[&url(&l, "/o"), "-o", file.to_str().unwrap()]));
    assert_eq!(out, "HTTP/1.1 200 OK\n");
    assert_eq!(std::fs::read(&file).unwrap(), b"{\"ok\":true}");
    assert_eq!(ok(send(&[&url(&l, "/o"), "-o", "-"])), "{\"ok\":true}");
}

#[test]
fn json_result_describes_request_response_and_timing() {
    let l = Listener::start(&["--status", "201", "--body", "made"]);
    let out = ok(send(&[&url(&l, "/j"), "--json-result", "-d", "x=1"]));
    let doc: Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(doc["request"]["method"], "POST");
    assert_eq!(doc["request"]["url"], url(&l, "/j"));
    assert_eq!(body(&doc["request"]), b"x=1");
    assert_eq!(header(&doc["request"], "content-length").unwrap(), "3");
    assert_eq!(doc["response"]["status"], 201);
    assert_eq!(doc["response"]["reason"], "Created");
    assert_eq!(body(&doc["response"]), b"made");
    assert_eq!(doc["error"], Value::Null);
    assert_eq!(doc["attempts"], 1);
    assert!(
        doc["timing"]["total_ms"].as_f64().unwrap()
            >= doc["timing"]["headers_ms"].as_f64().unwrap()
    );
    // What the result says was sent is what arrived.
    let arrived = show_json(&l.db, "last");
    assert_eq!(headers(&arrived), headers(&doc["request"]));
}

/// Runs `curl ARGS URL`: `None` if curl is not installed, else whether it succeeded.
fn curl(args: &[&str], url: &str) -> Option<bool> {
    let out = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "--noproxy", "*"])
        .args(args)
        .arg(url)
        .output()
        .ok()?;
    Some(out.status.success())
}

#[test]
fn curl_and_hookcap_deliver_the_same_request() {
    let l = Listener::start(&[]);
    let file = l.dir.path().join("data.txt");
    std::fs::write(&file, "one\r\ntwo\n").unwrap();
    let at = format!("@{}", file.display());
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "-d",
            "a=1",
            "-d",
            "b=two words",
            "-H",
            "X-Custom: yes",
            "-A",
            "same/1",
        ],
        vec!["-d", &at, "-A", "same/1"],
        vec!["--data-binary", &at, "-A", "same/1"],
        vec!["--json", "{\"a\":1}", "-A", "same/1"],
        vec!["-X", "PUT", "-d", "x", "-u", "user:pass", "-A", "same/1"],
        vec!["-X", "DELETE", "-H", "Accept: text/plain", "-A", "same/1"],
        vec![
            "-H",
            "X-Empty;",
            "-H",
            "User-Agent: via-header",
            "-A",
            "ignored/1",
        ],
    ];
    for args in cases {
        match curl(&args, &url(&l, "/same?x=1")) {
            None => {
                eprintln!("curl is not installed: comparison skipped");
                return;
            }
            Some(sent) => assert!(sent, "curl {args:?} failed"),
        }
        let target = url(&l, "/same?x=1");
        let mut ours = vec![target.as_str()];
        ours.extend(&args);
        ok(send(&ours));
        let by_curl = show_json(&l.db, &(last_id(&l) - 1).to_string());
        let by_hookcap = show_json(&l.db, "last");
        for field in ["method", "target"] {
            assert_eq!(by_curl[field], by_hookcap[field], "{args:?}");
        }
        assert_eq!(body(&by_curl), body(&by_hookcap), "{args:?}");
        let sorted = |doc: &Value| {
            let mut h = headers(doc);
            h.sort();
            h
        };
        assert_eq!(sorted(&by_curl), sorted(&by_hookcap), "{args:?}");
    }
    // --url-query is curl's name for --query (curl 7.87 and later).
    if curl(&["--url-query", "q=a b&c"], &url(&l, "/q")) == Some(true) {
        ok(send(&[&url(&l, "/q"), "--query", "q=a b&c"]));
        let by_curl = show_json(&l.db, &(last_id(&l) - 1).to_string());
        assert_eq!(by_curl["target"], show_json(&l.db, "last")["target"]);
    }
}

fn last_id(l: &Listener) -> i64 {
    show_json(&l.db, "last")["id"].as_i64().unwrap()
}

#[test]
fn templates_send_each_providers_own_header_spelling() {
    let app = crate::util::Upstream::start(crate::util::Behavior::Status(200));
    let cases = [
        (
            "github.push",
            &[
                "X-GitHub-Event: push",
                "X-GitHub-Delivery: ",
                "X-Hub-Signature-256: sha256=",
            ][..],
        ),
        (
            "standard.example",
            &[
                "webhook-id: msg_",
                "webhook-timestamp: ",
                "webhook-signature: v1,",
            ][..],
        ),
        (
            "shopify.orders.create",
            &["X-Shopify-Topic: orders/create", "X-Shopify-Hmac-Sha256: "][..],
        ),
    ];
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    for (template, lines) in cases {
        ok(send(&[
            &app.url(),
            "--template",
            template,
            "--secret",
            secret,
        ]));
        let raw = app.requests().pop().unwrap();
        let (head, _) = crate::util::split_request(&raw);
        for want in lines {
            assert!(
                head.iter().any(|l| l.starts_with(want)),
                "{template}: no {want:?} in {head:?}"
            );
        }
    }
}

#[test]
fn verbose_shows_each_line_exactly_as_sent() {
    let app = crate::util::Upstream::start(crate::util::Behavior::Status(200));
    let out = ok(send(&[
        &app.url(),
        "-v",
        "-H",
        "X-NoSp:v",
        "-H",
        "X-Empty;",
        "-H",
        "X-Sp:   padded",
        "-H",
        "X-Bidi: \u{202e}evil",
    ]));
    let (head, _) = crate::util::split_request(&app.requests()[0]);
    for line in ["X-NoSp:v", "X-Empty:", "X-Sp:   padded"] {
        assert!(
            head.iter().any(|l| l == line),
            "{line:?} not sent: {head:?}"
        );
        assert!(out.lines().any(|l| l == line), "{line:?} not shown: {out}");
    }
    assert!(!out.contains('\u{202e}'), "shown sanitized: {out}");
}
