//! Fixtures shared by the inspector's tests: requests, deliveries, and an
//! app over an in-memory store.

use std::time::Duration;

use ratatui::layout::Size;
use tokio::sync::watch;

use super::state::{App, AppOptions};
use crate::tui::data::replays::Recorder;
use crate::tui::data::source::LiveFeed;
use crate::tui::pane::top_bar::Origin;

use crate::model::{
    AnswerUsed, CaptureNotes, DeliveryKind, Header, NewDelivery, NewRequest, ResponseRecord,
    SessionMode, SignatureCheck, Timestamp,
};
use crate::sign::Outcome;
use crate::store::{GroupCommitWriter, Store, StoredUpTo};

/// 2023-11-14T22:13:20Z, far outside the rate window so snapshots are stable.
pub const T0: i64 = 1_700_000_000_000_000;

/// A request received `n` seconds after [`T0`], in session 1.
pub fn request(
    n: i64,
    method: &str,
    target: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> NewRequest {
    NewRequest {
        session_id: 1,
        received_at: Timestamp(T0 + n * 1_250_000),
        method: method.into(),
        target: target.into(),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:52100".into(),
        headers: headers.iter().map(|(k, v)| Header::new(*k, *v)).collect(),
        body: body.to_vec(),
        truncated: false,
        response: ResponseRecord {
            status: if method == "DELETE" { 404 } else { 200 },
            headers: vec![Header::new("Content-Length", "0")],
            body: Vec::new(),
        },
        signature: None,
        rejected: None,
    }
}

/// A few typical webhooks: JSON, a form, text and a binary body.
pub fn typical() -> Vec<NewRequest> {
    let json: &[(&str, &[u8])] = &[
        ("Host", b"127.0.0.1:4665"),
        (
            "User-Agent",
            b"Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        ),
        ("Content-Type", b"application/json; charset=utf-8"),
        (
            "Stripe-Signature",
            b"t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        ),
    ];
    vec![
        request(0, "POST", "/hooks/stripe", json, br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"amount":2000,"currency":"eur","paid":true,"metadata":null}}}"#),
        request(1, "GET", "/health", &[("Host", b"127.0.0.1:4665")], b""),
        request(2, "POST", "/hooks/form", &[("Content-Type", b"application/x-www-form-urlencoded")], b"name=J%C3%BCrgen&plan=pro+yearly"),
        request(3, "PUT", "/upload?kind=png", &[("Content-Type", b"image/png")], b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"),
        request(4, "DELETE", "/hooks/42", &[("X-Dup", b"a"), ("x-dup", b"b")], b"gone"),
    ]
}

/// Requests as `listen --verify github --reject-invalid --require-token …`
/// stores them: a valid signature, an invalid one (rejected), an unsigned
/// one (rejected) and one turned away by a token check alone.
pub fn checked() -> Vec<NewRequest> {
    let verdict = |outcome, reason: &str| {
        Some(SignatureCheck {
            provider: "github".into(),
            outcome,
            reason: reason.into(),
        })
    };
    let json: &[(&str, &[u8])] = &[("Content-Type", b"application/json")];
    let mut all = vec![
        request(0, "POST", "/hooks/github", json, b"{}"),
        request(1, "POST", "/hooks/github", json, b"{\"x\":1}"),
        request(2, "POST", "/hooks/github", json, b"{}"),
        request(3, "POST", "/hooks/gitlab", json, b"{}"),
    ];
    all[0].signature = verdict(Outcome::Valid, "signature matches");
    all[1].signature = verdict(Outcome::Invalid, "signature mismatch");
    all[1].rejected = Some("invalid signature (signature mismatch)".into());
    all[2].signature = verdict(Outcome::Unsigned, "no X-Hub-Signature-256 header");
    all[2].rejected = Some("unsigned".into());
    all[3].rejected = Some("missing X-Gitlab-Token header".into());
    for r in &mut all[1..] {
        r.response.status = 401;
    }
    all
}

/// A GitHub webhook of `event` (with the body's `action`) in delivery
/// `guid`, answered `status`, received `seconds` after [`T0`].
pub fn github(seconds: i64, event: &str, guid: &str, body: &[u8], status: u16) -> NewRequest {
    let headers: &[(&str, &[u8])] = &[
        ("User-Agent", b"GitHub-Hookshot/7a1c3e2"),
        ("Content-Type", b"application/json"),
        ("X-GitHub-Event", event.as_bytes()),
        ("X-GitHub-Delivery", guid.as_bytes()),
    ];
    let mut r = request(0, "POST", "/webhooks/github", headers, body);
    r.received_at = Timestamp(T0 + seconds * 1_000_000);
    r.response.status = status;
    r
}

/// Webhooks as a developer sees them: a push; a pull request delivered three
/// times (503, then 200 after 31 s, then again: a duplicate); a Stripe
/// event; and a health check that is no webhook.
pub fn webhooks() -> Vec<NewRequest> {
    let opened = br#"{"action":"opened","number":7,"pull_request":{"title":"Add retries"}}"#;
    let stripe: &[(&str, &[u8])] = &[
        ("Content-Type", b"application/json"),
        (
            "Stripe-Signature",
            b"t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        ),
    ];
    let mut charge = request(
        0,
        "POST",
        "/webhooks/stripe",
        stripe,
        br#"{"id":"evt_3PqX","object":"event","type":"charge.succeeded"}"#,
    );
    charge.received_at = Timestamp(T0 + 95 * 1_000_000);
    let mut health = request(0, "GET", "/health", &[], b"");
    health.received_at = Timestamp(T0 + 96 * 1_000_000);
    vec![
        github(0, "push", "9f1c-push", br#"{"ref":"refs/heads/main"}"#, 200),
        github(2, "pull_request", "72d3-pr", opened, 503),
        github(33, "pull_request", "72d3-pr", opened, 200),
        github(93, "pull_request", "72d3-pr", opened, 200),
        charge,
        health,
    ]
}

/// An app over a database file holding `requests`, stored as `listen`
/// stores them: each with the rule that answered it, if one did (through the
/// group-commit writer, the one way such a note is stored). The file lives
/// as long as the directory.
pub fn app_with_answers(
    requests: &[(NewRequest, Option<AnswerUsed>)],
    width: u16,
    height: u16,
) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.db");
    let store = Store::open_or_create(&db).expect("database");
    store
        .create_session(SessionMode::Listen, "http://127.0.0.1:4665", None)
        .expect("session");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (writer, handle) = GroupCommitWriter::start(&db).expect("writer");
        for (r, answer) in requests {
            let notes = CaptureNotes {
                identity: crate::sign::identity::identify(&r.headers, &r.body),
                answer: answer.clone(),
                response_id_at: Vec::new(),
            };
            handle
                .insert_noted(Box::new(r.clone()), notes)
                .await
                .expect("stored");
        }
        writer.finish().await;
    });
    let origin = Origin::Listening {
        url: "http://127.0.0.1:4665".into(),
        session_id: 1,
        target: None,
    };
    let mut app = App::new(origin, store, options(width, height)).expect("app");
    // A file is counted on a thread of its own: wait for the count.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while app.live.total.is_none() {
        assert!(std::time::Instant::now() < deadline, "the count never came");
        std::thread::sleep(Duration::from_millis(1));
        app.tick(std::time::Instant::now());
    }
    (app, dir)
}

/// What rule `rule` answered, at `step` of its sequence, as written.
pub fn rule(rule: u32, step: u32, answer: &str) -> Option<AnswerUsed> {
    Some(AnswerUsed {
        rule,
        step,
        answer: answer.into(),
    })
}

/// The options tests use: follow on, no live feed, `width`×`height`.
pub fn options(width: u16, height: u16) -> AppOptions {
    AppOptions {
        follow: true,
        filter: None,
        live: LiveFeed::Off,
        stop: None,
        size: Size::new(width, height),
        recorder: Recorder::Database("(not recorded in tests)".into()),
        relay: None,
    }
}

/// A store holding `requests` in session 1.
pub fn store_with(requests: &[NewRequest]) -> Store {
    store_of_session(SessionMode::Listen, None, requests)
}

fn store_of_session(mode: SessionMode, target: Option<&str>, requests: &[NewRequest]) -> Store {
    let store = Store::open_in_memory().expect("in-memory store");
    store
        .create_session(mode, "http://127.0.0.1:4665", target)
        .expect("session");
    if !requests.is_empty() {
        store.insert_requests(requests).expect("insert");
    }
    store
}

/// An app listening on the default URL over `requests`, with its total counted.
pub fn app_with(requests: &[NewRequest], width: u16, height: u16) -> App {
    app_with_options(requests, options(width, height))
}

/// Like [`app_with`], with `deliveries` recorded before it opens.
pub fn app_with_deliveries(
    requests: &[NewRequest],
    deliveries: &[NewDelivery],
    width: u16,
    height: u16,
) -> App {
    let store = store_with(requests);
    for d in deliveries {
        store.insert_delivery(d).expect("delivery");
    }
    open(store, requests.len(), options(width, height))
}

/// Like [`app_with_deliveries`], for requests that `hookcap forward` passed on
/// to `target`.
pub fn forward_app_with(
    requests: &[NewRequest],
    deliveries: &[NewDelivery],
    target: &str,
    width: u16,
    height: u16,
) -> App {
    let store = store_of_session(SessionMode::Forward, Some(target), requests);
    for d in deliveries {
        store.insert_delivery(d).expect("delivery");
    }
    open(store, requests.len(), options(width, height))
}

/// Like [`app_with`], with other options.
pub fn app_with_options(requests: &[NewRequest], opts: AppOptions) -> App {
    open(store_with(requests), requests.len(), opts)
}

fn open(store: Store, total: usize, opts: AppOptions) -> App {
    let target = store
        .session(1)
        .ok()
        .flatten()
        .and_then(|session| session.target);
    let origin = Origin::Listening {
        url: "http://127.0.0.1:4665".into(),
        session_id: 1,
        target,
    };
    let app = App::new(origin, store, opts).expect("app");
    assert_eq!(app.live.total, Some(total as u64), "counted at once");
    app
}

/// An app browsing a database file whose one session forwarded to `target`,
/// holding `requests`; `r` records into that file (kept while the directory lives).
pub fn forward_app(requests: &[NewRequest], target: &str) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.db");
    let store = Store::open_or_create(&db).expect("database");
    store
        .create_session(SessionMode::Forward, "http://127.0.0.1:4665", Some(target))
        .expect("session");
    store.insert_requests(requests).expect("insert");
    let mut opts = options(100, 30);
    opts.recorder = Recorder::Database(db.clone());
    let app = App::new(Origin::Browsing { db }, store, opts).expect("app");
    (app, dir)
}

/// A delivery of request `request_id` to the app at `localhost:3000`,
/// started `ms` milliseconds after [`T0`], taking `took_us` microseconds.
pub fn delivery(
    request_id: i64,
    kind: DeliveryKind,
    ms: i64,
    took_us: u64,
    response: Option<ResponseRecord>,
) -> NewDelivery {
    NewDelivery {
        request_id,
        kind,
        destination: "http://localhost:3000/hooks/stripe".into(),
        started_at: Timestamp(T0 + ms * 1000),
        duration: Duration::from_micros(took_us),
        error: response
            .is_none()
            .then(|| "connection refused (os error 111)".into()),
        response,
        response_truncated: false,
    }
}

/// An answer with these headers and body.
pub fn answer(status: u16, headers: &[(&str, &[u8])], body: &[u8]) -> ResponseRecord {
    ResponseRecord {
        status,
        headers: headers.iter().map(|(k, v)| Header::new(*k, *v)).collect(),
        body: body.to_vec(),
    }
}

/// An app fed by a writer channel, and the sender that announces commits.
pub fn live_app(requests: &[NewRequest]) -> (App, watch::Sender<StoredUpTo>) {
    let (tx, rx) = watch::channel(StoredUpTo::default());
    let mut opts = options(100, 30);
    opts.live = LiveFeed::Writer(rx);
    (app_with_options(requests, opts), tx)
}
