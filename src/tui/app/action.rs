//! The inspector's vocabulary: everything a user can ask for ([`Action`]),
//! which pane takes the movement keys ([`Focus`]) and what is drawn over
//! everything ([`Overlay`]). Keys and mouse events become actions
//! ([`super::keys`]); the app carries them out.

use crate::tui::pane::detail::Tab;

/// The pane that takes movement keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The request list.
    List,
    /// The detail pane.
    Detail,
}

/// A box drawn over everything, taking the keys while shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// Nothing.
    None,
    /// The key help.
    Help,
    /// "Delete request N?"
    ConfirmDelete(i64),
}

/// Everything a user can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave the inspector.
    Quit,
    /// Move the selection (list) or scroll (detail) up.
    Up(usize),
    /// Move the selection (list) or scroll (detail) down.
    Down(usize),
    /// One page up.
    PageUp,
    /// One page down.
    PageDown,
    /// To the first request (list) or the top (detail).
    Top,
    /// To the newest request, resuming follow (list), or the end (detail).
    Bottom,
    /// Scroll the detail left.
    Left,
    /// Scroll the detail right.
    Right,
    /// Select the next request, whatever the focus.
    NextRequest,
    /// Select the previous request, whatever the focus.
    PrevRequest,
    /// Switch focus between list and detail.
    ToggleFocus,
    /// Close, go back to the list, or clear the filter.
    Back,
    /// The next detail tab.
    NextTab,
    /// The previous detail tab.
    PrevTab,
    /// A given detail tab.
    ShowTab(Tab),
    /// Bodies formatted or as raw bytes.
    ToggleRaw,
    /// Follow the newest request on or off.
    ToggleFollow,
    /// Open the `/` prompt (on the Body tab with the detail focused: the
    /// body search).
    OpenFilter,
    /// The next match of the body search.
    NextMatch,
    /// The previous match of the body search.
    PrevMatch,
    /// Type into the prompt.
    FilterChar(char),
    /// Delete the last character of the prompt.
    FilterBackspace,
    /// Empty the prompt (keeps it open).
    FilterClearInput,
    /// Close the prompt, keeping the filter.
    FilterAccept,
    /// Close the prompt and drop the filter.
    FilterClear,
    /// Copy the selected request as a curl command.
    CopyCurl,
    /// Copy the selected request's body.
    CopyBody,
    /// Ask whether to delete the selected request.
    AskDelete,
    /// Delete the request named in the confirmation.
    ConfirmDelete,
    /// Close the overlay.
    CloseOverlay,
    /// Replay the selected request to its session's forward target.
    Replay,
    /// Ask where to replay the selected request (the prompt line).
    AskReplayTo,
    /// Check the selected request's signature (asking for the secret when
    /// `HOOKCAP_SECRET` is not set) and explain the verdict.
    Verify,
    /// Mark the selected request for a diff; on another request, show what
    /// differs between the marked one and it; on the marked one, unmark it.
    Compare,
    /// Show or hide the key help.
    ToggleHelp,
    /// The mouse wheel turned over a pane.
    Wheel {
        /// Towards the user (scroll down).
        down: bool,
        /// Pointer column.
        column: u16,
        /// Pointer row.
        row: u16,
    },
    /// A mouse click.
    Click {
        /// Pointer column.
        column: u16,
        /// Pointer row.
        row: u16,
    },
    /// The terminal changed size.
    Resize(u16, u16),
}
