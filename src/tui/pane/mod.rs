//! The pane room: each part of the screen, with its state, the rows it
//! shows and how it is drawn, so a change to one pane stays in its file or
//! folder.
//!
//! ```text
//!  hookcap │ listening on http://127.0.0.1:4665 · session 3 │ 1,204 requests   ▁▂▅▇▃ 4/s  FOLLOW   top_bar.rs
//! ┌ Requests ───────────────────────────────────────────────────────────────┐
//! │   ID TIME          METHOD PATH                     ST      SIZE TYPE    │ list/
//! │ 1203 18:23:51.123  POST   /hooks/stripe           200   1.2 KiB json    │
//! │▶1204 18:23:52.001  GET    /health                 200       0 B         │
//! └─────────────────────────────────────────────────────────────────────────┘
//! ┌ #1204 GET /health ──────────────────────────────────────────────────────┐
//! │ Overview │ Headers │ Body │ Response │ Deliveries                        │ detail/
//! │ GET /health HTTP/1.1                                                     │
//! └─────────────────────────────────────────────────────────────────────────┘
//!  / method:POST stripe▏                                                       status.rs (prompt line)
//!  j/k move · Enter detail · Tab tabs · / filter · … · ? help · q quit         status.rs
//! ```
//!
//! - [`top_bar`]: what is inspected ([`top_bar::Origin`]), how many, how fast;
//! - [`list`]: the bounded window of rows onto the store and its table;
//! - [`detail`]: one request in full, a document per tab (Overview, Headers,
//!   Body, Response, Deliveries), drawn with tab titles and scrolling;
//! - [`status`]: the prompt line (`/` filter, `R` destination) and the
//!   status line, with their state;
//! - [`overlay`]: the key help, the delete confirmation, "too small";
//! - [`layout`] (where each pane goes) and [`theme`] (colors).
//!
//! A pane's draw function takes only what it shows (e.g.
//! [`list::draw::ListPane`]), never the whole app: `crate::tui::screen` hands
//! each its part. Every string from captured traffic reaching a frame has
//! been through [`crate::sanitize::sanitize`] (list cells when drawn, the
//! detail's documents when built).

pub mod detail;
pub mod layout;
pub mod list;
pub mod overlay;
pub mod status;
#[cfg(test)]
pub(crate) mod testing;
pub mod theme;
pub mod top_bar;
