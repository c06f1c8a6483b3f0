//! `hookcap show ID|last`: one request in full: request line, facts, headers,
//! the body rendered by type, what the caller was answered (when it had
//! headers or a body), then its deliveries (forwards and replays).
//! `--raw` and `--json` are for scripts.

use std::io::Write;

use bytesize::ByteSize;

use super::Context;
use super::shared::lookup::find;
use crate::cli::ShowArgs;
use crate::clock;
use crate::document::{RequestDoc, ViaDoc};
use crate::error::Exit;
use crate::model::{
    CapturedRequest, Delivery, DeliveryKind, Header, HookFacts, PENDING_STATUS, RelayedFrom,
    RequestSummary,
};
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::{Paint, Style};
use crate::render::headers::headers_block;
use crate::render::summary::{attempt_text, badge, short_duration};
use crate::sanitize::{json, sanitize};

/// How much of a body `show` renders on a terminal before pointing to `--raw`.
const SHOW_MAX_BYTES: usize = 256 * 1024;

/// Runs `hookcap show`.
pub fn run(args: ShowArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let store = ctx.open_store()?;
    let request = find(&store, &args.id)?;
    let deliveries = store.deliveries_for(request.id)?;
    let hook = store.hook_facts(&[request.id])?.remove(&request.id);
    let via = store.relayed_from(request.id)?;
    let mut out = std::io::stdout().lock();
    if args.raw {
        out.write_all(&request.body)?;
    } else if args.json {
        let doc = RequestDoc::with_deliveries(&request, &deliveries)
            .with_hook(hook.as_ref())
            .with_via(via.as_ref().map(|m| ViaDoc::of(m, &request.body)));
        if ctx.stdout_is_tty {
            json::write_pretty(&mut out, &doc)?;
        } else {
            json::write(&mut out, &doc)?;
        }
        writeln!(out)?;
    } else {
        write_request(
            &mut out,
            &request,
            (hook.as_ref(), via.as_ref()),
            &ctx.paint,
        )?;
        write_answer(&mut out, &request, &deliveries, &ctx.paint)?;
        write_deliveries(&mut out, &deliveries, &ctx.paint)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

fn write_request(
    out: &mut impl Write,
    r: &CapturedRequest,
    (hook, via): (Option<&HookFacts>, Option<&RelayedFrom>),
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
        clock::precise(r.received_at),
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
    let withheld = hook
        .and_then(|f| f.answer.as_ref())
        .filter(|_| r.response.status == PENDING_STATUS)
        .and_then(|a| {
            ["drop", "hang"]
                .into_iter()
                .find(|f| a.answer.split_whitespace().any(|w| w == *f))
        });
    let answered = match withheld {
        Some("drop") => "nothing: the connection was closed (a drop rule)".to_owned(),
        Some(_) => "nothing: the sender was kept waiting (a hang rule)".to_owned(),
        None if r.response.status == PENDING_STATUS => {
            "pending (passed on, no answer recorded yet)".to_owned()
        }
        None => paint.status(r.response.status),
    };
    writeln!(out, "{} {answered}", dim("answered"))?;
    if let Some(badge) = badge(&RequestSummary::of(r), paint) {
        writeln!(out, "{} {badge}", dim("checks"))?;
    }
    if let Some(f) = hook {
        write_hook(out, f, paint)?;
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

/// What the request is as a webhook and which rule answered it:
/// `webhook github pull_request.opened  delivery 72d3…  attempt 2/3 (+31s) dup`
/// and `rule #2, step 1: 503 Retry-After:2`, every captured string sanitized.
fn write_hook(out: &mut impl Write, f: &HookFacts, paint: &Paint) -> std::io::Result<()> {
    let dim = |s: &str| paint.paint(s, Style::Dim);
    if let Some(i) = &f.identity {
        let mut line = format!("{} {}", dim("webhook"), sanitize(&i.provider));
        if let Some(event) = &i.event {
            line.push(' ');
            line.push_str(&paint.paint(&sanitize(event), Style::Cyan));
        }
        if let Some(d) = &i.delivery {
            line.push_str(&format!("  {} {}", dim("delivery"), sanitize(d)));
        }
        if let Some(a) = &f.attempt {
            let style = if a.dup { Style::Yellow } else { Style::Bold };
            line.push_str(&format!("  {}", paint.paint(&attempt_text(a), style)));
        }
        if let Some(retry) = &i.retry {
            line.push_str(&format!("  {}", sanitize(retry)));
        }
        writeln!(out, "{line}")?;
    }
    if let Some(a) = &f.answer {
        writeln!(
            out,
            "{} #{}, step {}: {}",
            dim("rule"),
            a.rule,
            a.step,
            sanitize(&a.answer)
        )?;
    }
    Ok(())
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
    // `#9 ` and `#10` take the same room, so the columns after them line up.
    let id_width = deliveries
        .iter()
        .map(|d| d.id.to_string().len())
        .max()
        .unwrap_or(1);
    for d in deliveries {
        let status = match d.status() {
            Some(s) => paint.status(s),
            None => paint.paint("no answer", Style::Dim),
        };
        write!(
            out,
            "  #{:<id_width$} {:7} {} {} → {} {}",
            d.id,
            d.kind.as_str(),
            paint.paint(&clock::date_time(d.started_at), Style::Dim),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NewDelivery, Timestamp};

    fn delivery(id: i64, kind: DeliveryKind) -> Delivery {
        Delivery {
            id,
            delivery: NewDelivery {
                request_id: 1,
                kind,
                destination: "http://localhost:3000/hook".into(),
                started_at: Timestamp(1_700_000_000_000_000),
                duration: std::time::Duration::from_millis(14),
                response: None,
                response_truncated: false,
                error: Some("connection refused".into()),
            },
        }
    }

    #[test]
    fn delivery_columns_line_up_past_nine() {
        let all: Vec<Delivery> = [(9, DeliveryKind::Forward), (10, DeliveryKind::Replay)]
            .into_iter()
            .map(|(id, kind)| delivery(id, kind))
            .collect();
        let mut out = Vec::new();
        write_deliveries(&mut out, &all, &Paint::new(false)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let at = |what: &str| {
            text.lines()
                .find(|l| l.contains(what))
                .and_then(|l| l.find("2023-"))
                .unwrap()
        };
        assert_eq!(at("forward"), at("replay"), "{text}");
        assert!(text.contains("  #9  forward "), "{text}");
    }
}
