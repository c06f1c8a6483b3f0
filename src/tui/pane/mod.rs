//! The pane room: each part of the screen, its state and how it is drawn.

pub mod detail;
pub mod layout;
pub mod list;
pub mod overlay;
pub mod status;
#[cfg(test)]
pub(crate) mod testing;
pub mod theme;
pub mod top_bar;
