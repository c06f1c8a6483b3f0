
use builtin;
use str;

set edit:completion:arg-completer[hookcap] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hookcap'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hookcap'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand listen 'Capture every HTTP request sent to a local port'
            cand forward 'Capture every request, pass it on to your app, and record the app''s answer'
            cand replay 'Send stored requests again, to the app or anywhere else'
            cand ls 'List captured requests, newest first'
            cand show 'Print one captured request in full'
            cand ui 'Browse captured requests in the interactive inspector, live as they arrive'
            cand wait 'Block until requests matching a filter are captured (for CI)'
            cand export 'Write captured requests as HAR, NDJSON, curl or HTTPie commands'
            cand import 'Add requests from a HAR or NDJSON file, as a new session'
            cand deliveries 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender''s retries'
            cand diff 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature'
            cand rm 'Delete captured requests by id, or all that match a filter'
            cand prune 'Delete requests older than a given age and reclaim the space'
            cand verify 'Check a captured request''s webhook signature and explain a mismatch'
            cand send 'Send a request (or a realistic, signed webhook) to any URL, like curl'
            cand relay 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop'
            cand generate 'Write shell completions and man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;listen'= {
            cand --keep 'Keep only the newest N requests in the database, deleting older ones as new ones arrive'
            cand --host 'Address to bind; the default is loopback only, never all interfaces unless asked'
            cand -p 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --port 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --status 'Status code to answer with'
            cand --body 'Response body: text, or @FILE to read a file'
            cand -H 'Response header ''Name: value'' (repeatable)'
            cand --header 'Response header ''Name: value'' (repeatable)'
            cand --delay 'Wait this long after storing before answering (e.g. 250ms, 2s)'
            cand --respond 'Answer requests matching FILTER with ANSWER (repeatable, first match wins; the flags above answer the rest), e.g. ''provider:stripe => 503 Retry-After:2, 200'' (see docs/rules.md)'
            cand --rules 'Answer rules from a TOML file, checked after the --respond rules (see docs/rules.md)'
            cand --seed 'Seed for the rules'' rates (p=0.2), so a run can be repeated'
            cand --max-body 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated'
            cand --header-timeout 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)'
            cand --body-timeout 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)'
            cand --max-connections 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]'
            cand --max-inflight-body 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)'
            cand --drain-timeout 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)'
            cand --verify 'Verify each request''s signature (auto, github, stripe, …) and store the verdict'
            cand --tolerance 'With --verify: largest accepted age (or future skew) of a signed timestamp'
            cand --require-token 'Answer 401 to requests whose --token-header is not this token (still stored)'
            cand --token-header 'The header --require-token reads'
            cand --allow-ip 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --exit-after 'Exit 0 once this many requests have been captured (and, in forward mode, answered)'
            cand --timeout 'With --exit-after: give up after this long and exit 124'
            cand --match 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)'
            cand --via 'Also pull this relay channel (https://HOST/c/NAME) into the listener'
            cand --token-env 'With --via: the environment variable holding the channel''s token'
            cand --consumer 'With --via: this laptop''s name on the relay, with its own cursor [default: user@host]'
            cand --from 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id'
            cand --via-ca 'With --via: trust only the certificates in this PEM file (a relay with a private CA)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --no-tui 'Print one line per request instead of the interactive view'
            cand --json 'Print NDJSON events (implies --no-tui)'
            cand --reject-invalid 'With --verify: answer 401 to invalid or unsigned requests (still stored)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;forward'= {
            cand --upstream-timeout 'How long the app may take to answer in full before the sender gets 504'
            cand --host 'Address to bind; the default is loopback only, never all interfaces unless asked'
            cand -p 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --port 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --max-body 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated'
            cand --header-timeout 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)'
            cand --body-timeout 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)'
            cand --max-connections 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]'
            cand --max-inflight-body 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)'
            cand --drain-timeout 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)'
            cand --verify 'Verify each request''s signature (auto, github, stripe, …) and store the verdict'
            cand --tolerance 'With --verify: largest accepted age (or future skew) of a signed timestamp'
            cand --require-token 'Answer 401 to requests whose --token-header is not this token (still stored)'
            cand --token-header 'The header --require-token reads'
            cand --allow-ip 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --exit-after 'Exit 0 once this many requests have been captured (and, in forward mode, answered)'
            cand --timeout 'With --exit-after: give up after this long and exit 124'
            cand --match 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)'
            cand --via 'Also pull this relay channel (https://HOST/c/NAME) into the listener'
            cand --token-env 'With --via: the environment variable holding the channel''s token'
            cand --consumer 'With --via: this laptop''s name on the relay, with its own cursor [default: user@host]'
            cand --from 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id'
            cand --via-ca 'With --via: trust only the certificates in this PEM file (a relay with a private CA)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --preserve-host 'Pass the sender''s Host header on instead of the target''s'
            cand -k 'Skip TLS certificate verification of an https:// target (self-signed dev certs)'
            cand --insecure 'Skip TLS certificate verification of an https:// target (self-signed dev certs)'
            cand --no-tui 'Print one line per request instead of the interactive view'
            cand --json 'Print NDJSON events (implies --no-tui)'
            cand --reject-invalid 'With --verify: answer 401 to invalid or unsigned requests (still stored)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;replay'= {
            cand --to 'Base URL to send to; the stored path is appended [default: the forward target of the session that captured it]'
            cand -H 'Add or replace a header ''Name: value'' (repeatable)'
            cand --header 'Add or replace a header ''Name: value'' (repeatable)'
            cand --body 'Replace the body: text, or @FILE to read a file'
            cand --resign 'Sign again after the changes, as this provider does: its old signature headers are replaced by fresh ones'
            cand --times 'Send each request this many times'
            cand --timeout 'Give up on an attempt that has not been answered in full after this long'
            cand --method 'Only this method (case-insensitive)'
            cand --path 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path'
            cand --session 'Only this session: a session id, or ''latest'''
            cand --since 'Only requests since a duration ago (10m, 2h) or a time (''2026-01-02 15:04'' local, or with a zone)'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --all 'Send every request the filter terms (and flags) match, oldest first'
            cand --edit 'Edit the request in $EDITOR (request line, headers, blank line, body) before sending'
            cand --json 'Print one JSON object per attempt (NDJSON)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;ls'= {
            cand -n 'Show at most this many requests'
            cand --limit 'Show at most this many requests'
            cand --method 'Only this method (case-insensitive)'
            cand --path 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path'
            cand --session 'Only this session: a session id, or ''latest'''
            cand --since 'Only requests since a duration ago (10m, 2h) or a time (''2026-01-02 15:04'' local, or with a zone)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print NDJSON, one object per request'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;show'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --raw 'Write the exact body bytes to stdout, nothing else'
            cand --json 'Print one JSON document with everything captured'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;ui'= {
            cand --filter 'Start with this filter, as typed after /: filter terms on one line (see below)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --follow 'Keep the newest request selected as new ones arrive'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;wait'= {
            cand -n 'How many matching requests to wait for'
            cand --count 'How many matching requests to wait for'
            cand --timeout 'Give up after this long and exit 1'
            cand --session 'Which session counts: latest (whichever is newest, even one started later), any, or a session id [default: latest; any with --new]'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --new 'Count only requests stored after `wait` started (default: the whole latest session)'
            cand --json 'Print each matching request as a `show --json` document (NDJSON)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;export'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to this file instead of stdout'
            cand --output 'Write to this file instead of stdout'
            cand --url 'Base URL the commands (and HAR URLs) point at [default: http:// + each request''s Host header]'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --preserve-host 'With --url, scripts keep each request''s own Host header instead of the destination''s (as replay --to sets it)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;import'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;deliveries'= {
            cand --provider 'With a secret: the signature scheme (auto detects it from the headers)'
            cand --tolerance 'With a secret: largest accepted age of a signed timestamp, at capture time'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --strict 'Exit 1 when any verdict fails (for CI)'
            cand --json 'Print NDJSON, one object per delivery'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;diff'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print the differences as one JSON document'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;rm'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --all 'Delete every request matching the filter terms (all requests without terms)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --vacuum 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;prune'= {
            cand --older-than 'Delete requests received longer ago than this (e.g. 7d, 12h)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --vacuum 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;verify'= {
            cand --provider 'Signature scheme: auto, github, gitlab, stripe, slack, standard, svix, shopify, twilio, hmac'
            cand --tolerance 'Largest accepted age (or future skew) of a signed timestamp'
            cand --url 'The public URL the provider posted to (Twilio signs it; behind a tunnel it differs)'
            cand --body-file 'The body as your framework saw it, to explain body mismatches'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --now 'Measure timestamps against the wall clock instead of the capture time'
            cand --json 'Print the verdict as one JSON document'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;send'= {
            cand -X 'Request method [default: POST with a body, GET without]'
            cand --request 'Request method [default: POST with a body, GET without]'
            cand -H 'Request header, sent exactly as typed and in the order given, like curl: ''Name: value''; ''Name:'' removes a default header, ''Name;'' sends it empty'
            cand --header 'Request header, sent exactly as typed and in the order given, like curl: ''Name: value''; ''Name:'' removes a default header, ''Name;'' sends it empty'
            cand -d 'Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with ''&''; form content type'
            cand --data 'Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with ''&''; form content type'
            cand --data-raw 'Like -d, but ''@'' has no special meaning'
            cand --data-binary 'Body bytes exactly as given (@FILE, @- for stdin); repeats joined with ''&''; form content type'
            cand --data-urlencode 'Form-encoded data like curl: content, =content, name=content, @FILE, name@FILE (the content is encoded)'
            cand --json 'JSON body (@FILE, @- for stdin), with JSON Content-Type and Accept, like curl --json; repeats are concatenated'
            cand -F 'Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)'
            cand --form 'Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)'
            cand --url-query 'Query part appended to the URL like curl --url-query: content, name=content, =content, @FILE, name@FILE are form-encoded; +TEXT is added as it is (repeatable)'
            cand --query 'Query parameter name=value appended to the URL, both sides form-encoded (repeatable)'
            cand -u 'Basic authentication as user:password'
            cand --user 'Basic authentication as user:password'
            cand -A 'User-Agent header ('''' sends none) [default: hookcap/VERSION, or the template''s]'
            cand --user-agent 'User-Agent header ('''' sends none) [default: hookcap/VERSION, or the template''s]'
            cand --template 'Send a provider''s sample webhook with the headers it really sends (see --list-templates)'
            cand --set 'Edit the template before sending: an RFC 6901 JSON pointer and a value (JSON if it parses, else a string)'
            cand --sign 'Sign the exact bytes sent the way this provider does [default: the template''s provider when a secret is given]'
            cand --secret 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)'
            cand --secret-env 'Read the secret from this environment variable'
            cand --secret-file 'Read the secret from this file (one trailing newline is ignored)'
            cand --sig-header 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature'
            cand --algo 'With the hmac scheme (--provider/--sign hmac): the hash algorithm'
            cand --encoding 'With the hmac scheme (--provider/--sign hmac): how the MAC is written'
            cand --prefix 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)'
            cand --timeout 'Give up on a request after this long (e.g. 10s, 500ms) [default: no limit]'
            cand --retry 'Retry connect errors, timeouts, 429 and 5xx up to N times, with exponential backoff and jitter, honouring Retry-After'
            cand --retry-max-time 'Stop retrying once this much time has passed since the first attempt (e.g. 30s)'
            cand --repeat 'Send the request N times (each with a fresh delivery id and signature) and print a summary'
            cand --concurrency 'With --repeat: requests in flight at once, over this many connections'
            cand -o 'Write the response body to FILE as it arrives (''-'' for the exact bytes on stdout, nothing else)'
            cand --output 'Write the response body to FILE as it arrives (''-'' for the exact bytes on stdout, nothing else)'
            cand --max-response 'Stop reading an answer whose body is larger than this (e.g. 1MiB, 2GiB) and fail'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -G 'Put the data options in the URL''s query and send a GET, like curl -G'
            cand --get 'Put the data options in the URL''s query and send a GET, like curl -G'
            cand --compressed 'Ask for a compressed answer (Accept-Encoding: deflate, gzip, br, zstd, as curl sends it) and decode it'
            cand --list-templates 'List the templates with one-line descriptions, then exit'
            cand -k 'Skip TLS certificate verification (self-signed test servers)'
            cand --insecure 'Skip TLS certificate verification (self-signed test servers)'
            cand -i 'Also print the response headers'
            cand --include 'Also print the response headers'
            cand -v 'Also print the request as sent (line, headers, body) before the response'
            cand --verbose 'Also print the request as sent (line, headers, body) before the response'
            cand --json-result 'Print one JSON object (request as sent, response, timing; or the --repeat summary) for scripts'
            cand --no-fail 'Exit 0 for any response, whatever its status (transport errors still exit 1)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay'= {
            cand --host 'Address to bind (0.0.0.0 for every interface)'
            cand -p 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --port 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --tls-cert 'Serve HTTPS with this PEM certificate chain (with --tls-key)'
            cand --tls-key 'The PEM private key of --tls-cert'
            cand --public-url 'The public base URL senders and laptops use (printed in channel URLs)'
            cand --max-body 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated'
            cand --header-timeout 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)'
            cand --body-timeout 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)'
            cand --max-connections 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]'
            cand --max-inflight-body 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)'
            cand --drain-timeout 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)'
            cand --rate 'Each channel''s rate limit: N/s, N/m or N/h; more get 429 with Retry-After (off: none)'
            cand --keep 'Keep at most N requests per channel, deleting the oldest'
            cand --max-age 'Delete requests older than this (e.g. 7d, 12h), delivered or not; 0 keeps them'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand channel 'Add, list, remove channels or give one a new token (on the relay''s database)'
            cand status 'Show a channel''s backlog and consumers from anywhere, with the channel''s token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;relay;channel'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Create a channel and print its token (shown once, stored only as a hash)'
            cand ls 'List channels: created, requests stored, consumers with their cursor and last seen'
            cand rm 'Remove a channel with its consumers and stored requests'
            cand rotate 'Give a channel a new token (connected consumers are disconnected)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;relay;channel;add'= {
            cand --answer 'When senders are answered'
            cand --status 'With --answer now: the status senders get'
            cand --body 'With --answer now: the body senders get: text, or @FILE'
            cand --timeout 'With --answer app: how long a sender waits for a laptop''s answer before 504'
            cand --allow-ip 'Edge check: answer 403 to sources outside this address or CIDR range (repeatable; stored, not delivered)'
            cand --verify 'Edge check: verify signatures (auto, github, stripe, …) as they arrive'
            cand --secret-env 'With --verify: the environment variable the relay reads the secret from when it starts'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --reject-invalid 'With --verify: answer 401 to invalid or unsigned requests (stored, not delivered)'
            cand --json 'Print {"channel", "token"} as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay;channel;ls'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay;channel;rm'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay;channel;rotate'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay;channel;help'= {
            cand add 'Create a channel and print its token (shown once, stored only as a hash)'
            cand ls 'List channels: created, requests stored, consumers with their cursor and last seen'
            cand rm 'Remove a channel with its consumers and stored requests'
            cand rotate 'Give a channel a new token (connected consumers are disconnected)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;relay;channel;help;add'= {
        }
        &'hookcap;relay;channel;help;ls'= {
        }
        &'hookcap;relay;channel;help;rm'= {
        }
        &'hookcap;relay;channel;help;rotate'= {
        }
        &'hookcap;relay;channel;help;help'= {
        }
        &'hookcap;relay;status'= {
            cand --token-env 'The environment variable holding the channel''s token'
            cand --via-ca 'Trust only the certificates in this PEM file (a relay with a private CA)'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;relay;help'= {
            cand channel 'Add, list, remove channels or give one a new token (on the relay''s database)'
            cand status 'Show a channel''s backlog and consumers from anywhere, with the channel''s token'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;relay;help;channel'= {
            cand add 'Create a channel and print its token (shown once, stored only as a hash)'
            cand ls 'List channels: created, requests stored, consumers with their cursor and last seen'
            cand rm 'Remove a channel with its consumers and stored requests'
            cand rotate 'Give a channel a new token (connected consumers are disconnected)'
        }
        &'hookcap;relay;help;channel;add'= {
        }
        &'hookcap;relay;help;channel;ls'= {
        }
        &'hookcap;relay;help;channel;rm'= {
        }
        &'hookcap;relay;help;channel;rotate'= {
        }
        &'hookcap;relay;help;status'= {
        }
        &'hookcap;relay;help;help'= {
        }
        &'hookcap;generate'= {
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;help'= {
            cand listen 'Capture every HTTP request sent to a local port'
            cand forward 'Capture every request, pass it on to your app, and record the app''s answer'
            cand replay 'Send stored requests again, to the app or anywhere else'
            cand ls 'List captured requests, newest first'
            cand show 'Print one captured request in full'
            cand ui 'Browse captured requests in the interactive inspector, live as they arrive'
            cand wait 'Block until requests matching a filter are captured (for CI)'
            cand export 'Write captured requests as HAR, NDJSON, curl or HTTPie commands'
            cand import 'Add requests from a HAR or NDJSON file, as a new session'
            cand deliveries 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender''s retries'
            cand diff 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature'
            cand rm 'Delete captured requests by id, or all that match a filter'
            cand prune 'Delete requests older than a given age and reclaim the space'
            cand verify 'Check a captured request''s webhook signature and explain a mismatch'
            cand send 'Send a request (or a realistic, signed webhook) to any URL, like curl'
            cand relay 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop'
            cand generate 'Write shell completions and man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;help;listen'= {
        }
        &'hookcap;help;forward'= {
        }
        &'hookcap;help;replay'= {
        }
        &'hookcap;help;ls'= {
        }
        &'hookcap;help;show'= {
        }
        &'hookcap;help;ui'= {
        }
        &'hookcap;help;wait'= {
        }
        &'hookcap;help;export'= {
        }
        &'hookcap;help;import'= {
        }
        &'hookcap;help;deliveries'= {
        }
        &'hookcap;help;diff'= {
        }
        &'hookcap;help;rm'= {
        }
        &'hookcap;help;prune'= {
        }
        &'hookcap;help;verify'= {
        }
        &'hookcap;help;send'= {
        }
        &'hookcap;help;relay'= {
            cand channel 'Add, list, remove channels or give one a new token (on the relay''s database)'
            cand status 'Show a channel''s backlog and consumers from anywhere, with the channel''s token'
        }
        &'hookcap;help;relay;channel'= {
            cand add 'Create a channel and print its token (shown once, stored only as a hash)'
            cand ls 'List channels: created, requests stored, consumers with their cursor and last seen'
            cand rm 'Remove a channel with its consumers and stored requests'
            cand rotate 'Give a channel a new token (connected consumers are disconnected)'
        }
        &'hookcap;help;relay;channel;add'= {
        }
        &'hookcap;help;relay;channel;ls'= {
        }
        &'hookcap;help;relay;channel;rm'= {
        }
        &'hookcap;help;relay;channel;rotate'= {
        }
        &'hookcap;help;relay;status'= {
        }
        &'hookcap;help;generate'= {
        }
        &'hookcap;help;help'= {
        }
    ]
    $completions[$command]
}
