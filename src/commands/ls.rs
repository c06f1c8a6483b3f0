//! `hookcap ls`: captured requests, newest first, as a table or NDJSON.

use std::io::Write;

use bytesize::ByteSize;

use super::Context;
use super::shared::filter::filter_from_args;
use crate::cli::LsArgs;
use crate::document::SummaryDoc;
use crate::error::Exit;
use crate::model::{PENDING_STATUS, RequestSummary, Timestamp};
use crate::render::color::{PENDING_MARK, Paint, Style};
use crate::sanitize::sanitize;
use crate::store::ListQuery;

/// Paths longer than this are cut in the table (the full target is in `show`).
const MAX_PATH_WIDTH: usize = 60;

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
    let mut out = std::io::stdout().lock();
    if args.json {
        for row in &rows {
            writeln!(out, "{}", serde_json::to_string(&SummaryDoc::of(row))?)?;
        }
    } else if rows.is_empty() {
        eprintln!("hookcap: no requests match");
    } else {
        write_table(&mut out, &rows, &ctx.paint)?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

struct Cells {
    id: String,
    time: String,
    method: String,
    path: String,
    status: u16,
    size: String,
    content_type: String,
    checks: Option<String>,
}

fn cells(r: &RequestSummary) -> Cells {
    let mut path: String = sanitize(&r.target).into_owned();
    if path.chars().count() > MAX_PATH_WIDTH {
        path = path.chars().take(MAX_PATH_WIDTH - 1).collect::<String>() + "…";
    }
    let time = r.received_at.rfc3339();
    Cells {
        id: r.id.to_string(),
        time: format!("{} {}", &time[..10], &time[11..19]),
        method: sanitize(&r.method).into_owned(),
        path,
        status: r.status,
        size: ByteSize::b(r.body_size).display().iec().to_string()
            + if r.truncated { "+" } else { "" },
        content_type: sanitize(r.content_type.as_deref().unwrap_or("-")).into_owned(),
        checks: crate::render::summary::badge(r, &Paint::new(false)),
    }
}

/// The status, padded to the STATUS column (six wide) whatever its colors.
fn status_cell(status: u16, paint: &Paint) -> String {
    let shown = if status == PENDING_STATUS {
        PENDING_MARK.chars().count()
    } else {
        status.to_string().len()
    };
    format!(
        "{}{}",
        paint.status(status),
        " ".repeat(6usize.saturating_sub(shown))
    )
}

fn write_table(
    out: &mut impl Write,
    rows: &[RequestSummary],
    paint: &Paint,
) -> std::io::Result<()> {
    let cells: Vec<Cells> = rows.iter().map(cells).collect();
    let w = |f: fn(&Cells) -> usize, title: &str| {
        cells.iter().map(f).max().unwrap_or(0).max(title.len())
    };
    let (wid, wm, wp, ws) = (
        w(|c| c.id.len(), "ID"),
        w(|c| c.method.chars().count(), "METHOD"),
        w(|c| c.path.chars().count(), "PATH"),
        w(|c| c.size.len(), "SIZE"),
    );
    let any_checks = cells.iter().any(|c| c.checks.is_some());
    let wt = if any_checks {
        w(|c| c.content_type.chars().count(), "TYPE")
    } else {
        0
    };
    let mut header = format!(
        "{:>wid$}  {:19}  {:wm$}  {:wp$}  STATUS  {:>ws$}  {}",
        "ID",
        "TIME (UTC)",
        "METHOD",
        "PATH",
        "SIZE",
        pad("TYPE", wt)
    );
    if any_checks {
        header.push_str("  CHECKS");
    }
    writeln!(out, "{}", paint.paint(&header, Style::Bold))?;
    for c in &cells {
        let method = pad(&c.method, wm);
        let mut line = format!(
            "{:>wid$}  {}  {}  {}  {}  {:>ws$}  {}",
            c.id,
            paint.paint(&c.time, Style::Dim),
            paint.paint(&method, crate::render::color::method_style(&c.method)),
            pad(&c.path, wp),
            status_cell(c.status, paint),
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
        assert_eq!(status_cell(200, &plain), "200   ");
        assert_eq!(status_cell(PENDING_STATUS, &plain), "…     ");
        let colored = Paint::new(true);
        assert!(status_cell(PENDING_STATUS, &colored).ends_with("…\u{1b}[0m     "));
    }
}
