//! `hookcap generate DIR`: writes shell completions and man pages, so packagers
//! (and this repository's `completions/` and `docs/man/`) get them from the
//! real command definitions. A test regenerates them in memory and fails on drift.

use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs};
use crate::error::Exit;

/// The shells completions are generated for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// Every generated file as (relative path, contents).
pub fn generated_files() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in SHELLS {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "hookcap", &mut out);
        let name = match shell {
            Shell::Bash => "hookcap.bash".to_owned(),
            Shell::Zsh => "_hookcap".to_owned(),
            Shell::Fish => "hookcap.fish".to_owned(),
            Shell::Elvish => "hookcap.elv".to_owned(),
            _ => "_hookcap.ps1".to_owned(),
        };
        files.push((format!("completions/{name}"), out));
    }
    let cmd = Cli::command();
    files.push(("docs/man/hookcap.1".to_owned(), man_page(&cmd)?));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub = sub.clone().name(format!("hookcap-{}", sub.get_name()));
        files.push((format!("docs/man/{}.1", sub.get_name()), man_page(&sub)?));
    }
    Ok(files)
}

fn man_page(cmd: &clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    Ok(out)
}

/// Writes every generated file below `args.dir`.
pub fn run(args: GenerateArgs) -> anyhow::Result<Exit> {
    for (rel, bytes) in generated_files()? {
        let path = args.dir.join(&rel);
        write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Exit::Success)
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}
