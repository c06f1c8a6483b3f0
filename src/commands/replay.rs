//! `hookcap replay ID|last [...]`: send stored requests again (see
//! [`crate::replay`]) and record every attempt as a delivery.
//!
//! Requests go to `--to URL`, or else to the forward target of the session
//! that captured them; with neither, nothing is sent. Several ids (or `--all`
//! with filter terms) are sent in capture order, each `--times N` times, with a
//! counter on stderr when it is a terminal. The exit status is 0 only when
//! every attempt got a 2xx answer. With `--resign PROVIDER` the request is
//! signed again after every change (once, so `--times` repeats it exactly).

mod edit;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{IsTerminal, Write};

use anyhow::Context as _;

use super::Context;
use super::listen::{parse_header, read_body_arg};
use super::ls::filter_from_args;
use super::secret;
use super::show::find;
use crate::cli::{FilterArgs, ReplayArgs, TermArgs};
use crate::document::DeliveryDoc;
use crate::error::{CliError, Exit};
use crate::http::Target;
use crate::model::{CapturedRequest, Delivery, Header, HeaderList, NewDelivery, Timestamp};
use crate::render::body::{BodyOptions, render_body};
use crate::render::color::Style;
use crate::render::summary::short_duration;
use crate::render::{sanitize, sanitize_bytes_multiline};
use crate::replay::{self, Outgoing};
use crate::sign::{self, Provider, ProviderKind, Secret, SignInput};
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
    resign: Option<Resigner>,
}

/// `--resign PROVIDER`: the scheme and the secret to sign with.
struct Resigner {
    kind: ProviderKind,
    provider: Box<dyn Provider>,
    secret: Secret,
}

impl Resigner {
    fn resolve(args: &ReplayArgs) -> Result<Option<Self>, CliError> {
        let Some(kind) = args.resign else {
            return Ok(None);
        };
        let secret = secret::require(&args.secret)?;
        let hmac = secret::hmac_spec(Some(kind), &args.hmac)?;
        let provider = sign::provider(kind, hmac)
            .map_err(|e| CliError::Usage(format!("--resign {}: {e}", kind.name())))?;
        Ok(Some(Self {
            kind,
            provider,
            secret,
        }))
    }

    /// Signs `out` as it will go to `dest`, now: each signature header the
    /// scheme writes replaces the old one in place (or is appended), with a
    /// fresh timestamp and, for Standard Webhooks and Svix, a fresh message
    /// id. Twilio signs the URL: a JSON body's `bodySHA256` parameter is
    /// computed again.
    fn apply(&self, out: &mut Outgoing, dest: &Target) -> Result<(), CliError> {
        if self.kind == ProviderKind::Twilio {
            out.target = without_query_param(&out.target, "bodySHA256");
        }
        let url = dest.url_for(&out.target);
        let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let needs_id = matches!(self.kind, ProviderKind::Standard | ProviderKind::Svix);
        let content_type = out.headers.get_str("content-type");
        let input = SignInput {
            body: &out.body,
            timestamp: Timestamp::now(),
            message_id: needs_id.then_some(message_id.as_str()),
            url: Some(&url),
            content_type: content_type.as_deref(),
        };
        let signed = self
            .provider
            .sign(&self.secret, &input)
            .map_err(|e| CliError::Usage(format!("--resign {}: {e}", self.kind.name())))?;
        if let Some(changed) = &signed.url {
            let Some(suffix) = changed.strip_prefix(&url) else {
                return Err(CliError::Usage(format!(
                    "--resign {}: the signed URL {changed} does not extend {url}",
                    self.kind.name()
                )));
            };
            out.target.push_str(suffix);
        }
        for header in signed.headers {
            out.set_header(header);
        }
        Ok(())
    }
}

/// `target` without any `name=…` query parameter (and without a `?` left empty).
fn without_query_param(target: &str, name: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some(name))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
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
            resign: Resigner::resolve(args)?,
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
    if let Some(resign) = &changes.resign {
        resign.apply(&mut outgoing, &dest)?;
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
            writeln!(out, "{}", serde_json::to_string(&DeliveryDoc::of(&d))?)?;
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
    use crate::sign::{Message, VerifyOptions};

    fn resigner(kind: ProviderKind) -> Resigner {
        let secret = match kind {
            // Standard Webhooks secrets are base64 keys.
            ProviderKind::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            _ => "S",
        };
        Resigner {
            kind,
            provider: sign::provider(kind, None).unwrap(),
            secret: Secret::from_bytes(secret),
        }
    }

    fn outgoing(target: &str, headers: &[(&str, &str)], body: &[u8]) -> Outgoing {
        Outgoing {
            method: "POST".into(),
            target: target.into(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            body: body.to_vec(),
        }
    }

    fn verifies(r: &Resigner, out: &Outgoing, dest: &Target) -> bool {
        let url = dest.url_for(&out.target);
        let msg = Message {
            headers: &out.headers,
            body: &out.body,
            url: Some(&url),
        };
        let opts = VerifyOptions::at(Timestamp::now());
        r.provider.verify(&r.secret, &msg, &opts).outcome == sign::Outcome::Valid
    }

    #[test]
    fn old_signature_headers_are_replaced_in_place() {
        let dest = Target::parse("http://127.0.0.1:9/base").unwrap();
        let r = resigner(ProviderKind::Github);
        let mut out = outgoing(
            "/hook",
            &[
                ("Host", "x"),
                ("x-hub-signature-256", "sha256=old"),
                ("X-GitHub-Event", "push"),
            ],
            b"{\"changed\":true}",
        );
        r.apply(&mut out, &dest).unwrap();
        let names: Vec<&str> = out.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Host",
                "x-hub-signature-256",
                "X-GitHub-Event",
                "X-Hub-Signature"
            ]
        );
        assert_ne!(out.headers[1].value, b"sha256=old");
        assert!(verifies(&r, &out, &dest));
    }

    #[test]
    fn standard_webhooks_get_a_fresh_message_id() {
        let dest = Target::parse("3000").unwrap();
        let r = resigner(ProviderKind::Standard);
        let mut out = outgoing("/hook", &[("webhook-id", "msg_old")], b"{}");
        r.apply(&mut out, &dest).unwrap();
        let id = out.headers.get_str("webhook-id").unwrap();
        assert!(id.starts_with("msg_") && id != "msg_old", "{id}");
        assert_eq!(out.headers.len(), 3, "id, timestamp, signature once each");
        assert!(verifies(&r, &out, &dest));
    }

    #[test]
    fn twilio_json_bodies_get_a_new_body_hash_in_the_url() {
        let dest = Target::parse("3000").unwrap();
        let r = resigner(ProviderKind::Twilio);
        let mut out = outgoing(
            "/sms?a=1&bodySHA256=stale",
            &[("Content-Type", "application/json")],
            b"{\"x\":2}",
        );
        r.apply(&mut out, &dest).unwrap();
        assert!(
            out.target.starts_with("/sms?a=1&bodySHA256="),
            "{}",
            out.target
        );
        assert!(!out.target.contains("stale"));
        assert!(verifies(&r, &out, &dest));
    }

    #[test]
    fn query_parameters_are_dropped_by_name() {
        assert_eq!(without_query_param("/a?b=1&c=2", "b"), "/a?c=2");
        assert_eq!(without_query_param("/a?b=1", "b"), "/a");
        assert_eq!(without_query_param("/a", "b"), "/a");
        assert_eq!(without_query_param("/a?bb=1", "b"), "/a?bb=1");
    }
}
