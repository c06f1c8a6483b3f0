//! `ls` and `show` on a store filled through a real listener.

use std::io::Write;

use crate::util::{Listener, run, run_ok, show_json};

fn filled() -> Listener {
    let l = Listener::start(&[]);
    l.post(
        "/hooks/github",
        &["Content-Type: application/json"],
        b"{\"b\":1,\"a\":[true,null]}",
    );
    l.send_raw(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    l.post(
        "/hooks/stripe?x=1",
        &["Content-Type: application/x-www-form-urlencoded"],
        b"name=J%C3%BCrgen+K&empty=",
    );
    l
}

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

#[test]
fn ls_lists_newest_first_with_a_header_row() {
    let l = filled();
    let out = String::from_utf8(run_ok(&l.db, &["ls"])).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("METHOD") && lines[0].contains("STATUS")
    );
    assert!(
        lines[1].contains("/hooks/stripe?x=1") && lines[3].contains("/hooks/github"),
        "{out}"
    );
}

#[test]
fn ls_filters_by_method_path_session_and_since() {
    let l = filled();
    assert_eq!(
        ids(&run_ok(&l.db, &["ls", "--json", "--method", "post"])),
        [3, 1]
    );
    assert_eq!(
        ids(&run_ok(&l.db, &["ls", "--json", "--path", "/hooks/*"])),
        [3, 1]
    );
    assert_eq!(
        ids(&run_ok(
            &l.db,
            &["ls", "--json", "--session", "latest", "-n", "1"]
        )),
        [3]
    );
    assert_eq!(
        ids(&run_ok(&l.db, &["ls", "--json", "--since", "1h"])).len(),
        3
    );
    assert!(
        ids(&run_ok(
            &l.db,
            &["ls", "--json", "--since", "2999-01-01T00:00:00Z"]
        ))
        .is_empty()
    );
}

#[test]
fn ls_rejects_a_bad_since_with_a_usage_error() {
    let l = filled();
    let out = run(&l.db, &["ls", "--since", "lately"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
}

#[test]
fn show_pretty_prints_json_keeping_key_order() {
    let l = filled();
    let out = String::from_utf8(run_ok(&l.db, &["show", "1"])).unwrap();
    assert!(out.starts_with("#1 POST /hooks/github HTTP/1.1"), "{out}");
    let b = out.find("\"b\": 1").expect("pretty JSON");
    assert!(b < out.find("\"a\": [").unwrap(), "key order kept");
}

#[test]
fn show_decodes_forms_as_a_table() {
    let l = filled();
    let out = String::from_utf8(run_ok(&l.db, &["show", "3"])).unwrap();
    assert!(out.contains("Jürgen K"), "{out}");
}

#[test]
fn show_decodes_gzip_for_display_but_raw_keeps_the_bytes() {
    let l = Listener::start(&[]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"{\"zipped\":true}").unwrap();
    let body = gz.finish().unwrap();
    l.post(
        "/gz",
        &["Content-Type: application/json", "Content-Encoding: gzip"],
        &body,
    );
    let shown = String::from_utf8(run_ok(&l.db, &["show", "last"])).unwrap();
    assert!(shown.contains("\"zipped\": true"), "{shown}");
    assert_eq!(run_ok(&l.db, &["show", "last", "--raw"]), body);
}

#[test]
fn show_prints_a_shaped_answer_after_the_request_and_nothing_for_a_bare_one() {
    let l = Listener::start(&[
        "--status",
        "401",
        "--body",
        "{\"error\":\"sign it\"}",
        "--header",
        "X-Hint: see docs",
    ]);
    l.post("/hook", &["Content-Type: application/json"], b"{\"a\":1}");
    let shown = String::from_utf8(run_ok(&l.db, &["show", "last"])).unwrap();
    let at = shown
        .find("Answer 401\n")
        .unwrap_or_else(|| panic!("{shown}"));
    let answer = &shown[at..];
    assert!(answer.contains("X-Hint: see docs"), "{shown}");
    assert!(answer.contains("sign it"), "{shown}");
    assert!(shown[..at].contains("\"a\": 1"), "the request comes first");

    let bare = filled();
    let shown = String::from_utf8(run_ok(&bare.db, &["show", "1"])).unwrap();
    assert!(
        !shown.contains("Answer"),
        "an empty 200 says no more: {shown}"
    );
}

#[test]
fn show_json_is_one_complete_document() {
    let l = filled();
    let doc = show_json(&l.db, "3");
    assert_eq!(doc["target"], "/hooks/stripe?x=1");
    assert_eq!(
        (doc["path"].as_str(), doc["query"].as_str()),
        (Some("/hooks/stripe"), Some("x=1"))
    );
    assert_eq!(doc["http_version"], "HTTP/1.1");
    assert!(
        doc["remote_addr"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert!(doc["received_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(doc["response"]["status"], 200);
}

#[test]
fn an_unknown_id_exits_1_with_a_clear_error() {
    let l = filled();
    let out = run(&l.db, &["show", "999"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "hookcap: error: no request with id 999"
    );
}

#[test]
fn a_nonsense_id_is_a_usage_error() {
    let l = filled();
    assert_eq!(run(&l.db, &["show", "first"]).status.code(), Some(2));
}

#[test]
fn colors_follow_the_color_flag_and_no_color() {
    let l = filled();
    assert!(
        !run_ok(&l.db, &["ls"]).contains(&0x1b),
        "no colors when piped"
    );
    assert!(run_ok(&l.db, &["ls", "--color", "always"]).contains(&0x1b));
    let out = crate::util::hookcap()
        .args(["ls", "--color", "never", "--db"])
        .arg(&l.db)
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
}

/// `hookcap ARGS --db DB` with `TZ` set to a zone one hour east of UTC.
fn run_in_cet(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    crate::util::hookcap()
        .env("TZ", "CET-1")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("hookcap runs")
}

#[test]
fn ls_and_show_print_local_times_and_json_keeps_utc() {
    let l = filled();
    let doc = show_json(&l.db, "1");
    let utc: jiff::Timestamp = doc["received_at"].as_str().unwrap().parse().unwrap();
    assert!(doc["received_at"].as_str().unwrap().ends_with('Z'));
    let local = utc.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    let out = run_in_cet(&l.db, &["ls"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.lines().next().unwrap().contains("TIME (CET)"),
        "{table}"
    );
    let shown = local.strftime("%Y-%m-%d %H:%M:%S").to_string();
    assert!(table.contains(&shown), "{shown} in\n{table}");
    let out = run_in_cet(&l.db, &["show", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let precise = local.strftime("%Y-%m-%d %H:%M:%S%.6f CET").to_string();
    assert!(text.contains(&format!("received {precise}")), "{text}");
    let out = run_in_cet(&l.db, &["ls", "--json"]);
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.contains(doc["received_at"].as_str().unwrap()),
        "{line}"
    );
}

#[test]
fn since_takes_a_local_time_with_a_space() {
    let l = filled();
    let doc = show_json(&l.db, "3");
    let utc: jiff::Timestamp = doc["received_at"].as_str().unwrap().parse().unwrap();
    let local = utc.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    let minute = local.strftime("%Y-%m-%d %H:%M").to_string();
    let next = (local.clone() + jiff::SignedDuration::from_mins(1))
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let ids_since = |when: &str| {
        let out = run_in_cet(&l.db, &["ls", "--json", &format!("since:{when}")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ids(&out.stdout)
    };
    assert!(ids_since(&minute).contains(&3), "since:'{minute}' (local)");
    assert_eq!(
        ids_since(&next),
        Vec::<i64>::new(),
        "since:'{next}' (local)"
    );
    let in_utc = utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert!(ids_since(&in_utc).contains(&3), "a zone given is kept");
}

#[test]
fn show_lists_the_parts_of_a_multipart_body() {
    let l = Listener::start(&[]);
    let body = b"--b0\r\nContent-Disposition: form-data; name=\"meta\"\r\n\
        Content-Type: application/json\r\n\r\n{\"id\":7}\r\n\
        --b0\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n\
        Content-Type: text/plain\r\n\r\nline one\r\n--b0--\r\n";
    l.post(
        "/up",
        &["Content-Type: multipart/form-data; boundary=b0"],
        body,
    );
    let out = String::from_utf8(run_ok(&l.db, &["show", "1"])).unwrap();
    for want in [
        "#  NAME    FILENAME  TYPE              SIZE",
        "1  meta    -         application/json   8 B",
        "2  upload  a.txt     text/plain         8 B",
        "── 1 meta · application/json · 8 B\n{\n  \"id\": 7\n}\n",
        "── 2 upload (a.txt) · text/plain · 8 B\nline one\n",
    ] {
        assert!(out.contains(want), "{want:?} in:\n{out}");
    }
    assert!(!out.contains("\\r"), "no raw CR escapes:\n{out}");
}
