//! Self-tests of the command line: every option documented, every command with
//! examples, and clap's own consistency checks.

use clap::CommandFactory;
use hookcap::Cli;

#[test]
fn clap_debug_asserts_pass() {
    Cli::command().debug_assert();
}

#[test]
fn every_argument_has_help_and_every_value_a_name() {
    let cmd = Cli::command();
    for sub in cmd.get_subcommands().chain(std::iter::once(&cmd)) {
        for arg in sub.get_arguments() {
            let name = arg.get_id();
            assert!(
                arg.get_help().is_some(),
                "{} --{name} has no help",
                sub.get_name()
            );
            if arg.get_action().takes_values() && !arg.is_positional() {
                assert!(
                    arg.get_value_names().is_some(),
                    "{} --{name} has no value_name",
                    sub.get_name()
                );
            }
        }
    }
}

#[test]
fn every_subcommand_shows_examples() {
    for sub in Cli::command().get_subcommands() {
        let after = sub
            .get_after_help()
            .map(|s| s.to_string())
            .unwrap_or_default();
        assert!(
            after.contains("hookcap "),
            "{} has no examples",
            sub.get_name()
        );
    }
}

#[test]
fn help_and_version_work() {
    let out = crate::util::hookcap().arg("--help").output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Examples:"));
    let out = crate::util::hookcap().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("hookcap "));
}

#[test]
fn usage_errors_exit_2() {
    let out = crate::util::hookcap()
        .args(["listen", "--port", "notaport"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Every command and subcommand, the top one first.
fn all_commands() -> Vec<clap::Command> {
    fn walk(cmd: &clap::Command, out: &mut Vec<clap::Command>) {
        out.push(cmd.clone());
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut out);
    out
}

#[test]
fn no_help_text_shows_rustdoc_markup() {
    for mut cmd in all_commands() {
        let name = cmd.get_name().to_owned();
        let help = cmd.render_long_help().to_string();
        for (at, _) in help.match_indices("[`") {
            let rest = &help[at..];
            let end = rest.find('\n').unwrap_or(rest.len());
            assert!(
                !rest[..end].contains("`]"),
                "`hookcap {name} --help` shows rustdoc markup: {}",
                &rest[..end]
            );
        }
    }
}

/// The option groups flattened into several commands, by heading: only their
/// own options stand under their heading (clap carries a group's heading on
/// to the options declared after it, unless they name their own).
#[test]
fn shared_option_groups_hold_only_their_own_options() {
    let groups: &[(&str, &[&str])] = &[
        ("Filters", &["method", "path", "session", "since"]),
        ("Secret", &["secret", "secret_env", "secret_file"]),
        (
            "Generic HMAC",
            &["sig_header", "algo", "encoding", "prefix"],
        ),
    ];
    for cmd in all_commands() {
        for arg in cmd.get_arguments() {
            let Some(heading) = arg.get_help_heading() else {
                continue;
            };
            for (group, members) in groups {
                assert!(
                    heading != *group || members.contains(&arg.get_id().as_str()),
                    "`hookcap {} --help` lists --{} under {group}:",
                    cmd.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
