//! Bytes: what a raw socket sends to the relay is what the laptop stores: the
//! same record a direct `listen` keeps for the same bytes, and the relay's
//! SHA-256 of the head as sent and the body, checked again on the laptop.

use std::io::Write as _;

use sha2::Digest as _;

use super::harness::{Relay, count, listen_via, wait_connected, wait_event, wait_until};
use crate::util::{Listener, PATIENCE, run_ok, show_json};

/// One test request: its head (for a target prefix) and body on the wire,
/// and the body as stored (de-chunked, never decompressed).
struct Case {
    head: fn(&str) -> Vec<u8>,
    wire: Vec<u8>,
    stored: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let binary: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    let json = b"{\"x\":\"\x1b]0;pwned\x07\xc2\x9b31m\"}".to_vec();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(br#"{"action":"opened","number":7}"#)
        .unwrap();
    let gzip = gzip.finish().unwrap();
    vec![
        Case {
            head: |p| {
                format!("POST {p}/bin?x=%00&y= HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/octet-stream\r\nContent-Length: LEN\r\n\r\n")
                    .into_bytes()
            },
            wire: binary.clone(),
            stored: binary,
        },
        Case {
            head: |p| {
                let mut h = format!("POST {p}/hostile HTTP/1.1\r\nHost: relay.test\r\nX-Evil: a\x1b[2Jb\x07\r\nx-MiXeD-case:   spaced  \r\nX-Tab:\ttab\t\r\n").into_bytes();
                h.extend_from_slice(b"X-High: \xff\xfe\x80\r\nContent-Type: application/json\r\nContent-Length: LEN\r\n\r\n");
                h
            },
            wire: json.clone(),
            stored: json,
        },
        Case {
            head: |p| {
                format!("PUT {p}/dup HTTP/1.1\r\nHost: relay.test\r\nX-Dup: 1\r\nx-dup: 2\r\nX-DUP: 3\r\nCookie: a=1\r\nCookie: b=2\r\nContent-Length: LEN\r\n\r\n")
                    .into_bytes()
            },
            wire: b"ok".to_vec(),
            stored: b"ok".to_vec(),
        },
        Case {
            head: |p| {
                format!("POST {p}/chunked HTTP/1.1\r\nHost: relay.test\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n")
                    .into_bytes()
            },
            wire: b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n".to_vec(),
            stored: b"hello world".to_vec(),
        },
        Case {
            head: |p| {
                format!("POST {p}/gzip HTTP/1.1\r\nHost: relay.test\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: LEN\r\n\r\n")
                    .into_bytes()
            },
            wire: gzip.clone(),
            stored: gzip,
        },
    ]
}

/// The head with the `LEN` placeholder filled in.
fn head_of(case: &Case, prefix: &str) -> Vec<u8> {
    let head = (case.head)(prefix);
    let text = String::from_utf8_lossy(&head);
    if text.contains("Content-Length: LEN") {
        let len = case.wire.len().to_string();
        let at = head.windows(3).position(|w| w == b"LEN").unwrap();
        let mut out = head[..at].to_vec();
        out.extend_from_slice(len.as_bytes());
        out.extend_from_slice(&head[at + 3..]);
        return out;
    }
    head
}

/// The fields of a `show --json` document that must not change on the way.
fn essence(doc: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "method": doc["method"],
        "target": doc["target"],
        "http_version": doc["http_version"],
        "headers": doc["headers"],
        "body": doc["body"],
        "truncated": doc["truncated"],
    })
}

#[test]
fn binary_hostile_duplicate_chunked_and_gzip_requests_arrive_identical_with_equal_hashes() {
    let relay = Relay::start(&[]);
    let token = relay.channel("bytes", &[]);
    let mut client = listen_via(&relay, "bytes", &token, &[]);
    wait_connected(&mut client);
    let direct = Listener::start(&[]);

    let cases = cases();
    for case in &cases {
        let mut via_relay = head_of(case, "/c/bytes");
        via_relay.extend_from_slice(&case.wire);
        assert_eq!(relay.send(&via_relay).status, 200);
        let mut straight = head_of(case, "");
        straight.extend_from_slice(&case.wire);
        assert_eq!(direct.send_raw(&straight).status, 200);
    }
    wait_until("every request on the laptop", PATIENCE, || {
        count(&client.db) == cases.len() as i64
    });

    let relay_heads = queued_heads(&relay);
    let laptop_heads: Vec<Vec<u8>> = {
        let conn = rusqlite::Connection::open(&client.db).unwrap();
        let mut stmt = conn
            .prepare("SELECT raw_head FROM relayed ORDER BY request_id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    for (i, case) in cases.iter().enumerate() {
        let id = (i + 1).to_string();
        let laptop = show_json(&client.db, &id);
        let local = show_json(&direct.db, &id);
        assert_eq!(
            essence(&laptop),
            essence(&local),
            "request {id}: as if sent straight to listen"
        );
        let body = crate::util::show_raw(&client.db, &id);
        assert_eq!(body, case.stored, "request {id}: body bytes");

        let sent_head = head_of(case, "/c/bytes");
        assert_eq!(
            relay_heads[i], sent_head,
            "request {id}: the relay kept the head as sent"
        );
        assert_eq!(
            laptop_heads[i], sent_head,
            "request {id}: the laptop has the head as sent"
        );
        let expected = hex::encode(
            sha2::Sha256::new()
                .chain_update(&sent_head)
                .chain_update(&case.stored)
                .finalize(),
        );
        let via = &laptop["via"];
        assert_eq!(
            via["sha256"],
            expected.as_str(),
            "request {id}: the hash of head as sent and body"
        );
        assert_eq!(via["identical"], true);
        assert_eq!(via["relay_id"], i as i64 + 1);
        assert_eq!(via["url"], relay.url("bytes").as_str());
    }
    let shown = String::from_utf8(run_ok(&client.db, &["show", "1"])).unwrap();
    let expected = format!("via {} (relay #1, sha256 ", relay.url("bytes"));
    assert!(
        shown.contains(&expected) && shown.contains("identical"),
        "{shown}"
    );
    let listed = run_ok(&client.db, &["ls", "via:*/c/bytes", "--json"]);
    assert_eq!(
        String::from_utf8_lossy(&listed).lines().count(),
        cases.len()
    );
}

/// The raw heads in the relay's queue, by relay id.
/// The head bytes the relay sends for each queued request: kept as received,
/// or (when they are exactly that) the request row re-encoded.
fn queued_heads(relay: &Relay) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(&relay.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT coalesce(q.raw_head, CAST(r.method || ' ' || r.target || ' ' || r.http_version \
             || char(13, 10) || r.headers || char(13, 10) AS BLOB)) \
             FROM relay_queue q JOIN requests r ON r.id = q.request_id ORDER BY q.request_id",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_request_whose_bytes_changed_on_the_way_is_refused_and_not_acknowledged() {
    let relay = Relay::start(&[]);
    let token = relay.channel("tamper", &[]);
    assert_eq!(relay.post("/c/tamper/hook", &[], b"original").status, 200);
    assert_eq!(relay.post("/c/tamper/hook", &[], b"second").status, 200);
    // Bytes that differ from what arrived, as a bad disk or a bad hop would make them.
    let conn = rusqlite::Connection::open(&relay.db).unwrap();
    conn.execute(
        "UPDATE requests SET body = CAST('altered!' AS BLOB) WHERE id = 1",
        [],
    )
    .unwrap();

    let mut client = listen_via(
        &relay,
        "tamper",
        &token,
        &["--from", "earliest", "--consumer", "c"],
    );
    let event = wait_event(&mut client, "arrived altered");
    assert!(event.contains("relay request #1"), "{event}");
    assert_eq!(
        count(&client.db),
        0,
        "neither it nor what follows is stored"
    );
    let cursor: i64 = conn
        .query_row(
            "SELECT cursor FROM relay_consumers WHERE name = 'c'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cursor, 0, "not acknowledged");
    client.terminate();
    assert!(client.stderr().contains("SHA-256 mismatch"));
}
