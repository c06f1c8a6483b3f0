//! Input: keys and mouse events become [`Action`]s. Nothing here changes
//! state; [`crate::tui::app::App::execute_action`] does.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

use super::action::{Action, Overlay};
use crate::tui::pane::detail::Tab;

/// What decides how a key is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyContext {
    /// The overlay on screen.
    pub overlay: Overlay,
    /// Whether the `/` prompt takes the keys.
    pub editing_filter: bool,
}

/// The keys, as the help overlay and the README list them.
pub const HELP: &[(&str, &str)] = &[
    ("j k ↓ ↑", "move in the list / scroll the detail"),
    ("PgDn PgUp", "a page down / up"),
    ("g G Home End", "first / last (G resumes follow)"),
    ("J K", "next / previous request from anywhere"),
    ("Enter", "switch focus between list and detail"),
    ("Tab ⇧Tab 1-5", "next / previous / pick a detail tab"),
    ("h l ← →", "scroll the detail sideways"),
    ("b", "body: formatted view or raw bytes"),
    ("/", "filter: ls terms (status:4xx sig:invalid …) and words"),
    (
        "/ n N",
        "in the Body tab (focused): search, next / previous match",
    ),
    ("Esc", "close a diff, back to the list, clear the filter"),
    ("f", "follow the newest request on / off"),
    ("c", "copy the request as a curl command"),
    ("y", "copy the body"),
    ("d", "delete the request (asks first)"),
    ("r", "replay to the session's forward target"),
    ("R", "replay to a base URL you type"),
    (
        "v",
        "check the signature (secret: HOOKCAP_SECRET, or asked)",
    ),
    ("=", "mark for a diff; = on another shows it (Esc returns)"),
    ("?", "every key"),
    ("q Ctrl-C", "quit"),
];

/// The action for a key press, if any.
pub fn action_for(key: KeyEvent, ctx: KeyContext) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match ctx.overlay {
        Overlay::Help => return help_key(key),
        Overlay::ConfirmDelete(_) => return confirm_key(key),
        Overlay::None => {}
    }
    if ctx.editing_filter {
        return filter_key(key);
    }
    navigation_key(key).or_else(|| command_key(key))
}

fn help_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => Some(Action::CloseOverlay),
        _ => None,
    }
}

fn confirm_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::ConfirmDelete),
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Some(Action::CloseOverlay),
        _ => None,
    }
}

fn filter_key(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::FilterClear),
        KeyCode::Enter => Some(Action::FilterAccept),
        KeyCode::Backspace => Some(Action::FilterBackspace),
        KeyCode::Up => Some(Action::Up(1)),
        KeyCode::Down => Some(Action::Down(1)),
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::FilterClearInput)
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Action::FilterChar(c))
        }
        _ => None,
    }
}

fn navigation_key(key: KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('j') | KeyCode::Down => Action::Down(1),
        KeyCode::Char('k') | KeyCode::Up => Action::Up(1),
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('J') => Action::NextRequest,
        KeyCode::Char('K') => Action::PrevRequest,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::Enter => Action::ToggleFocus,
        KeyCode::Esc => Action::Back,
        KeyCode::Tab => Action::NextTab,
        KeyCode::BackTab => Action::PrevTab,
        KeyCode::Char(c @ '1'..='5') => Action::ShowTab(Tab::ALL[c as usize - '1' as usize]),
        _ => return None,
    })
}

fn command_key(key: KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('/') => Action::OpenFilter,
        KeyCode::Char('f') => Action::ToggleFollow,
        KeyCode::Char('b') => Action::ToggleRaw,
        KeyCode::Char('c') => Action::CopyCurl,
        KeyCode::Char('y') => Action::CopyBody,
        KeyCode::Char('d') | KeyCode::Delete => Action::AskDelete,
        KeyCode::Char('r') => Action::Replay,
        KeyCode::Char('R') => Action::AskReplayTo,
        KeyCode::Char('v') => Action::Verify,
        KeyCode::Char('=') => Action::Compare,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        _ => return None,
    })
}

/// The action for a mouse event: the wheel scrolls what is under the pointer,
/// a click selects.
pub fn mouse_action(event: MouseEvent) -> Option<Action> {
    let (column, row) = (event.column, event.row);
    match event.kind {
        MouseEventKind::ScrollDown => Some(Action::Wheel {
            down: true,
            column,
            row,
        }),
        MouseEventKind::ScrollUp => Some(Action::Wheel {
            down: false,
            column,
            row,
        }),
        MouseEventKind::Down(_) => Some(Action::Click { column, row }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> KeyContext {
        KeyContext {
            overlay: Overlay::None,
            editing_filter: false,
        }
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn vim_keys_and_arrows_move() {
        for (code, action) in [
            (KeyCode::Char('j'), Action::Down(1)),
            (KeyCode::Down, Action::Down(1)),
            (KeyCode::Char('k'), Action::Up(1)),
            (KeyCode::Char('G'), Action::Bottom),
            (KeyCode::Char('3'), Action::ShowTab(Tab::Body)),
        ] {
            assert_eq!(action_for(key(code), ctx()), Some(action), "{code:?}");
        }
    }

    #[test]
    fn ctrl_c_quits_from_anywhere() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let editing = KeyContext {
            editing_filter: true,
            ..ctx()
        };
        let help = KeyContext {
            overlay: Overlay::Help,
            ..ctx()
        };
        for c in [ctx(), editing, help] {
            assert_eq!(action_for(ctrl_c, c), Some(Action::Quit));
        }
    }

    #[test]
    fn the_filter_prompt_takes_letters_that_are_commands_elsewhere() {
        let editing = KeyContext {
            editing_filter: true,
            ..ctx()
        };
        assert_eq!(
            action_for(key(KeyCode::Char('q')), editing),
            Some(Action::FilterChar('q'))
        );
        assert_eq!(
            action_for(key(KeyCode::Esc), editing),
            Some(Action::FilterClear)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('q')), ctx()),
            Some(Action::Quit)
        );
    }

    #[test]
    fn the_delete_prompt_only_takes_yes_or_no() {
        let confirm = KeyContext {
            overlay: Overlay::ConfirmDelete(1),
            ..ctx()
        };
        assert_eq!(
            action_for(key(KeyCode::Char('y')), confirm),
            Some(Action::ConfirmDelete)
        );
        assert_eq!(
            action_for(key(KeyCode::Char('n')), confirm),
            Some(Action::CloseOverlay)
        );
        assert_eq!(action_for(key(KeyCode::Char('d')), confirm), None);
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(action_for(release, ctx()), None);
    }
}
