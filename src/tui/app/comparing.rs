//! `=`: what differs between two requests. The first `=` marks the selected
//! request (the list shows `=` before its id); `=` on another shows the diff
//! of the marked one (A) and it (B) in the detail pane, as `hookcap diff A B`
//! prints it, with the focus there to scroll it; Esc closes it. `=` on the
//! marked request unmarks it. The mark stays while other requests are
//! compared with it, and goes with the request when it is deleted.

use super::action::Focus;
use super::state::{App, Result};
use crate::diff::compare;
use crate::model::CapturedRequest;
use crate::tui::pane::detail::compare::Comparison;

impl App {
    /// Marks the selected request, unmarks it, or shows its diff with the
    /// marked one.
    pub(super) fn compare(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(selected) = self.requests.current_detail().map(|d| d.request.id) else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        match self.view.marked {
            None => {
                self.view.marked = Some(selected);
                self.status.say(format!(
                    "#{selected} marked: = on another request shows what differs"
                ));
            }
            Some(marked) if marked == selected => {
                self.view.marked = None;
                if let Some(d) = self.requests.detail.as_mut() {
                    d.close_comparison();
                }
                self.status.say(format!("#{selected} unmarked"));
            }
            Some(marked) => self.show_diff(marked)?,
        }
        Ok(())
    }

    /// Shows what differs between request `marked` (A) and the selected one (B).
    fn show_diff(&mut self, marked: i64) -> Result<()> {
        let Some(a) = self.requests.store().get(marked)? else {
            self.view.marked = None;
            self.status
                .say_error(format!("#{marked} is no longer stored: unmarked"));
            return Ok(());
        };
        let Some(d) = self.requests.detail.as_mut() else {
            return Ok(());
        };
        let b = d.full_request();
        let diff = compare(&a.request, &b.request);
        let comparison = Comparison { a: a.id, b: b.id };
        d.show_comparison(comparison, (&label(&a), &label(&b)), &diff);
        self.view.focus = Focus::Detail;
        let verdict = if diff.same { "identical" } else { "differ" };
        self.status
            .say(format!("#{} and #{}: {verdict} · Esc returns", a.id, b.id));
        Ok(())
    }
}

/// How `hookcap diff` names a stored request: `#12 (session 3)`.
fn label(r: &CapturedRequest) -> String {
    format!("#{} (session {})", r.id, r.session_id)
}
