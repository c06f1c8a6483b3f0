//! `hookcap send` puts on the wire what curl 7.88 puts there: the same flags
//! go to curl and to `send`, each against a raw TCP socket that records the
//! request bytes, and the bytes must be equal, the `User-Agent` line (and a
//! multipart boundary's random digits) aside. Skipped, with a message, when
//! curl is missing or is not 7.88.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{PATIENCE, hookcap};

/// Command lines, `{U}` standing for the capture socket's `http://ADDR`
/// and `{UA}` for the same with user info. Files are in the working directory.
const CASES: &[&[&str]] = &[
    &["{U}/p"],
    &["{U}", "-X", "HEAD"],
    &["{U}/a/./b/../c?x=%7e&y=a%20b"],
    &["{U}/p?a=b%2Fc&s=x+y"],
    &["{UA}/p"],
    &[
        "{U}/p", "-H", "X-A: 1", "-H", "X-B: 2", "-H", "X-A: 3", "-u", "me:pw", "-A", "agent/1",
    ],
    &[
        "{U}/p",
        "-H",
        "X-Empty;",
        "-H",
        "X-Sp:   padded  ",
        "-H",
        "X-NoSp:v",
        "-H",
        "x-lower: a",
    ],
    &["{U}/p", "-H", "X-Tab:\ttab", "-H", "X-T2: a\tb"],
    &["{U}/p", "-H", "Accept:", "-H", "Host:"],
    &["{U}/p", "-H", "Host:", "-H", "Accept:", "-H", "User-Agent:"],
    &[
        "{U}/p",
        "-H",
        "X-A: 1",
        "-H",
        "Host: example.test",
        "-H",
        "host: second",
    ],
    &["{U}/p", "-H", "host: lower.test"],
    &[
        "{U}/p",
        "-H",
        "Accept;",
        "-H",
        "X-Dup: 1",
        "-H",
        "Accept: b",
    ],
    &["{U}/p", "-H", "X-A: 1", "-H", "x-a;"],
    &["{U}/p", "-H", "User-Agent: mine", "-H", "X-B: 1"],
    &["{U}/p", "-H", "User-Agent:"],
    &["{U}/p", "-A", ""],
    &["{U}/p", "-u", "me:pw", "-H", "Authorization: Bearer t"],
    &["{U}/p", "-d", "a=1", "-H", "X-A: 1"],
    &["{U}/p", "-d", ""],
    &["{U}/p", "-d", "@f.txt"],
    &["{U}/p", "-d", "@big.txt"],
    &["{U}/p", "-X", "PUT", "-d", "a"],
    &["{U}/p", "-X", "GET", "-d", "a"],
    &["{U}/p", "-H", "Content-Length: 3", "-d", "abc"],
    &["{U}/p", "-H", "Content-Type:", "-d", "a=1"],
    &[
        "{U}/p",
        "--data-binary",
        "@f.txt",
        "-H",
        "content-type: text/plain",
    ],
    &["{U}/p", "--data-binary", ""],
    &["{U}/p", "--data-raw", "@notafile", "-d", "b=2"],
    &[
        "{U}/p",
        "--data-urlencode",
        "a b&c",
        "--data-urlencode",
        "=x y",
        "--data-urlencode",
        "n=v w=z",
        "--data-urlencode",
        "@f.txt",
        "--data-urlencode",
        "f@f.txt",
        "--data-urlencode",
        "a@b=c d",
    ],
    &["{U}/p", "--json", "{\"a\":1}", "-H", "X-A: 1"],
    &["{U}/p", "--json", "{\"a\":1}", "--json", "[2]"],
    &["{U}/p", "--json", "{}", "-H", "Accept: text/plain"],
    &[
        "{U}/p",
        "--json",
        "{}",
        "-H",
        "Content-Type: text/json",
        "-H",
        "X-Z: 1",
    ],
    &["{U}/p", "--json", ""],
    &["{U}/p?x=1", "-G", "-d", "a=1", "--data-urlencode", "q=h w"],
    &["{U}/p", "-G", "-d", "a=1"],
    &["{U}/p?", "-G", "-d", "a=1"],
    &["{U}/p", "--url-query", "a=b c", "--url-query", "z w"],
    &["{U}/p", "--url-query", "+x=%20y", "--url-query", "+a&b"],
    &[
        "{U}/p",
        "--url-query",
        "=x y",
        "--url-query",
        "n@h.txt",
        "--url-query",
        "@h.txt",
    ],
    &["{U}/p?q=1#frag", "--url-query", "a=b"],
    &["{U}/p", "--compressed"],
    &["{U}/p", "--compressed", "-H", "Accept-Encoding: gzip"],
    &["{U}/p", "-F", "a=1", "-F", "f=@h.txt", "-F", "t=<h.txt"],
    &[
        "{U}/p",
        "-F",
        "f=@h.txt;type=text/x;filename=z.bin",
        "-H",
        "X-A: 1",
    ],
    &["{U}/p", "-F", "a=1", "-H", "Content-Type: multipart/mixed"],
];

#[test]
fn send_writes_what_curl_7_88_writes() {
    let Some(version) = curl_7_88() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), b"l1\r\nl2\nl3").unwrap();
    std::fs::write(dir.path().join("h.txt"), b"hello").unwrap();
    std::fs::write(dir.path().join("big.txt"), vec![b'a'; 1_100_000]).unwrap();
    let mut differences = Vec::new();
    for batch in CASES.chunks(8) {
        std::thread::scope(|scope| {
            let runs: Vec<_> = batch
                .iter()
                .map(|case| scope.spawn(|| compare(case, dir.path())))
                .collect();
            for run in runs {
                differences.extend(run.join().unwrap());
            }
        });
    }
    assert!(
        differences.is_empty(),
        "{} of {} command lines differ from {version}:\n{}",
        differences.len(),
        CASES.len(),
        differences.join("\n")
    );
}

/// curl's version line when it is 7.88; `None` (with a message) otherwise.
fn curl_7_88() -> Option<String> {
    let out = Command::new("curl").arg("--version").output();
    let line = out.ok().filter(|o| o.status.success()).and_then(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .map(str::to_owned)
    });
    match line {
        Some(line) if line.starts_with("curl 7.88.") => Some(line),
        other => {
            eprintln!("skipped: the curl comparison needs curl 7.88 (found {other:?})");
            None
        }
    }
}

/// Runs `case` with curl, then with `hookcap send`, against one capture
/// socket; a description of the difference, if any.
fn compare(case: &[&str], dir: &Path) -> Option<String> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let from_curl = capture(&listener, case, dir, |args| {
        let mut cmd = Command::new("curl");
        cmd.args(["-s", "-o", "/dev/null"]).args(args);
        cmd
    });
    let from_send = capture(&listener, case, dir, |args| {
        let mut cmd = hookcap();
        cmd.args(["send", "-o", "/dev/null"]).args(args);
        cmd
    });
    let (curl, send) = (normalized(&from_curl), normalized(&from_send));
    (curl != send).then(|| {
        format!(
            "  {case:?}\n    curl: {:?}\n    send: {:?}",
            String::from_utf8_lossy(&curl),
            String::from_utf8_lossy(&send)
        )
    })
}

/// The bytes of the one request `command` (given the case's arguments) sends.
fn capture(
    listener: &TcpListener,
    case: &[&str],
    dir: &Path,
    command: impl Fn(&[String]) -> Command,
) -> Vec<u8> {
    let addr = listener.local_addr().unwrap();
    let args: Vec<String> = case
        .iter()
        .map(|a| {
            a.replace("{UA}", &format!("http://us%40er:p%3Ass@{addr}"))
                .replace("{U}", &format!("http://{addr}"))
        })
        .collect();
    let mut child = command(&args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let request = read_and_answer(stream);
    child.wait().unwrap();
    request
}

/// Reads one request (answering `100 Continue` to an `Expect`), then `200`.
fn read_and_answer(stream: std::net::TcpStream) -> Vec<u8> {
    let mut reader = BufReader::new(stream);
    let mut raw = Vec::new();
    let (mut length, mut expect) = (0, false);
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).unwrap() == 0 {
            return raw;
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(v) = text.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        expect |= text.starts_with("expect:");
        if line == b"\r\n" {
            break;
        }
    }
    if expect {
        reader
            .get_mut()
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .unwrap();
    }
    let start = raw.len();
    raw.resize(start + length, 0);
    reader.read_exact(&mut raw[start..]).unwrap();
    let _ = reader
        .get_mut()
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    raw
}

/// The request with its `User-Agent` value and multipart boundary digits
/// replaced (curl's and hookcap's differ by design).
fn normalized(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive("\r\n") {
        if line.starts_with("User-Agent: ") {
            out.push_str("User-Agent: *\r\n");
        } else {
            out.push_str(line);
        }
    }
    // A boundary: 24 dashes or more, then 16 random hex digits.
    let bytes = out.as_bytes();
    let mut result = Vec::with_capacity(bytes.len());
    let mut dashes = 0;
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes[i..]
            .iter()
            .take(16)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if dashes >= 24 && hex == 16 {
            result.extend_from_slice(b"BOUNDARY");
            i += 16;
            dashes = 0;
            continue;
        }
        dashes = if bytes[i] == b'-' { dashes + 1 } else { 0 };
        result.push(bytes[i]);
        i += 1;
    }
    result
}
