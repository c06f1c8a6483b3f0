//! Issue 14 §8: no control, bidi or invisible character from captured data
//! reaches a terminal raw, on any output: the text views show it as a visible
//! escape (`\u{200b}`), the JSON outputs as a JSON escape (`\u200b`) that
//! still parses to the exact string that was sent.

use serde_json::Value;

use crate::util::{Listener, run_ok};

/// Every kind of character a terminal must never get raw from captured data:
/// zero-width and format characters, separators, fillers, tags, variation
/// selectors 1 and 17, bidi controls, C1 controls.
const INVISIBLE: &str = "\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{2060}\u{2061}\u{2062}\
    \u{2063}\u{2064}\u{feff}\u{ad}\u{2028}\u{2029}\u{180e}\u{34f}\u{115f}\u{1160}\u{3164}\
    \u{ffa0}\u{fff9}\u{fffa}\u{fffb}\u{e0001}\u{e0041}\u{e007f}\u{fe00}\u{e0100}\u{202e}\
    \u{2066}\u{61c}\u{85}\u{9b}";

/// The target of the first request.
fn target() -> String {
    format!("/hook{INVISIBLE}?q={INVISIBLE}")
}

/// Its `X-Note` header value.
fn value() -> String {
    format!("a{INVISIBLE}b")
}

/// Its JSON body (DEL too: it cannot travel in a head).
fn body() -> String {
    format!("{{\"k{INVISIBLE}\":\"v{INVISIBLE}\\u0000\u{7f}\"}}")
}

/// The header name of the second request.
fn name() -> String {
    format!("X-Name{INVISIBLE}")
}

/// Sends the two hostile requests: the characters in the target, a header
/// value and a JSON body; then in a header name.
fn send_hostile(l: &Listener) {
    let body = body();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: t\r\nX-Note: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        target(),
        value(),
        body.len()
    );
    let res = l.send_raw(&[head.as_bytes(), body.as_bytes()].concat());
    assert_eq!(res.status, 200, "hostile but valid: captured and answered");
    let head = format!(
        "GET /n HTTP/1.1\r\nHost: t\r\n{}: 1\r\nConnection: close\r\n\r\n",
        name()
    );
    // Whatever the answer to an invalid field name, the request is stored.
    l.send_raw(head.as_bytes());
}

/// Panics when `out` holds any of the characters raw, or a terminal escape.
fn assert_inert(what: &str, out: &str) {
    let raw: Vec<char> = out
        .chars()
        .filter(|&c| INVISIBLE.contains(c) || c == '\u{7f}' || c == '\x1b')
        .collect();
    assert!(raw.is_empty(), "{what} wrote {raw:?} raw:\n{out}");
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("UTF-8 output")
}

#[test]
fn text_outputs_show_invisible_characters_escaped() {
    let l = Listener::start(&[]);
    send_hostile(&l);
    let lines = [l.next_line(), l.next_line()];
    for line in &lines {
        assert_inert("the headless line", line);
    }
    assert!(
        lines[0].contains(r"/hook\u{200b}\u{200c}\u{200d}"),
        "{lines:?}"
    );
    let ls = text(run_ok(&l.db, &["ls"]));
    assert_inert("ls", &ls);
    let show = text(run_ok(&l.db, &["show", "1"]));
    assert_inert("show", &show);
    for shown in [
        r"\u{feff}\u{ad}\u{2028}\u{2029}",
        r"\u{e0001}\u{e0041}\u{e007f}\u{fe00}\u{e0100}",
        r"\u{202e}\u{2066}\u{61c}\u{85}\u{9b}",
        // The JSON body view escapes as JSON does.
        r"\u200b\u200c\u200d\u200e\u200f",
        r"\u0000\u007f",
    ] {
        assert!(show.contains(shown), "{shown} not in show:\n{show}");
    }
    let named = text(run_ok(&l.db, &["show", "2"]));
    assert_inert("show of the header name", &named);
    assert!(named.contains(r"X-Name\u{200b}"), "{named}");
    let script = text(run_ok(&l.db, &["export", "--format", "curl"]));
    assert_inert("the curl script", &script);
    assert!(script.contains(r"\xe2\x80\x8b"), "bytes in $'…': {script}");
}

/// `(name, value)` of each header of a `show --json` document.
fn pairs(doc: &Value) -> Vec<(String, String)> {
    doc["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect()
}

/// Checks a `show --json` document of the first request carries the exact strings.
fn assert_first_doc(what: &str, doc: &Value) {
    assert_eq!(doc["target"].as_str(), Some(target().as_str()), "{what}");
    assert!(
        pairs(doc).contains(&("X-Note".into(), value())),
        "{what}: {doc}"
    );
    assert_eq!(
        doc["body"]["data"].as_str(),
        Some(body().as_str()),
        "{what}"
    );
}

fn json_lines(what: &str, out: &str) -> Vec<Value> {
    assert_inert(what, out);
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: {e}: {l}")))
        .collect()
}

#[test]
fn json_outputs_escape_invisible_characters_and_keep_the_strings() {
    let l = Listener::start(&["--json"]);
    send_hostile(&l);
    let events = json_lines(
        "listen --json",
        &format!("{}\n{}", l.next_line(), l.next_line()),
    );
    assert_eq!(events[0]["target"].as_str(), Some(target().as_str()));

    let ls = json_lines("ls --json", &text(run_ok(&l.db, &["ls", "--json"])));
    assert!(
        ls.iter()
            .any(|d| d["target"].as_str() == Some(target().as_str())),
        "{ls:?}"
    );

    let show = text(run_ok(&l.db, &["show", "1", "--json"]));
    assert!(show.contains(r"\u200b\u200c\u200d"), "escaped: {show}");
    assert!(show.contains(r"\udb40\udc01"), "a surrogate pair: {show}");
    assert_first_doc("show --json", &json_lines("show --json", &show)[0]);
    let named = &json_lines(
        "show --json",
        &text(run_ok(&l.db, &["show", "2", "--json"])),
    )[0];
    assert!(pairs(named).contains(&(name(), "1".into())), "{named}");

    let waited = text(run_ok(
        &l.db,
        &["wait", "id:1", "--timeout", "5s", "--json"],
    ));
    assert_first_doc("wait --json", &json_lines("wait --json", &waited)[0]);

    let ndjson = json_lines("the NDJSON export", &text(run_ok(&l.db, &["export"])));
    assert_first_doc("the NDJSON export", &ndjson[0]);
    assert!(pairs(&ndjson[1]).contains(&(name(), "1".into())));

    let har_text = text(run_ok(&l.db, &["export", "--format", "har"]));
    assert_inert("the HAR export", &har_text);
    let har: Value = serde_json::from_str(&har_text).expect("HAR is JSON");
    let request = &har["log"]["entries"][0]["request"];
    assert_eq!(request["postData"]["text"].as_str(), Some(body().as_str()));
    let note = request["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "X-Note")
        .expect("X-Note in the HAR");
    assert_eq!(note["value"].as_str(), Some(value().as_str()));
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Captured data reaches JSON output only through `sanitize::json`: the rooms
/// that print or export never serialize with serde_json directly (tests
/// aside). `export/import` only reads JSON.
#[test]
fn json_output_is_written_only_through_the_sanitizer() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for room in ["commands", "export", "render", "tui"] {
        rust_files(&src.join(room), &mut files);
    }
    let direct = [
        "serde_json::to_string",
        "serde_json::to_writer",
        "serde_json::to_vec",
        "Serializer::with_formatter",
    ];
    let mut found = Vec::new();
    for file in files
        .iter()
        .filter(|f| !f.starts_with(src.join("export/import")))
    {
        let text = std::fs::read_to_string(file).expect("source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if direct.iter().any(|d| line.contains(d)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write JSON with crate::sanitize::json:\n{}",
        found.join("\n")
    );
}
