//! Hostile traffic against `listen` and `forward`: invalid heads, smuggling,
//! HTTP/2 prefaces, too many fields (issue 14).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};

use crate::util::{Behavior, Listener, PATIENCE, RawResponse, Upstream, read_response, run_ok};

/// Writes `bytes` on one connection and reads every response until the
/// listener closes it.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<RawResponse> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(bytes).expect("write");
    let mut reader = BufReader::new(stream);
    let mut responses = Vec::new();
    while !reader
        .fill_buf()
        .expect("the listener closes, not stalls")
        .is_empty()
    {
        responses.push(read_response(&mut reader));
    }
    responses
}

/// `ls --json` rows, oldest first.
fn rows(db: &std::path::Path) -> Vec<serde_json::Value> {
    let out = String::from_utf8(run_ok(db, &["ls", "--json", "-n", "100"])).unwrap();
    let mut rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    rows.reverse();
    rows
}

/// The rows, once at least `n` are stored (or whatever is there after a while).
fn rows_once_there(db: &std::path::Path, n: usize) -> Vec<serde_json::Value> {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let found = rows(db);
        if found.len() >= n || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn header_names(db: &std::path::Path, id: &str) -> Vec<String> {
    let doc = crate::util::show_json(db, id);
    doc["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_owned())
        .collect()
}

/// A request whose `Content-Length` has a space before the colon, with a
/// whole second request as its body.
fn smuggling(path: &str) -> Vec<u8> {
    let smuggled =
        b"POST /smuggled-admin HTTP/1.1\r\nHost: t\r\nX-Admin: yes\r\nContent-Length: 0\r\n\r\n";
    let mut wire = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length : {}\r\n\r\n",
        smuggled.len()
    )
    .into_bytes();
    wire.extend_from_slice(smuggled);
    wire
}

#[test]
fn invalid_field_names_get_400_close_and_are_stored_marked() {
    let l = Listener::start(&[]);
    let lines: [&[u8]; 6] = [
        b"Content-Length : 0",
        b"Content-Length\t: 0",
        b"X-\x01Ctl: 1",
        b": empty name",
        b"NoColonHere",
        b" folded continuation",
    ];
    for (i, line) in lines.iter().enumerate() {
        let mut wire = format!("POST /bad/{i} HTTP/1.1\r\nHost: t\r\n").into_bytes();
        wire.extend_from_slice(line);
        // A second request on the same connection must never be read.
        wire.extend_from_slice(b"\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n");
        let answers = exchange(l.addr, &wire);
        let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [400], "{:?}", String::from_utf8_lossy(line));
        assert_eq!(answers[0].header("connection"), Some("close"));
    }
    let rows = rows(&l.db);
    let targets: Vec<&str> = rows.iter().map(|r| r["target"].as_str().unwrap()).collect();
    assert_eq!(
        targets,
        ["/bad/0", "/bad/1", "/bad/2", "/bad/3", "/bad/4", "/bad/5"]
    );
    for row in &rows {
        assert_eq!(row["status"], 400);
        let why = row["rejected"].as_str().unwrap_or_default();
        assert!(why.starts_with("malformed request head: "), "{why}");
    }
    assert!(header_names(&l.db, "1").contains(&"Content-Length ".to_owned()));
    assert!(header_names(&l.db, "5").contains(&"NoColonHere".to_owned()));
}

#[test]
fn a_smuggled_request_in_the_body_is_never_read_or_stored() {
    let l = Listener::start(&[]);
    let answers = exchange(l.addr, &smuggling("/outer"));
    assert_eq!(answers.iter().map(|r| r.status).collect::<Vec<_>>(), [400]);
    let rows = rows(&l.db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["target"], "/outer");
}

#[test]
fn pipelined_requests_each_keep_their_own_head() {
    let l = Listener::start(&[]);
    let mut wire =
        b"POST /1 HTTP/1.1\r\nHost: t\r\nX-Req: one\r\nContent-Length: 3\r\n\r\noneGET /2 HTTP/1.1\r\nHost: t\r\nX-Req: two\r\n\r\n"
            .to_vec();
    wire.extend_from_slice(&smuggling("/3"));
    wire.extend_from_slice(b"GET /4 HTTP/1.1\r\nHost: t\r\nX-Req: four\r\n\r\n");
    let answers = exchange(l.addr, &wire);
    assert_eq!(
        answers.iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 200, 400]
    );
    let rows = rows(&l.db);
    let targets: Vec<&str> = rows.iter().map(|r| r["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["/1", "/2", "/3"]);
    for (id, own) in [("1", "one"), ("2", "two")] {
        let doc = crate::util::show_json(&l.db, id);
        let values: Vec<&str> = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p[0] == "X-Req")
            .map(|p| p[1].as_str().unwrap())
            .collect();
        assert_eq!(values, [own], "request {id} holds only its own head");
    }
    assert!(!header_names(&l.db, "3").contains(&"X-Admin".to_owned()));
}

#[test]
fn forward_never_delivers_a_malformed_or_smuggled_request() {
    let app = Upstream::start(Behavior::Echo);
    let l = Listener::forward(&app.url(), &[]);
    let answers = exchange(l.addr, &smuggling("/outer"));
    assert_eq!(answers.iter().map(|r| r.status).collect::<Vec<_>>(), [400]);
    // A valid request afterwards is delivered: the app was reachable all along.
    assert_eq!(l.post("/valid", &[], b"x").status, 201);
    assert_eq!(app.request_lines(), ["POST /valid HTTP/1.1"]);
    let rows = rows(&l.db);
    assert_eq!(rows[0]["target"], "/outer");
    assert_eq!(rows[0]["status"], 400);
}

#[test]
fn more_than_100_header_fields_get_431_and_are_stored_marked() {
    let l = Listener::start(&[]);
    let mut wire = b"POST /many HTTP/1.1\r\nHost: t\r\n".to_vec();
    for i in 0..150 {
        wire.extend_from_slice(format!("X-F{i}: {i}\r\n").as_bytes());
    }
    wire.extend_from_slice(b"Content-Length: 5\r\n\r\nhello");
    let answers = exchange(l.addr, &wire);
    assert_eq!(answers.iter().map(|r| r.status).collect::<Vec<_>>(), [431]);
    // hyper answers a head it refuses itself; the record follows the answer.
    let rows = rows_once_there(&l.db, 1);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["target"].as_str(), rows[0]["status"].as_u64()),
        (Some("/many"), Some(431))
    );
    assert_eq!(rows[0]["truncated"], true, "the body was not read");
    let why = rows[0]["rejected"].as_str().unwrap_or_default();
    assert!(why.contains("152 header fields, more than 100"), "{why}");
    let names = header_names(&l.db, "1");
    assert_eq!((names.len(), names[2].as_str()), (152, "X-F1"));
}

#[test]
fn an_http2_preface_is_answered_505_and_nothing_is_stored() {
    let l = Listener::start(&[]);
    // The preface and an empty SETTINGS frame, as `curl --http2-prior-knowledge` starts.
    let mut wire = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    wire.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    let answers = exchange(l.addr, &wire);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].status, 505);
    let body = String::from_utf8_lossy(&answers[0].body);
    assert!(body.contains("hookcap speaks HTTP/1.1"), "{body}");
    // Sent a byte at a time, it is recognised all the same.
    let mut stream = TcpStream::connect(l.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    for b in b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
        // The listener may answer and close before the last bytes arrive.
        if stream
            .write_all(&[*b])
            .and_then(|()| stream.flush())
            .is_err()
        {
            break;
        }
    }
    assert_eq!(read_response(&mut BufReader::new(stream)).status, 505);
    assert_eq!(l.post("/after", &[], b"x").status, 200);
    assert_eq!(rows(&l.db).len(), 1, "only the HTTP/1.1 request is stored");
}

/// Writes `head` and then the body one byte at a time, on a thread of its
/// own, until the listener closes the connection (or `bytes` are sent).
fn drip(addr: SocketAddr, head: &[u8], bytes: usize) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(head).unwrap();
    let mut writer = stream.try_clone().unwrap();
    std::thread::spawn(move || {
        for _ in 0..bytes {
            if writer.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    stream
}

#[test]
fn a_body_dripped_steadily_is_cut_off_at_the_body_timeout() {
    let l = Listener::start(&["--body-timeout", "1s"]);
    // A byte every 100 ms never leaves the connection silent for a second;
    // all of it would take 100 s.
    let stream = drip(
        l.addr,
        b"POST /drip HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n",
        1000,
    );
    let res = read_response(&mut BufReader::new(stream));
    assert_eq!(res.status, 408);
    let row = &rows(&l.db)[0];
    assert_eq!(
        (row["target"].as_str(), row["status"].as_u64()),
        (Some("/drip"), Some(408))
    );
    assert_eq!(row["truncated"], true);
    assert!(row["body_size"].as_u64().is_some_and(|n| n < 1000), "{row}");
}

#[test]
fn a_head_dripped_steadily_is_cut_off_at_the_header_timeout() {
    let l = Listener::start(&["--header-timeout", "1s"]);
    let mut stream = drip(l.addr, b"POST /drip HTTP/1.1\r\nX-Drip: ", 1000);
    let mut rest = Vec::new();
    let closed = std::io::Read::read_to_end(&mut stream, &mut rest);
    assert!(closed.is_ok(), "the listener closed it: {closed:?}");
    assert!(!rest.starts_with(b"HTTP/1.1 2"), "never acknowledged");
    assert!(rows(&l.db).is_empty());
}

/// Raises this process's own descriptor limit so it can hold `n` sockets;
/// false (after saying so) when the hard limit does not allow it.
fn can_hold(n: u64) -> bool {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let want = n + 256;
    if limit.current.is_none_or(|c| c >= want) {
        return true;
    }
    if limit.maximum.is_some_and(|m| m < want) {
        eprintln!("skipped: the descriptor limit is below {want} and cannot be raised");
        return false;
    }
    let raised = rustix::process::Rlimit {
        current: Some(want),
        maximum: limit.maximum,
    };
    setrlimit(Resource::Nofile, raised).is_ok()
}

#[test]
fn a_request_is_answered_while_a_thousand_slow_connections_are_open() {
    if !can_hold(1000) {
        return;
    }
    // 256 descriptors: 1,000 slow clients would take them all.
    let l = Listener::start_with_nofile(256, &["--header-timeout", "60s"]);
    let slow: Vec<TcpStream> = (0..1000)
        .map(|i| {
            let mut s = TcpStream::connect(l.addr).expect("connect");
            s.write_all(format!("POST /slow/{i} HTTP/1.1\r\nHost: t\r\n").as_bytes())
                .unwrap();
            s
        })
        .collect();
    let res = l.post("/quick", &[], b"x");
    assert_eq!(res.status, 200);
    assert_eq!(rows(&l.db).len(), 1);
    drop(slow);
}

#[test]
fn max_connections_sheds_the_oldest_waiting_connection_for_a_new_one() {
    let l = Listener::start(&["--max-connections", "4"]);
    // Four connections that sent nothing, the oldest first.
    let mut idle: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(l.addr).unwrap())
        .collect();
    for s in &idle {
        s.set_read_timeout(Some(PATIENCE)).unwrap();
    }
    // Accepted in the order they connected: all four before the fifth.
    assert_eq!(l.post("/fifth", &[], b"x").status, 200);
    let mut rest = Vec::new();
    let oldest = std::io::Read::read_to_end(&mut idle[0], &mut rest);
    assert!(
        matches!(oldest, Ok(0)),
        "the oldest one was closed: {oldest:?}"
    );
}

#[test]
fn bodies_in_flight_share_one_budget_and_the_one_beyond_it_gets_503() {
    let l = Listener::start(&["--max-inflight-body", "1MiB"]);
    // Each fits alone (600 KiB); together they do not. Both stop one byte short.
    let size = 600 * 1024;
    let open = |path: &str| {
        let mut s = TcpStream::connect(l.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {size}\r\n\r\n"
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&vec![b'b'; size - 1]).unwrap();
        s
    };
    let uploads = [("/a", open("/a")), ("/b", open("/b"))];
    // A refused request is stored (marked) before it is answered.
    let deadline = std::time::Instant::now() + PATIENCE;
    let refused = loop {
        let refused: Vec<_> = rows(&l.db)
            .into_iter()
            .filter(|r| r["status"] == 503)
            .collect();
        if !refused.is_empty() {
            break refused;
        }
        assert!(std::time::Instant::now() < deadline, "neither was refused");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let why = refused[0]["rejected"].as_str().unwrap_or_default();
    assert!(why.contains("--max-inflight-body (1.0 MiB)"), "{why}");
    assert_eq!(refused[0]["truncated"], true);
    for (path, mut stream) in uploads {
        if !refused.iter().any(|r| r["target"] == path) {
            // The other one may have gone over the budget too, while the
            // first was stored; if not, it completes.
            let _ = stream.write_all(b"b");
        }
        let mut got = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stream, &mut got);
        let answer = String::from_utf8_lossy(&got);
        let stored = rows(&l.db);
        let row = stored.iter().find(|r| r["target"] == path).expect("stored");
        match row["status"].as_u64() {
            Some(503) => assert!(
                got.is_empty() || answer.to_ascii_lowercase().contains("retry-after: 1"),
                "{answer}"
            ),
            Some(200) => assert!(answer.starts_with("HTTP/1.1 200"), "{answer}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    // Both answered: their memory is given back.
    assert_eq!(l.post("/after", &[], &vec![b'c'; size]).status, 200);
}

#[test]
fn running_out_of_descriptors_sheds_a_connection_and_says_so_rarely() {
    if !can_hold(400) {
        return;
    }
    // A cap far above what 128 descriptors allow: accept itself runs out.
    let started = std::time::Instant::now();
    let mut l = Listener::start_with_nofile(
        128,
        &["--max-connections", "5000", "--header-timeout", "60s"],
    );
    let slow: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut s = TcpStream::connect(l.addr).expect("connect");
            s.write_all(format!("POST /slow/{i} HTTP/1.1\r\nHost: t\r\n").as_bytes())
                .unwrap();
            s
        })
        .collect();
    assert_eq!(l.post("/quick", &[], b"x").status, 200);
    drop(slow);
    assert_eq!(l.terminate().code(), Some(0));
    let err = l.stderr();
    let warnings = err.matches("out of file descriptors").count() as u64;
    let allowed = started.elapsed().as_secs() / 5 + 1;
    assert!(
        (1..=allowed).contains(&warnings),
        "{warnings} warnings in {:?}:\n{err}",
        started.elapsed()
    );
}
