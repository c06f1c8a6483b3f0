//! `v`: the selected request's signature checked as `hookcap verify` checks
//! it (the scheme detected from its headers, its capture time as "now"), with
//! the secret from `HOOKCAP_SECRET` or asked for on the prompt line; the
//! verdict and its explanation are shown on the Overview.

use super::action::Action;
use super::state::{App, Result};
use crate::model::CapturedRequest;
use crate::sign::{Checker, DEFAULT_TOLERANCE, Secret};
use crate::tui::pane::detail::Verification;
use crate::tui::pane::status::SecretPrompt;

impl App {
    /// Checks the selected request, or asks for the secret first.
    pub(super) fn verify(&mut self) -> Result<()> {
        self.sync_detail()?;
        let Some(d) = self.requests.current_detail() else {
            self.status.say_error("no request selected");
            return Ok(());
        };
        let id = d.request.id;
        match self.secret.get().cloned() {
            Some(secret) => self.check_signature(id, &secret)?,
            None => {
                self.view.secret = Some(SecretPrompt {
                    request_id: id,
                    input: String::new(),
                });
                // The prompt line appears, changing the list's height.
                self.resize(self.view.size);
            }
        }
        Ok(())
    }

    /// Typing in the `v` prompt (the `/` prompt's keys): Enter checks, Esc
    /// cancels.
    pub(super) fn edit_secret(&mut self, action: Action) -> Result<()> {
        let Some(prompt) = self.view.secret.as_mut() else {
            return Ok(());
        };
        match action {
            Action::FilterChar(c) => prompt.input.push(c),
            Action::FilterBackspace => {
                prompt.input.pop();
            }
            Action::FilterClearInput => prompt.input.clear(),
            Action::FilterClear => self.view.secret = None,
            Action::FilterAccept if prompt.input.is_empty() => {
                self.status.say_error("type the webhook secret, or Esc");
            }
            Action::FilterAccept => {
                let id = prompt.request_id;
                let secret = Secret::from_bytes(std::mem::take(&mut prompt.input));
                self.view.secret = None;
                self.secret.remember(secret.clone());
                self.check_signature(id, &secret)?;
            }
            _ => {}
        }
        self.resize(self.view.size);
        Ok(())
    }

    /// Checks request `id` with `secret` and shows the verdict on its
    /// Overview (when it is still the one selected) and in the status line.
    fn check_signature(&mut self, id: i64, secret: &Secret) -> Result<()> {
        let request = match self.requests.current_detail() {
            Some(d) if d.request.id == id => d.full_request(),
            _ => match self.requests.store().get(id)? {
                Some(r) => r,
                None => {
                    self.status.say_error(format!("request #{id} is gone"));
                    return Ok(());
                }
            },
        };
        let verification = verification_of(&request, secret);
        self.status.say(summary(id, &verification));
        if let Some(d) = self.requests.detail.as_mut().filter(|d| d.request.id == id) {
            d.set_verification(verification);
            self.view.tab = d.tab;
        }
        Ok(())
    }
}

/// The check `hookcap verify ID` runs with default options.
fn verification_of(request: &CapturedRequest, secret: &Secret) -> Verification {
    let checker = Checker {
        kind: None,
        secret: secret.clone(),
        hmac: None,
        tolerance: DEFAULT_TOLERANCE,
    };
    match checker.check(request, None, request.received_at, None) {
        Some(checked) => Verification::Checked(checked),
        None => Verification::NoScheme,
    }
}

/// `#12: valid (github)`, `#12: INVALID (stripe): signature mismatch`.
fn summary(id: i64, v: &Verification) -> String {
    match v {
        Verification::NoScheme => format!("#{id}: no known signature headers"),
        Verification::Checked(c) if c.verdict.is_valid() => {
            format!("#{id}: valid ({})", c.verdict.provider.name())
        }
        Verification::Checked(c) => format!(
            "#{id}: {} ({}): {} (details on the Overview)",
            match c.verdict.outcome {
                crate::model::Outcome::Unsigned => "unsigned",
                _ => "INVALID",
            },
            c.verdict.provider.name(),
            c.verdict.reason
        ),
    }
}
