//! `c` and `y`: the selected request as a curl command, or its body, put on
//! the terminal's clipboard (an [`Effect`] for the event loop).

use super::state::{App, Result};
use crate::export::{Base, curl};
use crate::render::body::decode_content_encoding;
use crate::tui::pane::detail::body::size;
use crate::tui::term::clipboard::MAX_CLIPBOARD_BYTES;
use crate::tui::term::effect::Effect;

impl App {
    /// `c`: copies the selected request as a curl command.
    pub(super) fn copy_curl(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        if d.body.len() > MAX_CLIPBOARD_BYTES {
            let id = d.request.id;
            self.status.say_error(format!(
                "a curl command for #{id} is too big for the terminal clipboard ({} at most): \
                 use `hookcap export id:{id} --format curl`",
                size(MAX_CLIPBOARD_BYTES)
            ));
            return Ok(());
        }
        // Sent again to where it was captured, else to its own Host header.
        let base = Base::from_arg(d.session.as_ref().map(|s| s.url.as_str()));
        let cmd = curl::command(&d.full_request(), &base.for_request(&d.request));
        let note = match d.request.truncated {
            true => " (its body was truncated at capture)",
            false => "",
        };
        let what = format!("curl command for #{}{note}", d.request.id);
        self.copy(cmd.into_bytes(), what);
        Ok(())
    }

    /// `y`: copies the selected request's body, content-encoding undone.
    pub(super) fn copy_body(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        let body = match decode_content_encoding(&d.request.headers, &d.body) {
            Ok(decoded) => decoded.into_owned(),
            Err(_) => d.body.to_vec(),
        };
        let what = format!("body of #{} ({})", d.request.id, size(body.len()));
        self.copy(body, what);
        Ok(())
    }

    /// Puts `bytes` on the clipboard, or says why not.
    fn copy(&mut self, bytes: Vec<u8>, what: String) {
        if bytes.len() > MAX_CLIPBOARD_BYTES {
            return self.status.say_error(format!(
                "{what} is too big for the terminal clipboard ({} at most): use `hookcap show`",
                size(MAX_CLIPBOARD_BYTES)
            ));
        }
        self.effects.push(Effect::Clipboard(bytes));
        self.status
            .say(format!("copied the {what} to the clipboard"));
    }
}
