//! `hookcap import FILE`: requests from a HAR or NDJSON file into a new session
//! marked imported.

use std::io::Read;

use anyhow::Context as _;

use super::Context;
use super::shared::report::plural;
use crate::cli::ImportArgs;
use crate::error::Exit;
use crate::export::import;
use crate::model::SessionMode;
use crate::store::Store;

/// Runs `hookcap import`.
pub fn run(args: ImportArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let name = args.file.display().to_string();
    let bytes = if name == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .context("reading stdin")?;
        b
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?
    };
    // Parse before touching the store, so a bad file leaves no empty session.
    let mut requests = import::read(&bytes, 0).with_context(|| format!("cannot import {name}"))?;
    let store =
        Store::open_or_create(&ctx.db).with_context(|| format!("opening {}", ctx.db.display()))?;
    let session = store.create_session(SessionMode::Import, "", None)?;
    for r in &mut requests {
        r.session_id = session.id;
    }
    let ids = store.insert_requests(&requests)?;
    println!(
        "imported {} into session {} (ids {})",
        plural(ids.len() as u64),
        session.id,
        match (ids.first(), ids.last()) {
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "none".to_owned(),
        }
    );
    Ok(Exit::Success)
}
