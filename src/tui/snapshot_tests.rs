//! Rendering tests: each view drawn on a `TestBackend` and compared with a
//! committed snapshot (`snapshots/`; review changes with `INSTA_UPDATE=always`
//! and `git diff`).

use std::time::Instant;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use crate::model::{DeliveryKind, NewDelivery};
use crate::tui::app::testing::{
    answer, app_with, app_with_answers, app_with_deliveries, app_with_options, checked, delivery,
    forward_app_with, github, options, request, rule, typical, webhooks,
};
use crate::tui::app::{Action, App};
use crate::tui::pane::detail::Tab;
use crate::tui::screen::draw as draw_screen;

/// The screen after drawing `app` on a terminal of its size.
fn draw(app: &App) -> Terminal<TestBackend> {
    let backend = TestBackend::new(app.view.size.width, app.view.size.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| draw_screen(f, app)).expect("draw");
    terminal
}

/// The screen's text, one string per row.
fn screen(app: &App) -> Vec<String> {
    let terminal = draw(app);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.tick(Instant::now());
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The app on request `id` of [`typical`], showing `tab`.
fn on(id: i64, tab: Tab) -> App {
    let mut app = app_with(&typical(), 100, 30);
    for _ in id..5 {
        press(&mut app, KeyCode::Char('k'));
    }
    app.execute_action(Action::ShowTab(tab));
    app
}

#[test]
fn empty_state() {
    assert_snapshot!(draw(&app_with(&[], 100, 24)).backend());
}

/// `listen` starts its inspector filtered to its own session: the first
/// screen says where to send, not "no match".
#[test]
fn a_new_listen_session_waits_for_requests() {
    let mut opts = options(100, 24);
    opts.filter = Some("session:1".into());
    let app = app_with_options(&[], opts);
    let text = screen(&app).join("\n");
    assert!(
        text.contains("Waiting for requests on http://127.0.0.1:4665"),
        "{text}"
    );
    assert!(!text.contains("No requests match"), "{text}");
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn list_with_several_requests() {
    let app = app_with(&typical(), 120, 30);
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn json_body_view() {
    assert_snapshot!(draw(&on(1, Tab::Body)).backend());
}

#[test]
fn headers_view() {
    assert_snapshot!(draw(&on(1, Tab::Headers)).backend());
}

#[test]
fn binary_body_hex_view() {
    assert_snapshot!(draw(&on(4, Tab::Body)).backend());
}

#[test]
fn form_body_view() {
    assert_snapshot!(draw(&on(3, Tab::Body)).backend());
}

#[test]
fn response_view() {
    assert_snapshot!(draw(&on(5, Tab::Response)).backend());
}

/// The first request of [`typical`] with `deliveries`, on the Deliveries tab.
fn deliveries_of_the_first(deliveries: &[NewDelivery], height: u16) -> App {
    let mut app = app_with_deliveries(&typical(), deliveries, 100, height);
    press(&mut app, KeyCode::Char('g'));
    app.execute_action(Action::ShowTab(Tab::Deliveries));
    app
}

/// `forward` passed it on and the app answered `200 ok` in 14 ms.
fn forwarded() -> NewDelivery {
    let text: &[(&str, &[u8])] = &[("Content-Type", b"text/plain; charset=utf-8")];
    let ok = answer(200, text, b"ok");
    delivery(1, DeliveryKind::Forward, 2, 14_000, Some(ok))
}

#[test]
fn deliveries_tab_with_a_forward() {
    assert_snapshot!(draw(&deliveries_of_the_first(&[forwarded()], 30)).backend());
}

#[test]
fn deliveries_tab_with_a_json_replay_above_the_forward() {
    let json: &[(&str, &[u8])] = &[("Content-Type", b"application/json")];
    let created = answer(201, json, br#"{"received":true,"id":"evt_1"}"#);
    let replayed = delivery(1, DeliveryKind::Replay, 60_000, 3_200, Some(created));
    let app = deliveries_of_the_first(&[forwarded(), replayed], 44);
    assert_snapshot!(draw(&app).backend());
}

/// A forwarded request's Response tab shows the app's answer, which is kept
/// with its forward delivery rather than on the request.
#[test]
fn response_tab_of_a_forwarded_request() {
    let mut passed_on = typical();
    passed_on.truncate(1);
    passed_on[0].response = answer(200, &[], b"");
    let mut app = forward_app_with(&passed_on, &[forwarded()], "http://localhost:3000", 100, 24);
    press(&mut app, KeyCode::Char('g'));
    app.execute_action(Action::ShowTab(Tab::Response));
    assert_snapshot!(draw(&app).backend());
}

/// A request passed on whose answer is not in yet shows `…`, not status 0.
#[test]
fn a_pending_forward_in_the_list() {
    let mut pending = typical();
    pending.truncate(2);
    pending[1].response = answer(crate::model::PENDING_STATUS, &[], b"");
    let app = forward_app_with(&pending, &[], "http://localhost:3000", 100, 20);
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn deliveries_tab_with_an_error() {
    let refused = delivery(1, DeliveryKind::Replay, 60_000, 400, None);
    assert_snapshot!(draw(&deliveries_of_the_first(&[refused], 30)).backend());
}

#[test]
fn filter_active() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "hooks method:POST");
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn filter_with_no_match() {
    let mut app = app_with(&typical(), 100, 24);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "nothing-like-this");
    press(&mut app, KeyCode::Enter);
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn filter_error_points_at_the_bad_term() {
    let mut app = app_with(&typical(), 100, 24);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "hooks status:4x method:POST");
    assert_snapshot!(draw(&app).backend());
}

/// A reason longer than the window is wrapped over more status rows, never
/// cut at the edge.
#[test]
fn a_long_filter_error_wraps() {
    let mut app = app_with(&typical(), 90, 24);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "stauts:4xx");
    let rows = screen(&app);
    let text = rows.join("\n");
    assert!(text.contains("unknown key"), "{text}");
    assert!(
        text.contains("text:stauts:4xx"),
        "the end of the reason is on screen:\n{text}"
    );
    assert_snapshot!(draw(&app).backend());
}

/// `v` without `HOOKCAP_SECRET` asks for the secret; only dots are drawn.
#[test]
fn the_secret_prompt_is_masked() {
    let mut app = app_with(&checked(), 100, 24);
    app.secret.forget();
    press(&mut app, KeyCode::Char('v'));
    type_text(&mut app, "hunter2");
    let text = screen(&app).join("\n");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("secret to check #4: •••••••"), "{text}");
    assert_snapshot!(draw(&app).backend());
}

/// Slack's interactivity POST: a form whose `payload` is JSON, pretty-printed
/// inside the form view.
#[test]
fn a_form_field_of_json_is_pretty_printed() {
    let ct: &[(&str, &[u8])] = &[("Content-Type", b"application/x-www-form-urlencoded")];
    let body =
        b"payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%7D";
    let mut app = app_with(&[request(0, "POST", "/slack", ct, body)], 100, 30);
    app.execute_action(Action::ShowTab(Tab::Body));
    let text = screen(&app).join("\n");
    assert!(text.contains("payload  {"), "{text}");
    assert!(text.contains("\"type\": \"block_actions\","), "{text}");
    assert_snapshot!(draw(&app).backend());
}

/// `/` on the focused Body tab: the search prompt, then the match highlighted.
#[test]
fn body_search_prompt_and_highlighted_match() {
    let mut app = on(1, Tab::Body);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "currency");
    assert_snapshot!("body_search_prompt", draw(&app).backend());
    press(&mut app, KeyCode::Enter);
    let rows = screen(&app);
    let y = rows
        .iter()
        .position(|r| r.contains("\"currency\""))
        .expect("the match");
    let terminal = draw(&app);
    let x = rows[y].find("\"currency").unwrap() as u16;
    let cell = &terminal.backend().buffer()[(x, y as u16)];
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::REVERSED),
        "the matching row is highlighted"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("match 1 of 1 for \"currency\""))
    );
}

/// A multipart upload: a table of its parts, then each part by its type.
#[test]
fn multipart_body_view() {
    let body: &[u8] = b"--XyZ\r\n\
        Content-Disposition: form-data; name=\"payload\"\r\n\
        Content-Type: application/json\r\n\r\n\
        {\"a\":1}\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"note\"\r\n\r\n\
        hello\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"r.bin\"\r\n\
        Content-Type: application/octet-stream\r\n\r\n\
        \x00\x01\x02\r\n\
        --XyZ--\r\n";
    let ct: &[(&str, &[u8])] = &[("Content-Type", b"multipart/form-data; boundary=XyZ")];
    let mut app = app_with(&[request(0, "POST", "/upload", ct, body)], 100, 40);
    app.execute_action(Action::ShowTab(Tab::Body));
    let text = screen(&app).join("\n");
    assert!(text.contains("#  NAME     FILENAME  TYPE"), "{text}");
    assert!(
        text.contains("\"a\": 1"),
        "the JSON part pretty-printed:\n{text}"
    );
    assert!(!text.contains("\\r"), "no raw CR escapes:\n{text}");
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn live_check_badges_and_the_overview_verdict() {
    let mut app = app_with(&checked(), 120, 30);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn badges_are_colored_like_the_headless_lines() {
    let mut app = app_with(&checked(), 120, 30);
    let fg_of = |app: &App, text: &str| {
        let rows = screen(app);
        let terminal = draw(app);
        let y = rows.iter().position(|r| r.contains(text)).expect(text);
        let x = rows[y].chars().take(rows[y].find(text).unwrap()).count();
        terminal.backend().buffer()[(x as u16, y as u16)].fg
    };
    assert_eq!(fg_of(&app, "✓ github"), Color::Green);
    assert_eq!(fg_of(&app, "✗ github"), Color::Red);
    assert_eq!(fg_of(&app, "- unsigned"), Color::Yellow);
    // The newest row is selected (white on blue); select the first instead.
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(fg_of(&app, "rejected: missing"), Color::Red);
}

#[test]
fn help_overlay() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('?'));
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn replay_to_prompt() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "3000/api");
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn delete_confirmation() {
    let mut app = app_with(&typical(), 100, 30);
    press(&mut app, KeyCode::Char('d'));
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn too_small_terminal() {
    let mut app = app_with(&typical(), 100, 30);
    app.handle_event(Event::Resize(20, 6));
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn narrow_terminal_drops_columns() {
    let app = app_with(&typical(), 60, 16);
    assert_snapshot!(draw(&app).backend());
}

/// Webhooks carry their event, and attempts of a delivery stored more than
/// once their place in it (`dup` for a repeat of one answered 2xx).
#[test]
fn webhook_events_and_attempts_in_the_list() {
    let app = app_with(&webhooks(), 120, 30);
    let text = screen(&app).join("\n");
    for shown in [
        "EVENT",
        "ATTEMPT",
        "pull_request.opened",
        "attempt 2/3 (+31s)",
        "attempt 3/3 (+1m) dup",
        "charge.succeeded",
    ] {
        assert!(text.contains(shown), "{shown}:\n{text}");
    }
    let rows = screen(&app);
    let terminal = draw(&app);
    let fg_of = |text: &str| {
        let y = rows.iter().position(|r| r.contains(text)).expect(text);
        let x = rows[y].chars().take(rows[y].find(text).unwrap()).count();
        terminal.backend().buffer()[(x as u16, y as u16)].fg
    };
    assert_eq!(fg_of("attempt 3/3 (+1m) dup"), Color::Yellow);
    assert_eq!(fg_of("charge.succeeded"), Color::Cyan);
    assert_snapshot!(draw(&app).backend());
}

/// Narrower, TYPE, TIME and SIZE make room for the webhook columns;
/// narrower still, the attempt goes and the event stays beside the path.
#[test]
fn narrow_terminals_drop_columns_for_the_webhook_ones() {
    let medium = app_with(&webhooks(), 80, 30);
    let text = screen(&medium).join("\n");
    assert!(!text.contains("TYPE") && text.contains("ATTEMPT"), "{text}");
    assert_snapshot!("webhook_columns_at_80", draw(&medium).backend());
    let narrow = app_with(&webhooks(), 60, 30);
    let text = screen(&narrow).join("\n");
    assert!(
        text.contains("EVENT") && !text.contains("ATTEMPT"),
        "{text}"
    );
    assert_snapshot!("webhook_columns_at_60", draw(&narrow).backend());
}

/// The Overview of an attempt: provider and event, the delivery and the
/// attempt, and every attempt of the delivery with its answer and interval;
/// `dup` explained on the repeat.
#[test]
fn overview_of_an_attempt_lists_the_delivery() {
    let mut app = app_with(&webhooks(), 120, 44);
    for _ in 0..2 {
        press(&mut app, KeyCode::Char('k'));
    }
    let text = screen(&app).join("\n");
    for shown in [
        "webhook   github · pull_request.opened",
        "delivery  72d3-pr · attempt 3/3 (+1m) dup",
        "dup       an earlier attempt was answered 2xx",
        "attempts of this delivery (3)",
        "  1  #2  22:13:22.000          503 Service Unavailable",
        "  2  #3  22:13:53.000  +31s    200 OK",
        "▶ 3  #4  22:14:53.000  +1m     200 OK dup",
    ] {
        assert!(text.contains(shown), "{shown}:\n{text}");
    }
    assert_snapshot!(draw(&app).backend());
}

/// `listen --respond`: the Response tab names the rule that answered, the
/// step of its sequence and the answer as written.
#[test]
fn response_tab_names_the_rule_that_answered() {
    let body = br#"{"action":"opened"}"#;
    let mut refused = github(0, "pull_request", "d-1", body, 503);
    refused.response = answer(503, &[("Retry-After", b"2")], b"");
    let requests = [
        (refused, rule(1, 1, "503 Retry-After:2")),
        (
            github(3, "pull_request", "d-1", body, 200),
            rule(1, 2, "200"),
        ),
    ];
    let (mut app, _dir) = app_with_answers(&requests, 100, 40);
    press(&mut app, KeyCode::Char('k'));
    app.execute_action(Action::ShowTab(Tab::Response));
    let text = screen(&app).join("\n");
    assert!(
        text.contains("503 Service Unavailable  answered by a rule (listen --respond)"),
        "{text}"
    );
    assert!(
        text.contains("rule      #1, step 1: 503 Retry-After:2"),
        "{text}"
    );
    assert_snapshot!(draw(&app).backend());
    app.execute_action(Action::ShowTab(Tab::Overview));
    let text = screen(&app).join("\n");
    assert!(
        text.contains("503 Service Unavailable · rule #1, step 1: 503 Retry-After:2"),
        "each attempt's answer names its rule:\n{text}"
    );
}

/// A rule that dropped the connection: no status to show, the rule says why.
#[test]
fn a_dropped_request_says_no_answer() {
    let mut dropped = github(0, "push", "d-2", b"{}", 0);
    dropped.response = answer(crate::model::PENDING_STATUS, &[], b"");
    let (mut app, _dir) = app_with_answers(&[(dropped, rule(2, 1, "drop"))], 100, 30);
    let text = screen(&app).join("\n");
    assert!(text.contains("answered  no answer (drop)"), "{text}");
    app.execute_action(Action::ShowTab(Tab::Response));
    let text = screen(&app).join("\n");
    assert!(
        text.contains("no answer (drop)  answered by a rule"),
        "{text}"
    );
    assert!(text.contains("rule      #2, step 1: drop"), "{text}");
}

#[test]
fn every_size_draws_without_panicking() {
    let mut app = app_with(&typical(), 100, 30);
    for (w, h) in [
        (0, 0),
        (1, 1),
        (39, 11),
        (40, 12),
        (41, 13),
        (300, 5),
        (5, 300),
    ] {
        app.handle_event(Event::Resize(w, h));
        draw(&app);
        app.execute_action(Action::OpenFilter);
        app.execute_action(Action::ToggleHelp);
        draw(&app);
        app.execute_action(Action::CloseOverlay);
        app.execute_action(Action::FilterAccept);
    }
}

#[test]
fn methods_and_statuses_are_colored() {
    let app = app_with(&typical(), 120, 30);
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let rows = screen(&app);
    let fg_of = |row: &str, text: &str| {
        let y = rows.iter().position(|r| r.contains(row)).expect("row");
        let x = rows[y]
            .chars()
            .take(rows[y].find(text).expect("text"))
            .count();
        buffer[(x as u16, y as u16)].fg
    };
    assert_eq!(fg_of("/health", "GET"), Color::Green);
    assert_eq!(fg_of("/upload", "PUT"), Color::Blue);
    assert_eq!(fg_of("/hooks/form", "POST"), Color::Yellow);
    assert_eq!(fg_of("/health", "200 "), Color::Green);
}

/// Characters a terminal must never get raw, independent of the predicate
/// under test: ESC, C1, bidi, zero-width, format and filler characters, tags.
const NEVER_RAW: &[char] = &[
    '\x1b',
    '\u{9b}',
    '\u{202e}',
    '\u{200b}',
    '\u{200d}',
    '\u{feff}',
    '\u{ad}',
    '\u{2060}',
    '\u{2028}',
    '\u{3164}',
    '\u{e0041}',
];

/// Asserts no cell of any tab of `app` holds a character a terminal would act
/// on or not show, and returns the text of all tabs.
fn every_tab_inert(app: &mut App) -> String {
    let mut all = String::new();
    for tab in Tab::ALL {
        app.execute_action(Action::ShowTab(tab));
        let terminal = draw(app);
        for cell in terminal.backend().buffer().content() {
            let sym = cell.symbol();
            assert!(
                !sym.chars().any(crate::sanitize::is_dangerous) && !sym.contains(NEVER_RAW),
                "{sym:?} in {tab:?}"
            );
        }
        all.push_str(&screen(app).join("\n"));
    }
    all
}

/// Escape sequences, C1, bidi and invisible characters in every captured field
/// are drawn as visible escapes; no cell holds a character a terminal would act
/// on or not show.
#[test]
fn hostile_requests_are_drawn_escaped() {
    let hostile = request(
        0,
        "PO\x1bST",
        "/x\x1b[2J\u{9b}31m\u{202e}\u{200b}",
        &[
            ("X-Evil\x1b]0;t\x07", b"\x1b[2J\r\xff"),
            ("X-Sig\u{200d}", "a\u{feff}\u{ad}b".as_bytes()),
            ("Content-Type", b"text/plain"),
        ],
        "text \x1b[2J\x1b]0;pwned\x07 \u{9b} ok \u{2060}\u{2028}\u{3164}\u{e0041}\n".as_bytes(),
    );
    let mut hostile_answer = answer(
        502,
        &[("X-Up\x1b[31m", "\x1b]8;;http://evil\x07\u{200c}".as_bytes())],
        b"down \x1b[2J",
    );
    hostile_answer
        .headers
        .push(crate::model::Header::new("Content-Type", "text/plain"));
    let mut delivered = delivery(1, DeliveryKind::Forward, 1, 10, Some(hostile_answer));
    delivered.destination = "http://app/x\x1b[2J\u{200b}".into();
    delivered.error = Some("broke \x1b]0;err\x07\u{feff}".into());
    let mut app = app_with_deliveries(&[hostile], &[delivered], 120, 40);
    let all = every_tab_inert(&mut app);
    for shown in [
        r"PO\x1bST",
        r"/x\x1b[2J\u{9b}31m\u{202e}\u{200b}",
        r"X-Evil\x1b]0;t\x07",
        r"\x1b[2J\r\xff",
        r"X-Sig\u{200d}",
        r"a\u{feff}\u{ad}b",
        r"text \x1b[2J\x1b]0;pwned\x07 \u{9b} ok \u{2060}\u{2028}\u{3164}\u{e0041}",
        r"X-Up\x1b[31m",
        r"\x1b]8;;http://evil\x07\u{200c}",
        r"http://app/x\x1b[2J\u{200b}",
        r"broke \x1b]0;err\x07\u{feff}",
        r"down \x1b[2J",
    ] {
        assert!(all.contains(shown), "{shown} not on screen:\n{all}");
    }
}

/// The JSON body view writes the same characters as JSON escapes, keys too.
#[test]
fn invisible_characters_in_a_json_body_are_drawn_as_json_escapes() {
    let hostile = request(
        0,
        "POST",
        "/j",
        &[("Content-Type", b"application/json")],
        "{\"k\u{200b}\": \"v\u{feff}\u{2028}\u{9b}\u{e0041}\"}".as_bytes(),
    );
    let mut app = app_with_deliveries(&[hostile], &[], 120, 40);
    let all = every_tab_inert(&mut app);
    for shown in [r#""k\u200b""#, r#""v\ufeff\u2028\u009b\udb40\udc41""#] {
        assert!(all.contains(shown), "{shown} not on screen:\n{all}");
    }
}

/// Event names, delivery ids and retry markers come from the sender: with
/// escape sequences, C1, bidi and invisible characters they are drawn as
/// visible escapes in the list, the Overview and the attempts, never raw.
#[test]
fn hostile_webhook_facts_are_drawn_escaped() {
    let event = "push\x1b[2J\u{202e}\u{200b}";
    let guid = "d\x1b]0;t\x07\u{9b}\u{feff}";
    let slack: &[(&str, &[u8])] = &[
        ("Content-Type", b"application/json"),
        ("X-Slack-Request-Timestamp", b"1700000000"),
        ("X-Slack-Retry-Num", b"1"),
        (
            "X-Slack-Retry-Reason",
            "http\x1b[31m_timeout\u{2060}".as_bytes(),
        ),
    ];
    let slack_body = "{\"type\":\"event_callback\",\"event_id\":\"Ev\u{202e}1\",\"event\":{\"type\":\"mess\\u001bage\"}}";
    let requests = [
        crate::tui::app::testing::github(0, event, guid, b"{}", 503),
        crate::tui::app::testing::github(5, event, guid, b"{}", 200),
        request(9, "POST", "/slack", slack, slack_body.as_bytes()),
    ];
    let mut app = app_with(&requests, 160, 44);
    let mut all = String::new();
    for _ in 0..3 {
        all.push_str(&every_tab_inert(&mut app));
        app.execute_action(Action::ShowTab(Tab::Overview));
        press(&mut app, KeyCode::Char('k'));
    }
    for shown in [
        r"push\x1b[2J\u{202e}\u{200b}",
        r"d\x1b]0;t\x07\u{9b}\u{feff} · attempt 2/2 (+5s)",
        r"retry 1 (http\x1b[31m_timeout\u{2060})",
        r"Ev\u{202e}1",
        r"mess\x1bage",
    ] {
        assert!(all.contains(shown), "{shown} not on screen:\n{all}");
    }
    // The diff of a GitHub attempt and the Slack retry lists their headers.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char('='));
    let terminal = draw(&app);
    for cell in terminal.backend().buffer().content() {
        let sym = cell.symbol();
        assert!(
            !sym.chars().any(crate::sanitize::is_dangerous) && !sym.contains(NEVER_RAW),
            "{sym:?} in the diff"
        );
    }
    let diff = screen(&app).join("\n");
    assert!(
        diff.contains(r"- X-GitHub-Delivery: d\x1b]0;t\x07\u{9b}\u{feff}"),
        "{diff}"
    );
}

/// `=` marks a request: the list shows `=` before its id.
#[test]
fn the_mark_for_a_diff_in_the_list() {
    let mut app = app_with(&webhooks(), 120, 30);
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('j'));
    let rows = screen(&app);
    let marked = rows.iter().find(|r| r.contains("=4 ")).expect("the mark");
    assert!(marked.contains("attempt 3/3"), "{marked}");
    assert_snapshot!(draw(&app).backend());
}

/// `=` on a second request: the diff in the detail pane, as `hookcap diff`
/// prints it, the marks colored.
#[test]
fn the_diff_view() {
    let mut app = app_with(&webhooks(), 120, 44);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('='));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('='));
    let rows = screen(&app);
    let text = rows.join("\n");
    for shown in [
        " = diff #1 → #2   Esc returns · = on #1 unmarks it",
        "--- #1 (session 1)",
        "+++ #2 (session 1)",
        "headers",
    ] {
        assert!(text.contains(shown), "{shown}:\n{text}");
    }
    let terminal = draw(&app);
    let y = rows
        .iter()
        .position(|r| r.contains("  ~ X-GitHub-Event"))
        .expect("a change");
    let x = rows[y][..rows[y].find('~').unwrap()].chars().count();
    assert_eq!(
        terminal.backend().buffer()[(x as u16, y as u16)].fg,
        Color::Yellow
    );
    assert_snapshot!(draw(&app).backend());
}

#[test]
fn the_top_bar_shows_the_relay_clients_state_and_redraws_when_it_changes() {
    let mut app = app_with(&typical(), 120, 30);
    let (state, shown) = tokio::sync::watch::channel("relay: connected".to_owned());
    app.relay = Some(shown);
    assert!(
        screen(&app)[0].contains("│ relay: connected"),
        "{:?}",
        screen(&app)[0]
    );
    state.send_replace("relay: reconnecting in 4s (connection \u{1b}[2Jreset)".into());
    assert!(app.tick(Instant::now()), "a new state redraws");
    let top = &screen(&app)[0];
    assert!(
        top.contains("relay: reconnecting in 4s (connection \\x1b[2Jreset)"),
        "{top:?}"
    );
}
