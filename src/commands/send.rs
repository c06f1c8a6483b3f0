//! `hookcap send URL`: build a request like curl (or from a provider template),
//! sign it, send it once or `--repeat` times, print the answer or a summary.
//!
//! Exit status: 0 when every response is 2xx (any response with `--no-fail`),
//! 1 for another status or a transport error (an answer over
//! `--max-response` among them), 2 for usage errors.
//!
//! The answer's body is read as it arrives: `-o FILE` and `-o -` write it on
//! piece by piece, a terminal gets its first MiB, `--json-result` keeps up to
//! `--max-response`; nothing reads past `--max-response`.

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
use crate::send::{BodySink, SystemFresh, WireRequest, templates};

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
    if opts.verbose {
        let mut out = std::io::stdout().lock();
        output::write_request(&mut out, &prepared, &ctx.paint)?;
        out.flush()?;
    }
    let wire = WireRequest::of(&prepared)?;
    let mut file = None;
    let mut stdout = std::io::stdout();
    let outcome = match opts.file.as_deref() {
        Some(p) if p == Path::new("-") => {
            sender
                .send_once(&wire, &mut BodySink::Write(&mut stdout))
                .await
        }
        Some(p) => {
            let file = file.insert(output::OutFile::new(p));
            sender.send_once(&wire, &mut BodySink::Write(file)).await
        }
        None if opts.json => {
            let cap = usize::try_from(opts.max_response).unwrap_or(usize::MAX);
            sender.send_once(&wire, &mut BodySink::Keep(cap)).await
        }
        None => {
            let cap = output::SHOWN_BODY_BYTES;
            sender.send_once(&wire, &mut BodySink::Keep(cap)).await
        }
    };
    let mut out = std::io::stdout().lock();
    if opts.json {
        json::write_line(&mut out, &output::single_doc(&prepared, &outcome))?;
    }
    let ex = match outcome.result {
        Ok(ex) => ex,
        Err(e) => {
            out.flush()?;
            if let Some(kind) = e.io {
                // The body's destination failed: a closed pipe is no failure.
                let cause = std::io::Error::new(kind, e.message);
                return Err(anyhow::Error::new(cause).context("writing the answer's body"));
            }
            let err =
                anyhow::Error::new(e).context(format!("{} {}", prepared.method, prepared.url));
            if opts.json {
                eprintln!("hookcap: error: {}", sanitize(&format!("{err:#}")));
                return Ok(Exit::Negative);
            }
            return Err(err);
        }
    };
    if let Some(file) = &mut file {
        file.finish()
            .with_context(|| format!("writing {}", file.path().display()))?;
    }
    if let Some(coding) = &ex.undecoded {
        eprintln!(
            "hookcap: the answer's Content-Encoding {} was left as it came",
            sanitize(coding)
        );
    }
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
        Some(p) if p == Path::new("-") => {}
        Some(_) => output::write_response(out, ex, opts, false, paint)?,
        None => output::write_response(out, ex, opts, true, paint)?,
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
