//! Drawing: pure functions from an [`App`] to a frame, one per pane.
//!
//! ```text
//!  hookcap │ listening on http://127.0.0.1:4665 · session 3 │ 1,204 requests   ▁▂▅▇▃ 4/s  FOLLOW   top_bar
//! ┌ Requests ───────────────────────────────────────────────────────────────┐
//! │   ID TIME          METHOD PATH                     ST      SIZE TYPE    │ list
//! │ 1203 18:23:51.123  POST   /hooks/stripe           200   1.2 KiB json    │
//! │▶1204 18:23:52.001  GET    /health                 200       0 B         │
//! └─────────────────────────────────────────────────────────────────────────┘
//! ┌ #1204 GET /health ──────────────────────────────────────────────────────┐
//! │ Overview │ Headers │ Body │ Response │ Deliveries                        │ detail
//! │ GET /health HTTP/1.1                                                     │
//! └─────────────────────────────────────────────────────────────────────────┘
//!  / method:POST stripe▏                                                       status (filter)
//!  j/k move · Enter detail · Tab tabs · / filter · … · ? help · q quit         status
//! ```
//!
//! Overlays (help, delete confirmation) are drawn last, on top. Below
//! [`layout::MIN_WIDTH`]×[`layout::MIN_HEIGHT`] only a "too small" message is
//! drawn. Every string from captured traffic reaching these functions has
//! been through [`crate::render::sanitize`] (list cells here, the detail's
//! documents when they are built).

mod detail;
pub mod layout;
mod list;
mod overlay;
pub mod status;
pub mod top_bar;

use ratatui::Frame;

use super::app::keys::HELP;
use super::app::{App, Focus, Overlay};
use list::ListPane;
use top_bar::{Origin, TopBar};

/// Draws the whole screen: each pane from its part of `app`.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let Some(areas) = app.areas() else {
        return overlay::too_small(frame, frame.area());
    };
    top_bar::draw(frame, areas.top, &top_bar(app));
    list::draw(frame, areas.list, &list_pane(app));
    let focused = app.focus == Focus::Detail;
    detail::draw(frame, &areas, app.detail.as_ref(), focused);
    if let Some(filter) = areas.filter {
        status::filter_line(frame, filter, &app.filter, app.replay_to.as_ref());
    }
    status::status_line(frame, areas.status, &app.filter, app.message.as_ref());
    match app.overlay {
        Overlay::None => {}
        Overlay::Help => overlay::help(frame, frame.area(), HELP),
        Overlay::ConfirmDelete(id) => {
            overlay::confirm_delete(frame, frame.area(), app.list.rows(), id);
        }
    }
}

fn top_bar(app: &App) -> TopBar<'_> {
    TopBar {
        origin: &app.origin,
        total: app.total,
        rate: &app.rate,
        follow: app.follow,
        following: app.following(),
    }
}

fn list_pane(app: &App) -> ListPane<'_> {
    let listening_on = match &app.origin {
        Origin::Listening { url, .. } => Some(url.as_str()),
        Origin::Browsing { .. } => None,
    };
    ListPane {
        window: &app.list,
        focused: app.focus == Focus::List,
        filtered: app.filtered(),
        searching: app.searching(),
        unseen: app.unseen,
        listening_on,
        first_id: app.first_id,
        newest_id: app.newest_id,
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod snapshot_tests;
