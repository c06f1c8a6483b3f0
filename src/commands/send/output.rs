//! What `send` prints: the exchange for people (sanitized, JSON pretty and
//! colored on a terminal), one JSON document for scripts, the `--repeat`
//! summary, retry lines and the progress bar on stderr.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::document::{BodyDoc, headers_doc};
use crate::model::Header;
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::{Paint, Style};
use crate::render::headers::headers_block;
use crate::sanitize::{sanitize, sanitize_bytes};
use crate::send::load::{Outcome, Progress, RetryEvent};
use crate::send::retry::GiveUp;
use crate::send::summary::{Latency, Summary};
use crate::send::{Exchange, Prepared};

use super::config::OutputOptions;

/// How much of a body is kept for the screen before pointing to `-o`.
pub const SHOWN_BODY_BYTES: usize = 1024 * 1024;

/// The request as sent: request line, each header line exactly as written
/// (spacing after the colon included), body; sanitized.
pub fn write_request(out: &mut impl Write, p: &Prepared, paint: &Paint) -> io::Result<()> {
    writeln!(
        out,
        "{} {} HTTP/1.1",
        paint.method(&p.method),
        paint.paint(&sanitize(p.target()), Style::Bold)
    )?;
    for f in &p.fields {
        let name = format!("{}:", sanitize(&f.header.name));
        writeln!(
            out,
            "{}{}{}",
            paint.paint(&name, Style::Cyan),
            sanitize(&f.gap),
            sanitize_bytes(&f.header.value)
        )?;
    }
    if let Some(body) = p.body.as_deref().filter(|b| !b.is_empty()) {
        writeln!(out)?;
        write_body(out, &p.headers(), body, paint)?;
    }
    writeln!(out)
}

/// `-o FILE`: created once the final answer's body starts (a request that
/// fails before leaves no file), written as the body arrives.
#[derive(Debug)]
pub struct OutFile {
    path: PathBuf,
    file: Option<File>,
}

impl OutFile {
    /// The file at `path`, not created yet.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
        }
    }

    /// Where it goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the file if the body was empty.
    pub fn finish(&mut self) -> io::Result<()> {
        self.open().map(|_| ())
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            self.file = Some(File::create(&self.path)?);
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the output file is not open"))
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.open()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// The status line, headers with `-i`, then the body (unless it went to a
/// file): what was kept of it, and how much more there was.
pub fn write_response(
    out: &mut impl Write,
    ex: &Exchange,
    opts: &OutputOptions,
    show_body: bool,
    paint: &Paint,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {}",
        sanitize(&ex.version),
        paint.status(ex.status),
        paint.paint(&ex.reason, Style::Bold)
    )?;
    if opts.include {
        write!(out, "{}", headers_block(&ex.headers, paint))?;
    }
    if show_body && !ex.body.is_empty() {
        writeln!(out)?;
        // A body `--compressed` decoded is shown as it is now, not decoded again.
        let decoded = opts.decode && ex.undecoded.is_none();
        let headers: Vec<Header> = ex
            .headers
            .iter()
            .filter(|h| !decoded || !h.name.eq_ignore_ascii_case("content-encoding"))
            .cloned()
            .collect();
        write_body(out, &headers, &ex.body, paint)?;
        let more = ex.body_size.saturating_sub(ex.body.len() as u64);
        if more > 0 {
            let note = format!(
                "… {} more (use -o FILE to keep it all)",
                bytesize::ByteSize(more).display().iec()
            );
            writeln!(out, "{}", paint.paint(&note, Style::Dim))?;
        }
    }
    Ok(())
}

fn write_body(
    out: &mut impl Write,
    headers: &[Header],
    body: &[u8],
    paint: &Paint,
) -> io::Result<()> {
    // Everything given is shown: it is at most what was kept for the screen.
    let opts = BodyOptions {
        max_bytes: body.len().max(SHOWN_BODY_BYTES),
    };
    let text = render_body(headers, body, paint, opts);
    write!(out, "{text}")?;
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// The `--json-result` document of one request.
pub fn single_doc(p: &Prepared, outcome: &Outcome) -> Value {
    let (response, error, timing) = match &outcome.result {
        Ok(ex) => (
            json!({
                "status": ex.status,
                "reason": ex.reason,
                "version": ex.version,
                "headers": headers_doc(&ex.headers),
                "body": BodyDoc::of(&ex.body),
            }),
            Value::Null,
            json!({"headers_ms": millis(ex.headers_after), "total_ms": millis(ex.total)}),
        ),
        Err(e) => (
            Value::Null,
            json!({"kind": e.kind.name(), "message": e.message}),
            Value::Null,
        ),
    };
    json!({
        "request": {
            "method": p.method,
            "url": p.url,
            "headers": headers_doc(&p.headers()),
            "body": p.body.as_deref().map(BodyDoc::of),
        },
        "response": response,
        "error": error,
        "attempts": outcome.attempts,
        "timing": timing,
    })
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn rate(s: &Summary, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        (s.requests() as f64 / secs * 10.0).round() / 10.0
    } else {
        0.0
    }
}

/// The `--json-result` document of a `--repeat` run.
pub fn summary_doc(s: &Summary, elapsed: Duration, concurrency: u64) -> Value {
    let statuses: serde_json::Map<String, Value> = s
        .statuses
        .iter()
        .map(|(k, v)| (k.to_string(), (*v).into()))
        .collect();
    let errors: serde_json::Map<String, Value> = s
        .errors
        .iter()
        .map(|(k, v)| (k.name().to_owned(), (*v).into()))
        .collect();
    let latency = s.latency().map(|l| {
        json!({"min": millis(l.min), "p50": millis(l.p50), "p90": millis(l.p90),
               "p99": millis(l.p99), "max": millis(l.max)})
    });
    json!({
        "requests": s.requests(),
        "concurrency": concurrency,
        "statuses": statuses,
        "errors": errors,
        "retries": s.retries,
        "elapsed_ms": millis(elapsed),
        "requests_per_sec": rate(s, elapsed),
        "latency_ms": latency,
    })
}

/// The human summary of a `--repeat` run.
pub fn write_summary(
    out: &mut impl Write,
    s: &Summary,
    elapsed: Duration,
    concurrency: u64,
    paint: &Paint,
) -> io::Result<()> {
    writeln!(
        out,
        "{} requests in {} ({} requests/s), concurrency {concurrency}",
        s.requests(),
        format_duration(elapsed),
        rate(s, elapsed)
    )?;
    for (status, n) in &s.statuses {
        let reason = http::StatusCode::from_u16(*status)
            .ok()
            .and_then(|c| c.canonical_reason())
            .unwrap_or("");
        writeln!(out, "  {n:>7} × {} {reason}", paint.status(*status))?;
    }
    for (kind, n) in &s.errors {
        let label = paint.paint(&format!("{kind} error"), Style::Red);
        writeln!(out, "  {n:>7} × {label}")?;
    }
    if s.retries > 0 {
        writeln!(out, "  {:>7} retries", s.retries)?;
    }
    if let Some(l) = s.latency() {
        writeln!(
            out,
            "{} {}",
            paint.paint("latency", Style::Dim),
            latency_line(&l)
        )?;
    }
    Ok(())
}

fn latency_line(l: &Latency) -> String {
    [
        ("min", l.min),
        ("p50", l.p50),
        ("p90", l.p90),
        ("p99", l.p99),
        ("max", l.max),
    ]
    .iter()
    .map(|(k, d)| format!("{k} {}", format_duration(*d)))
    .collect::<Vec<_>>()
    .join("  ")
}

/// `812µs`, `12.3ms`, `1.52s`: three significant figures at most.
pub fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us < 1000 {
        format!("{us}µs")
    } else if us < 1_000_000 {
        let ms = format!("{:.3}", us as f64 / 1e3);
        format!("{}ms", ms.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

/// One stderr line per retry event.
pub fn retry_line(e: &RetryEvent) -> String {
    match e {
        RetryEvent::Retrying {
            retry,
            of,
            wait,
            from_retry_after,
            why,
        } => {
            let source = if *from_retry_after {
                " (Retry-After)"
            } else {
                ""
            };
            format!(
                "hookcap: {}; retry {retry}/{of} in {}{source}",
                sanitize(why),
                format_duration(*wait)
            )
        }
        RetryEvent::GaveUp {
            attempts,
            reason,
            why,
        } => {
            let because = match reason {
                GiveUp::Exhausted => String::new(),
                GiveUp::MaxTime => " (the next wait would pass --retry-max-time)".to_owned(),
            };
            format!(
                "hookcap: giving up after {attempts} attempts{because}: {}",
                sanitize(why)
            )
        }
    }
}

/// A progress bar redrawn on stderr ten times a second until dropped.
pub struct ProgressBar {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressBar {
    /// Starts drawing `progress` out of `total`.
    pub fn start(progress: Arc<Progress>, total: u64) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                draw(&progress, total, start.elapsed());
                std::thread::sleep(Duration::from_millis(100));
            }
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

fn draw(p: &Progress, total: u64, elapsed: Duration) {
    const WIDTH: u64 = 30;
    let done = p.done.load(Ordering::Relaxed);
    let failed = p.failed.load(Ordering::Relaxed);
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0) as usize;
    let bar = format!(
        "{}{}",
        "#".repeat(filled),
        "-".repeat(WIDTH as usize - filled)
    );
    let per_sec = done as f64 / elapsed.as_secs_f64().max(1e-3);
    let mut err = io::stderr().lock();
    let _ = write!(
        err,
        "\r\x1b[2K[{bar}] {done}/{total}  {failed} failed  {per_sec:.0}/s"
    );
    let _ = err.flush();
}

impl Drop for ProgressBar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short() {
        assert_eq!(format_duration(Duration::from_micros(812)), "812µs");
        assert_eq!(format_duration(Duration::from_micros(12_300)), "12.3ms");
        assert_eq!(format_duration(Duration::from_millis(1520)), "1.52s");
        assert_eq!(format_duration(Duration::from_secs(1)), "1.00s");
    }

    #[test]
    fn retry_lines_say_why_and_how_long() {
        let e = RetryEvent::Retrying {
            retry: 1,
            of: 3,
            wait: Duration::from_secs(1),
            from_retry_after: true,
            why: "503 Service Unavailable".into(),
        };
        assert_eq!(
            retry_line(&e),
            "hookcap: 503 Service Unavailable; retry 1/3 in 1.00s (Retry-After)"
        );
        let e = RetryEvent::GaveUp {
            attempts: 4,
            reason: GiveUp::Exhausted,
            why: "bad\x1b[31m".into(),
        };
        assert_eq!(
            retry_line(&e),
            "hookcap: giving up after 4 attempts: bad\\x1b[31m"
        );
    }

    #[test]
    fn summary_lists_counts_per_status_and_error() {
        let mut s = Summary::default();
        for _ in 0..3 {
            s.record_response(200, Duration::from_millis(2));
        }
        s.record_error(crate::send::client::ErrorKind::Timeout);
        let mut out = Vec::new();
        write_summary(&mut out, &s, Duration::from_secs(2), 2, &Paint::new(false)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("4 requests in 2.00s (2 requests/s), concurrency 2\n"),
            "{text}"
        );
        assert!(text.contains("\n        3 × 200 OK\n"), "{text}");
        assert!(text.contains("\n        1 × timeout error\n"), "{text}");
        assert!(text.contains("latency min 2ms  p50 2ms"), "{text}");
        let doc = summary_doc(&s, Duration::from_secs(2), 2);
        assert_eq!(doc["statuses"]["200"], 3);
        assert_eq!(doc["errors"]["timeout"], 1);
        assert_eq!(doc["requests_per_sec"], 2.0);
    }
}
