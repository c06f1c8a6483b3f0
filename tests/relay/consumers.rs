//! Consumers: several on one channel each get every request; a new one
//! starts at "now" unless `--from earliest` (or an id) says otherwise; the
//! relay's channel list shows each with its cursor.

use super::harness::{Relay, count, listen_via, relayed, seq_of, wait_connected, wait_until};
use crate::util::PATIENCE;

#[test]
fn two_consumers_each_receive_every_request() {
    let relay = Relay::start(&[]);
    let token = relay.channel("team", &[]);
    let mut ana = listen_via(&relay, "team", &token, &["--consumer", "ana"]);
    let mut bo = listen_via(&relay, "team", &token, &["--consumer", "bo"]);
    wait_connected(&mut ana);
    wait_connected(&mut bo);
    for i in 0..20 {
        let body = format!("seq={i}");
        assert_eq!(relay.post("/c/team/hook", &[], body.as_bytes()).status, 200);
    }
    for client in [&ana, &bo] {
        wait_until("every request on each laptop", PATIENCE, || {
            count(&client.db) == 20
        });
        let seqs: Vec<usize> = relayed(&client.db).iter().map(|r| seq_of(&r.2)).collect();
        assert_eq!(seqs, (0..20).collect::<Vec<_>>());
    }
    let listed: serde_json::Value =
        serde_json::from_slice(&relay.admin(&["channel", "ls", "--json"], &[])).unwrap();
    let consumers = &listed[0]["consumers"];
    let names: Vec<&str> = consumers
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ana", "bo"]);
    assert_eq!(listed[0]["requests"], 20);
}

#[test]
fn a_new_consumer_starts_now_unless_it_asks_for_the_backlog() {
    let relay = Relay::start(&[]);
    let token = relay.channel("backlog", &[]);
    for i in 0..5 {
        let body = format!("seq={i}");
        assert_eq!(
            relay.post("/c/backlog/hook", &[], body.as_bytes()).status,
            200
        );
    }
    let mut earliest = listen_via(
        &relay,
        "backlog",
        &token,
        &["--consumer", "old", "--from", "earliest"],
    );
    let mut now = listen_via(&relay, "backlog", &token, &["--consumer", "new"]);
    let mut from_id = listen_via(
        &relay,
        "backlog",
        &token,
        &["--consumer", "mid", "--from", "4"],
    );
    for c in [&mut earliest, &mut now, &mut from_id] {
        wait_connected(c);
    }
    assert_eq!(relay.post("/c/backlog/hook", &[], b"seq=5").status, 200);
    let seqs =
        |db: &std::path::Path| -> Vec<usize> { relayed(db).iter().map(|r| seq_of(&r.2)).collect() };
    wait_until("the backlog and the new one", PATIENCE, || {
        count(&earliest.db) == 6
    });
    wait_until("the new one", PATIENCE, || {
        count(&now.db) == 1 && count(&from_id.db) == 3
    });
    assert_eq!(seqs(&earliest.db), [0, 1, 2, 3, 4, 5]);
    assert_eq!(seqs(&now.db), [5]);
    assert_eq!(seqs(&from_id.db), [3, 4, 5], "relay ids 4 and up");
}
