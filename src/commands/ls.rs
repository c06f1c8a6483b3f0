//! `hookcap ls`: captured requests, newest first, as a table or NDJSON.

use std::collections::HashMap;
use std::io::Write;

use bytesize::ByteSize;

use super::Context;
use super::shared::filter::filter_from_args;
use crate::cli::LsArgs;
use crate::clock;
use crate::document::SummaryDoc;
use crate::error::Exit;
use crate::model::{HookFacts, PENDING_STATUS, RequestSummary, Timestamp};
use crate::render::color::{PENDING_MARK, Paint, Style};
use crate::render::summary::attempt_text;
use crate::sanitize::{json, sanitize};
use crate::store::ListQuery;

/// Paths longer than this are cut in the table (the full target is in `show`).
const MAX_PATH_WIDTH: usize = 60;
/// Event names longer than this are cut in the table.
const MAX_EVENT_WIDTH: usize = 40;

/// Runs `hookcap ls`.
pub fn run(args: LsArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let filter = filter_from_args(&args.terms, &args.filter, Timestamp::now())?;
    let store = ctx.open_store()?;
    let rows = store.list(
        &filter,
        ListQuery {
            limit: args.limit,
            before_id: None,
        },
    )?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let facts = store.hook_facts(&ids)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for row in &rows {
            let doc = SummaryDoc::of(row).with_hook(facts.get(&row.id));
            json::write_line(&mut out, &doc)?;
        }
    } else if rows.is_empty() {
        eprintln!("hookcap: no requests match");
    } else {
        write_table(&mut out, &rows, &facts, &ctx.paint)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

struct Cells {
    id: String,
    time: String,
    method: String,
    path: String,
    /// The webhook event (or provider), when detected.
    event: String,
    /// `attempt 2/3 (+31s) dup`, for attempts of a delivery stored more than once.
    attempt: String,
    status: u16,
    /// What replaced the status when nothing was answered (`drop`, `hang`).
    no_answer: Option<&'static str>,
    size: String,
    content_type: String,
    checks: Option<String>,
}

fn cells(r: &RequestSummary, facts: Option<&HookFacts>) -> Cells {
    let path = cut(&sanitize(&r.target), MAX_PATH_WIDTH);
    let identity = facts.and_then(|f| f.identity.as_ref());
    let event = identity
        .map(|i| i.event.as_deref().unwrap_or(&i.provider))
        .map(|e| cut(&sanitize(e), MAX_EVENT_WIDTH))
        .unwrap_or_default();
    let attempt = facts
        .and_then(|f| f.attempt)
        .filter(|a| a.of > 1)
        .map(|a| attempt_text(&a))
        .unwrap_or_default();
    Cells {
        id: r.id.to_string(),
        time: clock::date_time(r.received_at),
        method: sanitize(&r.method).into_owned(),
        path,
        event,
        attempt,
        status: r.status,
        no_answer: facts
            .and_then(|f| f.answer.as_ref())
            .and_then(|a| unanswered(r.status, &a.answer)),
        size: ByteSize::b(r.body_size).display().iec().to_string()
            + if r.truncated { "+" } else { "" },
        content_type: sanitize(r.content_type.as_deref().unwrap_or("-")).into_owned(),
        checks: crate::render::summary::badge(r, &Paint::new(false)),
    }
}

/// `s`, cut to `max` characters with `…` when longer.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max - 1).collect::<String>() + "…"
    } else {
        s.to_owned()
    }
}

/// `drop` or `hang` for a request a rule left unanswered (stored with no status).
fn unanswered(status: u16, answer: &str) -> Option<&'static str> {
    if status != PENDING_STATUS {
        return None;
    }
    ["drop", "hang"]
        .into_iter()
        .find(|fault| answer.split_whitespace().any(|w| w == *fault))
}

/// The status, padded to the STATUS column (six wide) whatever its colors.
fn status_cell(status: u16, no_answer: Option<&str>, paint: &Paint) -> String {
    let (text, shown) = match (no_answer, status) {
        (Some(fault), _) => (paint.paint(fault, Style::Yellow), fault.len()),
        (None, PENDING_STATUS) => (paint.status(status), PENDING_MARK.chars().count()),
        (None, _) => (paint.status(status), status.to_string().len()),
    };
    format!("{text}{}", " ".repeat(6usize.saturating_sub(shown)))
}

fn write_table(
    out: &mut impl Write,
    rows: &[RequestSummary],
    facts: &HashMap<i64, HookFacts>,
    paint: &Paint,
) -> std::io::Result<()> {
    let cells: Vec<Cells> = rows.iter().map(|r| cells(r, facts.get(&r.id))).collect();
    let w = |f: fn(&Cells) -> usize, title: &str| {
        cells.iter().map(f).max().unwrap_or(0).max(title.len())
    };
    let (wid, wm, wp, ws) = (
        w(|c| c.id.len(), "ID"),
        w(|c| c.method.chars().count(), "METHOD"),
        w(|c| c.path.chars().count(), "PATH"),
        w(|c| c.size.len(), "SIZE"),
    );
    // The webhook columns appear only when some row has something to show.
    let we = column_width(&cells, |c| &c.event, "EVENT");
    let wa = column_width(&cells, |c| &c.attempt, "ATTEMPT");
    let any_checks = cells.iter().any(|c| c.checks.is_some());
    let wt = if any_checks {
        w(|c| c.content_type.chars().count(), "TYPE")
    } else {
        0
    };
    let mut header = format!(
        "{:>wid$}  {:19}  {:wm$}  {:wp$}  {}{}STATUS  {:>ws$}  {}",
        "ID",
        format!("TIME ({})", clock::zone_name()),
        "METHOD",
        "PATH",
        optional("EVENT", we),
        optional("ATTEMPT", wa),
        "SIZE",
        pad("TYPE", wt)
    );
    if any_checks {
        header.push_str("  CHECKS");
    }
    writeln!(out, "{}", paint.paint(&header, Style::Bold))?;
    for c in &cells {
        let method = pad(&c.method, wm);
        let attempt_style = if c.attempt.ends_with("dup") {
            Style::Yellow
        } else {
            Style::Dim
        };
        let mut line = format!(
            "{:>wid$}  {}  {}  {}  {}{}{}  {:>ws$}  {}",
            c.id,
            paint.paint(&c.time, Style::Dim),
            paint.paint(&method, crate::render::color::method_style(&c.method)),
            pad(&c.path, wp),
            paint.paint(&optional(&c.event, we), Style::Cyan),
            paint.paint(&optional(&c.attempt, wa), attempt_style),
            status_cell(c.status, c.no_answer, paint),
            c.size,
            pad(&c.content_type, wt)
        );
        if let Some(checks) = &c.checks {
            line.push_str("  ");
            line.push_str(checks);
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The width of an optional column: 0 (left out) when no row has a value.
fn column_width(cells: &[Cells], value: fn(&Cells) -> &String, title: &str) -> usize {
    let widest = cells.iter().map(|c| value(c).chars().count()).max();
    match widest {
        Some(w) if w > 0 => w.max(title.len()),
        _ => 0,
    }
}

/// A cell of an optional column and its separator, or nothing when the
/// column is left out.
fn optional(s: &str, width: usize) -> String {
    if width == 0 {
        String::new()
    } else {
        format!("{}  ", pad(s, width))
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_column_stays_six_wide_for_a_pending_forward() {
        let plain = Paint::new(false);
        assert_eq!(status_cell(200, None, &plain), "200   ");
        assert_eq!(status_cell(PENDING_STATUS, None, &plain), "…     ");
        assert_eq!(status_cell(PENDING_STATUS, Some("drop"), &plain), "drop  ");
        let colored = Paint::new(true);
        assert!(status_cell(PENDING_STATUS, None, &colored).ends_with("…\u{1b}[0m     "));
    }
}
