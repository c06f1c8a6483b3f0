//! `hookcap replay ID|last [...]`: send stored requests again (see
//! [`crate::replay`]) and record every attempt as a delivery.
//!
//! Requests go to `--to URL`, or else to the forward target of the session
//! that captured them; with neither, nothing is sent. Several ids (or `--all`
//! with filter terms) are sent in capture order, each `--times N` times, with a
//! counter on stderr when it is a terminal. The exit status is 0 only when
//! every attempt got a 2xx answer. With `--resign PROVIDER` the request is
//! signed again after every change (once, so `--times` repeats it exactly),
//! by the library's one re-signer ([`crate::sign::Signer`]).

mod edit;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{IsTerminal, Write};

use anyhow::Context as _;

use super::Context;
use super::shared::filter::filter_from_args;
use super::shared::input::{parse_header, read_body_arg};
use super::shared::lookup::find;
use super::shared::secret;
use crate::cli::{FilterArgs, ReplayArgs, TermArgs};
use crate::document::DeliveryDoc;
use crate::error::{CliError, Exit};
use crate::http::Target;
use crate::model::{CapturedRequest, Delivery, Header, HeaderList, NewDelivery, Timestamp};
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::Style;
use crate::render::summary::short_duration;
use crate::replay::{self, Outgoing};
use crate::sanitize::{json, sanitize, sanitize_bytes_multiline};
use crate::sign::{MESSAGE_ID_HEADERS, MessageId, Signer, new_message_id};
use crate::store::Store;

/// One request to send, prepared for its destination.
struct Job {
    request_id: i64,
    outgoing: Outgoing,
    dest: Target,
}

/// What the command line changes on every request: `-H`, `--body`, `--to`,
/// `--edit`, and `--resign` last.
struct Changes {
    headers: Vec<Header>,
    body: Option<Vec<u8>>,
    to: Option<Target>,
    edit: bool,
    resign: Option<Signer>,
}

/// `--resign PROVIDER`: the signer, built from the scheme and the secret.
fn signer(args: &ReplayArgs) -> Result<Option<Signer>, CliError> {
    let Some(kind) = args.resign else {
        return Ok(None);
    };
    let secret = secret::require(&args.secret)?;
    let hmac = secret::hmac_spec(Some(kind), &args.hmac)?;
    Signer::new(kind, hmac, secret)
        .map(Some)
        .map_err(|e| CliError::Usage(format!("--resign {}: {e}", kind.name())))
}

/// Signs `out` again as it goes to `dest`, now. A changed request is a new
/// message, so Standard Webhooks and Svix get a new message id, unless the
/// user set one (with `-H`, or by changing it in `--edit`): that one is kept.
fn resign(
    signer: &Signer,
    stored: &CapturedRequest,
    out: &mut Outgoing,
    dest: &Target,
    changes: &Changes,
) -> Result<(), CliError> {
    let new_id = new_message_id(uuid::Uuid::new_v4());
    let id = if user_set_message_id(&stored.headers, &out.headers, &changes.headers) {
        MessageId::Keep { otherwise: &new_id }
    } else {
        MessageId::New(&new_id)
    };
    let url = dest.url_for(&out.target);
    out.resign(signer, &url, Timestamp::now(), id)
        .map_err(|e| CliError::Usage(format!("--resign {}: {e}", signer.kind().name())))
}

/// Whether the `-H` arguments (`set`) name a message id header, or the ids
/// about to be sent differ from the stored ones (changed in `--edit`).
fn user_set_message_id(stored: &[Header], sent: &[Header], set: &[Header]) -> bool {
    let ids = |headers: &[Header]| -> Vec<Option<String>> {
        MESSAGE_ID_HEADERS
            .iter()
            .map(|name| headers.get_str(name))
            .collect()
    };
    let named = set.iter().any(|h| {
        MESSAGE_ID_HEADERS
            .iter()
            .any(|name| h.name.eq_ignore_ascii_case(name))
    });
    named || ids(stored) != ids(sent)
}

impl Changes {
    fn resolve(args: &ReplayArgs) -> Result<Self, CliError> {
        let to = args
            .to
            .as_deref()
            .map(|t| Target::parse(t).map_err(|e| CliError::Usage(format!("--to: {e}"))))
            .transpose()?;
        Ok(Self {
            headers: args
                .headers
                .iter()
                .map(|h| parse_header(h))
                .collect::<Result<_, _>>()?,
            body: args
                .body
                .as_deref()
                .map(|b| read_body_arg(Some(b)))
                .transpose()?
                .map(|b| b.to_vec()),
            to,
            edit: args.edit,
            resign: signer(args)?,
        })
    }
}

/// Runs `hookcap replay`.
pub fn run(args: ReplayArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let changes = Changes::resolve(&args)?;
    let store = ctx.open_store()?;
    let requests = select(&store, &args)?;
    if args.edit && requests.len() > 1 {
        return Err(CliError::Usage("--edit takes a single request".into()).into());
    }
    let mut targets = HashMap::new();
    let mut jobs = Vec::with_capacity(requests.len());
    for r in &requests {
        let dest = match &changes.to {
            Some(t) => t.clone(),
            None => session_target(&store, r, &mut targets)?,
        };
        jobs.push(prepare(r, dest, &changes)?);
    }
    send_all(&store, &jobs, &args, ctx)
}

/// The request as it goes to `dest`, changed as asked (and edited, with `--edit`).
fn prepare(r: &CapturedRequest, dest: Target, changes: &Changes) -> anyhow::Result<Job> {
    if r.truncated {
        eprintln!(
            "hookcap: warning: request {} was stored truncated; only its first {} body bytes are sent",
            r.id,
            r.body.len()
        );
    }
    let mut outgoing = Outgoing::prepare(r, &dest);
    for h in &changes.headers {
        outgoing.set_header(h.clone());
    }
    if let Some(b) = &changes.body {
        outgoing.body.clone_from(b);
    }
    if changes.edit {
        outgoing = edit::edit(r.id, &outgoing, &dest)?;
    }
    if let Some(signer) = &changes.resign {
        resign(signer, r, &mut outgoing, &dest, changes)?;
    }
    Ok(Job {
        request_id: r.id,
        outgoing,
        dest,
    })
}

/// The requests named by ids (`last` included), or by the filter terms and
/// flags with `--all`, in capture order.
fn select(store: &Store, args: &ReplayArgs) -> anyhow::Result<Vec<CapturedRequest>> {
    if !args.all {
        if has_filters(&args.filter) {
            return Err(CliError::Usage(
                "--method, --path, --session and --since choose requests only with --all".into(),
            )
            .into());
        }
        let mut requests = args
            .ids
            .iter()
            .map(|id| find(store, id))
            .collect::<anyhow::Result<Vec<_>>>()?;
        requests.sort_by_key(|r| r.id);
        requests.dedup_by_key(|r| r.id);
        return Ok(requests);
    }
    let terms = TermArgs {
        terms: args.ids.clone(),
    };
    let filter = filter_from_args(&terms, &args.filter, Timestamp::now())?;
    let mut requests = Vec::new();
    store.for_each_request::<anyhow::Error>(&filter, true, |r| {
        requests.push(r);
        Ok(())
    })?;
    if requests.is_empty() {
        return Err(CliError::NotFound("no requests match".into()).into());
    }
    Ok(requests)
}

fn has_filters(f: &FilterArgs) -> bool {
    f.method.is_some() || f.path.is_some() || f.session.is_some() || f.since.is_some()
}

/// The forward target of the session that captured `r`
/// ([`replay::default_destination`]); an error naming `--to` when there is none.
fn session_target(
    store: &Store,
    r: &CapturedRequest,
    known: &mut HashMap<i64, Option<Target>>,
) -> anyhow::Result<Target> {
    let target = match known.entry(r.session_id) {
        Entry::Occupied(e) => e.get().clone(),
        Entry::Vacant(e) => {
            let session = store.session(r.session_id)?;
            e.insert(replay::default_destination(session.as_ref()))
                .clone()
        }
    };
    target.ok_or_else(|| {
        CliError::Usage(format!(
            "request {} was not captured by `hookcap forward`, so it has no destination: pass --to URL",
            r.id
        ))
        .into()
    })
}

/// Sends every job `--times` times, storing and printing each attempt.
fn send_all(store: &Store, jobs: &[Job], args: &ReplayArgs, ctx: &Context) -> anyhow::Result<Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let total = jobs.len() * args.times as usize;
    let mut report = Report::new(ctx, args.json, total);
    for job in jobs {
        for _ in 0..args.times {
            report.progress(job.request_id);
            let attempt = runtime.block_on(replay::send(
                job.request_id,
                &job.outgoing,
                &job.dest,
                args.timeout,
            ));
            let id = store
                .insert_delivery(&attempt)
                .context("recording the delivery")?;
            report.attempt(
                &job.outgoing,
                Delivery {
                    id,
                    delivery: attempt,
                },
            )?;
        }
    }
    report.finish()
}

/// What is printed while replaying: a line (or JSON object) per attempt, the
/// answer's body after a single attempt, and a counter on a terminal's stderr.
struct Report<'a> {
    ctx: &'a Context,
    json: bool,
    total: usize,
    done: usize,
    succeeded: usize,
    progress: bool,
}

impl<'a> Report<'a> {
    fn new(ctx: &'a Context, json: bool, total: usize) -> Self {
        Self {
            ctx,
            json,
            total,
            done: 0,
            succeeded: 0,
            progress: total > 1 && std::io::stderr().is_terminal(),
        }
    }

    fn progress(&self, request_id: i64) {
        if self.progress {
            eprint!(
                "\r\x1b[2K[{}/{}] sending #{request_id}",
                self.done + 1,
                self.total
            );
        }
    }

    fn clear_progress(&self) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
    }

    fn attempt(&mut self, outgoing: &Outgoing, d: Delivery) -> anyhow::Result<()> {
        self.done += 1;
        self.succeeded += usize::from(d.succeeded());
        self.clear_progress();
        let mut out = std::io::stdout().lock();
        if self.json {
            json::write_line(&mut out, &DeliveryDoc::of(&d))?;
        } else {
            writeln!(out, "{}", self.line(outgoing, &d))?;
            if self.total == 1 {
                self.write_body(&mut out, &d)?;
            }
        }
        out.flush()?;
        Ok(())
    }

    /// `#12 POST http://localhost:3000/hook → 200 14ms`.
    fn line(&self, outgoing: &Outgoing, d: &NewDelivery) -> String {
        let paint = &self.ctx.paint;
        let status = match d.status() {
            Some(s) => paint.status(s),
            None => paint.paint("no answer", Style::Red),
        };
        let mut line = format!(
            "{} {} {} → {} {}",
            paint.paint(&format!("#{}", d.request_id), Style::Bold),
            paint.method(&outgoing.method),
            sanitize(&d.destination),
            status,
            paint.paint(&short_duration(d.duration), Style::Dim),
        );
        if let Some(e) = &d.error {
            line.push_str(&format!(" ({})", sanitize(e)));
        }
        line
    }

    fn write_body(&self, out: &mut impl Write, d: &NewDelivery) -> std::io::Result<()> {
        let Some(r) = d.response.as_ref().filter(|r| !r.body.is_empty()) else {
            return Ok(());
        };
        let text = if self.ctx.stdout_is_tty {
            render_body(&r.headers, &r.body, &self.ctx.paint, BodyOptions::default())
        } else {
            sanitize_bytes_multiline(&r.body)
        };
        write!(out, "{text}")?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Exit> {
        self.clear_progress();
        if self.total > 1 && !self.json {
            eprintln!(
                "hookcap: {} of {} attempts got a 2xx answer",
                self.succeeded, self.total
            );
        }
        Ok(if self.succeeded == self.total {
            Exit::Success
        } else {
            Exit::Negative
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_id_counts_as_set_when_h_names_it_or_an_edit_changed_it() {
        let h = |pairs: &[(&str, &str)]| -> Vec<Header> {
            pairs.iter().map(|(n, v)| Header::new(*n, *v)).collect()
        };
        let stored = h(&[("webhook-id", "msg_1"), ("X-A", "1")]);
        let same = stored.clone();
        let cases = [
            (same.clone(), h(&[]), false),
            (same.clone(), h(&[("X-A", "2")]), false),
            (same.clone(), h(&[("Webhook-Id", "msg_1")]), true),
            (same.clone(), h(&[("SVIX-ID", "msg_2")]), true),
            (h(&[("webhook-id", "msg_9"), ("X-A", "1")]), h(&[]), true),
            (h(&[("X-A", "1")]), h(&[]), true),
            (h(&[("X-A", "1"), ("webhook-id", "msg_1")]), h(&[]), false),
        ];
        for (sent, set, expected) in cases {
            assert_eq!(
                user_set_message_id(&stored, &sent, &set),
                expected,
                "{sent:?} {set:?}"
            );
        }
    }
}
