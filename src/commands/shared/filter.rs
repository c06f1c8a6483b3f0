//! Filter terms and the older filter flags (`--method`, `--path`,
//! `--session`, `--since`): `ls` and `replay --all`.

use crate::cli::{FilterArgs, TermArgs};
use crate::error::CliError;
use crate::filter::Filter;
use crate::model::Timestamp;

/// The filter the terms and flags describe. Flags are the older spelling of
/// terms (`--method X` is `method:X`); a bad flag value is a usage error naming the flag.
pub fn filter_from_args(
    terms: &TermArgs,
    flags: &FilterArgs,
    now: Timestamp,
) -> anyhow::Result<Filter> {
    let mut filter = Filter::parse_args(&terms.terms, now)?;
    let flagged = [
        ("--method", "method", &flags.method),
        ("--path", "path", &flags.path),
        ("--session", "session", &flags.session),
        ("--since", "since", &flags.since),
    ];
    for (flag, key, value) in flagged {
        if let Some(v) = value {
            let term = Filter::parse_args(&[format!("{key}:{v}")], now)
                .map_err(|e| CliError::Usage(format!("{flag} {v:?}: {}", e.reason)))?;
            filter.terms.extend(term.terms);
        }
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(method: Option<&str>, since: Option<&str>) -> FilterArgs {
        FilterArgs {
            method: method.map(str::to_owned),
            path: None,
            session: None,
            since: since.map(str::to_owned),
        }
    }

    #[test]
    fn flags_are_terms_after_the_positional_ones() {
        let now = Timestamp(1_700_000_000_000_000);
        let terms = TermArgs {
            terms: vec!["status:2xx".into()],
        };
        let both = filter_from_args(&terms, &flags(Some("POST"), None), now).unwrap();
        let alone = Filter::parse_args(&["status:2xx", "method:POST"], now).unwrap();
        assert_eq!(both, alone);
    }

    #[test]
    fn a_bad_flag_value_is_a_usage_error_naming_the_flag() {
        let now = Timestamp(1_700_000_000_000_000);
        let terms = TermArgs { terms: vec![] };
        let err = filter_from_args(&terms, &flags(None, Some("yesterday-ish")), now).unwrap_err();
        match err.downcast_ref::<CliError>() {
            Some(CliError::Usage(m)) => assert!(m.starts_with("--since \"yesterday-ish\""), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
