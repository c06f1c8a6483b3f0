//! `hookcap send` through the proxies the environment names: absolute-form
//! requests to an `http_proxy` (with its credentials), a `CONNECT` tunnel for
//! `https://` URLs, and `no_proxy` exceptions.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Output;
use std::sync::{Arc, Mutex};

use crate::util::{Behavior, Listener, PATIENCE, Upstream, hookcap, split_request};

/// A forward proxy on a port of its own: it records each request head it
/// gets; a `CONNECT` is tunnelled to the address asked for, anything else is
/// answered `200 via proxy` itself.
struct Proxy {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let record = heads.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let record = record.clone();
                std::thread::spawn(move || serve(stream, &record));
            }
        });
        Self { addr, heads }
    }

    fn url(&self, credentials: &str) -> String {
        format!("http://{credentials}{}", self.addr)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, record: &Mutex<Vec<String>>) {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    record.lock().unwrap().push(head.clone());
    let mut client = stream;
    if let Some(authority) = head
        .strip_prefix("CONNECT ")
        .and_then(|r| r.split(' ').next())
    {
        let authority = authority.replace("localhost", "127.0.0.1");
        let Ok(upstream) = TcpStream::connect(authority) else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return;
        };
        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        pipe(client, upstream);
        return;
    }
    let length = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let _ = client.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nvia proxy");
}

/// Copies bytes both ways until either side closes.
fn pipe(client: TcpStream, upstream: TcpStream) {
    let (mut c_read, mut u_write) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let up = std::thread::spawn(move || std::io::copy(&mut c_read, &mut u_write));
    let (mut u_read, mut c_write) = (upstream, client);
    let _ = std::io::copy(&mut u_read, &mut c_write);
    let _ = c_write.shutdown(std::net::Shutdown::Both);
    let _ = up.join();
}

fn send_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = hookcap();
    cmd.arg("send").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("hookcap runs")
}

#[test]
fn http_urls_go_to_the_proxy_in_absolute_form_with_its_credentials() {
    let proxy = Proxy::start();
    let out = send_with(
        &[("http_proxy", &proxy.url("user:pw@"))],
        &[
            "http://hooks.invalid:8080/p?q=1",
            "-d",
            "x=1",
            "-H",
            "X-Mine: 1",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "HTTP/1.1 200 OK\n\nvia proxy\n"
    );
    let heads = proxy.heads();
    let lines: Vec<&str> = heads[0].trim_end().split("\r\n").collect();
    assert_eq!(lines[0], "POST http://hooks.invalid:8080/p?q=1 HTTP/1.1");
    assert_eq!(lines[1], "Host: hooks.invalid:8080");
    assert!(lines.contains(&"X-Mine: 1"), "{lines:?}");
    assert_eq!(
        lines.last(),
        Some(&"Proxy-Authorization: Basic dXNlcjpwdw=="),
        "credentials go to the proxy, after the request's own fields"
    );
}

#[test]
fn https_urls_are_tunnelled_with_connect() {
    let proxy = Proxy::start();
    let app = Upstream::start_tls(Behavior::Echo);
    let url = format!("https://localhost:{}/secure", app.addr.port());
    let out = send_with(
        &[("HTTPS_PROXY", &proxy.url(""))],
        &[&url, "-k", "--json", "{}", "-i"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 201 Created\n"));
    let connect = format!("CONNECT localhost:{} HTTP/1.1", app.addr.port());
    assert!(
        proxy.heads()[0].starts_with(&connect),
        "{:?}",
        proxy.heads()
    );
    let (head, body) = split_request(&app.requests()[0]);
    assert_eq!(
        head[0], "POST /secure HTTP/1.1",
        "origin form inside the tunnel"
    );
    assert_eq!(body, b"{}");
}

#[test]
fn no_proxy_names_hosts_that_are_reached_directly() {
    let proxy = Proxy::start();
    let l = Listener::start(&[]);
    let url = format!("http://{}/direct", l.addr);
    let out = send_with(
        &[("http_proxy", &proxy.url("")), ("no_proxy", "127.0.0.1")],
        &[&url],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(proxy.heads().is_empty());
    let line = l.next_line();
    assert!(line.contains("GET /direct"), "{line}");
}
