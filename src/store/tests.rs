//! The store's tests across its files: it answers every filter exactly as the
//! filter's own Rust check does, whichever part runs in SQL; and deletes count
//! right.

use super::{ListQuery, Scan, Store, StoreError};
use crate::filter::{Filter, MatchContext};
use crate::model::{Header, NewRequest, ResponseRecord, SessionMode, Timestamp};

const T0: i64 = 1_767_323_045_000_000;

fn request(session_id: i64, i: i64) -> NewRequest {
    let method = ["POST", "GET", "put"][(i % 3) as usize];
    let body = match i % 4 {
        0 => format!(
            r#"{{"ref":"refs/heads/{}","n":{i}}}"#,
            if i % 8 == 0 { "main" } else { "dev" }
        ),
        1 => format!("plain text {i} with 50% off_sale"),
        2 => String::new(),
        _ => format!(
            r#"{{"action":"opened","pr":{{"id":{i},"draft":{},"merged":null}},"a/b":[1]}}"#,
            i % 2 == 0
        ),
    };
    let mut headers = vec![
        Header::new("Host", "x.test"),
        Header::new("Content-Type", "application/json"),
    ];
    if i % 5 == 0 {
        headers.push(Header::new(
            "X-GitHub-Event",
            if i % 10 == 0 { "push" } else { "ping" },
        ));
    }
    if i % 7 == 0 {
        headers.push(Header::new("x_under%score", "v"));
    }
    NewRequest {
        session_id,
        received_at: Timestamp(T0 + i * 1_000_000),
        method: method.into(),
        target: format!(
            "/hooks/{}?i={i}",
            ["gh", "stripe", "other"][(i % 3) as usize]
        ),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:1".into(),
        headers,
        body: body.into_bytes(),
        truncated: false,
        response: ResponseRecord {
            status: [200, 202, 401, 500][(i % 4) as usize],
            headers: vec![],
            body: vec![],
        },
        signature: None,
        rejected: None,
    }
}

/// Two sessions, 60 requests in all.
fn filled() -> Store {
    let store = Store::open_in_memory().unwrap();
    for s in 0..2 {
        let session = store
            .create_session(SessionMode::Listen, "http://x", None)
            .unwrap();
        let batch: Vec<_> = (s * 30..s * 30 + 30)
            .map(|i| request(session.id, i))
            .collect();
        store.insert_requests(&batch).unwrap();
    }
    store
}

fn brute_force(store: &Store, filter: &Filter) -> Vec<i64> {
    let all = store
        .requests(&Filter::default(), Scan::newest(u32::MAX))
        .unwrap();
    let cx = MatchContext {
        latest_session: store.latest_session().unwrap().map(|s| s.id),
        attempt: None,
    };
    all.iter()
        .filter(|r| filter.matches(r, &cx))
        .map(|r| r.id)
        .collect()
}

const LINES: &[&str] = &[
    "",
    "method:post",
    "method:PUT status:4xx",
    "path:/hooks/gh",
    "path:/hooks/[gs]*",
    "status:2xx",
    "status:500",
    "header:x-github-event",
    "header:X-GitHub-Event=push",
    "header:X-GitHub-Event=p*",
    "header:x_under%score",
    "header:x_under_score",
    "body:refs/heads",
    "body:50%",
    "json:/ref=refs/heads/main",
    "json:/pr/id",
    "json:/n=8 method:post",
    "json:/n=8.0",
    "json:/n=\"8\"",
    "json:/action=\"opened\"",
    "json:/pr/draft=false",
    "json:/pr/draft=true",
    "json:/pr/merged=null",
    "json:/pr/merged",
    "json:/pr/missing",
    "json:/a~1b",
    "json:/a~1b=[1]",
    "json:=1",
    "json:/ref",
    "since:2026-01-02T03:04:30Z",
    "session:latest",
    "session:1 json:/action",
    "id:>50",
    "id:<=3",
    "id:7",
    "stripe",
    "\"Event: push\"",
    "off_sale",
    "off%sale",
];

/// Listing and counting each filter give exactly what the Rust check accepts.
fn assert_answers_like_the_rust_check(store: &Store, lines: &[&str]) {
    for line in lines {
        let filter = Filter::parse_line(line, Timestamp(T0)).unwrap();
        let want = brute_force(store, &filter);
        let page = ListQuery {
            limit: 1000,
            before_id: None,
        };
        let got: Vec<i64> = store
            .list(&filter, page)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(got, want, "{line}");
        assert_eq!(
            store.count_matching(&filter).unwrap(),
            want.len() as u64,
            "{line}"
        );
    }
}

#[test]
fn every_filter_lists_exactly_what_the_rust_check_accepts() {
    assert_answers_like_the_rust_check(&filled(), LINES);
}

#[test]
fn residual_filters_still_fill_a_page_and_page_on() {
    let store = filled();
    let filter = Filter::parse_line("json:/pr/id", Timestamp(T0)).unwrap();
    let want = brute_force(&store, &filter);
    assert!(want.len() > 6, "the fixture has enough matches");
    let first = store
        .list(
            &filter,
            ListQuery {
                limit: 4,
                before_id: None,
            },
        )
        .unwrap();
    let ids: Vec<i64> = first.iter().map(|r| r.id).collect();
    assert_eq!(ids, want[..4]);
    let next = store
        .list(
            &filter,
            ListQuery {
                limit: 4,
                before_id: Some(ids[3]),
            },
        )
        .unwrap();
    assert_eq!(next.iter().map(|r| r.id).collect::<Vec<_>>(), want[4..8]);
}

#[test]
fn oldest_first_scans_after_an_id() {
    let store = filled();
    let filter = Filter::parse_line("header:X-GitHub-Event=ping", Timestamp(T0)).unwrap();
    let got: Vec<i64> = store
        .requests(&filter, Scan::after(10, 2))
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(got, [16, 26]);
}

#[test]
fn sig_filters_explain_that_verdicts_are_not_recorded() {
    let store = filled();
    // A database from before live checks existed.
    store.conn.execute_batch("DROP TABLE checks").unwrap();
    let filter = Filter::parse_line("sig:valid", Timestamp(T0)).unwrap();
    let err = store
        .list(
            &filter,
            ListQuery {
                limit: 1,
                before_id: None,
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::SignaturesNotRecorded));
    assert!(err.to_string().contains("not recorded yet"));
}

#[test]
fn sig_filters_use_the_checks_table_once_it_exists() {
    let store = filled();
    store
        .conn
        .execute_batch(
            "INSERT INTO checks (request_id, sig_provider, sig_outcome) \
             SELECT id, 'github', CASE WHEN id % 2 = 0 THEN 'valid' ELSE 'invalid' END FROM requests WHERE id <= 40",
        )
        .unwrap();
    let count = |line: &str| {
        let filter = Filter::parse_line(line, Timestamp(T0)).unwrap();
        store.count_matching(&filter).unwrap()
    };
    assert_eq!(
        (
            count("sig:valid"),
            count("sig:invalid"),
            count("sig:unsigned")
        ),
        (20, 20, 0)
    );
    assert_eq!(count("sig:valid session:latest"), 5);
    // The Rust check agrees with SQL, and deleting a request deletes its check.
    for line in ["sig:valid", "sig:invalid method:post"] {
        let filter = Filter::parse_line(line, Timestamp(T0)).unwrap();
        assert_eq!(
            brute_force(&store, &filter).len() as u64,
            count(line),
            "{line}"
        );
    }
    store.delete_ids(&[2]).unwrap();
    let left: i64 = store
        .conn
        .query_row("SELECT count(*) FROM checks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 39);
}

#[test]
fn deleting_by_filter_ids_age_and_count_deletes_exactly_those() {
    let store = filled();
    let json = Filter::parse_line("json:/pr/id", Timestamp(T0)).unwrap();
    let n = brute_force(&store, &json).len() as u64;
    assert_eq!(store.delete_matching(&json).unwrap(), n);
    assert_eq!(store.count().unwrap(), 60 - n);
    assert_eq!(store.delete_ids(&[1, 2, 999]).unwrap(), 2);
    let before = store.count().unwrap();
    // Requests 0..=9 were received before T0 + 10 s; 1, 2 and 4, 8 (json) are gone.
    let old = store
        .delete_received_before(Timestamp(T0 + 10_000_000))
        .unwrap();
    assert_eq!(store.count().unwrap(), before - old);
    assert!(old > 0);
    let left = store.count().unwrap();
    assert_eq!(store.keep_newest(5).unwrap(), left - 5);
    assert_eq!(store.keep_newest(5).unwrap(), 0);
    assert_eq!(store.count().unwrap(), 5);
    assert_eq!(store.last_id().unwrap(), Some(59), "60 was a JSON one");
}

#[test]
fn pinning_fixes_latest_and_excludes_later_requests() {
    let store = filled();
    let pinned = store
        .pinned(&Filter::parse_line("session:latest", Timestamp(T0)).unwrap())
        .unwrap();
    let session = store
        .create_session(SessionMode::Listen, "http://x", None)
        .unwrap();
    store
        .insert_requests(&[request(2, 100), request(session.id, 101)])
        .unwrap();
    assert_eq!(store.delete_matching(&pinned).unwrap(), 30);
    assert_eq!(store.count().unwrap(), 32, "the later requests stay");
}

#[test]
fn json_prefilters_tolerate_bodies_that_are_not_json() {
    let store = Store::open_in_memory().unwrap();
    let s = store.create_session(SessionMode::Listen, "", None).unwrap();
    let mut bodies = vec![request(s.id, 3), request(s.id, 3), request(s.id, 3)];
    bodies[1].body = vec![0xff, b'{', 0];
    bodies[2].body = b"{\"action\":".to_vec();
    store.insert_requests(&bodies).unwrap();
    let f = Filter::parse_line("json:/action=opened", Timestamp(T0)).unwrap();
    assert_eq!(store.count_matching(&f).unwrap(), 1);
}

/// Sessions interleaved in id order, receive times out of id order, and ids
/// reused after the newest requests were deleted: the spans that stand in for
/// session and time indexes still bound every `session:` and `since:` answer
/// and every delete by age exactly.
#[test]
fn spans_keep_session_and_time_filters_exact() {
    let store = Store::open_in_memory().unwrap();
    let a = store.create_session(SessionMode::Listen, "http://a", None);
    let b = store.create_session(SessionMode::Listen, "http://b", None);
    let (a, b) = (a.unwrap().id, b.unwrap().id);
    for chunk in 0..6 {
        let session = if chunk % 2 == 0 { a } else { b };
        // Later chunks hold older requests too (an import of old traffic).
        let batch: Vec<_> = (0..10)
            .map(|n| request(session, (chunk * 7 + n * 3) % 60))
            .collect();
        store.insert_requests(&batch).unwrap();
    }
    let newest = Filter::parse_line("id:>45", Timestamp(T0)).unwrap();
    assert_eq!(store.delete_matching(&newest).unwrap(), 15);
    let reused: Vec<_> = (0..5).map(|i| request(a, 5 + i)).collect();
    let ids = store.insert_requests(&reused).unwrap();
    assert_eq!(
        ids.first(),
        Some(&46),
        "ids below the deleted ones' are reused"
    );
    let lines = [
        "session:1",
        "session:2",
        "session:latest",
        "session:3",
        "since:2026-01-02T03:04:30Z",
        "since:2026-01-02T03:04:10Z session:1",
        "since:2026-01-02T03:05:00Z",
    ];
    assert_answers_like_the_rust_check(&store, &lines);
    let all = store
        .requests(&Filter::default(), Scan::newest(1000))
        .unwrap();
    let cutoff = Timestamp(T0 + 20_000_000);
    let old = all.iter().filter(|r| r.received_at < cutoff).count() as u64;
    assert!(old > 10, "the fixture has old requests in every span");
    assert_eq!(store.delete_received_before(cutoff).unwrap(), old);
    let left = store
        .requests(&Filter::default(), Scan::newest(1000))
        .unwrap();
    assert_eq!(left.len(), all.len() - old as usize);
    assert!(left.iter().all(|r| r.received_at >= cutoff));
}

/// A webhook request for the attempts test: provider `p` (GitHub or GitLab
/// headers), delivery `d` (none for `""`), answered `status`, received `at`
/// seconds in; some without any webhook marks.
fn attempt_request(session_id: i64, (p, d, status, at): (&str, &str, u16, i64)) -> NewRequest {
    let mut r = request(session_id, at);
    r.headers = match p {
        "github" => vec![
            Header::new("X-GitHub-Event", "push"),
            Header::new("X-GitHub-Delivery", d),
        ],
        "gitlab" => vec![
            Header::new("X-Gitlab-Event", "Push Hook"),
            Header::new("X-Gitlab-Event-UUID", d),
        ],
        _ => vec![Header::new("Host", "x.test")],
    };
    r.body = b"{}".to_vec();
    r.response.status = status;
    r.received_at = Timestamp(T0 + at * 1_000_000);
    r
}

/// Inserts as a listener's writer does: no delivery index entries.
fn insert_unindexed(store: &Store, requests: &[NewRequest]) {
    let tx = store.conn.unchecked_transaction().unwrap();
    let ids = super::insert::insert_all(&tx, requests.iter()).unwrap();
    super::spans::cover_closed(&tx, super::writer::covered(requests.iter(), &ids)).unwrap();
    tx.commit().unwrap();
}

/// Makes the delivery index hold exactly the requests up to `upto`, as if it
/// had been brought up to date only that far.
fn index_up_to(store: &Store, upto: i64) {
    store
        .conn
        .execute_batch(&format!(
            "DELETE FROM delivery_index;
             INSERT INTO delivery_index SELECT delivery, provider, id FROM requests
                 WHERE id <= {upto} AND delivery IS NOT NULL;
             UPDATE delivery_watermark SET upto = {upto};"
        ))
        .unwrap();
}

/// Each stored request's place among its delivery's attempts, worked out
/// from all stored requests without the index: (number, of, since previous, dup).
fn attempts_by_brute_force(store: &Store) -> Vec<(i64, Option<crate::model::AttemptInfo>)> {
    let all = store
        .requests(&Filter::default(), Scan::after(0, u32::MAX))
        .unwrap();
    let key = |r: &crate::model::CapturedRequest| {
        crate::sign::identity::identify(&r.headers, &r.body)
            .and_then(|i| Some((i.provider, i.delivery?)))
    };
    all.iter()
        .map(|r| {
            let info = key(r).map(|k| {
                let attempts: Vec<_> = all.iter().filter(|a| key(a) == Some(k.clone())).collect();
                let earlier: Vec<_> = attempts.iter().filter(|a| a.id < r.id).collect();
                crate::model::AttemptInfo {
                    number: earlier.len() as u32 + 1,
                    of: attempts.len() as u32,
                    since_previous: earlier.last().map(|p| {
                        std::time::Duration::from_micros(
                            (r.received_at.0 - p.received_at.0).max(0) as u64
                        )
                    }),
                    dup: earlier
                        .iter()
                        .any(|a| (200..300).contains(&a.response.status)),
                }
            });
            (r.id, info)
        })
        .collect()
}

const ATTEMPT_LINES: &[&str] = &[
    "attempt:1",
    "attempt:>1",
    "attempt:<=2",
    "attempt:3",
    "attempt:>=1",
    "attempt:>0",
    "dup",
    "dup provider:gitlab",
    "delivery:a",
    "delivery:b attempt:2",
    "delivery:none",
    "provider:github",
];

/// Attempt numbers, intervals, `dup` and the attempt filters are exactly
/// what a count over all stored requests gives, wherever the delivery index
/// has caught up to, after deletes, and after ids are given out again.
#[test]
fn attempts_are_exact_wherever_the_delivery_index_stands() {
    let store = Store::open_in_memory().unwrap();
    let s = store
        .create_session(SessionMode::Listen, "http://x", None)
        .unwrap()
        .id;
    // The same delivery id from two providers is two deliveries; times out of id order.
    let first: Vec<_> = [
        ("github", "a", 503, 0),
        ("github", "b", 200, 1),
        ("", "", 200, 2),
        ("gitlab", "a", 200, 3),
        ("github", "a", 503, 30),
        ("github", "b", 200, 4),
        ("github", "a", 200, 90),
        ("gitlab", "a", 200, 5),
        ("github", "c", 500, 6),
        ("github", "a", 200, 80),
        ("gitlab", "b", 429, 7),
        ("github", "b", 503, 8),
    ]
    .into_iter()
    .map(|r| attempt_request(s, r))
    .collect();
    insert_unindexed(&store, &first);
    let check = |when: &str| {
        let max = store.last_id().unwrap().unwrap_or(0);
        // First as the index stands, then caught up to every point.
        for upto in std::iter::once(None).chain((0..=max).map(Some)) {
            if let Some(upto) = upto {
                index_up_to(&store, upto);
            }
            let want = attempts_by_brute_force(&store);
            let ids: Vec<i64> = want.iter().map(|w| w.0).collect();
            let facts = store.hook_facts(&ids).unwrap();
            for (id, info) in &want {
                let got = facts.get(id).and_then(|f| f.attempt);
                assert_eq!(got, *info, "{when}: request {id}, indexed up to {upto:?}");
            }
            let cx_of = |id: i64| {
                want.iter().find(|w| w.0 == id).and_then(|w| w.1).map(|a| {
                    crate::filter::AttemptContext {
                        number: a.number,
                        dup: a.dup,
                    }
                })
            };
            let all = store
                .requests(&Filter::default(), Scan::newest(u32::MAX))
                .unwrap();
            for line in ATTEMPT_LINES {
                let filter = Filter::parse_line(line, Timestamp(T0)).unwrap();
                let expected: Vec<i64> = all
                    .iter()
                    .filter(|r| {
                        let cx = MatchContext {
                            latest_session: None,
                            attempt: cx_of(r.id),
                        };
                        filter.matches(r, &cx)
                    })
                    .map(|r| r.id)
                    .collect();
                let page = ListQuery {
                    limit: 1000,
                    before_id: None,
                };
                let listed: Vec<i64> = store
                    .list(&filter, page)
                    .unwrap()
                    .iter()
                    .map(|r| r.id)
                    .collect();
                assert_eq!(listed, expected, "{when}: {line}, indexed up to {upto:?}");
                let counted = store.count_matching(&filter).unwrap();
                assert_eq!(
                    counted,
                    expected.len() as u64,
                    "{when}: {line}, indexed up to {upto:?}"
                );
            }
            let groups = store.delivery_attempts(&Filter::default()).unwrap();
            let shape: Vec<(String, String, Vec<i64>)> = groups
                .iter()
                .map(|g| {
                    let ids = g.attempts.iter().map(|a| a.request.id).collect();
                    (g.provider.clone(), g.delivery.clone(), ids)
                })
                .collect();
            let mut keys: Vec<(String, String, Vec<i64>)> = Vec::new();
            for r in &all.iter().rev().collect::<Vec<_>>() {
                let Some(i) = crate::sign::identity::identify(&r.headers, &r.body) else {
                    continue;
                };
                let Some(d) = i.delivery else { continue };
                match keys.iter_mut().find(|k| k.0 == i.provider && k.1 == d) {
                    Some(k) => k.2.push(r.id),
                    None => keys.push((i.provider, d, vec![r.id])),
                }
            }
            assert_eq!(
                shape, keys,
                "{when}: every delivery, indexed up to {upto:?}"
            );
        }
    };
    check("as captured");
    // Deleting from the middle and the newest end; the newest ids are given out again.
    let max = store.last_id().unwrap().unwrap();
    store.delete_ids(&[2, 5, max - 1, max]).unwrap();
    let upto: i64 = store
        .conn
        .query_row("SELECT upto FROM delivery_watermark", [], |r| r.get(0))
        .unwrap();
    assert!(
        upto <= max - 2,
        "the watermark is below the ids given out next"
    );
    let again: Vec<_> = [
        ("github", "a", 200, 100),
        ("gitlab", "b", 200, 101),
        ("github", "c", 200, 102),
    ]
    .into_iter()
    .map(|r| attempt_request(s, r))
    .collect();
    insert_unindexed(&store, &again);
    assert_eq!(
        store.last_id().unwrap(),
        Some(max + 1),
        "ids were given out again"
    );
    check("after deletes");
}

/// `delivery:` reads the newest delivery of each request: its status, a
/// failure without one, or none at all.
#[test]
fn delivery_terms_read_the_newest_delivery() {
    use crate::store::testing::delivery;
    let store = filled();
    let answered = |status| {
        Some(ResponseRecord {
            status,
            headers: vec![],
            body: vec![],
        })
    };
    // 1: 500 then 200 (fixed); 2: 200 then 503; 3: refused; 4: 404 then refused.
    for (id, response) in [
        (1, answered(500)),
        (1, answered(200)),
        (2, answered(200)),
        (2, answered(503)),
        (3, None),
        (4, answered(404)),
        (4, None),
    ] {
        store.insert_delivery(&delivery(id, response)).unwrap();
    }
    let ids = |line: &str| {
        let filter = Filter::parse_line(line, Timestamp(T0)).unwrap();
        let mut ids = store.matching_ids(&filter).unwrap();
        ids.truncate(6);
        (ids, store.count_matching(&filter).unwrap())
    };
    assert_eq!(ids("delivery:5xx"), (vec![2], 1));
    assert_eq!(ids("delivery:200"), (vec![1], 1));
    assert_eq!(ids("delivery:2xx"), (vec![1], 1));
    assert_eq!(ids("delivery:error"), (vec![3, 4], 2));
    assert_eq!(ids("delivery:none"), (vec![5, 6, 7, 8, 9, 10], 56));
    assert_eq!(ids("delivery:error method:post"), (vec![4], 1));
    assert_eq!(ids("delivery:4xx"), (vec![], 0), "404 is not the newest");
}
