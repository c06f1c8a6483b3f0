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
    answer, app_with, app_with_deliveries, checked, delivery, forward_app_with, request, typical,
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

/// Escape sequences, C1 and bidi controls in every captured field are drawn
/// as visible escapes; no cell holds a character a terminal would act on.
#[test]
fn hostile_requests_are_drawn_escaped() {
    let hostile = request(
        0,
        "PO\x1bST",
        "/x\x1b[2J\u{9b}31m\u{202e}",
        &[
            ("X-Evil\x1b]0;t\x07", b"\x1b[2J\r\xff"),
            ("Content-Type", b"text/plain"),
        ],
        b"text \x1b[2J\x1b]0;pwned\x07 \xc2\x9b ok\n",
    );
    let mut hostile_answer = answer(
        502,
        &[("X-Up\x1b[31m", b"\x1b]8;;http://evil\x07")],
        b"down \x1b[2J",
    );
    hostile_answer
        .headers
        .push(crate::model::Header::new("Content-Type", "text/plain"));
    let mut delivered = delivery(1, DeliveryKind::Forward, 1, 10, Some(hostile_answer));
    delivered.destination = "http://app/x\x1b[2J".into();
    delivered.error = Some("broke \x1b]0;err\x07".into());
    let mut app = app_with_deliveries(&[hostile], &[delivered], 120, 40);
    let mut all = String::new();
    for tab in Tab::ALL {
        app.execute_action(Action::ShowTab(tab));
        let terminal = draw(&app);
        for cell in terminal.backend().buffer().content() {
            let sym = cell.symbol();
            assert!(
                !sym.chars().any(crate::sanitize::is_dangerous),
                "{sym:?} in {tab:?}"
            );
        }
        all.push_str(&screen(&app).join("\n"));
    }
    for shown in [
        r"PO\x1bST",
        r"/x\x1b[2J\u{9b}31m\u{202e}",
        r"X-Evil\x1b]0;t\x07",
        r"\x1b[2J\r\xff",
        r"text \x1b[2J\x1b]0;pwned\x07 \u{9b} ok",
        r"X-Up\x1b[31m",
        r"\x1b]8;;http://evil\x07",
        r"http://app/x\x1b[2J",
        r"broke \x1b]0;err\x07",
        r"down \x1b[2J",
    ] {
        assert!(all.contains(shown), "{shown} not on screen:\n{all}");
    }
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
