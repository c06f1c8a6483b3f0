//! Filling a database with synthetic captured requests through the same path
//! `hookcap listen` uses: the group-commit writer, fed by many concurrent
//! tasks so that its batches are large, with the checkpointer running beside it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use hookcap::{Checkpointer, GroupCommitWriter, Store, WriterHandle};
use hookcap::{Header, NewRequest, ResponseRecord, SessionMode, Timestamp};

/// Concurrent inserting tasks: several times the writer's batch limit, so
/// every batch it takes is full.
const TASKS: usize = 2048;
/// Sessions the rows are spread over, oldest first; the newest holds the last quarter.
const SESSIONS: u64 = 4;
/// The time span the synthetic requests were "received" over, ending now.
const SPAN: Duration = Duration::from_secs(7 * 24 * 3600);
/// One request in this many goes to a rare path (for the selective-filter case).
pub const RARE_EVERY: u64 = 100_000;

/// `BENCH_DB`, or `name` in a temporary directory (kept alive by the second value).
pub fn database(name: &str) -> (PathBuf, Option<tempfile::TempDir>) {
    match std::env::var_os("BENCH_DB") {
        Some(path) => (PathBuf::from(path), None),
        None => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            (dir.path().join(name), Some(dir))
        }
    }
}

/// Fills `db` up to `rows` requests, or reuses it if it already has them.
pub fn prepare(db: &Path, rows: u64) {
    let existing = stored_rows(db);
    if existing >= rows {
        println!("database: {} (reused, {existing} rows)", db.display());
        return;
    }
    let adding = rows - existing;
    eprintln!("filling {} with {adding} requests ...", db.display());
    let took = fill(db, adding);
    let size = std::fs::metadata(db).map_or(0, |m| m.len());
    println!(
        "database: {} ({rows} rows, {:.0} MB); filled {adding} rows in {:.1} s = {:.0} rows/s \
         through the group-commit writer",
        db.display(),
        size as f64 / 1e6,
        took.as_secs_f64(),
        adding as f64 / took.as_secs_f64()
    );
}

/// Rows already in `db` (0 when it does not exist yet).
fn stored_rows(db: &Path) -> u64 {
    if !db.exists() {
        return 0;
    }
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("SELECT count(*) FROM requests", [], |r| r.get::<_, i64>(0))
        .map_or(0, |n| n as u64)
}

/// Adds `rows` synthetic requests to `db` (created if needed); returns the
/// time it took.
pub fn fill(db: &Path, rows: u64) -> Duration {
    let store = Store::open_or_create(db).expect("open the database");
    let sessions: Vec<i64> = (0..SESSIONS)
        .map(|_| {
            let s = store.create_session(SessionMode::Listen, "http://127.0.0.1:4665", None);
            s.expect("create a session").id
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    runtime.block_on(insert_all(db, rows, Arc::new(sessions)));
    started.elapsed()
}

async fn insert_all(db: &Path, rows: u64, sessions: Arc<Vec<i64>>) {
    let (writer, handle) = GroupCommitWriter::start(db).expect("start the writer");
    let checkpointer = Checkpointer::start(db, writer.wal_log()).expect("start the checkpointer");
    let next = Arc::new(AtomicU64::new(0));
    let first = Timestamp::from_system_time(SystemTime::now() - SPAN);
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (handle, next, sessions) = (handle.clone(), next.clone(), sessions.clone());
            tokio::spawn(insert_some(handle, next, rows, sessions, first))
        })
        .collect();
    for task in tasks {
        task.await.expect("an inserting task panicked");
    }
    writer.finish().await;
    checkpointer.stop();
}

/// Takes row numbers from `next` until `rows` are taken, inserting each.
async fn insert_some(
    handle: WriterHandle,
    next: Arc<AtomicU64>,
    rows: u64,
    sessions: Arc<Vec<i64>>,
    first: Timestamp,
) {
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= rows {
            return;
        }
        if i > 0 && i.is_multiple_of((rows / 10).max(1)) {
            eprintln!("  {i} rows queued");
        }
        let session = sessions[(i * sessions.len() as u64 / rows) as usize];
        let step = SPAN.as_micros() as u64 / rows.max(1);
        let at = Timestamp(first.0 + (i * step) as i64);
        handle
            .insert(synthetic(i, session, at))
            .await
            .expect("insert a row");
    }
}

/// Request number `i`: a mix of methods and paths, a ~200 B JSON body and
/// the headers a webhook sender typically adds.
pub fn synthetic(i: u64, session_id: i64, received_at: Timestamp) -> NewRequest {
    let spread = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let (method, target) = method_and_target(i, spread);
    let body = format!(
        r#"{{"id":"evt_{i:012}","type":"charge.succeeded","api_version":"2024-06-20","created":{},"livemode":false,"data":{{"object":{{"id":"ch_{spread:010x}","amount":{},"currency":"usd","status":"succeeded"}}}}}}"#,
        received_at.unix_seconds(),
        100 + spread % 90_000,
    )
    .into_bytes();
    let headers = vec![
        Header::new("Host", "127.0.0.1:4665"),
        Header::new("User-Agent", "GitHub-Hookshot/7a1c3e2"),
        Header::new("Content-Type", "application/json"),
        Header::new("X-Request-Id", format!("{spread:016x}-{i:08x}")),
        Header::new("Content-Length", body.len().to_string()),
    ];
    NewRequest {
        session_id,
        received_at,
        method: method.to_owned(),
        target,
        http_version: "HTTP/1.1".to_owned(),
        remote_addr: format!("127.0.0.1:{}", 40_000 + spread % 20_000),
        headers,
        body,
        truncated: false,
        response: ResponseRecord {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        },
        signature: None,
        rejected: None,
    }
}

/// 55% `POST /hooks/github`, 20% `POST /hooks/stripe`, 10% `PUT`, 10% `GET`
/// with a query, 5% `DELETE`; and one in [`RARE_EVERY`] `POST /rare/audit`.
fn method_and_target(i: u64, spread: u64) -> (&'static str, String) {
    if i % RARE_EVERY == RARE_EVERY / 2 {
        return ("POST", "/rare/audit".to_owned());
    }
    match spread % 100 {
        0..55 => ("POST", "/hooks/github".to_owned()),
        55..75 => ("POST", "/hooks/stripe".to_owned()),
        75..85 => ("PUT", format!("/api/items/{}", spread % 1000)),
        85..95 => ("GET", "/health?probe=1".to_owned()),
        _ => ("DELETE", format!("/api/items/{}", spread % 1000)),
    }
}
