//! `SendArgs` → a validated [`SendConfig`], in one function. The request is
//! prepared once here as a trial, so every usage mistake (bad header, unreadable
//! file, unusable secret, bad `--set`) is exit 2 before anything is sent.

use std::io::Read as _;
use std::path::PathBuf;

use bytes::Bytes;

use crate::cli::{RequestArgs, SendArgs, SignArgs};
use crate::commands::shared::secret;
use crate::error::CliError;
use crate::http::expand_shorthand;
use crate::send::data::{self, DataFlag};
use crate::send::load::LoadPlan;
use crate::send::multipart::parse_form_arg;
use crate::send::request::{basic_auth, parse_url};
use crate::send::retry::RetryPolicy;
use crate::send::templates::{self, SetOp, Template};
use crate::send::{
    BodySpec, BuildError, ClientOptions, Draft, SystemFresh, WireRequest, append_query, with_query,
};
use crate::sign::Signer;

/// What to print and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOptions {
    /// `-i`: response headers too.
    pub include: bool,
    /// `-v`: the request as sent too.
    pub verbose: bool,
    /// `-o FILE` (`-` for raw bytes on stdout).
    pub file: Option<PathBuf>,
    /// `--max-response`: the most body bytes read.
    pub max_response: u64,
    /// `--compressed`: answers are decoded.
    pub decode: bool,
    /// `--json-result`.
    pub json: bool,
    /// `--no-fail`: any response exits 0.
    pub any_status: bool,
}

/// Everything `send` needs, checked.
#[derive(Debug)]
pub struct SendConfig {
    /// The request.
    pub draft: Draft,
    /// The signer, when signing.
    pub signer: Option<Signer>,
    /// Client settings.
    pub client: ClientOptions,
    /// Retry settings.
    pub retry: RetryPolicy,
    /// How many requests, how many at once.
    pub plan: LoadPlan,
    /// Output settings.
    pub output: OutputOptions,
}

fn usage(e: BuildError) -> CliError {
    CliError::Usage(e.to_string())
}

impl SendConfig {
    /// Validates the arguments and reads every file they name (stdin at most once).
    pub fn resolve(args: &SendArgs) -> Result<Self, CliError> {
        let url = args
            .url
            .as_deref()
            .ok_or_else(|| CliError::Usage("a URL is required".into()))?;
        let req = &args.request;
        let query = req
            .query
            .iter()
            .map(|q| split_pair(q, "--query"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut reader = FileReader::default();
        let mut read = |p: &str| reader.read(p);
        let mut url = with_query(&expand_shorthand(url), &query);
        for arg in &req.url_query {
            url = append_query(&url, &data::url_query(arg, &mut read).map_err(usage)?);
        }
        let template = args
            .template
            .template
            .as_deref()
            .map(templates::load)
            .transpose()
            .map_err(usage)?;
        let mut body = body(req, template.clone(), &args.template.set, &mut read)?;
        if req.get {
            // -G: the data goes into the query, and there is no body.
            if let BodySpec::Data { data, .. } = std::mem::replace(&mut body, BodySpec::None) {
                url = append_query(&url, &String::from_utf8_lossy(&data));
            }
        }
        let (url, host, url_auth) = parse_url(&url).map_err(usage)?;
        let draft = Draft {
            method: req.method.clone().map(validate_method).transpose()?,
            url,
            host,
            auth: match &req.user {
                Some(u) => Some(basic_auth(u).map_err(usage)?),
                None => url_auth,
            },
            user_agent: req.user_agent.clone(),
            compressed: req.compressed,
            edits: req
                .headers
                .iter()
                .map(|h| h.parse())
                .collect::<Result<_, _>>()
                .map_err(usage)?,
            body,
        };
        let signer = signer(&args.signing, template.as_ref())?;
        let trial = draft
            .prepare(&mut SystemFresh, signer.as_ref())
            .map_err(usage)?;
        WireRequest::of(&trial).map_err(usage)?;
        let o = &args.output;
        if args.load.repeat > 1 && (o.include || o.verbose || o.output.is_some()) {
            return Err(CliError::Usage(
                "-i, -v and -o show one exchange; with --repeat the output is the summary".into(),
            ));
        }
        let concurrency = args.load.concurrency.min(args.load.repeat);
        Ok(Self {
            client: ClientOptions {
                insecure: args.transfer.insecure,
                timeout: args.transfer.timeout,
                max_response: args.output.max_response.as_u64(),
                decode: req.compressed,
            },
            draft,
            signer,
            retry: RetryPolicy::new(args.transfer.retry, args.transfer.retry_max_time),
            plan: LoadPlan {
                requests: args.load.repeat,
                concurrency,
            },
            output: OutputOptions {
                include: args.output.include,
                verbose: args.output.verbose,
                file: args.output.output.clone(),
                max_response: args.output.max_response.as_u64(),
                decode: req.compressed,
                json: args.output.json_result,
                any_status: args.output.no_fail,
            },
        })
    }
}

/// `name=value` (the value may be empty, the `=` may not be missing).
fn split_pair(arg: &str, option: &str) -> Result<(String, String), CliError> {
    arg.split_once('=')
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .ok_or_else(|| CliError::Usage(format!("{option} {arg:?}: expected name=value")))
}

fn validate_method(m: String) -> Result<String, CliError> {
    let ok = !m.is_empty()
        && m.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if ok {
        Ok(m)
    } else {
        Err(CliError::Usage(format!("invalid method {m:?}")))
    }
}

/// The body from whichever of template, the data options, `-F` was given
/// (clap rejects combinations).
fn body(
    req: &RequestArgs,
    template: Option<Template>,
    sets: &[String],
    read: &mut data::ReadFile<'_>,
) -> Result<BodySpec, CliError> {
    if let Some(template) = template {
        let sets: Vec<SetOp> = sets
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()
            .map_err(usage)?;
        return Ok(BodySpec::Template {
            template: Box::new(template),
            sets,
        });
    }
    let items = &req.data.items;
    if !items.is_empty() {
        return Ok(BodySpec::Data {
            data: Bytes::from(data::join(items, read).map_err(usage)?),
            json: items.iter().any(|(flag, _)| *flag == DataFlag::Json),
        });
    }
    if !req.form.is_empty() {
        let parts = req
            .form
            .iter()
            .map(|f| parse_form_arg(f, read))
            .collect::<Result<_, _>>()
            .map_err(usage)?;
        return Ok(BodySpec::Multipart(parts));
    }
    Ok(BodySpec::None)
}

/// The signer: `--sign`, or the template's provider when a secret is given.
/// A secret with nothing to sign is ignored (it may come from `HOOKCAP_SECRET`).
fn signer(args: &SignArgs, template: Option<&Template>) -> Result<Option<Signer>, CliError> {
    let secret = secret::resolve(&args.secret)?;
    let kind = match (args.sign, &secret) {
        (Some(kind), Some(_)) => kind,
        (Some(kind), None) => {
            return Err(CliError::Usage(format!(
                "--sign {kind} needs a secret: pass --secret-env VAR, --secret-file PATH or --secret VALUE, or set HOOKCAP_SECRET"
            )));
        }
        (None, Some(_)) => match template {
            Some(t) => t.provider,
            None => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    let Some(secret) = secret else {
        return Ok(None);
    };
    if kind == crate::sign::ProviderKind::Hmac && args.hmac.sig_header.is_none() {
        return Err(CliError::Usage(
            "--sign hmac needs --sig-header NAME".into(),
        ));
    }
    let spec = secret::hmac_spec(Some(kind), &args.hmac)?;
    Signer::new(kind, spec, secret)
        .map(Some)
        .map_err(|e| CliError::Usage(format!("cannot sign: {e}")))
}

/// Reads `@FILE` arguments; `-` is stdin, read once and shared.
#[derive(Debug, Default)]
struct FileReader {
    stdin: Option<Vec<u8>>,
}

impl FileReader {
    fn read(&mut self, path: &str) -> Result<Vec<u8>, BuildError> {
        let err = |e: std::io::Error| BuildError::Read {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        if path != "-" {
            return std::fs::read(path).map_err(err);
        }
        if self.stdin.is_none() {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(err)?;
            self.stdin = Some(buf);
        }
        Ok(self.stdin.clone().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::model::HeaderList;
    use crate::send::request::FORM_CONTENT_TYPE;

    fn resolve(line: &[&str]) -> Result<SendConfig, String> {
        let mut argv = vec!["hookcap", "send"];
        argv.extend_from_slice(line);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.kind().to_string())?;
        let Command::Send(args) = cli.command else {
            unreachable!()
        };
        SendConfig::resolve(&args).map_err(|e| e.to_string())
    }

    fn prepared(line: &[&str]) -> crate::send::Prepared {
        let c = resolve(line).unwrap();
        c.draft
            .prepare(&mut SystemFresh, c.signer.as_ref())
            .unwrap()
    }

    #[test]
    fn body_options_table() {
        let table: [(&[&str], &str, Option<&str>, &str); 6] = [
            (&[":1/x"], "GET", None, ""),
            (
                &[":1/x", "-d", "a=1", "-d", "b=2"],
                "POST",
                Some(FORM_CONTENT_TYPE),
                "a=1&b=2",
            ),
            (
                &[":1/x", "--data-binary", "a\nb"],
                "POST",
                Some(FORM_CONTENT_TYPE),
                "a\nb",
            ),
            (
                &[":1/x", "--json", "{\"a\":", "--json", "1}"],
                "POST",
                Some("application/json"),
                "{\"a\":1}",
            ),
            (
                &[":1/x", "-X", "PUT", "-d", "x"],
                "PUT",
                Some(FORM_CONTENT_TYPE),
                "x",
            ),
            (&[":1/x", "-X", "DELETE"], "DELETE", None, ""),
        ];
        for (line, method, ct, body) in table {
            let p = prepared(line);
            assert_eq!(p.method, method, "{line:?}");
            assert_eq!(
                p.headers().get_str("content-type").as_deref(),
                ct,
                "{line:?}"
            );
            assert_eq!(
                p.body.as_deref().unwrap_or_default(),
                body.as_bytes(),
                "{line:?}"
            );
        }
        let p = prepared(&[":1/x", "--json", "{}"]);
        assert_eq!(
            p.headers().get_str("accept").as_deref(),
            Some("application/json")
        );
    }

    #[test]
    fn usage_mistakes_are_rejected_before_sending() {
        let table: [&[&str]; 13] = [
            &[":1", "--repeat", "2", "-v"],
            &[":1", "-d", "a", "--json", "b"],
            &[":1", "-d", "a", "-F", "b=c"],
            &[":1", "--template", "github.push", "-d", "x"],
            &[":1", "--template", "nope"],
            &[
                ":1",
                "--template",
                "github.push",
                "--set",
                "/missing/deep=1",
            ],
            &[":1", "--set", "/a=1"],
            &[":1", "-H", "no colon"],
            &[":1", "-d", "@/does/not/exist"],
            &[":1", "--sign", "github"],
            &[":1", "--sign", "hmac", "--secret", "s"],
            &[":1", "--sign", "standard", "--secret", "not-base64!"],
            &["ftp://x/"],
        ];
        for line in table {
            assert!(resolve(line).is_err(), "{line:?} was accepted");
        }
        assert!(
            resolve(&[":1", "--secret", "s", "-d", "x"])
                .unwrap()
                .signer
                .is_none()
        );
    }

    #[test]
    fn templates_imply_their_signer() {
        let c = resolve(&[":1/gh", "--template", "github.push", "--secret", "s3cret"]).unwrap();
        assert_eq!(c.signer.unwrap().kind(), crate::sign::ProviderKind::Github);
        let c = resolve(&[":1/gh", "--template", "github.push"]).unwrap();
        assert!(c.signer.is_none());
        let c = resolve(&[
            ":1",
            "--template",
            "github.ping",
            "--sign",
            "stripe",
            "--secret",
            "s",
        ])
        .unwrap();
        assert_eq!(c.signer.unwrap().kind(), crate::sign::ProviderKind::Stripe);
    }

    #[test]
    fn url_query_auth_and_load_settings() {
        let c = resolve(&[
            "https://u:p@example.com/a?x=1",
            "--query",
            "q=a b",
            "-u",
            "me:pw",
            "--repeat",
            "3",
            "--concurrency",
            "8",
        ])
        .unwrap();
        assert_eq!(c.draft.url, "https://example.com/a?x=1&q=a+b");
        assert_eq!(c.draft.auth.unwrap().value_str(), "Basic bWU6cHc=");
        assert_eq!((c.plan.requests, c.plan.concurrency), (3, 3));
        assert!(resolve(&[":1", "--query", "novalue"]).is_err());
        assert!(resolve(&[":1", "--repeat", "0"]).is_err());
    }
}
