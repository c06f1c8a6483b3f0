//! The relay tables: channels, consumers, the queue, the relayed mark.

use super::*;
use crate::model::{SessionMode, head_and_body_sha256};
use crate::store::GroupCommitWriter;
use crate::store::testing::request;

fn spec(name: &str) -> ChannelSpec {
    ChannelSpec {
        name: name.into(),
        answer: AnswerMode::Now,
        status: 202,
        body: b"ok".to_vec(),
        timeout: Duration::from_secs(10),
        allow_ip: vec!["10.0.0.0/8".into(), "::1".into()],
        verify: None,
        secret_env: None,
        reject_invalid: false,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn entry(channel_id: i64, head: &[u8], body: &[u8]) -> QueueEntry {
    QueueEntry {
        channel_id,
        raw_head: Some(head.to_vec()),
        sha256: head_and_body_sha256(head, body),
    }
}

#[test]
fn channels_are_added_once_listed_rotated_and_removed() {
    let store = Store::open_in_memory().unwrap();
    let a = store
        .add_channel(&spec("alpha"), &[1; 32])
        .unwrap()
        .unwrap();
    assert!(
        store
            .add_channel(&spec("alpha"), &[2; 32])
            .unwrap()
            .is_none()
    );
    store.add_channel(&spec("beta"), &[3; 32]).unwrap().unwrap();
    let names: Vec<_> = store
        .channels()
        .unwrap()
        .into_iter()
        .map(|c| c.spec.name)
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    let read = store.channel("alpha").unwrap().unwrap();
    assert_eq!(read, a, "every field round-trips");
    assert!(store.set_channel_token("alpha", &[9; 32]).unwrap());
    assert_eq!(
        store.channel("alpha").unwrap().unwrap().token_sha256,
        [9; 32]
    );
    assert!(!store.set_channel_token("gamma", &[9; 32]).unwrap());
    assert_eq!(store.remove_channel("beta").unwrap(), Some(0));
    assert_eq!(store.remove_channel("beta").unwrap(), None);
    assert_eq!(store.channels().unwrap().len(), 1);
}

#[test]
fn the_instance_id_is_made_once() {
    let store = Store::open_in_memory().unwrap();
    let id = store.relay_instance().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(store.relay_instance().unwrap(), id);
}

/// A relay database with one channel, holding what `queue` makes for its
/// session and channel, queued through the writer.
fn relay_db_with(
    queue: impl FnOnce(i64, i64) -> Vec<(NewRequest, QueueEntry)>,
) -> (tempfile::TempDir, Store, ChannelRecord) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.db");
    let store = Store::open_or_create(&path).unwrap();
    let session = store
        .create_session(SessionMode::Listen, "relay", None)
        .unwrap();
    let channel = store
        .add_channel(&spec("alpha"), &[1; 32])
        .unwrap()
        .unwrap();
    let queued = queue(session.id, channel.id);
    runtime().block_on(async {
        let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
        for (r, e) in queued {
            handle.insert_queued(r, e).await.unwrap();
        }
        writer.finish().await;
    });
    (dir, store, channel)
}

/// A relay database with one channel and `n` queued requests.
fn relay_db(n: usize) -> (tempfile::TempDir, Store, ChannelRecord) {
    relay_db_with(|session, channel| {
        (0..n)
            .map(|i| {
                let body = format!("body {i}");
                let mut r = request(session, "POST", "/c/alpha/x", body.as_bytes());
                r.received_at = Timestamp(1_000 + i as i64);
                let head = b"POST /c/alpha/x HTTP/1.1\r\n\r\n";
                (r, entry(channel, head, body.as_bytes()))
            })
            .collect()
    })
}

#[test]
fn queued_requests_are_read_after_a_cursor_in_order() {
    let (_dir, store, channel) = relay_db(5);
    let all = store.queued_after(channel.id, 0, 100).unwrap();
    let ids: Vec<i64> = all.iter().map(|q| q.relay_id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(all[2].body, b"body 2");
    assert_eq!(
        all[2].sha256,
        head_and_body_sha256(&all[2].raw_head, b"body 2")
    );
    let after = store.queued_after(channel.id, 3, 1).unwrap();
    assert_eq!(after[0].relay_id, 4);
    assert_eq!(store.backlog(channel.id, 3).unwrap(), 2);
    assert_eq!(store.newest_queued(channel.id).unwrap(), 5);
    assert_eq!(store.queue_counts().unwrap(), [(channel.id, 5, 5)]);
}

#[test]
fn a_head_stored_as_null_is_read_back_as_the_request_row_re_encoded() {
    let head = b"POST /c/alpha/x HTTP/1.1\r\nX-Token: Secret-Value\r\n\r\n";
    let (_dir, store, channel) = relay_db_with(|session, channel| {
        let mut e = entry(channel, head, b"b");
        e.raw_head = None;
        vec![(request(session, "POST", "/c/alpha/x", b"b"), e)]
    });
    let queued = store.queued_after(channel.id, 0, 10).unwrap();
    assert_eq!(queued[0].raw_head, head);
    assert_eq!(queued[0].sha256, head_and_body_sha256(head, b"b"));
}

#[test]
fn consumers_start_where_asked_and_resume_at_their_cursor() {
    let (_dir, store, channel) = relay_db(5);
    let c = |name, at| store.consumer_start(channel.id, name, at).unwrap().cursor;
    assert_eq!(c("now", StartAt::Now), 5);
    assert_eq!(c("all", StartAt::Earliest), 0);
    assert_eq!(c("from3", StartAt::Id(3)), 2);
    store.save_cursor(channel.id, "all", 4).unwrap();
    store.save_cursor(channel.id, "all", 2).unwrap();
    assert_eq!(c("all", StartAt::Earliest), 4, "resumes, never moves back");
    assert_eq!(store.consumers(channel.id).unwrap().len(), 3);
}

#[test]
fn trimming_never_deletes_the_newest_request_so_ids_are_not_reused() {
    let (_dir, store, channel) = relay_db(5);
    assert_eq!(store.keep_newest_queued(channel.id, 2).unwrap(), 3);
    let left: Vec<i64> = store
        .queued_after(channel.id, 0, 100)
        .unwrap()
        .iter()
        .map(|q| q.relay_id)
        .collect();
    assert_eq!(left, [4, 5]);
    assert_eq!(
        store.queue_counts().unwrap(),
        [(channel.id, 2, 5)],
        "queue rows go too"
    );
    let future = Timestamp(i64::MAX);
    assert_eq!(store.delete_older_keeping_newest(future).unwrap(), 1);
    assert_eq!(store.newest_queued(channel.id).unwrap(), 5);
    assert_eq!(
        store.queue_counts().unwrap(),
        [(channel.id, 1, 5)],
        "with their requests"
    );
    assert_eq!(store.remove_channel("alpha").unwrap(), Some(0));
    assert_eq!(store.last_id().unwrap(), Some(5), "the newest row stays");
}

#[test]
fn cursors_past_the_newest_request_are_clamped() {
    let (_dir, store, channel) = relay_db(3);
    store.consumer_start(channel.id, "c", StartAt::Now).unwrap();
    store.save_cursor(channel.id, "c", 99).unwrap();
    assert_eq!(store.clamp_cursors().unwrap(), 1);
    assert_eq!(store.consumers(channel.id).unwrap()[0].cursor, 3);
}

fn mark(relay_id: i64) -> RelayedFrom {
    RelayedFrom {
        relay_url: "https://relay.test/c/alpha".into(),
        relay_instance: "abc".into(),
        relay_id,
        peer: "192.0.2.1:443".into(),
        relay_received_at: Timestamp(5),
        sha256: [7; 32],
        raw_head: b"POST /c/alpha/x HTTP/1.1\r\n\r\n".to_vec(),
    }
}

#[test]
fn a_relayed_request_is_stored_once_however_often_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laptop.db");
    let store = Store::open_or_create(&path).unwrap();
    let session = store
        .create_session(SessionMode::Listen, "x", None)
        .unwrap();
    runtime().block_on(async {
        let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
        let mut waits = Vec::new();
        // The second and fourth are resends: one in the same batch, one later.
        for relay_id in [7, 7, 8] {
            let r = request(session.id, "POST", "/x", b"b");
            waits.push(handle.queue_relayed(r, None, mark(relay_id)).await.unwrap());
        }
        let mut got = Vec::new();
        for w in waits {
            got.push(w.await.unwrap().1.unwrap());
        }
        let again = handle
            .queue_relayed(request(session.id, "POST", "/x", b"b"), None, mark(8))
            .await
            .unwrap();
        got.push(again.await.unwrap().1.unwrap());
        let fresh: Vec<bool> = got.iter().map(|i| i.fresh).collect();
        assert_eq!(fresh, [true, false, true, false]);
        assert_eq!(got[1].id, got[0].id);
        assert_eq!(got[3].id, got[2].id);
        assert_eq!(handle.subscribe().borrow().count, 2);
        writer.finish().await;
    });
    assert_eq!(store.last_id().unwrap(), Some(2));
    assert_eq!(store.relayed_from(1).unwrap(), Some(mark(7)));
    assert_eq!(store.relayed_from(2).unwrap().unwrap().relay_id, 8);
}

#[test]
fn via_selects_relayed_requests_by_channel_url() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laptop.db");
    let store = Store::open_or_create(&path).unwrap();
    let session = store
        .create_session(SessionMode::Listen, "x", None)
        .unwrap();
    runtime().block_on(async {
        let (writer, handle) = GroupCommitWriter::start(&path).unwrap();
        handle
            .insert(request(session.id, "POST", "/direct", b""))
            .await
            .unwrap();
        let relayed = handle
            .queue_relayed(request(session.id, "POST", "/x", b""), None, mark(1))
            .await
            .unwrap();
        relayed.await.unwrap().1.unwrap();
        writer.finish().await;
    });
    let count = |line: &str| {
        let filter = crate::filter::Filter::parse_line(line, Timestamp(0)).unwrap();
        store.count_matching(&filter).unwrap()
    };
    assert_eq!(count("via:*"), 1);
    assert_eq!(count("via:*/c/alpha"), 1);
    assert_eq!(count("via:*/c/beta"), 0);
    let listed = store
        .list(
            &crate::filter::Filter::parse_line("via:*", Timestamp(0)).unwrap(),
            crate::store::ListQuery {
                limit: 10,
                before_id: None,
            },
        )
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].target, "/x");
}
