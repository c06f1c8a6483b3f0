//! `hookcap show ID|last`: one request in full: request line, facts, headers,
//! the body rendered by type, what the caller was answered (when it had
//! headers or a body), then its deliveries (forwards and replays).
//! `--raw` and `--json` are for scripts.

use std::io::Write;

use bytesize::ByteSize;

use super::Context;
use super::shared::lookup::find;
use crate::cli::ShowArgs;
use crate::document::{RequestDoc, ViaDoc};
use crate::error::Exit;
use crate::model::{
    CapturedRequest, Delivery, DeliveryKind, Header, PENDING_STATUS, RelayedFrom, RequestSummary,
};
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::{Paint, Style};
use crate::render::headers::headers_block;
use crate::render::summary::{badge, short_duration};
use crate::sanitize::sanitize;

/// How much of a body `show` renders on a terminal before pointing to `--raw`.
const SHOW_MAX_BYTES: usize = 256 * 1024;

/// Runs `hookcap show`.
pub fn run(args: ShowArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = ctx.open_store()?;
    let request = find(&store, &args.id)?;
    let deliveries = store.deliveries_for(request.id)?;
    let via = store.relayed_from(request.id)?;
    let mut out = std::io::stdout().lock();
    if args.raw {
        out.write_all(&request.body)?;
    } else if args.json {
        let doc = RequestDoc::with_deliveries(&request, &deliveries)
            .with_via(via.as_ref().map(|m| ViaDoc::of(m, &request.body)));
        if ctx.stdout_is_tty {
            serde_json::to_writer_pretty(&mut out, &doc)?;
        } else {
            serde_json::to_writer(&mut out, &doc)?;
        }
        writeln!(out)?;
    } else {
        write_request(&mut out, &request, via.as_ref(), &ctx.paint)?;
        write_answer(&mut out, &request, &deliveries, &ctx.paint)?;
        write_deliveries(&mut out, &deliveries, &ctx.paint)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

fn write_request(
    out: &mut impl Write,
    r: &CapturedRequest,
    via: Option<&RelayedFrom>,
    paint: &Paint,
) -> std::io::Result<()> {
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
    if let Some(via) = via {
        writeln!(out, "{} {}", dim("via"), via_line(via, &r.body, paint))?;
    }
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
    let answered = if r.response.status == PENDING_STATUS {
        "pending (passed on, no answer recorded yet)".to_owned()
    } else {
        paint.status(r.response.status)
    };
    writeln!(out, "{} {answered}", dim("answered"))?;
    if let Some(badge) = badge(&RequestSummary::of(r), paint) {
        writeln!(out, "{} {badge}", dim("checks"))?;
    }
    writeln!(out)?;
    write!(out, "{}", headers_block(&r.headers, paint))?;
    write_body(out, &r.headers, &r.body, paint)
}

/// `URL (relay #812, sha256 4f3a9c01… identical)`: where a relayed request
/// came from, and whether its stored bytes still hash to what the relay saw.
fn via_line(via: &RelayedFrom, body: &[u8], paint: &Paint) -> String {
    let hash = hex::encode(&via.sha256[..4]);
    let verdict = if via.is_identical(body) {
        paint.paint("identical", Style::Green)
    } else {
        paint.paint("DIFFERS from what the relay received", Style::Red)
    };
    format!(
        "{} (relay #{}, sha256 {hash}… {verdict})",
        sanitize(&via.relay_url),
        via.relay_id
    )
}

/// A blank line and the body rendered by type, unless it is empty.
fn write_body(
    out: &mut impl Write,
    headers: &[Header],
    body: &[u8],
    paint: &Paint,
) -> std::io::Result<()> {
    if body.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let options = BodyOptions {
        max_bytes: SHOW_MAX_BYTES,
    };
    let body = render_body(headers, body, paint, options);
    write!(out, "{body}")?;
    if !body.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// What the caller was answered, when there is more to it than the status:
/// hookcap's own answer (a shaped `listen` answer, a refusal, a 502/504), or
/// for a forwarded request the app's answer as its forward delivery kept it.
fn write_answer(
    out: &mut impl Write,
    r: &CapturedRequest,
    deliveries: &[Delivery],
    paint: &Paint,
) -> std::io::Result<()> {
    let own = &r.response;
    let forward = deliveries
        .iter()
        .find(|d| d.kind == DeliveryKind::Forward)
        .and_then(|d| Some((d, d.response.as_ref()?)));
    let (answer, from) = match forward {
        Some((d, app)) if own.headers.is_empty() && own.body.is_empty() => {
            (app, format!(" from {}", sanitize(&d.destination)))
        }
        _ => (own, String::new()),
    };
    if answer.headers.is_empty() && answer.body.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let title = paint.paint("Answer", Style::Bold);
    writeln!(out, "{title} {}{from}", paint.status(answer.status))?;
    write!(out, "{}", headers_block(&answer.headers, paint))?;
    write_body(out, &answer.headers, &answer.body, paint)
}

/// One line per delivery: when, where, what came back, how long, what went wrong.
fn write_deliveries(
    out: &mut impl Write,
    deliveries: &[Delivery],
    paint: &Paint,
) -> std::io::Result<()> {
    if deliveries.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.paint(&format!("Deliveries ({})", deliveries.len()), Style::Bold)
    )?;
    for d in deliveries {
        let time = d.started_at.rfc3339();
        let status = match d.status() {
            Some(s) => paint.status(s),
            None => paint.paint("no answer", Style::Dim),
        };
        write!(
            out,
            "  #{} {:7} {} {} → {} {}",
            d.id,
            d.kind.as_str(),
            paint.paint(&format!("{} {}", &time[..10], &time[11..19]), Style::Dim),
            sanitize(&d.destination),
            status,
            short_duration(d.duration),
        )?;
        match &d.error {
            Some(e) => writeln!(out, " ({})", sanitize(e))?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}
