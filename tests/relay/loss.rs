//! Loss: at least once on the wire, exactly once in the local store. A client
//! killed mid-burst, a relay killed mid-burst, and a client away while
//! requests pile up: every request the relay answered 2xx ends up in the
//! laptop's store exactly once, in the relay's order.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::harness::{Relay, burst, client_in, count, relayed, seq_of, wait_connected, wait_until};
use crate::util::PATIENCE;

/// Requests per burst (the figures in docs/performance.md use bigger ones).
const BURST: usize = 5_000;

/// Checks that `db` holds each acknowledged request exactly once, and only
/// requests the relay stored, in relay-id order.
fn exactly_once(db: &std::path::Path, statuses: &[Option<u16>]) {
    let rows = relayed(db);
    let acked: BTreeSet<usize> = statuses
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == Some(200))
        .map(|(i, _)| i)
        .collect();
    let seqs: Vec<usize> = rows.iter().map(|r| seq_of(&r.2)).collect();
    let distinct: BTreeSet<usize> = seqs.iter().copied().collect();
    assert_eq!(seqs.len(), distinct.len(), "no request is stored twice");
    let missing: Vec<_> = acked.difference(&distinct).take(5).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}…"
    );
    let relay_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    assert!(
        relay_ids.windows(2).all(|w| w[0] < w[1]),
        "stored in the relay's order"
    );
}

fn wait_stored(db: &std::path::Path, statuses: &[Option<u16>]) {
    let acked = statuses.iter().filter(|s| **s == Some(200)).count() as i64;
    wait_until(
        "every acknowledged request on the laptop",
        PATIENCE * 3,
        || count(db) >= acked,
    );
}

#[test]
fn a_client_killed_mid_burst_stores_every_request_exactly_once_after_a_restart() {
    let relay = Relay::start(&[]);
    let token = relay.channel("loss", &[]);
    let consumer = ["--consumer", "laptop"];
    let mut client = client_in(
        tempfile::tempdir().unwrap(),
        &relay,
        &["listen"],
        "loss",
        &token,
        &consumer,
    );
    wait_connected(&mut client);
    let progress = Arc::new(AtomicUsize::new(0));
    let sending = burst(&relay, "loss", BURST, 4, progress.clone());

    wait_until("requests reaching the laptop", PATIENCE, || {
        count(&client.db) >= 500
    });
    client.child.kill().unwrap();
    client.child.wait().unwrap();
    let stored_before = count(&client.db);
    let dir = std::mem::replace(&mut client.dir, tempfile::tempdir().unwrap());
    wait_until("more requests while the client is down", PATIENCE, || {
        progress.load(Ordering::SeqCst) >= (stored_before as usize + 1000).min(BURST)
    });
    let mut client = client_in(dir, &relay, &["listen"], "loss", &token, &consumer);
    wait_connected(&mut client);

    let statuses = sending.join().unwrap();
    assert!(
        statuses.iter().all(|s| *s == Some(200)),
        "the relay answered every request"
    );
    wait_stored(&client.db, &statuses);
    exactly_once(&client.db, &statuses);
    assert_eq!(count(&client.db), BURST as i64);
}

#[test]
fn a_relay_killed_mid_burst_delivers_every_request_it_acknowledged_after_a_restart() {
    let mut relay = Relay::start(&[]);
    let token = relay.channel("loss", &[]);
    let mut client = super::harness::listen_via(&relay, "loss", &token, &[]);
    wait_connected(&mut client);
    let progress = Arc::new(AtomicUsize::new(0));
    let sending = burst(&relay, "loss", BURST, 4, progress.clone());

    wait_until("part of the burst", PATIENCE, || {
        progress.load(Ordering::SeqCst) >= BURST / 3
    });
    relay.kill();
    let statuses = sending.join().unwrap();
    let acked = statuses.iter().filter(|s| **s == Some(200)).count();
    assert!(
        (BURST / 3..BURST).contains(&acked),
        "killed mid-burst ({acked} answered)"
    );
    relay.restart();

    wait_stored(&client.db, &statuses);
    exactly_once(&client.db, &statuses);
    // Stored but not answered before the kill: delivered too, never twice.
    std::thread::sleep(Duration::from_millis(500));
    exactly_once(&client.db, &statuses);
}

#[test]
fn requests_sent_while_the_client_is_away_all_arrive_in_order_when_it_is_back() {
    const AWAY: usize = 10_000;
    let relay = Relay::start(&[]);
    let token = relay.channel("away", &[]);
    let consumer = ["--consumer", "laptop"];
    let mut client = client_in(
        tempfile::tempdir().unwrap(),
        &relay,
        &["listen"],
        "away",
        &token,
        &consumer,
    );
    wait_connected(&mut client);
    assert!(client.terminate().success());
    let dir = std::mem::replace(&mut client.dir, tempfile::tempdir().unwrap());

    let statuses = burst(&relay, "away", AWAY, 8, Arc::default())
        .join()
        .unwrap();
    assert!(statuses.iter().all(|s| *s == Some(200)));
    let mut client = client_in(dir, &relay, &["listen"], "away", &token, &consumer);
    wait_connected(&mut client);
    wait_stored(&client.db, &statuses);
    exactly_once(&client.db, &statuses);
    let rows = relayed(&client.db);
    assert_eq!(rows.len(), AWAY);
    let relay_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(
        relay_ids,
        (1..=AWAY as i64).collect::<Vec<_>>(),
        "all, in the relay's order"
    );
}

#[test]
fn a_relay_stopped_gracefully_saves_each_consumers_cursor() {
    let mut relay = Relay::start(&[]);
    let token = relay.channel("calm", &[]);
    let mut client = client_in(
        tempfile::tempdir().unwrap(),
        &relay,
        &["listen"],
        "calm",
        &token,
        &["--consumer", "laptop"],
    );
    wait_connected(&mut client);
    let statuses = burst(&relay, "calm", 50, 1, Arc::default()).join().unwrap();
    wait_stored(&client.db, &statuses);
    assert!(relay.terminate().success());
    let conn = rusqlite::Connection::open(&relay.db).unwrap();
    let cursor: i64 = conn
        .query_row(
            "SELECT cursor FROM relay_consumers WHERE name = 'laptop'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cursor, 50, "everything acknowledged is remembered");

    relay.restart();
    assert_eq!(relay.post("/c/calm/burst", &[], b"seq=50").status, 200);
    wait_until("the request after the restart", PATIENCE, || {
        count(&client.db) == 51
    });
    let statuses: Vec<_> = (0..51).map(|_| Some(200)).collect();
    exactly_once(&client.db, &statuses);
}

/// Copies a database and its write-ahead log files.
fn copy_db(from: &std::path::Path, to: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (a, b) = (
            format!("{}{suffix}", from.display()),
            format!("{}{suffix}", to.display()),
        );
        let _ = std::fs::remove_file(&b);
        if std::path::Path::new(&a).exists() {
            std::fs::copy(&a, &b).unwrap();
        }
    }
}

#[test]
fn a_relay_restored_from_a_backup_does_not_reuse_ids_a_laptop_has() {
    let mut relay = Relay::start(&[]);
    let token = relay.channel("restore", &[]);
    let consumer = ["--consumer", "laptop"];
    let mut client = client_in(
        tempfile::tempdir().unwrap(),
        &relay,
        &["listen"],
        "restore",
        &token,
        &consumer,
    );
    wait_connected(&mut client);
    let send = |relay: &Relay, seq: usize| {
        let body = format!("seq={seq}");
        assert_eq!(
            relay.post("/c/restore/burst", &[], body.as_bytes()).status,
            200
        );
    };
    for seq in 0..2 {
        send(&relay, seq);
    }
    wait_until("the first two", PATIENCE, || count(&client.db) == 2);
    assert!(relay.terminate().success());
    let backup = relay.db.with_extension("backup");
    copy_db(&relay.db, &backup);
    relay.restart();
    for seq in 2..5 {
        send(&relay, seq);
    }
    wait_until("three more", PATIENCE, || count(&client.db) == 5);

    // The backup comes back: its newest id is 2, the laptop has up to 5.
    assert!(relay.terminate().success());
    copy_db(&backup, &relay.db);
    relay.restart();
    for seq in 5..7 {
        send(&relay, seq);
    }
    wait_until("the two sent after the restore", PATIENCE * 2, || {
        count(&client.db) == 7
    });
    let seqs: Vec<usize> = relayed(&client.db).iter().map(|r| seq_of(&r.2)).collect();
    assert_eq!(seqs, (0..7).collect::<Vec<_>>());
    assert!(relay.stderr().contains("restored from a backup"));
}
