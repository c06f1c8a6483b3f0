//! What `send` and `replay` read back is bounded (issue 14 §1): bodies stream
//! to `-o` as they arrive, a terminal gets the first MiB, `--max-response`
//! stops an endless answer with a clear error and flat memory, and
//! `--compressed` answers are decoded on the way.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use crate::util::{Listener, PATIENCE, hookcap, show_json};

/// Answers one connection: reads the request head, then `answer` writes.
fn serve_once(answer: impl FnOnce(TcpStream) + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
            line.clear();
        }
        answer(stream);
    });
    addr
}

/// A chunked body that never ends (until the reader goes away).
fn endless(mut stream: TcpStream) {
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    let mut chunk = b"10000\r\n".to_vec();
    chunk.extend(std::iter::repeat_n(b'x', 0x10000));
    chunk.extend_from_slice(b"\r\n");
    while stream.write_all(&chunk).is_ok() {}
}

/// `hookcap send ARGS` under `/usr/bin/time -v` when it is there: its
/// output, and its peak resident memory in KiB if that could be measured.
fn send_measured(args: &[&str]) -> (std::process::Output, Option<u64>) {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("skipped the memory check: /usr/bin/time is not installed");
        return (hookcap().arg("send").args(args).output().unwrap(), None);
    }
    let plain = hookcap();
    let mut cmd = Command::new(time);
    cmd.arg("-v")
        .arg(plain.get_program())
        .arg("send")
        .args(args);
    for (key, value) in plain.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|n| n.trim().parse().ok());
    if peak.is_none() {
        eprintln!("skipped the memory check: /usr/bin/time -v gave no peak size");
    }
    (out, peak)
}

#[test]
fn an_endless_answer_stops_at_max_response_with_flat_memory() {
    let addr = serve_once(endless);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.bin");
    let url = format!("http://{addr}/endless");
    let (out, peak_kib) = send_measured(&[&url, "--timeout", "20s", "-o", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("hookcap: error:"))
        .collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].contains("larger than --max-response 64.0 MiB"),
        "{stderr}"
    );
    let written = std::fs::metadata(&file).unwrap().len();
    assert!(written > 0 && written <= 64 * 1024 * 1024, "{written}");
    if let Some(kib) = peak_kib {
        eprintln!("peak RSS of send streaming 64 MiB to a file: {kib} KiB");
        // The whole 64 MiB went through; holding it would take more than this.
        assert!(kib < 40 * 1024, "peak RSS {kib} KiB");
    }
}

#[test]
fn max_response_is_checked_without_a_file_too() {
    let addr = serve_once(endless);
    let out = hookcap()
        .args(["send", &format!("http://{addr}/"), "--max-response", "1MiB"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("larger than --max-response 1.0 MiB"),
        "{stderr}"
    );
}

#[test]
fn dash_o_dash_streams_before_the_answer_ends() {
    let (release, released) = mpsc::channel::<()>();
    let addr = serve_once(move |mut stream| {
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nfirst-bytes\n\r\n",
            )
            .unwrap();
        // The rest only once the first bytes came out of hookcap's stdout.
        if released.recv_timeout(PATIENCE).is_ok() {
            let _ = stream.write_all(b"4\r\nrest\r\n0\r\n\r\n");
        }
    });
    let mut child = hookcap()
        .args(["send", &format!("http://{addr}/"), "-o", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (first, got_first) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = vec![0; 12];
        stdout.read_exact(&mut all).unwrap();
        first.send(()).unwrap();
        stdout.read_to_end(&mut all).unwrap();
        all
    });
    let streamed = got_first.recv_timeout(PATIENCE).is_ok();
    let _ = release.send(());
    let status = child.wait().unwrap();
    let all = reader.join().unwrap();
    assert!(streamed, "no byte came out while the answer was open");
    assert!(status.success());
    assert_eq!(all, b"first-bytes\nrest");
}

#[test]
fn a_terminal_gets_the_first_mib_and_a_pointer_to_o() {
    let addr = serve_once(|mut stream| {
        let body = "0123456789abcdef\n".repeat(3 * 1024 * 1024 / 17);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body.as_bytes());
    });
    let out = hookcap()
        .args(["send", &format!("http://{addr}/")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.len() < 1024 * 1024 + 4096, "{}", text.len());
    let last = text.lines().last().unwrap();
    assert_eq!(last, "… 2.0 MiB more (use -o FILE to keep it all)");
    assert!(!text.contains("--raw"));
}

#[test]
fn compressed_answers_are_decoded_as_they_stream() {
    let gzip = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&b"hello compressed world\n".repeat(1000))
            .unwrap();
        e.finish().unwrap()
    };
    let answer = |gzip: Vec<u8>| {
        move |mut stream: TcpStream| {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                gzip.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&gzip);
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let decoded = dir.path().join("decoded");
    let addr = serve_once(answer(gzip.clone()));
    let out = hookcap()
        .args(["send", &format!("http://{addr}/"), "--compressed", "-o"])
        .arg(&decoded)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&decoded).unwrap(),
        b"hello compressed world\n".repeat(1000)
    );
    let raw = dir.path().join("raw");
    let addr = serve_once(answer(gzip.clone()));
    let out = hookcap()
        .args(["send", &format!("http://{addr}/"), "-o"])
        .arg(&raw)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(&raw).unwrap(),
        gzip,
        "without --compressed: as sent"
    );
    let addr = serve_once(answer(gzip));
    let out = hookcap()
        .args(["send", &format!("http://{addr}/"), "--compressed"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\nhello compressed world\nhello"), "{text}");
}

#[test]
fn replay_stops_reading_an_endless_answer() {
    let l = Listener::start(&[]);
    l.post("/hook", &[], b"{}");
    let addr = serve_once(endless);
    let out = hookcap()
        .args(["replay", "last", "--to", &format!("http://{addr}"), "--db"])
        .arg(&l.db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = show_json(&l.db, "last");
    let delivery = &doc["deliveries"][0];
    let error = delivery["error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than 64.0 MiB"), "{error}");
    assert_eq!(delivery["response_truncated"], true);
}
