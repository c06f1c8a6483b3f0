//! `hookcap send URL`: build a request like curl (or from a provider template),
//! sign it, send it once or `--repeat` times, print the answer or a summary.
//!
//! Exit status: 0 when every response is 2xx (any response with `--no-fail`),
//! 1 for another status or a transport error, 2 for usage errors.

mod config;
mod output;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

pub use config::{OutputOptions, SendConfig};

use super::Context;
use crate::cli::SendArgs;
use crate::error::Exit;
use crate::render::color::{Paint, Style};
use crate::sanitize::{json, sanitize};
use crate::send::load::{Progress, RetryLog, Sender};
use crate::send::{SystemFresh, WireRequest, templates};

/// Runs `hookcap send`.
pub fn run(args: SendArgs, ctx: &Context) -> anyhow::Result<Exit> {
    if args.template.list_templates {
        return list_templates(&ctx.paint);
    }
    let config = SendConfig::resolve(&args)?;
    let mut runtime = if config.plan.requests > 1 {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let workers = usize::try_from(config.plan.concurrency)
            .unwrap_or(1)
            .min(cores);
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(workers.max(1));
        b
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = runtime
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(send(config, ctx))
}

async fn send(config: SendConfig, ctx: &Context) -> anyhow::Result<Exit> {
    let log: RetryLog = Arc::new(|e| eprintln!("{}", output::retry_line(e)));
    let plan = config.plan;
    let opts = config.output.clone();
    let sender = Sender::new(
        &config.client,
        config.draft,
        config.signer,
        config.retry,
        log,
    )
    .map_err(|e| crate::error::CliError::Usage(e.to_string()))?;
    if plan.requests > 1 {
        repeat(Arc::new(sender), plan, &opts, ctx).await
    } else {
        once(&sender, &opts, ctx).await
    }
}

async fn once(sender: &Sender, opts: &OutputOptions, ctx: &Context) -> anyhow::Result<Exit> {
    let prepared = sender.prepare(&mut SystemFresh)?;
    let mut out = std::io::stdout().lock();
    if opts.verbose {
        output::write_request(&mut out, &prepared, &ctx.paint)?;
        out.flush()?;
    }
    let outcome = sender.send_once(&WireRequest::of(&prepared)?).await;
    if opts.json {
        json::write_line(&mut out, &output::single_doc(&prepared, &outcome))?;
    }
    let ex = match outcome.result {
        Ok(ex) => ex,
        Err(e) => {
            out.flush()?;
            let err =
                anyhow::Error::new(e).context(format!("{} {}", prepared.method, prepared.url));
            if opts.json {
                eprintln!("hookcap: error: {}", sanitize(&format!("{err:#}")));
                return Ok(Exit::Negative);
            }
            return Err(err);
        }
    };
    if !opts.json {
        write_exchange(&mut out, &ex, opts, &ctx.paint)?;
    }
    out.flush()?;
    Ok(if opts.any_status || (200..300).contains(&ex.status) {
        Exit::Success
    } else {
        Exit::Negative
    })
}

fn write_exchange(
    out: &mut impl Write,
    ex: &crate::send::Exchange,
    opts: &OutputOptions,
    paint: &Paint,
) -> anyhow::Result<()> {
    match opts.file.as_deref() {
        Some(p) if p == Path::new("-") => out.write_all(&ex.body)?,
        Some(p) => {
            output::write_response(out, ex, opts.include, false, paint)?;
            std::fs::write(p, &ex.body).with_context(|| format!("writing {}", p.display()))?;
        }
        None => output::write_response(out, ex, opts.include, true, paint)?,
    }
    Ok(())
}

async fn repeat(
    sender: Arc<Sender>,
    plan: crate::send::load::LoadPlan,
    opts: &OutputOptions,
    ctx: &Context,
) -> anyhow::Result<Exit> {
    let progress = Arc::new(Progress::default());
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| output::ProgressBar::start(progress.clone(), plan.requests));
    let result = sender.run_load(plan, progress).await;
    drop(bar);
    let (summary, elapsed) = result?;
    let mut out = std::io::stdout().lock();
    if opts.json {
        let doc = output::summary_doc(&summary, elapsed, plan.concurrency);
        json::write_line(&mut out, &doc)?;
    } else {
        output::write_summary(&mut out, &summary, elapsed, plan.concurrency, &ctx.paint)?;
    }
    out.flush()?;
    Ok(if summary.all_succeeded(opts.any_status) {
        Exit::Success
    } else {
        Exit::Negative
    })
}

fn list_templates(paint: &Paint) -> anyhow::Result<Exit> {
    let all = templates::all()?;
    let width = all.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for t in &all {
        let name = format!("{:<width$}", t.name);
        writeln!(
            out,
            "{}  {:<8}  {}",
            paint.paint(&name, Style::Bold),
            t.provider.name(),
            t.description
        )?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
