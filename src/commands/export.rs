//! `hookcap export [FILTER...] --format har|ndjson|curl|httpie [-o FILE]`.

use std::fs::OpenOptions;
use std::io::BufWriter;
use std::os::unix::fs::OpenOptionsExt;

use anyhow::Context as _;

use super::Context;
use crate::cli::ExportArgs;
use crate::error::Exit;
use crate::export::{self, Base, Format};
use crate::filter::Filter;
use crate::model::Timestamp;

/// Runs `hookcap export`.
pub fn run(args: ExportArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let filter = Filter::parse_args(&args.terms.terms, Timestamp::now())?;
    let store = ctx.open_store()?;
    let base = Base::from_arg(args.url.as_deref());
    let (format, keep_host) = (args.format, args.preserve_host);
    let exported = match &args.output {
        Some(path) => {
            let file = create_private(path, format)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::new(file);
            let exported = export::export(&store, &filter, format, &base, keep_host, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            exported
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            export::export(&store, &filter, format, &base, keep_host, &mut out)?
        }
    };
    for warning in &exported.warnings {
        eprintln!("hookcap: warning: {warning}");
    }
    if exported.count == 0 {
        eprintln!("hookcap: no requests match; the export is empty");
    }
    Ok(Exit::Success)
}

/// Exports hold captured secrets: the file is private (0600), and scripts
/// are executable by their owner (0700).
fn create_private(path: &std::path::Path, format: Format) -> std::io::Result<std::fs::File> {
    let mode = match format {
        Format::Curl | Format::Httpie => 0o700,
        Format::Har | Format::Ndjson => 0o600,
    };
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    Ok(file)
}
