//! Exit codes, decided in one place.
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | success (also: stdout closed early, e.g. `ls` piped into `head`) |
//! | 1    | a negative answer: unknown id, nothing matched, `wait` timed out, a failure while running (`send`: also an answer over `--max-response`) |
//! | 2    | usage error: bad arguments or filter terms, or a database file hookcap cannot use |
//! | 3    | `listen`/`forward` stopped because its stdout was closed (e.g. piped into `head -1`) |
//! | 124  | `listen --timeout` ran out before `--exit-after` was reached |
//!
//! Library modules return `thiserror` errors; commands add context with
//! `anyhow`; [`exit_code`] walks the chain once to pick the code.

use crate::filter::FilterError;
use crate::store::StoreError;

/// A process exit status chosen by a command that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went as asked: exit 0.
    Success,
    /// The command ran but the answer is "no" (e.g. invalid signature): exit 1.
    Negative,
    /// A deadline passed first: exit 124, like `timeout(1)`.
    TimedOut,
    /// A listener stopped because its stdout was closed (its reader went
    /// away): exit 3. Everything it answered is stored.
    OutputClosed,
}

impl Exit {
    /// The numeric exit status.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Negative => 1,
            Self::TimedOut => 124,
            Self::OutputClosed => 3,
        }
    }
}

/// Errors the commands raise themselves, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The arguments do not make sense together (exit 2).
    #[error("{0}")]
    Usage(String),
    /// What was asked for does not exist (exit 1).
    #[error("{0}")]
    NotFound(String),
}

/// The exit status for an error that reached `main`.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<std::io::Error>()
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            return 0;
        }
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return match e {
                CliError::Usage(_) => 2,
                CliError::NotFound(_) => 1,
            };
        }
        if cause.is::<FilterError>() {
            return 2;
        }
        if let Some(e) = cause.downcast_ref::<StoreError>()
            && (e.is_unusable_database() || matches!(e, StoreError::SignaturesNotRecorded))
        {
            return 2;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_is_success() {
        let err = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .context("writing");
        assert_eq!(exit_code(&err), 0);
    }

    #[test]
    fn usage_and_unusable_databases_are_two() {
        assert_eq!(exit_code(&CliError::Usage("x".into()).into()), 2);
        let term =
            crate::filter::Filter::parse_line("session:x", crate::model::Timestamp(0)).unwrap_err();
        assert_eq!(exit_code(&anyhow::Error::from(term).context("ls")), 2);
        let db = StoreError::NotADatabase("a.db".into());
        assert_eq!(exit_code(&anyhow::Error::from(db).context("opening")), 2);
    }

    #[test]
    fn not_found_and_other_failures_are_one() {
        assert_eq!(exit_code(&CliError::NotFound("x".into()).into()), 1);
        assert_eq!(exit_code(&anyhow::anyhow!("boom")), 1);
    }
}
