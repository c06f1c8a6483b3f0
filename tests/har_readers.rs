//! hookcap's HAR read by other tools: mitmproxy's HAR reader
//! (`mitmproxy.io.har.request_to_flow`, what `mitmproxy -r file.har` uses) and
//! haralyzer get every captured request back with its bytes.
//!
//! Both are installed, pinned, into a virtualenv cached under the target
//! directory (`target/test-venvs/`), so only the first run downloads (about
//! 15 MB of wheels, 15 s). mitmproxy is installed without its dependency list
//! and with only the modules its HAR reader imports (the full list pulls in
//! the proxy's TLS, QUIC and UI stacks). The test is skipped, saying why, when
//! python3 (3.10 or newer, with `venv`) is missing or pip cannot reach the
//! package index.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;

use crate::util::{Listener, run_ok};

/// What the readers need, pinned (mitmproxy 11.0.2's own bounds).
const PACKAGES: &[&str] = &[
    "mitmproxy==11.0.2",
    "mitmproxy_rs==0.10.7",
    "cryptography==44.0.3",
    "cffi==1.17.1",
    "pyOpenSSL==24.3.0",
    "Brotli==1.1.0",
    "zstandard==0.23.0",
    "pyparsing==3.2.0",
    "wsproto==1.2.0",
    "h11==0.14.0",
    "haralyzer==2.4.0",
    "cached-property==2.0.1",
    "python-dateutil==2.9.0.post0",
    "six==1.17.0",
];

/// Reads a HAR file with both tools; prints, per entry, what each got.
const READER: &str = r#"
import base64, json, sys
from mitmproxy.io.har import request_to_flow
from haralyzer.assets import HarEntry

def b64(b):
    return base64.b64encode(b or b"").decode()

with open(sys.argv[1], encoding="utf-8") as f:
    har = json.load(f)
out = []
for e in har["log"]["entries"]:
    flow = request_to_flow(e)
    entry = HarEntry(e)
    text = entry.request.text
    if text is None:
        body = b""
    elif "_textBase64" in e["request"].get("postData", {}):
        body = base64.b64decode(text)
    else:
        body = text.encode("utf-8", "surrogateescape")
    out.append({
        "mitmproxy": {
            "method": flow.request.method,
            "path": flow.request.path,
            "headers": [[b64(k), b64(v)] for k, v in flow.request.headers.fields],
            "body": b64(flow.request.content),
            "status": flow.response.status_code,
            "answer": b64(flow.response.content),
        },
        "haralyzer": {
            "method": entry.request.method,
            "headers": [[h["name"], h["value"]] for h in entry.request.headers],
            "body": b64(body),
            "status": entry.response.status,
            "answer": entry.response.text,
        },
    })
print(json.dumps(out))
"#;

/// The directory `cargo test` builds into (two levels above the binary).
fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_hookcap"));
    bin.ancestors().nth(2).unwrap_or(bin).to_path_buf()
}

/// A venv with the readers, made once and reused; `Err` says why the test
/// must be skipped.
fn readers_venv() -> Result<PathBuf, String> {
    let version = Command::new("python3")
        .args(["-c", "import sys, venv; print(sys.version_info >= (3, 10))"])
        .output()
        .map_err(|_| "python3 is not installed".to_owned())?;
    if String::from_utf8_lossy(&version.stdout).trim() != "True" {
        return Err("needs python3 >= 3.10 with the venv module".to_owned());
    }
    let name = format!("har-readers-{:016x}", fnv1a(PACKAGES.join(" ").as_bytes()));
    let dir = target_dir().join("test-venvs").join(name);
    if dir.join("ready").exists() {
        return Ok(dir);
    }
    // Built aside and renamed into place, so an interrupted or concurrent
    // run never leaves a half-made venv where the next run looks.
    let tmp = dir.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&tmp)
        .output()
        .map_err(|e| format!("python3 -m venv failed: {e}"))?;
    if !made.status.success() {
        return Err(format!(
            "python3 -m venv failed: {}",
            last_line(&made.stderr)
        ));
    }
    let pip = Command::new(tmp.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
        ])
        .args([
            "--disable-pip-version-check",
            "--no-input",
            "--timeout",
            "15",
            "--retries",
            "1",
        ])
        .args(PACKAGES)
        .output()
        .map_err(|e| format!("pip did not run: {e}"))?;
    if !pip.status.success() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!(
            "pip could not install the readers (no network?): {}",
            last_line(&pip.stderr)
        ));
    }
    std::fs::write(tmp.join("ready"), PACKAGES.join("\n")).map_err(|e| e.to_string())?;
    if std::fs::rename(&tmp, &dir).is_err() {
        // Another run finished first; use its venv.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(dir)
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// FNV-1a, to name the venv after its package list.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The requests every reader must get back: text, forms, multipart with a
/// binary part, gzip, raw binary, a JSON body that is not UTF-8, no body.
fn capture_samples(l: &Listener) {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let mut multipart = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\
        Content-Type: application/octet-stream\r\n\r\n"
        .to_vec();
    multipart.extend_from_slice(&all_bytes);
    multipart.extend_from_slice(b"\r\n--XyZ--\r\n");
    let samples: Vec<(&str, Vec<&str>, Vec<u8>)> = vec![
        (
            "/json",
            vec!["Content-Type: application/json"],
            "{\"name\":\"Zoë\",\"party\":\"🎉\"}".into(),
        ),
        (
            "/form",
            vec!["Content-Type: application/x-www-form-urlencoded"],
            b"a=1&b=hello+world&c=%C3%A9".to_vec(),
        ),
        (
            "/multipart",
            vec!["Content-Type: multipart/form-data; boundary=XyZ"],
            multipart,
        ),
        (
            "/gzip",
            vec!["Content-Type: application/json", "Content-Encoding: gzip"],
            gzip(b"{\"zipped\":true}"),
        ),
        (
            "/octets",
            vec!["Content-Type: application/octet-stream"],
            all_bytes.clone(),
        ),
        (
            "/not-utf8-json",
            vec!["Content-Type: application/json"],
            b"{\"k\":\"\xe9\xff\"}".to_vec(),
        ),
        (
            "/text",
            vec!["Content-Type: text/plain; charset=utf-8"],
            "héllo wörld ✓".into(),
        ),
        ("/untyped", vec![], vec![0x1f, 0x8b, 0x00, 0xc3, 0x28]),
    ];
    for (path, headers, body) in &samples {
        assert_eq!(l.post(path, headers, body).status, 200);
    }
    l.send_raw(
        b"GET /nobody?x=1 HTTP/1.1\r\nHost: test\r\nX-Trace: t-1\r\nConnection: close\r\n\r\n",
    );
}

fn decode(v: &Value) -> Vec<u8> {
    B64.decode(v.as_str().unwrap()).unwrap()
}

/// The bytes of a `show --json` body or header value.
fn doc_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.clone().into_bytes(),
        Value::Object(o) if o.contains_key("base64") => decode(&o["base64"]),
        Value::Object(o) if o["encoding"] == "base64" => decode(&o["data"]),
        Value::Object(o) => o["data"].as_str().unwrap().as_bytes().to_vec(),
        other => panic!("not a body or value: {other}"),
    }
}

#[test]
fn mitmproxy_and_haralyzer_read_every_request_with_its_bytes() {
    let venv = match readers_venv() {
        Ok(dir) => dir,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let l = Listener::start(&[
        "--body",
        "{\"ok\":true}",
        "--header",
        "Content-Type: application/json",
    ]);
    capture_samples(&l);
    let har = l.dir.path().join("all.har");
    run_ok(
        &l.db,
        &["export", "--format", "har", "-o", har.to_str().unwrap()],
    );
    let script = l.dir.path().join("read.py");
    std::fs::write(&script, READER).unwrap();
    let out = Command::new(venv.join("bin/python"))
        .arg(&script)
        .arg(&har)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let originals: Vec<Value> = String::from_utf8(run_ok(&l.db, &["export"]))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(read.len(), originals.len());
    for (got, doc) in read.iter().zip(&originals) {
        let target = doc["target"].as_str().unwrap();
        let body = doc_bytes(&doc["body"]);
        let headers: Vec<(String, Vec<u8>)> = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().to_owned(), doc_bytes(&h[1])))
            .collect();
        // haralyzer: the exact bytes and headers.
        let hz = &got["haralyzer"];
        assert_eq!(hz["method"], doc["method"], "{target}");
        assert_eq!(decode(&hz["body"]), body, "haralyzer body of {target}");
        let hz_headers: Vec<(String, Vec<u8>)> = hz["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().as_bytes().to_vec(),
                )
            })
            .collect();
        assert_eq!(hz_headers, headers, "haralyzer headers of {target}");
        assert_eq!(
            (hz["status"].as_u64(), hz["answer"].as_str()),
            (Some(200), Some("{\"ok\":true}"))
        );
        // mitmproxy: its content is the body with Content-Encoding undone
        // (its reader decodes, as its own flows do); its headers are ours,
        // but for the Content-Length and Content-Encoding it sets itself.
        let mitm = &got["mitmproxy"];
        assert_eq!(
            (&mitm["method"], mitm["path"].as_str()),
            (&doc["method"], Some(target))
        );
        let content = if target == "/gzip" {
            b"{\"zipped\":true}".to_vec()
        } else {
            body.clone()
        };
        assert_eq!(decode(&mitm["body"]), content, "mitmproxy body of {target}");
        let own = |h: &(String, Vec<u8>)| {
            !["content-length", "content-encoding"].contains(&h.0.to_ascii_lowercase().as_str())
        };
        let mitm_headers: Vec<(String, Vec<u8>)> = mitm["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (String::from_utf8(decode(&h[0])).unwrap(), decode(&h[1])))
            .filter(own)
            .collect();
        let mut want: Vec<(String, Vec<u8>)> = headers.iter().filter(|h| own(h)).cloned().collect();
        if target == "/not-utf8-json" {
            // mitmproxy stores text it cannot encode as declared as UTF-8
            // with surrogateescape (the bytes come back), and says so in the type.
            for h in want.iter_mut().filter(|h| h.0 == "Content-Type") {
                h.1 = b"application/json; charset=utf-8".to_vec();
            }
        }
        assert_eq!(mitm_headers, want, "mitmproxy headers of {target}");
        assert_eq!(mitm["status"], 200);
        assert_eq!(decode(&mitm["answer"]), b"{\"ok\":true}");
    }
}
