//! The secret `v` checks signatures with: from `HOOKCAP_SECRET`, or typed
//! once at the prompt, then kept in memory for the rest of the session (never
//! stored, logged or drawn).

use crate::sign::Secret;

/// The environment variable `hookcap verify` also reads.
pub const SECRET_ENV: &str = "HOOKCAP_SECRET";

/// The secret once known, and whether the environment was looked at.
#[derive(Default)]
pub struct SecretMemory {
    secret: Option<Secret>,
    env_read: bool,
}

impl std::fmt::Debug for SecretMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretMemory")
            .field("known", &self.secret.is_some())
            .finish()
    }
}

impl SecretMemory {
    /// The secret: the one remembered, else `HOOKCAP_SECRET` (read once;
    /// empty counts as unset), else `None` (ask for it).
    pub fn get(&mut self) -> Option<&Secret> {
        if self.secret.is_none() && !self.env_read {
            self.env_read = true;
            self.secret = std::env::var(SECRET_ENV)
                .ok()
                .filter(|s| !s.is_empty())
                .map(Secret::from_bytes);
        }
        self.secret.as_ref()
    }

    /// Remembers `secret` (typed at the prompt).
    pub fn remember(&mut self, secret: Secret) {
        self.secret = Some(secret);
    }

    /// Forgets the secret and ignores the environment (tests that ask).
    #[cfg(test)]
    pub fn forget(&mut self) {
        self.secret = None;
        self.env_read = true;
    }
}
