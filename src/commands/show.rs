//! `hookcap show ID|last`: one request in full: request line, facts, headers,
//! then the body rendered by type. `--raw` and `--json` are for scripts.

use std::io::Write;

use bytesize::ByteSize;

use super::Context;
use crate::cli::ShowArgs;
use crate::document::RequestDoc;
use crate::error::{CliError, Exit};
use crate::model::{CapturedRequest, RequestSummary};
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::{Paint, Style};
use crate::render::headers::headers_block;
use crate::render::sanitize;
use crate::render::summary::badge;
use crate::store::Store;

/// How much of a body `show` renders on a terminal before pointing to `--raw`.
const SHOW_MAX_BYTES: usize = 256 * 1024;

/// Runs `hookcap show`.
pub fn run(args: ShowArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = ctx.open_store()?;
    let request = find(&store, &args.id)?;
    let mut out = std::io::stdout().lock();
    if args.raw {
        out.write_all(&request.body)?;
    } else if args.json {
        let doc = RequestDoc::of(&request);
        if ctx.stdout_is_tty {
            serde_json::to_writer_pretty(&mut out, &doc)?;
        } else {
            serde_json::to_writer(&mut out, &doc)?;
        }
        writeln!(out)?;
    } else {
        write_request(&mut out, &request, &ctx.paint)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// Looks up `id` (a number or `last`); a missing request is exit code 1.
pub fn find(store: &Store, id: &str) -> anyhow::Result<CapturedRequest> {
    let wanted = if id.eq_ignore_ascii_case("last") {
        store
            .last_id()?
            .ok_or_else(|| CliError::NotFound("no requests captured yet".into()))?
    } else {
        id.parse::<i64>().map_err(|_| {
            CliError::Usage(format!(
                "invalid request id {:?}: use a number or 'last'",
                sanitize(id)
            ))
        })?
    };
    Ok(store
        .get(wanted)?
        .ok_or_else(|| CliError::NotFound(format!("no request with id {wanted}")))?)
}

fn write_request(out: &mut impl Write, r: &CapturedRequest, paint: &Paint) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {} {}",
        paint.paint(&format!("#{}", r.id), Style::Bold),
        paint.method(&r.method),
        paint.paint(&sanitize(&r.target), Style::Bold),
        sanitize(&r.http_version)
    )?;
    let dim = |s: &str| paint.paint(s, Style::Dim);
    writeln!(
        out,
        "{} {}  {} {}",
        dim("received"),
        r.received_at.rfc3339(),
        dim("from"),
        sanitize(&r.remote_addr)
    )?;
    let mut size = ByteSize::b(r.body.len() as u64).display().iec().to_string();
    if r.truncated {
        size.push_str(" (truncated: only the start was kept)");
    }
    writeln!(
        out,
        "{} {}  {} {}",
        dim("session"),
        r.session_id,
        dim("body"),
        size
    )?;
    writeln!(
        out,
        "{} {}",
        dim("answered"),
        paint.status(r.response.status)
    )?;
    if let Some(badge) = badge(&RequestSummary::of(r), paint) {
        writeln!(out, "{} {badge}", dim("checks"))?;
    }
    writeln!(out)?;
    write!(out, "{}", headers_block(&r.headers, paint))?;
    if !r.body.is_empty() {
        writeln!(out)?;
        let body = render_body(
            &r.headers,
            &r.body,
            paint,
            BodyOptions {
                max_bytes: SHOW_MAX_BYTES,
            },
        );
        write!(out, "{body}")?;
        if !body.ends_with('\n') {
            writeln!(out)?;
        }
    }
    Ok(())
}
