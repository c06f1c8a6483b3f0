//! `replay --edit`: the request goes to `$EDITOR` as an HTTP message (see
//! [`crate::replay::parse_message`]) and what is saved is sent. Quitting the
//! editor with an error, or saving an empty file, sends nothing.
//!
//! The file is private (mode 0600: webhook payloads carry secrets) and removed
//! afterwards. The editor runs as `sh -c '$EDITOR "$1"' sh FILE`, so `EDITOR`
//! may carry arguments (`code --wait`).

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, anyhow};

use crate::error::CliError;
use crate::http::Target;
use crate::replay::{EditError, Outgoing, parse_message};
use crate::sanitize::sanitize;

/// Lets the user edit `outgoing`; returns what they saved.
pub(super) fn edit(
    request_id: i64,
    outgoing: &Outgoing,
    dest: &Target,
) -> anyhow::Result<Outgoing> {
    let message = outgoing.to_message();
    if std::str::from_utf8(&message).is_err() {
        return Err(CliError::Usage(format!(
            "request {request_id} is not text (binary body or header), so it cannot be edited; use --body @FILE and -H"
        ))
        .into());
    }
    let file = TempFile::create(request_id, &message)?;
    eprintln!(
        "hookcap: editing request {request_id} for {dest} (save to send; quit with an error or empty the file to abort)"
    );
    let editor = editor();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&file.path)
        .status()
        .with_context(|| format!("starting the editor {:?}", sanitize(&editor)))?;
    if !status.success() {
        return Err(anyhow!("the editor exited with {status}: nothing was sent"));
    }
    let saved =
        std::fs::read(&file.path).with_context(|| format!("reading {}", file.path.display()))?;
    parse_message(&saved, outgoing).map_err(|e| match e {
        EditError::Empty => anyhow!("the edited request is empty: nothing was sent"),
        e => anyhow!("{e}: nothing was sent"),
    })
}

/// `$EDITOR`, else `$VISUAL`, else `vi`.
fn editor() -> String {
    ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_owned())
}

/// A private temporary file, removed when dropped.
struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn create(request_id: i64, contents: &[u8]) -> anyhow::Result<Self> {
        let name = format!("hookcap-replay-{request_id}-{}.http", uuid::Uuid::new_v4());
        let path = std::env::temp_dir().join(name);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        let file = Self { path };
        f.write_all(contents)
            .with_context(|| format!("writing {}", file.path.display()))?;
        Ok(file)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(Path::new(&self.path));
    }
}
