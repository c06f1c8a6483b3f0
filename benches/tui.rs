//! `cargo bench --bench tui`: what the inspector's actions cost on a big
//! database, measured on the state code without a terminal (frames are drawn
//! on ratatui's `TestBackend`), warm page cache.
//!
//! The database is the `listing` benchmark's: `BENCH_ROWS` synthetic requests
//! (default 1,000,000) filled through the group-commit writer; `BENCH_DB=PATH`
//! keeps it between runs (and may be shared with `cargo bench --bench listing`).
//! The filters are the ones a person would type after `/`.

mod common;
#[path = "listing/fill.rs"]
mod fill;

use std::path::Path;
use std::time::{Duration, Instant};

use hookcap::Store;
use hookcap::inspector::{Action, App, AppOptions, Detail, LiveFeed, Origin, Recorder, Tab};
use hookcap::{CapturedRequest, Header, NewRequest, ResponseRecord, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

/// The terminal the frames are drawn for.
const SIZE: Size = Size::new(160, 50);

/// `/` filters: selective and not, decided in SQL or checked in Rust.
const FILTERS: &[(&str, &str)] = &[
    ("method:PUT", "10 % of rows, an SQL condition"),
    ("path:/rare/*", "1 in 100,000, a scan"),
    ("evt_000000500000", "1 match, a word in the bodies"),
    ("no-such-text-anywhere", "no match: the whole table"),
    (
        "header:User-Agent=GitHub*",
        "every row, a glob checked in Rust",
    ),
    (
        "json:/data/object/amount=100",
        "a JSON value, prefiltered in SQL",
    ),
];

fn main() {
    let rows: u64 = common::env_or("BENCH_ROWS", 1_000_000);
    println!("hookcap TUI benchmark");
    println!("machine: {}", common::machine());
    let (db, _dir) = fill::database("tui.db");
    fill::prepare(&db, rows);
    let mut app = open(&db);
    actions(&mut app);
    filters(&mut app);
    big_bodies();
}

/// Opens the inspector on `db` and draws the first frame.
fn open(db: &Path) -> App {
    let started = Instant::now();
    let store = Store::open_existing(db).expect("open the database");
    let opts = AppOptions {
        follow: true,
        filter: None,
        live: LiveFeed::Off,
        stop: None,
        size: SIZE,
        recorder: Recorder::Database(db.to_owned()),
        relay: None,
    };
    let origin = Origin::Browsing { db: db.to_owned() };
    let app = App::new(origin, store, opts).expect("the inspector opens");
    draw(&app);
    println!(
        "\n{:<44} {:>10}",
        "open, newest page, its detail, first frame",
        us(started.elapsed())
    );
    app
}

fn draw(app: &App) {
    let backend = TestBackend::new(app.view.size.width, app.view.size.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal
        .draw(|f| hookcap::inspector::draw(f, app))
        .expect("draw a frame");
}

/// Runs `f` `n` times and prints the time of one.
fn timed(what: &str, n: u32, mut f: impl FnMut()) {
    let started = Instant::now();
    for _ in 0..n {
        f();
    }
    println!("{what:<44} {:>10} each", us(started.elapsed() / n));
}

fn actions(app: &mut App) {
    timed("k (one row up; a new page every 64)", 20_000, || {
        app.execute_action(Action::Up(1))
    });
    timed("PgUp", 2_000, || app.execute_action(Action::PageUp));
    timed("g (first page)", 20, || app.execute_action(Action::Top));
    timed("G (last page)", 20, || app.execute_action(Action::Bottom));
    timed("draw a frame (160x50)", 200, || draw(app));
    timed("load the selected request in full", 200, || {
        app.requests.detail = None;
        app.tick(Instant::now());
    });
}

/// Each filter: time to the first page on screen, then until the search has
/// filled the screen or walked the whole table (one bounded step per tick).
fn filters(app: &mut App) {
    println!(
        "\n{:<30} {:<36} {:>11} {:>11} {:>5}",
        "filter", "", "first page", "settled", "rows"
    );
    for (filter, what) in FILTERS {
        app.execute_action(Action::FilterClear);
        let started = Instant::now();
        app.view.filter.input = (*filter).to_owned();
        app.execute_action(Action::FilterAccept);
        assert!(app.view.filter.error.is_none(), "{filter} parses");
        let first = started.elapsed();
        while app.searching() {
            app.tick(Instant::now());
        }
        println!(
            "{filter:<30} {what:<36} {:>11} {:>11} {:>5}",
            us(first),
            us(started.elapsed()),
            app.requests.list.rows().len()
        );
    }
    app.execute_action(Action::FilterClear);
}

/// Opening 16 MiB bodies in the detail pane: a one-line JSON document (shown
/// as text over 1 MiB) and binary bytes (a hex dump), each tab built once.
fn big_bodies() {
    println!();
    let json = {
        let mut b = b"[\"".to_vec();
        b.resize(16 << 20, b'a');
        b.extend_from_slice(b"\"]");
        b
    };
    let binary: Vec<u8> = (0..16u32 << 20).map(|i| (i * 7919 % 251) as u8).collect();
    for (label, content_type, body) in [
        ("16 MiB JSON", "application/json", json),
        ("16 MiB binary", "application/octet-stream", binary),
    ] {
        let request = captured(content_type, body);
        let started = Instant::now();
        let mut d = Detail::new(request, None, None, Tab::Body, false);
        let opened = started.elapsed();
        let started = Instant::now();
        d.set_raw(true);
        let raw = started.elapsed();
        let started = Instant::now();
        let end = d.doc.len().saturating_sub(50);
        let rows = d.doc.lines(end, 50);
        let last = started.elapsed();
        println!(
            "{label:<16} Body tab {:>10}, raw view {:>10}, last screen {:>10} ({} rows)",
            us(opened),
            us(raw),
            us(last),
            end + rows.len()
        );
    }
}

fn captured(content_type: &str, body: Vec<u8>) -> CapturedRequest {
    CapturedRequest {
        id: 1,
        request: NewRequest {
            session_id: 1,
            received_at: Timestamp(0),
            method: "POST".into(),
            target: "/big".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:1".into(),
            headers: vec![Header::new("Content-Type", content_type)],
            body,
            truncated: false,
            response: ResponseRecord {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
            signature: None,
            rejected: None,
        },
    }
}

/// A duration in the unit that suits it.
fn us(d: Duration) -> String {
    match d.as_micros() {
        0..1_000 => format!("{:.1} µs", d.as_nanos() as f64 / 1e3),
        1_000..1_000_000 => format!("{:.2} ms", d.as_micros() as f64 / 1e3),
        _ => format!("{:.2} s", d.as_secs_f64()),
    }
}
