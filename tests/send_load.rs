//! `hookcap send` retries (against a tiny in-test server with canned answers),
//! `--repeat` summaries (against a real listener) and TLS with `-k`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::send::{header, ok, send, url};
use crate::util::{Listener, run_ok, show_json};

/// A server answering each connection with the next canned response (the last
/// one repeats), counting the requests it got.
struct Canned {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Canned {
    fn start(responses: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let responses: Vec<String> = responses.iter().map(|r| r.to_string()).collect();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let n = counter.fetch_add(1, Ordering::SeqCst);
                read_request(&mut stream);
                let response = &responses[n.min(responses.len() - 1)];
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Self { addr, hits }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Reads one request head and its `Content-Length` body.
fn read_request(stream: &mut impl Read) {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0; len];
    let _ = stream.read_exact(&mut body);
}

fn response(status: &str, extra: &str) -> String {
    format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nhi")
}

#[test]
fn retries_honour_retry_after_then_succeed() {
    let server = Canned::start(&[
        &response("503 Service Unavailable", "Retry-After: 1\r\n"),
        &response("200 OK", ""),
    ]);
    let out = send(&[&server.url(), "-d", "x", "--retry", "3"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(server.hits(), 2);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        ["hookcap: HTTP/1.1 503 Service Unavailable; retry 1/3 in 1.00s (Retry-After)"]
    );
}

#[test]
fn retries_give_up_after_n() {
    let server = Canned::start(&[&response("500 Internal Server Error", "Retry-After: 0\r\n")]);
    let out = send(&[&server.url(), "--retry", "2", "--json-result"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(server.hits(), 3);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[1].ends_with("retry 2/2 in 0µs (Retry-After)"),
        "{err}"
    );
    assert_eq!(
        lines[2],
        "hookcap: giving up after 3 attempts: HTTP/1.1 500 Internal Server Error"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (doc["attempts"].as_u64(), doc["response"]["status"].as_u64()),
        (Some(3), Some(500))
    );
}

#[test]
fn retry_max_time_refuses_a_long_retry_after() {
    let server = Canned::start(&[&response("429 Too Many Requests", "Retry-After: 30\r\n")]);
    let out = send(&[&server.url(), "--retry", "5", "--retry-max-time", "2s"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(server.hits(), 1);
    assert!(
        err.contains("giving up after 1 attempts (the next wait would pass --retry-max-time)"),
        "{err}"
    );
}

#[test]
fn non_retryable_statuses_are_not_retried() {
    let server = Canned::start(&[&response("404 Not Found", "")]);
    let out = send(&[&server.url(), "--retry", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(server.hits(), 1);
    assert!(out.stderr.is_empty());
}

#[test]
fn connect_errors_are_retried_with_backoff() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = send(&[&format!("http://{closed}/"), "--retry", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].contains("Connection refused") && lines[0].contains("; retry 1/1 in "),
        "{err}"
    );
    assert!(!lines[0].contains("Retry-After"), "{err}");
    assert!(
        lines[1].starts_with("hookcap: giving up after 2 attempts"),
        "{err}"
    );
}

#[test]
fn repeat_summary_counts_are_exact() {
    let l = Listener::start(&[]);
    let out = ok(send(&[
        &url(&l, "/load"),
        "-d",
        "x",
        "--repeat",
        "50",
        "--concurrency",
        "4",
    ]));
    assert!(out.starts_with("50 requests in "), "{out}");
    assert!(out.contains("concurrency 4\n"), "{out}");
    assert!(out.contains("\n       50 × 200 OK\n"), "{out}");
    assert!(out.contains("latency min "), "{out}");
    let rows = run_ok(&l.db, &["ls", "--json", "-n", "1000"]);
    assert_eq!(String::from_utf8_lossy(&rows).lines().count(), 50);
}

#[test]
fn repeats_carry_fresh_ids_and_signatures() {
    let l = Listener::start(&[]);
    let out = ok(send(&[
        &url(&l, "/gh"),
        "--template",
        "github.push",
        "--secret",
        "s3cret",
        "--repeat",
        "12",
        "--concurrency",
        "3",
        "--json-result",
    ]));
    let doc: Value = serde_json::from_str(out.trim_end()).unwrap();
    assert_eq!(doc["requests"], 12);
    assert_eq!(doc["statuses"], serde_json::json!({"200": 12}));
    assert_eq!(doc["errors"], serde_json::json!({}));
    for key in ["min", "p50", "p90", "p99", "max"] {
        assert!(doc["latency_ms"][key].is_f64(), "{key}");
    }
    let mut ids: Vec<String> = (1..=12)
        .map(|i| header(&show_json(&l.db, &i.to_string()), "x-github-delivery").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[test]
fn repeat_exit_status_and_errors_by_kind() {
    let failing = Listener::start(&["--status", "500"]);
    let out = send(&[&url(&failing, "/"), "--repeat", "3", "--concurrency", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("        3 × 500 Internal Server Error\n")
    );
    assert_eq!(
        send(&[&url(&failing, "/"), "--repeat", "3", "--no-fail"])
            .status
            .code(),
        Some(0)
    );
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = send(&[
        &format!("http://{closed}/"),
        "--repeat",
        "4",
        "--concurrency",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("        4 × connect error\n"), "{text}");
}

/// A TLS server with the self-signed certificate in `tests/fixtures/tls`.
fn tls_server() -> (SocketAddr, Arc<AtomicUsize>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let certs = CertificateDer::pem_file_iter(dir.join("cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let conn = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            read_request(&mut tls);
            if tls.write_all(response("200 OK", "").as_bytes()).is_ok() {
                counter.fetch_add(1, Ordering::SeqCst);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    (addr, served)
}

#[test]
fn tls_needs_a_trusted_certificate_unless_insecure() {
    let (addr, served) = tls_server();
    let url = format!("https://{addr}/secure");
    let out = send(&[&url, "--json", "{}", "--json-result"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "tls", "{doc}");
    assert_eq!(served.load(Ordering::SeqCst), 0);
    let out = ok(send(&[&url, "-k", "--json", "{}"]));
    assert_eq!(out, "HTTP/1.1 200 OK\n\nhi\n");
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[test]
fn repeats_send_the_same_bytes_as_a_single_send() {
    let l = Listener::start(&[]);
    let args = [
        &url(&l, "/same?q=1") as &str,
        "-X",
        "PUT",
        "-H",
        "X-Custom: a b",
        "-H",
        "Accept:",
        "-u",
        "u:p",
        "--data-binary",
        "exact\r\nbytes",
    ];
    ok(send(&args));
    let mut repeated = args.to_vec();
    repeated.extend(["--repeat", "2", "--concurrency", "2"]);
    ok(send(&repeated));
    let single = show_json(&l.db, "1");
    for id in ["2", "3"] {
        let again = show_json(&l.db, id);
        for field in ["method", "target", "headers", "body"] {
            assert_eq!(single[field], again[field], "{field} of request {id}");
        }
    }
}

#[test]
fn repeats_reconnect_when_the_server_closes_and_retry_per_request() {
    let server = Canned::start(&[
        &response("503 Service Unavailable", "Retry-After: 0\r\n"),
        &response("200 OK", ""),
    ]);
    let out = send(&[
        &server.url(),
        "--repeat",
        "4",
        "--retry",
        "1",
        "--json-result",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["statuses"], serde_json::json!({"200": 4}));
    assert_eq!(doc["retries"], 1);
    assert_eq!(server.hits(), 5);
}
