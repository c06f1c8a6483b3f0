//! State tests: actions in, state out, no terminal.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Focus, Overlay};
use super::state::App;
use super::status::MESSAGE_TTL;
use crate::model::{DeliveryKind, NewRequest};
use crate::store::StoredUpTo;
use crate::tui::app::testing::{app_with, checked, github, live_app, request, typical, webhooks};
use crate::tui::pane::detail::Tab;
use crate::tui::pane::detail::compare::Comparison;
use crate::tui::term::clipboard::MAX_CLIPBOARD_BYTES;
use crate::tui::term::effect::Effect;

fn selected(app: &App) -> Option<i64> {
    app.requests.list.selected().map(|r| r.id)
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn many(n: i64) -> Vec<crate::model::NewRequest> {
    (0..n)
        .map(|i| {
            request(
                i,
                if i % 2 == 0 { "POST" } else { "GET" },
                &format!("/r/{i}"),
                &[],
                b"x",
            )
        })
        .collect()
}

/// Commits `n` more requests and lets the app notice them.
fn arrive(app: &mut App, tx: &tokio::sync::watch::Sender<StoredUpTo>, n: i64) {
    commit(app, tx, &many(n));
}

#[test]
fn it_starts_on_the_newest_request_with_its_detail_loaded() {
    let app = app_with(&typical(), 100, 30);
    assert_eq!(selected(&app), Some(5));
    assert_eq!(app.requests.detail.as_ref().map(|d| d.request.id), Some(5));
    assert!(app.view.following());
}

#[test]
fn vim_keys_and_arrows_move_the_selection() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Up);
    assert_eq!(selected(&app), Some(3));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app), Some(4));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app), Some(1));
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app), Some(5));
    app.tick(Instant::now());
    assert_eq!(app.requests.detail.as_ref().map(|d| d.request.id), Some(5));
}

#[test]
fn paging_moves_by_a_screen_and_stops_at_the_ends() {
    let mut app = app_with(&many(500), 100, 30);
    let page = app.view.areas().unwrap().list_rows.height as i64;
    press(&mut app, KeyCode::PageUp);
    assert_eq!(selected(&app), Some(500 - page));
    for _ in 0..100 {
        press(&mut app, KeyCode::PageUp);
    }
    assert_eq!(selected(&app), Some(1));
    for _ in 0..100 {
        press(&mut app, KeyCode::PageDown);
    }
    assert_eq!(selected(&app), Some(500));
}

#[test]
fn new_requests_are_followed_while_follow_is_on() {
    let (mut app, tx) = live_app(&many(3));
    arrive(&mut app, &tx, 2);
    assert_eq!(selected(&app), Some(5));
    assert_eq!(app.live.total, Some(5));
    assert_eq!(app.live.rate.recent(1), [2]);
}

#[test]
fn scrolling_up_pauses_follow_and_g_resumes_it() {
    let (mut app, tx) = live_app(&many(3));
    press(&mut app, KeyCode::Char('k'));
    assert!(app.view.follow && app.view.paused && !app.view.following());
    arrive(&mut app, &tx, 2);
    assert_eq!(selected(&app), Some(2), "the selection stays put");
    assert_eq!(
        app.requests.list.rows().len(),
        5,
        "but the new rows are listed"
    );
    press(&mut app, KeyCode::Char('G'));
    assert!(app.view.following());
    assert_eq!(selected(&app), Some(5));
}

#[test]
fn f_toggles_follow() {
    let (mut app, tx) = live_app(&many(3));
    press(&mut app, KeyCode::Char('f'));
    assert!(!app.view.follow);
    arrive(&mut app, &tx, 1);
    assert_eq!(selected(&app), Some(3));
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(
        selected(&app),
        Some(4),
        "turning follow on jumps to the newest"
    );
}

#[test]
fn arrivals_far_from_the_newest_are_counted_not_loaded() {
    let (mut app, tx) = live_app(&many(3000));
    press(&mut app, KeyCode::Char('g'));
    arrive(&mut app, &tx, 7);
    assert_eq!((selected(&app), app.live.unseen), (Some(1), 7));
    press(&mut app, KeyCode::Char('G'));
    assert_eq!((selected(&app), app.live.unseen), (Some(3007), 0));
}

#[test]
fn the_filter_narrows_as_you_type_and_esc_clears_it() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "hooks");
    let ids: Vec<i64> = app.requests.list.rows().iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 3, 5]);
    type_text(&mut app, " method:post");
    let ids: Vec<i64> = app.requests.list.rows().iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 3]);
    press(&mut app, KeyCode::Enter);
    assert!(!app.view.filter.editing && app.requests.filtered());
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.requests.filtered());
    assert_eq!(app.requests.list.rows().len(), 5);
}

#[test]
fn the_filter_searches_headers_and_bodies() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "Stripe-Signature");
    assert_eq!(selected(&app), Some(1));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "\"plan=pro\"");
    assert_eq!(selected(&app), Some(3));
}

/// The ids listed after typing `filter` on a fresh `/` line.
fn filtered(app: &mut App, filter: &str) -> Vec<i64> {
    press(app, KeyCode::Char('/'));
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char('/'));
    type_text(app, filter);
    assert!(
        app.view.filter.error.is_none(),
        "{filter}: {:?}",
        app.view.filter.error
    );
    app.requests.list.rows().iter().map(|r| r.id).collect()
}

#[test]
fn slash_opens_on_the_filter_in_force_with_a_space_after_it() {
    let mut opts = crate::tui::app::testing::options(100, 30);
    opts.filter = Some("session:1".into());
    let mut app = crate::tui::app::testing::app_with_options(&typical(), opts);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.view.filter.input, "session:1 ");
    type_text(&mut app, "hooks");
    assert_eq!(app.view.filter.input, "session:1 hooks");
    assert!(
        app.view.filter.error.is_none(),
        "{:?}",
        app.view.filter.error
    );
    let ids: Vec<i64> = app.requests.list.rows().iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 3, 5]);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.view.filter.input, "session:1 hooks ");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.view.filter.input, "session:1 hooks ",
        "one space, not two"
    );
}

#[test]
fn the_filter_takes_every_term_of_the_command_line() {
    let mut app = app_with(&typical(), 100, 30);
    assert_eq!(filtered(&mut app, "status:4xx"), [5]);
    assert_eq!(filtered(&mut app, "header:x-dup=b"), [5]);
    assert_eq!(filtered(&mut app, "header:Stripe-Signature"), [1]);
    assert_eq!(filtered(&mut app, "json:/data/object/amount=2000"), [1]);
    assert_eq!(filtered(&mut app, "json:/data/object/paid=true"), [1]);
    assert_eq!(filtered(&mut app, "body:plan=pro"), [3]);
    assert_eq!(filtered(&mut app, "path:/hooks/* id:>2"), [3, 5]);
    assert_eq!(filtered(&mut app, "method:put 'kind=png'"), [4]);
    assert_eq!(
        filtered(&mut app, "session:latest since:2023-11-14T22:13:22Z"),
        [3, 4, 5]
    );
    assert!(filtered(&mut app, "sig:valid").is_empty());
}

#[test]
fn the_filter_selects_by_the_live_checks() {
    let mut app = app_with(&checked(), 100, 30);
    assert_eq!(filtered(&mut app, "sig:valid"), [1]);
    assert_eq!(filtered(&mut app, "sig:invalid"), [2]);
    assert_eq!(filtered(&mut app, "sig:unsigned status:401"), [3]);
    assert_eq!(filtered(&mut app, "status:401"), [2, 3, 4]);
}

#[test]
fn the_overview_shows_the_verdict_and_the_rejection() {
    let mut app = app_with(&checked(), 100, 30);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    app.tick(Instant::now());
    let d = app.requests.detail.as_ref().unwrap();
    assert_eq!(d.request.id, 2);
    let lines: Vec<String> = d
        .doc
        .lines(0, d.doc.len())
        .iter()
        .map(|l| l.to_string())
        .collect();
    assert!(
        lines.contains(&"signature ✗ github: signature mismatch".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"rejected  invalid signature (signature mismatch)".to_owned()),
        "{lines:?}"
    );
    assert!(lines.contains(&"answered  401 Unauthorized".to_owned()));
}

#[test]
fn a_bad_filter_term_is_reported_and_the_last_good_filter_kept() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "hooks since:soo");
    let before: Vec<i64> = app.requests.list.rows().iter().map(|r| r.id).collect();
    press(&mut app, KeyCode::Char('n'));
    let error = app.view.filter.error.as_ref().expect("an error");
    assert!(error.to_string().contains("soon"), "{error}");
    assert_eq!(
        error.pointer(),
        "hooks since:soon\n            ^^^^",
        "the pointer marks the bad value"
    );
    let after: Vec<i64> = app.requests.list.rows().iter().map(|r| r.id).collect();
    assert_eq!(before, after);
}

#[test]
fn tab_cycles_tabs_and_the_tab_sticks_across_requests() {
    let mut app = app_with(&typical(), 100, 30);
    let tab = |app: &App| app.requests.detail.as_ref().map(|d| d.tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(tab(&app), Some(Tab::Headers));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(tab(&app), Some(Tab::Overview), "wraps around");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(tab(&app), Some(Tab::Deliveries));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('k'));
    app.tick(Instant::now());
    assert_eq!((selected(&app), tab(&app)), (Some(4), Some(Tab::Body)));
}

#[test]
fn enter_moves_focus_so_movement_keys_scroll_the_detail() {
    let body: String = (0..100).map(|i| format!("line {i}\n")).collect();
    let mut app = app_with(&[request(0, "POST", "/t", &[], body.as_bytes())], 100, 30);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.focus, Focus::Detail);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::PageDown);
    let height = app.view.areas().unwrap().detail_body.height as usize;
    assert_eq!(
        app.requests.detail.as_ref().map(|d| d.scroll),
        Some(1 + height)
    );
    press(&mut app, KeyCode::Char('G'));
    let doc_len = app.requests.detail.as_ref().map_or(0, |d| d.doc.len());
    assert_eq!(
        app.requests.detail.as_ref().map(|d| d.scroll),
        Some(doc_len - height)
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.focus, Focus::List);
}

#[test]
fn b_switches_the_body_to_raw_bytes() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('g'));
    app.tick(Instant::now());
    press(&mut app, KeyCode::Char('b'));
    let d = app.requests.detail.as_ref().unwrap();
    assert_eq!((d.tab, d.raw), (Tab::Body, true));
    let first = d.doc.lines(1, 1)[0].to_string();
    assert!(first.starts_with(r#"{"id":"evt_1""#), "{first}");
}

#[test]
fn c_copies_a_curl_command_and_says_so() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('g'));
    app.tick(Instant::now());
    press(&mut app, KeyCode::Char('c'));
    let effects = app.take_effects();
    let [Effect::Clipboard(bytes)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let cmd = String::from_utf8(bytes.clone()).unwrap();
    // The one curl builder, `hookcap export --format curl`'s, with the body
    // (which the detail pane shares rather than copies) put back.
    let d = app.requests.detail.as_ref().unwrap();
    let base = "http://127.0.0.1:4665";
    assert_eq!(cmd, crate::export::curl::command(&d.full_request(), base));
    assert!(
        cmd.starts_with("curl \\\n  http://127.0.0.1:4665/hooks/stripe"),
        "{cmd}"
    );
    assert!(cmd.contains("-H 'Host: 127.0.0.1:4665'"), "{cmd}");
    assert!(cmd.contains(r#"--data-raw '{"id":"evt_1","#), "{cmd}");
    let message = app.status.message.as_ref().unwrap();
    assert!(!message.is_error && message.text.contains("curl command for #1"));
}

#[test]
fn y_copies_the_body_but_not_one_too_big_for_the_clipboard() {
    let big = vec![b'a'; MAX_CLIPBOARD_BYTES + 1];
    let mut app = app_with(
        &[
            request(0, "POST", "/small", &[], b"hello"),
            request(1, "POST", "/big", &[], &big),
        ],
        100,
        30,
    );
    press(&mut app, KeyCode::Char('y'));
    assert!(app.take_effects().is_empty());
    assert!(app.status.message.as_ref().is_some_and(|m| m.is_error));
    press(&mut app, KeyCode::Char('k'));
    app.tick(Instant::now());
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.take_effects(), [Effect::Clipboard(b"hello".to_vec())]);
}

#[test]
fn d_deletes_only_after_confirmation() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(app.view.overlay, Overlay::ConfirmDelete(5));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(
        (app.view.overlay, app.requests.list.rows().len()),
        (Overlay::None, 5)
    );
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.requests.list.rows().len(), 4);
    assert_eq!((selected(&app), app.live.total), (Some(4), Some(4)));
    assert_eq!(app.requests.store().get(5).unwrap(), None);
    assert_eq!(app.requests.detail.as_ref().map(|d| d.request.id), Some(4));
}

#[test]
fn help_opens_and_closes_and_swallows_other_keys() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.view.overlay, Overlay::Help);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(selected(&app), Some(5));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.overlay, Overlay::None);
}

#[test]
fn q_ctrl_c_and_the_stop_signal_all_quit() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
    let mut app = app_with(&typical(), 100, 30);
    app.handle_event(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.should_quit());
    let (tx, rx) = tokio::sync::watch::channel(false);
    let mut opts = crate::tui::app::testing::options(100, 30);
    opts.stop = Some(rx);
    let mut app = crate::tui::app::testing::app_with_options(&typical(), opts);
    app.tick(Instant::now());
    assert!(!app.should_quit());
    tx.send_replace(true);
    app.tick(Instant::now());
    assert!(app.should_quit());
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_it_and_a_click_selects() {
    let mut app = app_with(&many(50), 100, 30);
    let a = app.view.areas().unwrap();
    app.execute_action(Action::Wheel {
        down: false,
        column: 5,
        row: a.list_rows.y,
    });
    assert_eq!(selected(&app), Some(47));
    app.execute_action(Action::Click {
        column: 5,
        row: a.list_rows.y,
    });
    assert_eq!(
        selected(&app),
        Some(app.requests.list.rows()[app.requests.list.offset()].id)
    );
}

#[test]
fn resizing_to_tiny_and_back_keeps_the_selection() {
    let mut app = app_with(&many(50), 100, 30);
    press(&mut app, KeyCode::Char('k'));
    app.handle_event(Event::Resize(20, 6));
    press(&mut app, KeyCode::Char('k'));
    app.handle_event(Event::Resize(120, 40));
    assert_eq!(selected(&app), Some(48));
    let rows = app.view.areas().unwrap().list_rows.height as usize;
    assert!(app.requests.list.selected_index() - app.requests.list.offset() < rows);
}

/// Commits `requests` and lets the app hear of it, as a writer shared with
/// another session (another inspector's `listen`) would announce it.
fn commit(app: &mut App, tx: &tokio::sync::watch::Sender<StoredUpTo>, requests: &[NewRequest]) {
    let last = *app
        .requests
        .store()
        .insert_requests(requests)
        .unwrap()
        .last()
        .unwrap();
    tx.send_replace(StoredUpTo {
        last_id: last,
        count: 0,
        deliveries: 0,
    });
    app.tick(Instant::now());
}

#[test]
fn the_top_bar_counts_what_the_list_shows_and_keeps_it_live() {
    let (mut app, tx) = live_app(&typical());
    assert_eq!(app.live.total, Some(5));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "method:post");
    assert_eq!(app.requests.list.rows().len(), 2);
    assert_eq!(app.live.total, Some(2), "the filtered count");
    commit(&mut app, &tx, &many(4));
    assert_eq!(
        app.live.total,
        Some(4),
        "two of the four arrivals are POSTs"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.live.total, Some(9));
}

#[test]
fn two_sessions_on_one_database_count_only_their_own() {
    let mut opts = crate::tui::app::testing::options(100, 30);
    let (tx, rx) = tokio::sync::watch::channel(StoredUpTo::default());
    opts.live = crate::tui::data::source::LiveFeed::Writer(rx);
    opts.filter = Some("session:1".into());
    let mut app = crate::tui::app::testing::app_with_options(&typical(), opts);
    let other = app
        .requests
        .store()
        .create_session(
            crate::model::SessionMode::Listen,
            "http://127.0.0.1:1",
            None,
        )
        .unwrap();
    let theirs: Vec<NewRequest> = many(30)
        .into_iter()
        .map(|r| NewRequest {
            session_id: other.id,
            ..r
        })
        .collect();
    commit(&mut app, &tx, &theirs);
    assert_eq!(
        app.live.total,
        Some(5),
        "the other session's 30 are not ours"
    );
    commit(&mut app, &tx, &many(2));
    assert_eq!(app.live.total, Some(7));
    assert_eq!(app.requests.list.rows().len(), 7);
}

#[test]
fn messages_expire() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('r'));
    assert!(app.status.message.is_some());
    app.tick(Instant::now() + MESSAGE_TTL + Duration::from_millis(1));
    assert!(app.status.message.is_none());
}

#[test]
fn opening_the_filter_line_keeps_the_selection_on_screen() {
    let mut app = app_with(&many(200), 100, 30);
    press(&mut app, KeyCode::Char('/'));
    let rows = app.view.areas().unwrap().list_rows.height as usize;
    assert!(app.requests.list.selected_index() - app.requests.list.offset() < rows);
    assert_eq!(selected(&app), Some(200));
}

/// `200` with `{"ok":true}`.
const JSON_OK: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";

/// An app on port 0 that reads each request (head and `Content-Length`
/// body) and writes `answer`; the raw requests come back on the channel.
fn upstream(answer: &'static [u8]) -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(std::io::Result::ok) {
            let raw = read_request(&mut stream);
            let _ = stream.write_all(answer);
            if tx.send(raw).is_err() {
                break;
            }
        }
    });
    (url, rx)
}

fn read_request(stream: &mut std::net::TcpStream) -> Vec<u8> {
    use std::io::Read;
    let mut raw = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        if raw.len() >= end + 4 + length {
            return raw;
        }
    }
}

/// Ticks until no replay is running (failing after a while).
fn wait_for_replays(app: &mut App) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.replays_in_flight() > 0 {
        assert!(Instant::now() < deadline, "the replays did not finish");
        std::thread::sleep(Duration::from_millis(5));
        app.tick(Instant::now());
    }
}

fn doc_texts(app: &App) -> Vec<String> {
    let d = app.requests.detail.as_ref().expect("a detail");
    d.doc
        .lines(0, d.doc.len())
        .iter()
        .map(|l| l.to_string())
        .collect()
}

fn hook() -> crate::model::NewRequest {
    let json: &[(&str, &[u8])] = &[("Content-Type", b"application/json")];
    request(0, "POST", "/hook", json, br#"{"a":1}"#)
}

#[test]
fn r_without_a_forward_target_says_how_to_replay_anyway() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('r'));
    let m = app.status.message.as_ref().unwrap();
    assert!(m.is_error);
    assert_eq!(
        m.text,
        "#5 has no destination (captured by `hookcap listen`): R to type one, \
         or `hookcap replay 5 --to URL`"
    );
    assert_eq!(app.replays_in_flight(), 0);
}

#[test]
fn r_replays_in_the_background_and_the_delivery_shows_when_it_is_done() {
    let (url, seen) = upstream(JSON_OK);
    let (mut app, _dir) = crate::tui::app::testing::forward_app(&[hook()], &url);
    app.execute_action(Action::ShowTab(Tab::Deliveries));
    assert_eq!(doc_texts(&app)[0], "No deliveries.");
    press(&mut app, KeyCode::Char('r'));
    let m = app.status.message.clone().unwrap();
    assert_eq!(
        (m.text, m.is_error),
        (format!("replaying #1 → {url}/hook"), false)
    );
    assert_eq!(app.replays_in_flight(), 1, "sent in the background");

    wait_for_replays(&mut app);
    let m = app.status.message.clone().unwrap();
    assert!(m.text.starts_with("#1 replayed → 200 in "), "{}", m.text);
    assert!(!m.is_error);
    let brief = app
        .requests
        .list
        .selected()
        .unwrap()
        .delivery
        .clone()
        .unwrap();
    assert_eq!(
        (brief.kind, brief.status),
        (DeliveryKind::Replay, Some(200))
    );
    let lines = doc_texts(&app);
    assert_eq!(lines[0], "1 delivery");
    assert!(lines.contains(&format!("replay → {url}/hook")), "{lines:?}");
    assert!(lines.contains(&"  \"ok\": true".to_owned()), "{lines:?}");
    assert_eq!(app.requests.store().deliveries_for(1).unwrap().len(), 1);
    let raw = seen.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(raw.starts_with(b"POST /hook HTTP/1.1\r\n"));
    assert!(raw.ends_with(b"\r\n\r\n{\"a\":1}"));
}

#[test]
fn at_most_a_few_replays_run_at_once_and_each_is_recorded() {
    // Connections to it are accepted by the kernel and never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let (mut app, dir) = crate::tui::app::testing::forward_app(&[hook()], &url);
    let recorder = crate::tui::data::replays::Recorder::Database(dir.path().join("h.db"));
    let replays = crate::tui::data::replays::Replays::new(recorder);
    app.set_replays(replays.with_timeout(Duration::from_millis(300)));
    for _ in 0..crate::tui::data::replays::MAX_IN_FLIGHT {
        press(&mut app, KeyCode::Char('r'));
    }
    press(&mut app, KeyCode::Char('r'));
    let m = app.status.message.clone().unwrap();
    assert!(
        m.is_error && m.text.contains("replays are still running"),
        "{m:?}"
    );

    // Its message expires while they run: it says they still do.
    app.tick(Instant::now() + MESSAGE_TTL + Duration::from_millis(1));
    let m = app.status.message.clone().unwrap();
    let running = crate::tui::data::replays::MAX_IN_FLIGHT;
    assert_eq!(m.text, format!("{running} replays still running"), "{m:?}");

    wait_for_replays(&mut app);
    let m = app.status.message.clone().unwrap();
    assert!(m.text.ends_with("no complete answer within 300ms"), "{m:?}");
    assert!(m.is_error);
    let n = crate::tui::data::replays::MAX_IN_FLIGHT;
    assert_eq!(app.requests.store().deliveries_for(1).unwrap().len(), n);
    assert_eq!(
        app.requests.detail.as_ref().unwrap().deliveries.total,
        n as u64
    );
}

#[test]
fn a_delivery_recorded_elsewhere_shows_in_the_row_and_the_open_detail() {
    let (mut app, tx) = live_app(&typical());
    app.execute_action(Action::ShowTab(Tab::Deliveries));
    let forwarded = crate::tui::app::testing::delivery(5, DeliveryKind::Forward, 0, 900, None);
    app.requests.store().insert_delivery(&forwarded).unwrap();
    tx.send_replace(StoredUpTo {
        last_id: 5,
        count: 5,
        deliveries: 1,
    });
    assert!(app.tick(Instant::now()));
    let brief = app
        .requests
        .list
        .selected()
        .unwrap()
        .delivery
        .clone()
        .unwrap();
    assert_eq!(brief.kind, DeliveryKind::Forward);
    assert_eq!(app.requests.detail.as_ref().unwrap().deliveries.total, 1);
    assert!(doc_texts(&app).contains(&"forward → http://localhost:3000/hooks/stripe".to_owned()));
}

#[test]
fn b_shows_answer_bodies_raw_on_the_deliveries_tab_too() {
    let mut app = app_with(&typical(), 100, 30);
    app.execute_action(Action::ShowTab(Tab::Deliveries));
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.requests.detail.as_ref().unwrap().tab, Tab::Deliveries);
    assert!(app.requests.detail.as_ref().unwrap().raw);
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn capital_r_asks_where_and_sends_there() {
    let (url, seen) = upstream(JSON_OK);
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('R'));
    let prompt = app.view.replay_to.clone().unwrap();
    assert_eq!(
        (prompt.request_id, prompt.input.as_str()),
        (5, "http://localhost:")
    );
    assert!(app.view.filter_bar_shown());

    app.handle_event(ctrl('u'));
    type_text(&mut app, "ftp://nope");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.view.replay_to.is_some(),
        "a bad URL keeps the prompt open"
    );
    let m = app.status.message.clone().unwrap();
    assert!(m.is_error && m.text.contains("invalid target"), "{m:?}");

    app.handle_event(ctrl('u'));
    type_text(&mut app, &format!("{url}/base"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.replay_to, None);
    let m = app.status.message.clone().unwrap();
    assert_eq!(m.text, format!("replaying #5 → {url}/base/hooks/42"));

    wait_for_replays(&mut app);
    let m = app.status.message.clone().unwrap();
    assert!(m.text.starts_with("#5 replayed → 200 in "), "{}", m.text);
    assert!(
        m.is_error && m.text.contains("not recorded"),
        "these tests' recorder has no database: {}",
        m.text
    );
    let raw = seen.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(raw.starts_with(b"DELETE /base/hooks/42 HTTP/1.1\r\n"));
}

#[test]
fn esc_closes_the_replay_prompt_without_sending_or_filtering() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "3000 q");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.view.replay_to, None);
    assert!(!app.should_quit() && !app.view.filter_bar_shown());
    assert_eq!(app.replays_in_flight(), 0);
    assert_eq!(app.requests.list.rows().len(), 5);
}

#[test]
fn capital_r_prefills_the_forward_target() {
    let (mut app, _dir) =
        crate::tui::app::testing::forward_app(&[hook()], "http://127.0.0.1:9/app");
    press(&mut app, KeyCode::Char('R'));
    assert_eq!(app.view.replay_to.unwrap().input, "http://127.0.0.1:9/app");
}

/// A GitHub push signed with `secret`, as request 1 of a fresh app.
fn signed_app(secret: &str) -> App {
    use crate::sign::{ProviderKind, SignInput, provider};
    let body = br#"{"ref":"refs/heads/main"}"#;
    let at = crate::model::Timestamp(crate::tui::app::testing::T0);
    let signed = provider(ProviderKind::Github, None)
        .unwrap()
        .sign(
            &crate::sign::Secret::from_bytes(secret),
            &SignInput::new(body, at),
        )
        .unwrap();
    let mut headers: Vec<(&str, &[u8])> = vec![("Content-Type", b"application/json")];
    headers.extend(
        signed
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_slice())),
    );
    let r = request(0, "POST", "/hooks/github", &headers, body);
    let mut app = app_with(&[r], 100, 40);
    app.secret.forget();
    app
}

#[test]
fn v_asks_for_the_secret_masked_and_explains_the_verdict_on_the_overview() {
    let mut app = signed_app("s3cret");
    app.execute_action(Action::ShowTab(Tab::Body));
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.view.secret.as_ref().map(|p| p.request_id), Some(1));
    type_text(&mut app, "wrong");
    assert!(
        !format!("{:?}", app.view.secret).contains("wrong"),
        "the secret is never in debug output"
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.view.secret.is_none());
    assert_eq!(app.view.tab, Tab::Overview);
    let lines = doc_texts(&app);
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("verify    INVALID: signature mismatch — provider github (detected)")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("expected  ")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("received  ")),
        "{lines:?}"
    );
    let m = app.status.message.clone().unwrap();
    assert!(
        m.text
            .starts_with("#1: INVALID (github): signature mismatch"),
        "{}",
        m.text
    );

    // The secret typed is remembered: `v` again checks at once.
    press(&mut app, KeyCode::Char('v'));
    assert!(app.view.secret.is_none(), "not asked again");
}

#[test]
fn v_with_the_right_secret_says_valid() {
    let mut app = signed_app("s3cret");
    app.secret
        .remember(crate::sign::Secret::from_bytes("s3cret"));
    press(&mut app, KeyCode::Char('v'));
    assert!(app.view.secret.is_none(), "a known secret is not asked for");
    let lines = doc_texts(&app);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("verify    valid: signature matches")),
        "{lines:?}"
    );
    assert_eq!(
        app.status.message.clone().unwrap().text,
        "#1: valid (github)"
    );
}

#[test]
fn esc_closes_the_secret_prompt_without_checking() {
    let mut app = signed_app("s3cret");
    press(&mut app, KeyCode::Char('v'));
    type_text(&mut app, "abc q");
    press(&mut app, KeyCode::Esc);
    assert!(app.view.secret.is_none() && !app.should_quit());
    assert!(!doc_texts(&app).iter().any(|l| l.starts_with("verify")));
}

#[test]
fn slash_in_the_focused_body_tab_searches_the_body_and_n_steps() {
    let lines: String = (0..200).map(|i| format!("line {i}\n")).collect();
    let body = format!("{lines}the Amount is here\nmore\namount again\n");
    let text: &[(&str, &[u8])] = &[("Content-Type", b"text/plain")];
    let mut app = app_with(&[request(0, "POST", "/t", text, body.as_bytes())], 100, 30);
    app.execute_action(Action::ShowTab(Tab::Body));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view.focus, Focus::Detail);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.view.search.as_deref(),
        Some(""),
        "the search prompt, not the filter"
    );
    assert!(!app.view.filter.editing);
    type_text(&mut app, "amount");
    press(&mut app, KeyCode::Enter);
    let d = app.requests.detail.as_ref().unwrap();
    let s = d.search.as_ref().unwrap();
    // Row 0 is the note above the body; "the Amount" is body line 201.
    assert_eq!((s.rows.clone(), s.row()), (vec![201, 203], Some(201)));
    assert!(
        d.scroll <= 201 && 201 < d.scroll + app.view.detail_height(),
        "on screen"
    );
    assert_eq!(
        app.status.message.clone().unwrap().text,
        "match 1 of 2 for \"amount\""
    );
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(
        app.requests
            .detail
            .as_ref()
            .unwrap()
            .search
            .as_ref()
            .unwrap()
            .row(),
        Some(203)
    );
    press(&mut app, KeyCode::Char('N'));
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(
        app.requests
            .detail
            .as_ref()
            .unwrap()
            .search
            .as_ref()
            .unwrap()
            .row(),
        Some(203),
        "wraps"
    );
    assert_eq!(
        app.requests.list.rows().len(),
        1,
        "the list was not filtered"
    );

    // From the list, / is the filter again.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    assert!(app.view.filter.editing && app.view.search.is_none());
}

/// A second attempt of a delivery arrives: it comes with its facts, and the
/// first attempt's are read again (`attempt 1/2`), in the list and on the
/// Overview of the first, still selected, without a keypress.
#[test]
fn arriving_attempts_update_the_facts_of_earlier_ones() {
    let first = github(0, "push", "d-1", b"{}", 503);
    let (mut app, tx) = live_app(std::slice::from_ref(&first));
    press(&mut app, KeyCode::Char('f'));
    let attempt = |app: &App, id| {
        let f = app.requests.facts.get(id)?;
        f.attempt.map(|a| (a.number, a.of))
    };
    assert_eq!(attempt(&app, 1), Some((1, 1)));
    let id = app
        .requests
        .store()
        .insert_requests(&[github(31, "push", "d-1", b"{}", 200)]);
    tx.send_replace(StoredUpTo {
        last_id: id.unwrap()[0],
        count: 2,
        deliveries: 0,
    });
    app.tick(Instant::now());
    assert_eq!(attempt(&app, 2), Some((2, 2)));
    assert_eq!(attempt(&app, 1), Some((1, 2)));
    let event = app.requests.facts.get(2).and_then(|f| f.identity.clone());
    assert_eq!(event.and_then(|i| i.event).as_deref(), Some("push"));
    assert_eq!(selected(&app), Some(1));
    let detail = app.requests.detail.as_ref().unwrap();
    let listed: Vec<i64> = detail.webhook.attempts.iter().map(|a| a.id).collect();
    assert_eq!(listed, [1, 2]);
    assert!(detail_lines(&app, 40).contains(&"delivery  d-1 · attempt 1/2".to_owned()));
}

fn comparison(app: &App) -> Option<Comparison> {
    app.requests.detail.as_ref()?.comparison.clone()
}

/// The first rows of the detail pane's document.
fn detail_lines(app: &App, n: usize) -> Vec<String> {
    let d = app.requests.detail.as_ref().expect("a detail");
    d.doc.lines(0, n).iter().map(|l| l.to_string()).collect()
}

/// `=` marks, `=` on another shows the diff with the focus on it (the
/// movement keys scroll it), Esc returns to the tab and the list, and `=`
/// on the marked request unmarks it.
#[test]
fn equals_marks_compares_and_esc_returns() {
    let mut app = app_with(&webhooks(), 120, 40);
    press(&mut app, KeyCode::Char('='));
    assert_eq!(app.view.marked, Some(6));
    let said = app.status.message.as_ref().map(|m| m.text.clone());
    assert!(said.is_some_and(|t| t.contains("#6 marked")));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('='));
    assert_eq!(comparison(&app), Some(Comparison { a: 6, b: 4 }));
    assert_eq!(app.view.focus, Focus::Detail);
    assert_eq!(
        detail_lines(&app, 2),
        ["--- #6 (session 1)", "+++ #4 (session 1)"]
    );
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app), Some(4), "j scrolls the diff");
    press(&mut app, KeyCode::Esc);
    assert_eq!(comparison(&app), None);
    assert_eq!(app.view.focus, Focus::List);
    assert_eq!(detail_lines(&app, 1), ["POST /webhooks/github HTTP/1.1"]);
    assert_eq!(app.view.marked, Some(6), "the mark stays for the next diff");
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char('='));
    assert_eq!(app.view.marked, None);
}

/// The diff is the one `hookcap diff A B` prints.
#[test]
fn the_diff_is_what_hookcap_diff_prints() {
    let mut app = app_with(&webhooks(), 120, 40);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('='));
    let store = app.requests.store();
    let (a, b) = (
        store.get(1).unwrap().unwrap(),
        store.get(2).unwrap().unwrap(),
    );
    let printed = crate::diff::render::render(
        &crate::diff::compare(&a.request, &b.request),
        &crate::render::color::Paint::new(false),
    );
    let mut want = vec!["--- #1 (session 1)".to_owned(), "+++ #2 (session 1)".into()];
    want.extend(printed.lines().map(str::to_owned));
    assert_eq!(detail_lines(&app, 1000), want);
    assert!(
        want.iter()
            .any(|l| l.contains("X-GitHub-Event: push → X-GitHub-Event: pull_request")),
        "{want:?}"
    );
}

#[test]
fn a_tab_key_or_moving_on_closes_the_diff() {
    let mut app = app_with(&webhooks(), 120, 40);
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(comparison(&app), None);
    assert_eq!(app.view.tab, Tab::Headers);
    press(&mut app, KeyCode::Char('='));
    assert!(comparison(&app).is_some());
    press(&mut app, KeyCode::Char('K'));
    app.tick(Instant::now());
    assert_eq!(selected(&app), Some(4));
    assert_eq!(comparison(&app), None, "another request, its own tab");
}

#[test]
fn deleting_the_marked_request_unmarks_it() {
    let mut app = app_with(&webhooks(), 120, 40);
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.view.marked, None);
    press(&mut app, KeyCode::Char('='));
    app.requests.store().delete_request(5).unwrap();
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('='));
    assert_eq!(app.view.marked, None, "deleted elsewhere: unmarked");
    assert_eq!(comparison(&app), None);
    let said = app.status.message.as_ref().map(|m| m.text.clone());
    assert!(said.is_some_and(|t| t.contains("#5 is no longer stored")));
}
