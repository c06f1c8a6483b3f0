//! `import` of HAR files as browsers and tools write them: one small file per
//! writer in `tests/fixtures/har/`, each reproducing that writer's quirks
//! (see the README there). Every one imports, with bodies and headers equal
//! to the file's.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::util::{run, run_ok};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/har")
        .join(name)
}

/// Imports `file` into a fresh database: the run, and the NDJSON documents
/// of what was stored (empty when nothing was).
fn import(file: &Path) -> (Output, Vec<Value>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.db");
    let out = run(&db, &["import", file.to_str().unwrap()]);
    let docs = if db.exists() {
        String::from_utf8(run_ok(&db, &["export"]))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    } else {
        Vec::new()
    };
    (out, docs, dir)
}

fn import_ok(name: &str) -> Vec<Value> {
    let (out, docs, _dir) = import(&fixture(name));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    docs
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn headers(doc: &Value) -> Vec<(String, String)> {
    doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let value = match &h[1] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (h[0].as_str().unwrap().to_owned(), value)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn body_text(doc: &Value) -> &str {
    assert_eq!(doc["body"]["encoding"], "utf8", "{doc}");
    doc["body"]["data"].as_str().unwrap()
}

/// Every fixture and how many of its entries import (of how many).
const FIXTURES: &[(&str, usize, usize)] = &[
    ("browsertime.har", 1, 1),
    ("charles.har", 1, 1),
    ("chrome-h2.har", 2, 2),
    ("chrome-har.har", 2, 2),
    ("edge-bom.har", 1, 1),
    ("firefox.har", 1, 1),
    ("haralyzer-moved-fields.har", 1, 2),
    ("insomnia.har", 1, 1),
    ("mitmproxy-savehar.har", 2, 2),
    ("one-bad-entry.har", 2, 3),
    ("safari.har", 1, 1),
    ("webpagetest.har", 1, 1),
];

#[test]
fn every_har_fixture_imports() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".har"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = FIXTURES.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(on_disk, listed, "every fixture is listed here");
    for (name, imported, total) in FIXTURES {
        let (out, docs, _dir) = import(&fixture(name));
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(docs.len(), *imported, "{name}");
        let said = String::from_utf8_lossy(&out.stdout);
        let want = if imported == total {
            format!("imported {imported} request")
        } else {
            format!(
                "imported {imported} of {total} entries ({} skipped)",
                total - imported
            )
        };
        assert!(said.starts_with(&want), "{name}: {said}");
    }
}

#[test]
fn a_bad_entry_is_skipped_with_a_warning_naming_it_and_the_field() {
    let (out, docs, _dir) = import(&fixture("one-bad-entry.har"));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("entry 2: request.headersSize: expected a number; entry skipped"),
        "{}",
        stderr(&out)
    );
    let targets: Vec<&str> = docs.iter().map(|d| d["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["/1", "/3"]);
}

#[test]
fn a_file_with_no_readable_entry_fails_without_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.har");
    std::fs::write(
        &file,
        r#"{"log":{"entries":[{"request":{"method":"G ET","url":"http://a/"}},{"request":7}]}}"#,
    )
    .unwrap();
    let (out, docs, db_dir) = import(&file);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("entry 1: request.method: expected an HTTP method"),
        "{err}"
    );
    assert!(
        err.contains("entry 2: request: expected an object"),
        "{err}"
    );
    assert!(err.contains("none of its 2 entries could be read"), "{err}");
    assert!(docs.is_empty() && !db_dir.path().join("db.db").exists());
}

#[test]
fn an_entry_with_its_fields_moved_is_skipped_saying_only_why() {
    let (out, docs, _dir) = import(&fixture("haralyzer-moved-fields.har"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("warning"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .ends_with("entry 1: request.method: missing (expected a string); entry skipped"),
        "{warnings:?}"
    );
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["target"], "/cart");
    assert_eq!(docs[0]["response"]["body"]["data"], "empty");
}

#[test]
fn a_single_entry_is_not_a_har_file_and_says_so() {
    let (out, _, dir) = import(&fixture("haralyzer-single-entry.json"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a single HAR entry, not a HAR file"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("db.db").exists());
}

#[test]
fn a_file_that_is_not_har_says_so() {
    let (out, _, dir) = import(&fixture("mitmproxy-flows.json"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("neither HAR"), "{}", stderr(&out));
    assert!(!dir.path().join("db.db").exists());
}

#[test]
fn chrome_http2_keeps_scheme_and_host_and_drops_pseudo_headers() {
    let docs = import_ok("chrome-h2.har");
    let post = &docs[0];
    assert_eq!(
        post["target"],
        "https://events.example.test/v1/events?src=web"
    );
    assert_eq!(post["http_version"], "HTTP/2");
    assert_eq!(
        headers(post),
        pairs(&[
            ("host", "events.example.test"),
            ("accept", "*/*"),
            ("content-length", "31"),
            ("content-type", "text/plain;charset=UTF-8"),
            ("sec-ch-ua", "\"Chromium\";v=\"122\""),
        ])
    );
    assert_eq!(body_text(post), "{\"event\":\"view\",\"item\":\"café\"}");
    assert_eq!(post["response"]["body"]["data"], "{}");
    // No Host and no :authority: Host comes from the URL, first.
    let failed = &docs[1];
    assert_eq!(
        headers(failed)[0],
        pairs(&[("Host", "shop.example.test")])[0]
    );
    assert_eq!(failed["response"]["status"], 0);
}

#[test]
fn an_imported_https_request_exports_to_its_https_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.db");
    run_ok(&db, &["import", fixture("chrome-h2.har").to_str().unwrap()]);
    let har: Value = serde_json::from_slice(&run_ok(&db, &["export", "--format", "har"])).unwrap();
    assert_eq!(
        har["log"]["entries"][0]["request"]["url"],
        "https://events.example.test/v1/events?src=web"
    );
    let curl = String::from_utf8(run_ok(&db, &["export", "--format", "curl", "id:1"])).unwrap();
    assert!(
        curl.contains("'https://events.example.test/v1/events?src=web'"),
        "{curl}"
    );
    // Pointed elsewhere, the path and query go along, not the original origin.
    let curl = String::from_utf8(run_ok(
        &db,
        &[
            "export",
            "--format",
            "curl",
            "id:1",
            "--url",
            "http://127.0.0.1:9",
        ],
    ))
    .unwrap();
    assert!(
        curl.contains("http://127.0.0.1:9/v1/events?src=web"),
        "{curl}"
    );
    // And path filters see the path, not the origin.
    let listed = run_ok(&db, &["ls", "--json", "path:/v1/events"]);
    assert_eq!(String::from_utf8_lossy(&listed).lines().count(), 1);
}

#[test]
fn firefox_offsets_become_utc_and_joined_set_cookies_split() {
    let docs = import_ok("firefox.har");
    let d = &docs[0];
    assert_eq!(d["received_at"], "2026-03-02T23:58:59.303000Z");
    assert_eq!(
        body_text(d),
        "user=ada&note=hi+there&x=%21",
        "text wins over params"
    );
    assert_eq!(
        headers(&d["response"]),
        pairs(&[
            ("location", "/home"),
            ("set-cookie", "sid=abc; Path=/; HttpOnly"),
            ("set-cookie", "theme=dark; Path=/"),
            ("date", "Mon, 02 Mar 2026 23:58:59 GMT"),
        ])
    );
}

#[test]
fn charles_nulls_offsets_and_base64_answers() {
    let d = &import_ok("charles.har")[0];
    assert_eq!(d["received_at"], "2026-03-02T08:30:06.482000Z");
    assert_eq!(d["target"], "/hooks/build?attempt=2");
    assert_eq!(body_text(d), "{\"status\":\"ok\"}\n");
    assert_eq!(d["response"]["status"], 201);
    assert_eq!(
        d["response"]["body"],
        json!({"encoding": "base64", "data": "iVBORw0KGgo=", "size": 8})
    );
}

#[test]
fn webpagetest_request_lines_and_broken_lines_are_skipped_with_warnings() {
    let (out, docs, _dir) = import(&fixture("webpagetest.har"));
    let err = stderr(&out);
    assert!(
        err.contains("request.headers[0]: \"GET /wiki/Main_Page HTTP/1.1\" is not a header name"),
        "{err}"
    );
    assert!(
        err.contains("response.headers[0]: \"HTTP/1.1 200 OK\""),
        "{err}"
    );
    assert!(
        err.contains("response.headers[4]: \"WMF-Last-Access"),
        "{err}"
    );
    let d = &docs[0];
    assert_eq!(d["http_version"], "HTTP/1.1");
    assert_eq!(d["target"], "https://wiki.example.test/wiki/Main_Page");
    assert_eq!(headers(d)[0], pairs(&[("Host", "wiki.example.test")])[0]);
    let names: Vec<String> = headers(&d["response"]).into_iter().map(|h| h.0).collect();
    assert_eq!(
        names,
        ["content-encoding", "content-type", "set-cookie", "vary"]
    );
}

#[test]
fn chrome_har_params_only_bodies_are_rebuilt() {
    let docs = import_ok("chrome-har.har");
    assert_eq!(
        body_text(&docs[0]),
        r#"{"sku":"A-1","qty":2,"meta":{"gift":true,"tags":["x"]}}"#
    );
    assert_eq!(
        body_text(&docs[1]),
        "email=ada%40example.test&topic=news&topic=deals&note=a+b%26c"
    );
    assert_eq!(docs[1]["target"], "/subscribe");
    let cookies: Vec<String> = headers(&docs[0]["response"])
        .into_iter()
        .filter(|h| h.0 == "set-cookie")
        .map(|h| h.1)
        .collect();
    assert_eq!(cookies, ["cart=9; Path=/; Secure", "seen=1; Path=/"]);
}

#[test]
fn insomnia_multipart_params_become_parts_with_a_boundary() {
    let (out, docs, _dir) = import(&fixture("insomnia.har"));
    assert!(
        stderr(&out).contains("names no boundary"),
        "{}",
        stderr(&out)
    );
    let d = &docs[0];
    let all = headers(d);
    let ct = all.iter().find(|h| h.0 == "Content-Type").unwrap();
    let boundary = ct.1.strip_prefix("multipart/form-data; boundary=").unwrap();
    assert_eq!(
        body_text(d),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.csv\"\r\n\
             Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--{boundary}--\r\n"
        )
    );
    // Host from the URL, as the request had none.
    assert!(headers(d).contains(&pairs(&[("Host", "localhost:3000")])[0]));
}

#[test]
fn mitmproxy_lone_surrogates_and_latin1_bodies_read_as_their_bytes() {
    let docs = import_ok("mitmproxy-savehar.har");
    let raw = &docs[0];
    assert_eq!(
        raw["headers"][1],
        json!(["X-Latin", {"base64": "Y2Fm6Q=="}])
    );
    // \u0000\u00ff\u00e9abc of an octet-stream body: Latin-1, as mitmproxy wrote it.
    assert_eq!(
        raw["body"],
        json!({"encoding": "base64", "data": "AP/pYWJj", "size": 6})
    );
    // {"a":"\udce9"} of a JSON body: UTF-8 with one byte that is not.
    assert_eq!(
        docs[1]["body"],
        json!({"encoding": "base64", "data": "eyJhIjoi6SJ9", "size": 9})
    );
    assert_eq!(raw["received_at"], "2026-03-02T18:57:52.050000Z");
}

#[test]
fn a_byte_order_mark_and_http2_from_edge() {
    let d = &import_ok("edge-bom.har")[0];
    assert_eq!(d["method"], "DELETE");
    assert_eq!(
        d["target"],
        "https://admin.example.test/api/users/42?soft=1"
    );
    assert_eq!(
        headers(d),
        pairs(&[("host", "admin.example.test"), ("x-csrf-token", "k9")])
    );
}

#[test]
fn safari_and_browsertime_pseudo_headers_in_other_orders() {
    let d = &import_ok("safari.har")[0];
    assert_eq!(headers(d)[0], pairs(&[("host", "app.example.test")])[0]);
    assert_eq!(body_text(d), "{\"done\":true,\"title\":\"Über\"}");
    assert_eq!(d["response"]["status"], 204);
    let d = &import_ok("browsertime.har")[0];
    assert_eq!(d["http_version"], "HTTP/3");
    assert_eq!(headers(d)[0], pairs(&[("host", "www.example.test:443")])[0]);
}
