//! `hookcap deliveries [FILTER]`: captured webhooks grouped into deliveries
//! (requests with the same provider and delivery id are attempts of one),
//! one line each: attempts, answers, backoff, and verdicts on the sender's
//! retries (see [`judge`]). `--strict` exits 1 when a verdict fails.

mod judge;

use std::io::Write;

use super::Context;
use super::shared::secret;
use crate::cli::DeliveriesArgs;
use crate::error::Exit;
use crate::filter::Filter;
use crate::model::Timestamp;
use crate::render::color::{Paint, Style};
use crate::sanitize::{json, sanitize};
use crate::sign::Checker;
use judge::{Judged, judge};

/// Runs `hookcap deliveries`.
pub fn run(args: DeliveriesArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let filter = Filter::parse_args(&args.terms.terms, Timestamp::now())?;
    let checker = match secret::resolve(&args.secret)? {
        Some(secret) => Some(Checker {
            kind: args.provider.0,
            secret,
            hmac: secret::hmac_spec(args.provider.0, &args.hmac)?,
            tolerance: args.tolerance,
        }),
        None => None,
    };
    let store = ctx.open_store()?;
    let groups = store.delivery_attempts(&filter)?;
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    for group in &groups {
        let ids: Vec<i64> = group.attempts.iter().map(|a| a.request.id).collect();
        let facts = store.hook_facts(&ids)?;
        let faults: Vec<Option<&str>> = ids
            .iter()
            .map(|id| {
                let answer = facts.get(id)?.answer.as_ref()?;
                ["drop", "hang"]
                    .into_iter()
                    .find(|f| answer.answer.split_whitespace().any(|w| w == *f))
            })
            .collect();
        let judged = judge(group, &faults, checker.as_ref());
        all_ok &= judged.ok;
        if args.json {
            json::write_line(&mut out, &judged)?;
        } else {
            writeln!(out, "{}", line(&judged, &ctx.paint))?;
        }
    }
    out.flush()?;
    if groups.is_empty() {
        eprintln!("hookcap: no deliveries match (requests need a provider delivery id)");
    }
    Ok(if args.strict && !all_ok {
        Exit::Negative
    } else {
        Exit::Success
    })
}

/// `stripe invoice.paid evt_1  3 attempts: 503 503 200  backoff 2s, 2s  ✓ …  ✗ …`,
/// every captured string sanitized.
fn line(j: &Judged, paint: &Paint) -> String {
    let answers: Vec<String> = j
        .attempts
        .iter()
        .map(|a| match a.answer.parse::<u16>() {
            Ok(status) => paint.status(status),
            Err(_) => paint.paint(&a.answer, Style::Yellow),
        })
        .collect();
    let mut out = format!(
        "{} {} {}  {} attempt{}: {}",
        sanitize(&j.provider),
        paint.paint(&sanitize(j.event.as_deref().unwrap_or("-")), Style::Cyan),
        paint.paint(&sanitize(&j.delivery), Style::Dim),
        j.attempts.len(),
        if j.attempts.len() == 1 { "" } else { "s" },
        answers.join(" ")
    );
    if !j.backoff.is_empty() {
        out.push_str(&format!("  backoff {}", j.backoff.join(", ")));
    }
    for v in &j.verdicts {
        let (mark, style) = if v.ok {
            ("✓", Style::Green)
        } else {
            ("✗", Style::Red)
        };
        out.push_str(&format!(
            "  {}",
            paint.paint(&format!("{mark} {}", v.detail), style)
        ));
    }
    out
}
