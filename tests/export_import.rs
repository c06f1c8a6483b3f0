//! `export` and `import`: HAR checked against the HAR 1.2 spec, round trips that
//! keep every byte, and curl scripts that really send the same requests again.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{Listener, run, run_ok};

/// Requests with what tends to break exporters: duplicate and empty headers,
/// odd case, shell metacharacters, binary bodies with NUL and ESC, no body.
fn captured() -> Listener {
    let l = Listener::start(&[]);
    let json = br#"{"q":"it's $HOME `id` \\ \"x\"","n":1}"#;
    let mut req = format!(
        "POST /hook/a?x=1&y=%20z HTTP/1.1\r\nHost: a.test\r\nX-Dup: 1\r\nx-dup: 2\r\nX-Empty: \r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        json.len()
    )
    .into_bytes();
    req.extend_from_slice(json);
    l.send_raw(&req);
    let bin = b"\0\x01\xff\x1b[31m\n\0";
    let mut req = format!(
        "PUT /bin HTTP/1.1\r\nHost: b.test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bin.len()
    )
    .into_bytes();
    req.extend_from_slice(bin);
    l.send_raw(&req);
    l.send_raw(b"GET /plain HTTP/1.1\r\nHost: c.test\r\nUser-Agent: agent/1\r\nAccept: text/plain\r\nConnection: close\r\n\r\n");
    l.send_raw(b"DELETE /items/7 HTTP/1.1\r\nHost: d.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    l
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// What must survive any round trip: request line, headers in order, body, answer.
fn essence(doc: &Value) -> Value {
    serde_json::json!([
        doc["method"],
        doc["target"],
        doc["headers"],
        doc["body"],
        doc["received_at"],
        doc["response"]
    ])
}

#[test]
fn ndjson_export_is_the_show_json_document_per_line() {
    let l = captured();
    let docs = lines(&run_ok(&l.db, &["export", "--format", "ndjson"]));
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0], crate::util::show_json(&l.db, "1"));
    assert_eq!(docs[1]["body"]["encoding"], "base64");
}

#[test]
fn ndjson_and_har_round_trip_byte_for_byte() {
    let l = captured();
    let original = lines(&run_ok(&l.db, &["export"]));
    for format in ["ndjson", "har"] {
        let file = l.dir.path().join(format!("out.{format}"));
        run_ok(
            &l.db,
            &["export", "--format", format, "-o", file.to_str().unwrap()],
        );
        let db2 = l.dir.path().join(format!("{format}.db"));
        let said = String::from_utf8(run_ok(&db2, &["import", file.to_str().unwrap()])).unwrap();
        assert!(
            said.contains("imported 4 requests into session 1"),
            "{said}"
        );
        let again = lines(&run_ok(&db2, &["export"]));
        let a: Vec<Value> = original.iter().map(essence).collect();
        let b: Vec<Value> = again.iter().map(essence).collect();
        assert_eq!(a, b, "{format} round trip");
        // And a second export of the import is byte-identical in its own format.
        let file2 = l.dir.path().join(format!("again.{format}"));
        run_ok(
            &db2,
            &["export", "--format", format, "-o", file2.to_str().unwrap()],
        );
        if format == "ndjson" {
            let strip = |v: &[Value]| v.iter().map(essence).collect::<Vec<_>>();
            assert_eq!(
                strip(&lines(&std::fs::read(&file2).unwrap())),
                strip(&original)
            );
        }
    }
}

#[test]
fn imports_are_a_new_session_marked_imported() {
    let l = captured();
    let file = l.dir.path().join("x.ndjson");
    run_ok(&l.db, &["export", "-o", file.to_str().unwrap()]);
    run_ok(&l.db, &["import", file.to_str().unwrap()]);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let mode: String = conn
        .query_row(
            "SELECT mode FROM sessions ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mode, "import");
    assert_eq!(
        lines(&run_ok(&l.db, &["ls", "--json", "session:2"])).len(),
        4
    );
}

#[test]
fn a_file_that_is_neither_har_nor_ndjson_is_refused_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "{\"x\":1}\n").unwrap();
    let db = dir.path().join("db.db");
    let out = run(&db, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither HAR"));
    assert!(!db.exists());
}

#[test]
fn exports_take_filter_terms_and_are_private_files() {
    let l = captured();
    let file = l.dir.path().join("puts.har");
    run_ok(
        &l.db,
        &[
            "export",
            "method:PUT",
            "--format",
            "har",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    let har: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o077,
        0
    );
}

// ---- HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/) ----

type Spec = &'static [(&'static str, Kind)];

#[derive(Clone, Copy)]
enum Kind {
    Str,
    Num,
    Obj(Spec),
    Arr(Spec),
    /// Present only sometimes.
    Opt(&'static Kind),
}

const NAME_VALUE: Spec = &[
    ("name", Kind::Str),
    ("value", Kind::Str),
    ("comment", Kind::Opt(&Kind::Str)),
];
const POST_DATA: Spec = &[
    ("mimeType", Kind::Str),
    ("text", Kind::Str),
    ("comment", Kind::Opt(&Kind::Str)),
];
const REQUEST: Spec = &[
    ("method", Kind::Str),
    ("url", Kind::Str),
    ("httpVersion", Kind::Str),
    ("cookies", Kind::Arr(NAME_VALUE)),
    ("headers", Kind::Arr(NAME_VALUE)),
    ("queryString", Kind::Arr(NAME_VALUE)),
    ("postData", Kind::Opt(&Kind::Obj(POST_DATA))),
    ("headersSize", Kind::Num),
    ("bodySize", Kind::Num),
];
const CONTENT: Spec = &[
    ("size", Kind::Num),
    ("compression", Kind::Opt(&Kind::Num)),
    ("mimeType", Kind::Str),
    ("text", Kind::Opt(&Kind::Str)),
    ("encoding", Kind::Opt(&Kind::Str)),
    ("comment", Kind::Opt(&Kind::Str)),
];
const RESPONSE: Spec = &[
    ("status", Kind::Num),
    ("statusText", Kind::Str),
    ("httpVersion", Kind::Str),
    ("cookies", Kind::Arr(NAME_VALUE)),
    ("headers", Kind::Arr(NAME_VALUE)),
    ("content", Kind::Obj(CONTENT)),
    ("redirectURL", Kind::Str),
    ("headersSize", Kind::Num),
    ("bodySize", Kind::Num),
];
const TIMINGS: Spec = &[
    ("send", Kind::Num),
    ("wait", Kind::Num),
    ("receive", Kind::Num),
];
const ENTRY: Spec = &[
    ("startedDateTime", Kind::Str),
    ("time", Kind::Num),
    ("request", Kind::Obj(REQUEST)),
    ("response", Kind::Obj(RESPONSE)),
    ("cache", Kind::Obj(&[])),
    ("timings", Kind::Obj(TIMINGS)),
];
const CREATOR: Spec = &[("name", Kind::Str), ("version", Kind::Str)];
const LOG: Spec = &[
    ("version", Kind::Str),
    ("creator", Kind::Obj(CREATOR)),
    ("pages", Kind::Opt(&Kind::Arr(&[]))),
    ("entries", Kind::Arr(ENTRY)),
];

/// Checks required members and types; unknown members must start with `_`
/// (the spec's rule for custom fields).
fn check(v: &Value, kind: Kind, at: &str, errors: &mut Vec<String>) {
    match kind {
        Kind::Str if !v.is_string() => errors.push(format!("{at}: not a string")),
        Kind::Num if !v.is_number() => errors.push(format!("{at}: not a number")),
        Kind::Opt(inner) => check(v, *inner, at, errors),
        Kind::Arr(spec) => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !spec.is_empty() {
                        check(item, Kind::Obj(spec), &format!("{at}[{i}]"), errors);
                    }
                }
            }
            None => errors.push(format!("{at}: not an array")),
        },
        Kind::Obj(spec) => {
            let Some(obj) = v.as_object() else {
                return errors.push(format!("{at}: not an object"));
            };
            for (name, k) in spec {
                match (obj.get(*name), k) {
                    (Some(member), k) => check(member, *k, &format!("{at}.{name}"), errors),
                    (None, Kind::Opt(_)) => {}
                    (None, _) => errors.push(format!("{at}.{name}: missing")),
                }
            }
            for name in obj.keys() {
                if !name.starts_with('_') && !spec.iter().any(|(n, _)| n == name) {
                    errors.push(format!(
                        "{at}.{name}: not in HAR 1.2 (custom fields start with _)"
                    ));
                }
            }
        }
        _ => {}
    }
}

#[test]
fn har_export_follows_the_har_1_2_spec() {
    let l = captured();
    let har: Value =
        serde_json::from_slice(&run_ok(&l.db, &["export", "--format", "har"])).unwrap();
    let mut errors = Vec::new();
    check(
        &har,
        Kind::Obj(&[("log", Kind::Obj(LOG))]),
        "har",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    for e in entries {
        let t = e["startedDateTime"].as_str().unwrap();
        assert!(
            humantime::parse_rfc3339(t).is_ok(),
            "ISO 8601 with a zone: {t}"
        );
        assert!(e["request"]["url"].as_str().unwrap().starts_with("http://"));
    }
    // Binary bodies: Latin-1 text as mitmproxy writes and reads it (no
    // charset, not JSON), the exact bytes in _textBase64.
    let bin = &entries[1]["request"]["postData"];
    assert_eq!(bin["text"], "\u{0}\u{1}\u{ff}\u{1b}[31m\n\u{0}");
    assert_eq!(bin["_textBase64"], "AAH/G1szMW0KAA==");
    assert!(
        bin.get("encoding").is_none(),
        "HAR has no postData.encoding"
    );
    // The answer's headers are the ones that went out.
    let answer: Vec<&str> = entries[0]["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(answer, ["content-length", "date"]);
    assert_eq!(entries[0]["response"]["content"]["mimeType"], "");
    assert_eq!(
        entries[0]["request"]["headers"][1],
        serde_json::json!({"name": "X-Dup", "value": "1"})
    );
    assert_eq!(
        entries[0]["request"]["queryString"][1],
        serde_json::json!({"name": "y", "value": "%20z"})
    );
    assert_eq!(entries[0]["response"]["statusText"], "OK");
}

// ---- curl and HTTPie scripts ----

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the exported script of `from` against `to` (with `extra` export
/// arguments); returns both stores' NDJSON.
fn replay(from: &Path, to: &Listener, format: &str, extra: &[&str]) -> (Vec<Value>, Vec<Value>) {
    let script = from.with_extension(format!("{format}.sh"));
    let url = format!("http://{}", to.addr);
    let mut args = vec![
        "export",
        "--format",
        format,
        "--url",
        &url,
        "-o",
        script.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(from, &args);
    let out = Command::new("bash").arg(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        lines(&run_ok(from, &["export"])),
        lines(&run_ok(&to.db, &["export"])),
    )
}

/// Headers without `Content-Length` (which curl computes and places itself),
/// and the `Content-Length` values apart.
fn without_length(doc: &Value) -> (Vec<Value>, Vec<Value>) {
    doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .partition(|h| {
            !h[0]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("content-length")
        })
}

#[test]
fn a_curl_export_replayed_by_real_curl_arrives_identical() {
    if !(have("curl") && have("bash") && have("base64")) {
        eprintln!("skipped: needs curl, bash and base64");
        return;
    }
    let from = captured();
    let to = Listener::start(&[]);
    let (sent, arrived) = replay(&from.db, &to, "curl", &["--preserve-host"]);
    assert_eq!(arrived.len(), sent.len());
    for (a, b) in sent.iter().zip(&arrived) {
        for field in ["method", "target", "http_version", "body"] {
            assert_eq!(a[field], b[field], "{field} of {}", a["target"]);
        }
        let ((a_headers, a_length), (b_headers, b_length)) = (without_length(a), without_length(b));
        assert_eq!(a_headers, b_headers, "headers of {}", a["target"]);
        let value = |l: &[Value]| l.iter().map(|h| h[1].clone()).collect::<Vec<_>>();
        assert_eq!(
            value(&a_length),
            value(&b_length),
            "length of {}",
            a["target"]
        );
    }
}

#[test]
fn a_script_aimed_elsewhere_sends_the_destination_as_host_as_replay_does() {
    if !(have("curl") && have("bash")) {
        eprintln!("skipped: needs curl and bash");
        return;
    }
    let from = captured();
    let to = Listener::start(&[]);
    let (_, arrived) = replay(&from.db, &to, "curl", &[]);
    for doc in &arrived {
        let hosts: Vec<&Value> = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0] == "Host")
            .map(|h| &h[1])
            .collect();
        assert_eq!(
            hosts,
            [&Value::String(to.addr.to_string())],
            "{}",
            doc["target"]
        );
    }
}

#[test]
fn a_truncated_body_is_sent_as_kept_with_a_comment_and_a_warning() {
    if !(have("curl") && have("bash")) {
        eprintln!("skipped: needs curl and bash");
        return;
    }
    let from = Listener::start(&["--max-body", "16B"]);
    let body = [b'x'; 100];
    from.post("/cut", &["Content-Type: text/plain"], &body);
    let to = Listener::start(&[]);
    let script = from.dir.path().join("cut.sh");
    let url = format!("http://{}", to.addr);
    let out = crate::util::run(
        &from.db,
        &[
            "export",
            "--format",
            "curl",
            "--url",
            &url,
            "-o",
            script.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("request 1 was truncated when captured (--max-body)"),
        "{warned}"
    );
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("# truncated when captured: only the first 16 bytes"),
        "{text}"
    );
    assert!(!text.contains("Content-Length"), "{text}");
    let ran = Command::new("bash").arg(&script).output().unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let arrived = lines(&run_ok(&to.db, &["export"]));
    assert_eq!(arrived[0]["body"]["data"], "x".repeat(16));
    assert_eq!(arrived[0]["truncated"], false);
}

#[test]
fn a_body_too_big_for_one_argument_is_piped_and_the_script_goes_on() {
    if !(have("curl") && have("bash")) {
        eprintln!("skipped: needs curl and bash");
        return;
    }
    let from = Listener::start(&[]);
    let big: String = (0..300 * 1024)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    from.post("/big", &["Content-Type: text/plain"], big.as_bytes());
    from.post("/after", &[], b"still here");
    let to = Listener::start(&[]);
    let (sent, arrived) = replay(&from.db, &to, "curl", &[]);
    assert_eq!(arrived.len(), 2, "the script ran to its end under set -e");
    assert_eq!(arrived[0]["body"], sent[0]["body"]);
    assert_eq!(arrived[1]["body"]["data"], "still here");
}

/// Requests HTTPie cannot send: a method that is not letters, a header value
/// that is not UTF-8; between two it can.
fn httpie_mixed() -> Listener {
    let l = Listener::start(&[]);
    l.send_raw(
        b"POST /first HTTP/1.1\r\nHost: a.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    );
    l.send_raw(b"M-SEARCH * HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
    l.send_raw(
        b"GET /latin HTTP/1.1\r\nHost: a.test\r\nX-Name: caf\xe9\r\nConnection: close\r\n\r\n",
    );
    l.send_raw(b"GET /last HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
    l
}

#[test]
fn an_httpie_script_comments_out_what_httpie_cannot_send_and_runs_to_the_end() {
    if !have("bash") {
        eprintln!("skipped: needs bash");
        return;
    }
    let from = httpie_mixed();
    let script = from.dir.path().join("mixed.sh");
    let out = crate::util::run(
        &from.db,
        &[
            "export",
            "--format",
            "httpie",
            "-o",
            script.to_str().unwrap(),
        ],
    );
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("2 requests (ids 2, 3) cannot be expressed in HTTPie"),
        "{warned}"
    );
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("# cannot be expressed in HTTPie (HTTPie sends only methods made of upper-case letters, not \"M-SEARCH\")"), "{text}");
    assert!(
        text.contains("# cannot be expressed in HTTPie (the value of header X-Name is not UTF-8)"),
        "{text}"
    );
    // A stand-in `http` that logs its URL argument shows the script runs every
    // command it has, to the end, under `set -e`.
    let bin = from.dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = from.dir.path().join("calls.log");
    let stub = bin.join("http");
    std::fs::write(
        &stub,
        format!("#!/usr/bin/env bash\nfor a in \"$@\"; do case $a in http*) echo \"$a\" >> {};; esac; done\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ran = Command::new("bash")
        .arg(&script)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls, "http://a.test/first\nhttp://a.test/last\n");
    // With real HTTPie, the two it can send arrive.
    if have("http") && have("base64") {
        let to = Listener::start(&[]);
        let (_, arrived) = replay(&from.db, &to, "httpie", &[]);
        let targets: Vec<&str> = arrived
            .iter()
            .map(|d| d["target"].as_str().unwrap())
            .collect();
        assert_eq!(targets, ["/first", "/last"]);
    }
}

#[test]
fn an_httpie_export_replayed_by_real_httpie_arrives_with_the_same_content() {
    if !(have("http") && have("bash") && have("base64")) {
        eprintln!("skipped: needs HTTPie (http), bash and base64");
        return;
    }
    let from = captured();
    let to = Listener::start(&[]);
    let (sent, arrived) = replay(&from.db, &to, "httpie", &["--preserve-host"]);
    assert_eq!(arrived.len(), sent.len());
    for (a, b) in sent.iter().zip(&arrived) {
        for field in ["method", "target", "body"] {
            assert_eq!(a[field], b[field], "{field} of {}", a["target"]);
        }
        // HTTPie picks its own header order: compare as sets.
        let set = |v: &Value| {
            let mut h: Vec<String> = v["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.to_string().to_ascii_lowercase())
                .collect();
            h.sort();
            h
        };
        assert_eq!(set(a), set(b), "headers of {}", a["target"]);
    }
}
