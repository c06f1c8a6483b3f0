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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{Algo, Encoding};

    fn args(secret: Option<&str>, env: Option<&str>, file: Option<&std::path::Path>) -> SecretArgs {
        SecretArgs {
            secret: secret.map(str::to_owned),
            secret_env: env.map(str::to_owned),
            secret_file: file.map(std::path::Path::to_path_buf),
        }
    }

    fn bytes(args: &SecretArgs) -> Vec<u8> {
        resolve(args).unwrap().unwrap().bytes().to_vec()
    }

    #[test]
    fn a_secret_comes_from_the_value_a_variable_or_a_file() {
        assert_eq!(bytes(&args(Some(" s3cret "), None, None)), b" s3cret ");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "line\r\n").unwrap();
        assert_eq!(
            bytes(&args(None, None, Some(&path))),
            b"line",
            "one line ending goes"
        );
        std::fs::write(&path, "two\n\n").unwrap();
        assert_eq!(bytes(&args(None, None, Some(&path))), b"two\n");
        assert_eq!(
            bytes(&args(None, Some("PATH"), None)),
            std::env::var("PATH").unwrap().as_bytes()
        );
        assert!(resolve(&args(None, None, None)).unwrap().is_none());
    }

    #[test]
    fn bad_sources_are_usage_errors_that_say_which() {
        let message = |a: &SecretArgs| match resolve(a) {
            Err(CliError::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(message(&args(Some(""), None, None)).contains("empty"));
        let unset = "HOOKCAP_TEST_SURELY_UNSET_VARIABLE";
        assert!(message(&args(None, Some(unset), None)).contains(unset));
        let missing = std::path::Path::new("/nonexistent/hookcap-secret");
        assert!(message(&args(None, None, Some(missing))).contains("--secret-file"));
        assert!(
            matches!(require(&args(None, None, None)), Err(CliError::Usage(m)) if m.starts_with("no secret"))
        );
    }

    #[test]
    fn the_hmac_spec_is_required_exactly_for_the_hmac_scheme() {
        let mut hmac = HmacArgs {
            sig_header: None,
            algo: Algo::Sha512,
            encoding: Encoding::Base64,
            prefix: Some("v1=".into()),
        };
        assert!(hmac_spec(Some(ProviderKind::Hmac), &hmac).is_err());
        assert_eq!(hmac_spec(Some(ProviderKind::Github), &hmac).unwrap(), None);
        hmac.sig_header = Some("X-Sig".into());
        let spec = hmac_spec(Some(ProviderKind::Hmac), &hmac).unwrap().unwrap();
        assert_eq!(
            (spec.header.as_str(), spec.algo, spec.prefix.as_deref()),
            ("X-Sig", Algo::Sha512, Some("v1="))
        );
    }
}
