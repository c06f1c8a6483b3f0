//! Turning the secret options into a [`Secret`], in one place for every command
//! that signs or verifies.

use crate::cli::{HmacArgs, SecretArgs};
use crate::error::CliError;
use crate::sign::{HmacSpec, ProviderKind, Secret};

/// The secret from `--secret`/`HOOKCAP_SECRET`, `--secret-env` or `--secret-file`;
/// `None` when none was given. An empty secret is a usage error.
pub fn resolve(args: &SecretArgs) -> Result<Option<Secret>, CliError> {
    let text = if let Some(s) = &args.secret {
        s.clone()
    } else if let Some(var) = &args.secret_env {
        std::env::var(var).map_err(|_| {
            CliError::Usage(format!(
                "--secret-env: environment variable {var} is not set"
            ))
        })?
    } else if let Some(path) = &args.secret_file {
        let raw = std::fs::read_to_string(path).map_err(|e| {
            CliError::Usage(format!(
                "--secret-file: cannot read {}: {e}",
                path.display()
            ))
        })?;
        let trimmed = raw
            .strip_suffix('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s));
        trimmed.unwrap_or(&raw).to_owned()
    } else {
        return Ok(None);
    };
    if text.is_empty() {
        return Err(CliError::Usage("the webhook secret is empty".into()));
    }
    Ok(Some(Secret::from_bytes(text)))
}

/// Like [`resolve`], but a missing secret is a usage error naming the options.
pub fn require(args: &SecretArgs) -> Result<Secret, CliError> {
    resolve(args)?.ok_or_else(|| {
        CliError::Usage("no secret: pass --secret-env VAR, --secret-file PATH or --secret VALUE, or set HOOKCAP_SECRET".into())
    })
}

/// The generic-HMAC settings, required exactly when the provider is `hmac`.
pub fn hmac_spec(
    kind: Option<ProviderKind>,
    args: &HmacArgs,
) -> Result<Option<HmacSpec>, CliError> {
    match (kind, &args.sig_header) {
        (Some(ProviderKind::Hmac), None) => Err(CliError::Usage(
            "--provider hmac needs --sig-header NAME".into(),
        )),
        (_, None) => Ok(None),
        (_, Some(header)) => Ok(Some(HmacSpec {
            header: header.clone(),
            algo: args.algo,
            encoding: args.encoding,
            prefix: args.prefix.clone(),
        })),
    }
}
