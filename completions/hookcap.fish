# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookcap_global_optspecs
    string join \n db= color= h/help V/version
end

function __fish_hookcap_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hookcap_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hookcap_using_subcommand
    set -l cmd (__fish_hookcap_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hookcap -n "__fish_hookcap_needs_command" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_needs_command" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_needs_command" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "listen" -d 'Capture every HTTP request sent to a local port'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "forward" -d 'Capture every request, pass it on to your app, and record the app\'s answer'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "replay" -d 'Send stored requests again, to the app or anywhere else'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "ls" -d 'List captured requests, newest first'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "show" -d 'Print one captured request in full'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "ui" -d 'Browse captured requests in the interactive inspector, live as they arrive'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "wait" -d 'Block until requests matching a filter are captured (for CI)'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "export" -d 'Write captured requests as HAR, NDJSON, curl or HTTPie commands'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "import" -d 'Add requests from a HAR or NDJSON file, as a new session'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "deliveries" -d 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender\'s retries'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "diff" -d 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "rm" -d 'Delete captured requests by id, or all that match a filter'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "prune" -d 'Delete requests older than a given age and reclaim the space'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "verify" -d 'Check a captured request\'s webhook signature and explain a mismatch'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "send" -d 'Send a request (or a realistic, signed webhook) to any URL, like curl'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "relay" -d 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for packagers)'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l keep -d 'Keep only the newest N requests in the database, deleting older ones as new ones arrive' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l host -d 'Address to bind; the default is loopback only, never all interfaces unless asked' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s p -l port -d 'Port to listen on; 0 picks a free one (the real port is printed)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l status -d 'Status code to answer with' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l body -d 'Response body: text, or @FILE to read a file' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s H -l header -d 'Response header \'Name: value\' (repeatable)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l delay -d 'Wait this long after storing before answering (e.g. 250ms, 2s)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l respond -d 'Answer requests matching FILTER with ANSWER (repeatable, first match wins; the flags above answer the rest), e.g. \'provider:stripe => 503 Retry-After:2, 200\' (see docs/rules.md)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l rules -d 'Answer rules from a TOML file, checked after the --respond rules (see docs/rules.md)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l seed -d 'Seed for the rules\' rates (p=0.2), so a run can be repeated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l max-body -d 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l header-timeout -d 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l body-timeout -d 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l max-connections -d 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l max-inflight-body -d 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l drain-timeout -d 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l verify -d 'Verify each request\'s signature (auto, github, stripe, …) and store the verdict' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l tolerance -d 'With --verify: largest accepted age (or future skew) of a signed timestamp' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l require-token -d 'Answer 401 to requests whose --token-header is not this token (still stored)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l token-header -d 'The header --require-token reads' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l allow-ip -d 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l exit-after -d 'Exit 0 once this many requests have been captured (and, in forward mode, answered)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l timeout -d 'With --exit-after: give up after this long and exit 124' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l match -d 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l via -d 'Also pull this relay channel (https://HOST/c/NAME) into the listener' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l token-env -d 'With --via: the environment variable holding the channel\'s token' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l consumer -d 'With --via: this laptop\'s name on the relay, with its own cursor [default: user@host]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l from -d 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l via-ca -d 'With --via: trust only the certificates in this PEM file (a relay with a private CA)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l no-tui -d 'Print one line per request instead of the interactive view'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l json -d 'Print NDJSON events (implies --no-tui)'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l reject-invalid -d 'With --verify: answer 401 to invalid or unsigned requests (still stored)'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l upstream-timeout -d 'How long the app may take to answer in full before the sender gets 504' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l host -d 'Address to bind; the default is loopback only, never all interfaces unless asked' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -s p -l port -d 'Port to listen on; 0 picks a free one (the real port is printed)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l max-body -d 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l header-timeout -d 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l body-timeout -d 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l max-connections -d 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l max-inflight-body -d 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l drain-timeout -d 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l verify -d 'Verify each request\'s signature (auto, github, stripe, …) and store the verdict' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l tolerance -d 'With --verify: largest accepted age (or future skew) of a signed timestamp' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l require-token -d 'Answer 401 to requests whose --token-header is not this token (still stored)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l token-header -d 'The header --require-token reads' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l allow-ip -d 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l exit-after -d 'Exit 0 once this many requests have been captured (and, in forward mode, answered)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l timeout -d 'With --exit-after: give up after this long and exit 124' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l match -d 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l via -d 'Also pull this relay channel (https://HOST/c/NAME) into the listener' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l token-env -d 'With --via: the environment variable holding the channel\'s token' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l consumer -d 'With --via: this laptop\'s name on the relay, with its own cursor [default: user@host]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l from -d 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l via-ca -d 'With --via: trust only the certificates in this PEM file (a relay with a private CA)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l preserve-host -d 'Pass the sender\'s Host header on instead of the target\'s'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -s k -l insecure -d 'Skip TLS certificate verification of an https:// target (self-signed dev certs)'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l no-tui -d 'Print one line per request instead of the interactive view'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l json -d 'Print NDJSON events (implies --no-tui)'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -l reject-invalid -d 'With --verify: answer 401 to invalid or unsigned requests (still stored)'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand forward" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l to -d 'Base URL to send to; the stored path is appended [default: the forward target of the session that captured it]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -s H -l header -d 'Add or replace a header \'Name: value\' (repeatable)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l body -d 'Replace the body: text, or @FILE to read a file' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l resign -d 'Sign again after the changes, as this provider does: its old signature headers are replaced by fresh ones' -r -f -a "github\t'GitHub: `X-Hub-Signature-256` (legacy `X-Hub-Signature`)'
gitlab\t'GitLab: `X-Gitlab-Token` carries the shared secret itself'
stripe\t'Stripe: `Stripe-Signature: t=…,v1=…`'
slack\t'Slack: `X-Slack-Signature` with `X-Slack-Request-Timestamp`'
standard\t'Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`'
svix\t'Svix: Standard Webhooks under `svix-*` header names'
shopify\t'Shopify: `X-Shopify-Hmac-Sha256`'
twilio\t'Twilio: `X-Twilio-Signature` over the URL and form parameters'
hmac\t'Any HMAC over the raw body, as `--sig-header`, `--algo`, `--encoding` and `--prefix` describe it'"
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l times -d 'Send each request this many times' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l timeout -d 'Give up on an attempt that has not been answered in full after this long' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l method -d 'Only this method (case-insensitive)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l path -d 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l session -d 'Only this session: a session id, or \'latest\'' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l since -d 'Only requests since a duration ago (10m, 2h) or a time (\'2026-01-02 15:04\' local, or with a zone)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l all -d 'Send every request the filter terms (and flags) match, oldest first'
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l edit -d 'Edit the request in $EDITOR (request line, headers, blank line, body) before sending'
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -l json -d 'Print one JSON object per attempt (NDJSON)'
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -s n -l limit -d 'Show at most this many requests' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l method -d 'Only this method (case-insensitive)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l path -d 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l session -d 'Only this session: a session id, or \'latest\'' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l since -d 'Only requests since a duration ago (10m, 2h) or a time (\'2026-01-02 15:04\' local, or with a zone)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l json -d 'Print NDJSON, one object per request'
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -l raw -d 'Write the exact body bytes to stdout, nothing else'
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -l json -d 'Print one JSON document with everything captured'
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand show" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l filter -d 'Start with this filter, as typed after /: filter terms on one line (see below)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l follow -d 'Keep the newest request selected as new ones arrive'
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -s n -l count -d 'How many matching requests to wait for' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l timeout -d 'Give up after this long and exit 1' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l session -d 'Which session counts: latest (whichever is newest, even one started later), any, or a session id [default: latest; any with --new]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l new -d 'Count only requests stored after `wait` started (default: the whole latest session)'
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -l json -d 'Print each matching request as a `show --json` document (NDJSON)'
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand wait" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -s f -l format -d 'Output format' -r -f -a "har\t'HTTP Archive 1.2, one document'
ndjson\t'One `show --json` document per line'
curl\t'A bash script of curl commands'
httpie\t'A bash script of HTTPie commands'"
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -l url -d 'Base URL the commands (and HAR URLs) point at [default: http:// + each request\'s Host header]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -l preserve-host -d 'With --url, scripts keep each request\'s own Host header instead of the destination\'s (as replay --to sets it)'
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand export" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand import" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand import" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand import" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l provider -d 'With a secret: the signature scheme (auto detects it from the headers)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l tolerance -d 'With a secret: largest accepted age of a signed timestamp, at capture time' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l strict -d 'Exit 1 when any verdict fails (for CI)'
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -l json -d 'Print NDJSON, one object per delivery'
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand deliveries" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand diff" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand diff" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand diff" -l json -d 'Print the differences as one JSON document'
complete -c hookcap -n "__fish_hookcap_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand diff" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -l all -d 'Delete every request matching the filter terms (all requests without terms)'
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -s y -l yes -d 'Do not ask for confirmation'
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -l vacuum -d 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand rm" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -l older-than -d 'Delete requests received longer ago than this (e.g. 7d, 12h)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -l vacuum -d 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand prune" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l provider -d 'Signature scheme: auto, github, gitlab, stripe, slack, standard, svix, shopify, twilio, hmac' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l tolerance -d 'Largest accepted age (or future skew) of a signed timestamp' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l url -d 'The public URL the provider posted to (Twilio signs it; behind a tunnel it differs)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l body-file -d 'The body as your framework saw it, to explain body mismatches' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l now -d 'Measure timestamps against the wall clock instead of the capture time'
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -l json -d 'Print the verdict as one JSON document'
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s X -l request -d 'Request method [default: POST with a body, GET without]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s H -l header -d 'Request header, sent exactly as typed and in the order given, like curl: \'Name: value\'; \'Name:\' removes a default header, \'Name;\' sends it empty' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s d -l data -d 'Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with \'&\'; form content type' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l data-raw -d 'Like -d, but \'@\' has no special meaning' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l data-binary -d 'Body bytes exactly as given (@FILE, @- for stdin); repeats joined with \'&\'; form content type' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l data-urlencode -d 'Form-encoded data like curl: content, =content, name=content, @FILE, name@FILE (the content is encoded)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l json -d 'JSON body (@FILE, @- for stdin), with JSON Content-Type and Accept, like curl --json; repeats are concatenated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s F -l form -d 'Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l url-query -d 'Query part appended to the URL like curl --url-query: content, name=content, =content, @FILE, name@FILE are form-encoded; +TEXT is added as it is (repeatable)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l query -d 'Query parameter name=value appended to the URL, both sides form-encoded (repeatable)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s u -l user -d 'Basic authentication as user:password' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s A -l user-agent -d 'User-Agent header (\'\' sends none) [default: hookcap/VERSION, or the template\'s]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l template -d 'Send a provider\'s sample webhook with the headers it really sends (see --list-templates)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l set -d 'Edit the template before sending: an RFC 6901 JSON pointer and a value (JSON if it parses, else a string)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l sign -d 'Sign the exact bytes sent the way this provider does [default: the template\'s provider when a secret is given]' -r -f -a "github\t'GitHub: `X-Hub-Signature-256` (legacy `X-Hub-Signature`)'
gitlab\t'GitLab: `X-Gitlab-Token` carries the shared secret itself'
stripe\t'Stripe: `Stripe-Signature: t=…,v1=…`'
slack\t'Slack: `X-Slack-Signature` with `X-Slack-Request-Timestamp`'
standard\t'Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`'
svix\t'Svix: Standard Webhooks under `svix-*` header names'
shopify\t'Shopify: `X-Shopify-Hmac-Sha256`'
twilio\t'Twilio: `X-Twilio-Signature` over the URL and form parameters'
hmac\t'Any HMAC over the raw body, as `--sig-header`, `--algo`, `--encoding` and `--prefix` describe it'"
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l secret -d 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l secret-env -d 'Read the secret from this environment variable' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l secret-file -d 'Read the secret from this file (one trailing newline is ignored)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l sig-header -d 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l algo -d 'With the hmac scheme (--provider/--sign hmac): the hash algorithm' -r -f -a "sha1\t'HMAC-SHA1 (GitHub legacy, Twilio)'
sha256\t'HMAC-SHA256 (almost everyone)'
sha512\t'HMAC-SHA512'"
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l encoding -d 'With the hmac scheme (--provider/--sign hmac): how the MAC is written' -r -f -a "hex\t'Lowercase hexadecimal (uppercase accepted when reading)'
base64\t'Standard base64 with padding (missing padding accepted when reading)'"
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l prefix -d 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l timeout -d 'Give up on a request after this long (e.g. 10s, 500ms) [default: no limit]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l retry -d 'Retry connect errors, timeouts, 429 and 5xx up to N times, with exponential backoff and jitter, honouring Retry-After' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l retry-max-time -d 'Stop retrying once this much time has passed since the first attempt (e.g. 30s)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l repeat -d 'Send the request N times (each with a fresh delivery id and signature) and print a summary' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l concurrency -d 'With --repeat: requests in flight at once, over this many connections' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s o -l output -d 'Write the response body to FILE as it arrives (\'-\' for the exact bytes on stdout, nothing else)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l max-response -d 'Stop reading an answer whose body is larger than this (e.g. 1MiB, 2GiB) and fail' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s G -l get -d 'Put the data options in the URL\'s query and send a GET, like curl -G'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l compressed -d 'Ask for a compressed answer (Accept-Encoding: deflate, gzip, br, zstd, as curl sends it) and decode it'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l list-templates -d 'List the templates with one-line descriptions, then exit'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s k -l insecure -d 'Skip TLS certificate verification (self-signed test servers)'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s i -l include -d 'Also print the response headers'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s v -l verbose -d 'Also print the request as sent (line, headers, body) before the response'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l json-result -d 'Print one JSON object (request as sent, response, timing; or the --repeat summary) for scripts'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -l no-fail -d 'Exit 0 for any response, whatever its status (transport errors still exit 1)'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand send" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l host -d 'Address to bind (0.0.0.0 for every interface)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -s p -l port -d 'Port to listen on; 0 picks a free one (the real port is printed)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l tls-cert -d 'Serve HTTPS with this PEM certificate chain (with --tls-key)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l tls-key -d 'The PEM private key of --tls-cert' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l public-url -d 'The public base URL senders and laptops use (printed in channel URLs)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l max-body -d 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l header-timeout -d 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l body-timeout -d 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l max-connections -d 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l max-inflight-body -d 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l drain-timeout -d 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l rate -d 'Each channel\'s rate limit: N/s, N/m or N/h; more get 429 with Retry-After (off: none)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l keep -d 'Keep at most N requests per channel, deleting the oldest' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l max-age -d 'Delete requests older than this (e.g. 7d, 12h), delivered or not; 0 keeps them' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -f -a "channel" -d 'Add, list, remove channels or give one a new token (on the relay\'s database)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -f -a "status" -d 'Show a channel\'s backlog and consumers from anywhere, with the channel\'s token'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and not __fish_seen_subcommand_from channel status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -f -a "add" -d 'Create a channel and print its token (shown once, stored only as a hash)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -f -a "ls" -d 'List channels: created, requests stored, consumers with their cursor and last seen'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -f -a "rm" -d 'Remove a channel with its consumers and stored requests'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -f -a "rotate" -d 'Give a channel a new token (connected consumers are disconnected)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from channel" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -l token-env -d 'The environment variable holding the channel\'s token' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -l via-ca -d 'Trust only the certificates in this PEM file (a relay with a private CA)' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -l json -d 'Print JSON'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "channel" -d 'Add, list, remove channels or give one a new token (on the relay\'s database)'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show a channel\'s backlog and consumers from anywhere, with the channel\'s token'
complete -c hookcap -n "__fish_hookcap_using_subcommand relay; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "listen" -d 'Capture every HTTP request sent to a local port'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "forward" -d 'Capture every request, pass it on to your app, and record the app\'s answer'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "replay" -d 'Send stored requests again, to the app or anywhere else'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "ls" -d 'List captured requests, newest first'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "show" -d 'Print one captured request in full'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "ui" -d 'Browse captured requests in the interactive inspector, live as they arrive'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "wait" -d 'Block until requests matching a filter are captured (for CI)'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "export" -d 'Write captured requests as HAR, NDJSON, curl or HTTPie commands'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "import" -d 'Add requests from a HAR or NDJSON file, as a new session'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "deliveries" -d 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender\'s retries'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "diff" -d 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "rm" -d 'Delete captured requests by id, or all that match a filter'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "prune" -d 'Delete requests older than a given age and reclaim the space'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "verify" -d 'Check a captured request\'s webhook signature and explain a mismatch'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "send" -d 'Send a request (or a realistic, signed webhook) to any URL, like curl'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "relay" -d 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "generate" -d 'Write shell completions and man pages (for packagers)'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen forward replay ls show ui wait export import deliveries diff rm prune verify send relay generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "channel" -d 'Add, list, remove channels or give one a new token (on the relay\'s database)'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and __fish_seen_subcommand_from relay" -f -a "status" -d 'Show a channel\'s backlog and consumers from anywhere, with the channel\'s token'
