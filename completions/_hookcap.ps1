
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hookcap' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hookcap'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hookcap' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Capture every HTTP request sent to a local port')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Capture every request, pass it on to your app, and record the app''s answer')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send stored requests again, to the app or anywhere else')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List captured requests, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one captured request in full')
            [CompletionResult]::new('ui', 'ui', [CompletionResultType]::ParameterValue, 'Browse captured requests in the interactive inspector, live as they arrive')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until requests matching a filter are captured (for CI)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write captured requests as HAR, NDJSON, curl or HTTPie commands')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add requests from a HAR or NDJSON file, as a new session')
            [CompletionResult]::new('deliveries', 'deliveries', [CompletionResultType]::ParameterValue, 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender''s retries')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete captured requests by id, or all that match a filter')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete requests older than a given age and reclaim the space')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a captured request''s webhook signature and explain a mismatch')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a request (or a realistic, signed webhook) to any URL, like curl')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;listen' {
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep only the newest N requests in the database, deleting older ones as new ones arrive')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind; the default is loopback only, never all interfaces unless asked')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status code to answer with')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Response body: text, or @FILE to read a file')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Response header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Response header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long after storing before answering (e.g. 250ms, 2s)')
            [CompletionResult]::new('--respond', '--respond', [CompletionResultType]::ParameterName, 'Answer requests matching FILTER with ANSWER (repeatable, first match wins; the flags above answer the rest), e.g. ''provider:stripe => 503 Retry-After:2, 200'' (see docs/rules.md)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Answer rules from a TOML file, checked after the --respond rules (see docs/rules.md)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the rules'' rates (p=0.2), so a run can be repeated')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]')
            [CompletionResult]::new('--max-inflight-body', '--max-inflight-body', [CompletionResultType]::ParameterName, 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Verify each request''s signature (auto, github, stripe, …) and store the verdict')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'With --verify: largest accepted age (or future skew) of a signed timestamp')
            [CompletionResult]::new('--require-token', '--require-token', [CompletionResultType]::ParameterName, 'Answer 401 to requests whose --token-header is not this token (still stored)')
            [CompletionResult]::new('--token-header', '--token-header', [CompletionResultType]::ParameterName, 'The header --require-token reads')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--exit-after', '--exit-after', [CompletionResultType]::ParameterName, 'Exit 0 once this many requests have been captured (and, in forward mode, answered)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --exit-after: give up after this long and exit 124')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Also pull this relay channel (https://HOST/c/NAME) into the listener')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'With --via: the environment variable holding the channel''s token')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'With --via: this laptop''s name on the relay, with its own cursor [default: user@host]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id')
            [CompletionResult]::new('--via-ca', '--via-ca', [CompletionResultType]::ParameterName, 'With --via: trust only the certificates in this PEM file (a relay with a private CA)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--no-tui', '--no-tui', [CompletionResultType]::ParameterName, 'Print one line per request instead of the interactive view')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON events (implies --no-tui)')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'With --verify: answer 401 to invalid or unsigned requests (still stored)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;forward' {
            [CompletionResult]::new('--upstream-timeout', '--upstream-timeout', [CompletionResultType]::ParameterName, 'How long the app may take to answer in full before the sender gets 504')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind; the default is loopback only, never all interfaces unless asked')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]')
            [CompletionResult]::new('--max-inflight-body', '--max-inflight-body', [CompletionResultType]::ParameterName, 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Verify each request''s signature (auto, github, stripe, …) and store the verdict')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'With --verify: largest accepted age (or future skew) of a signed timestamp')
            [CompletionResult]::new('--require-token', '--require-token', [CompletionResultType]::ParameterName, 'Answer 401 to requests whose --token-header is not this token (still stored)')
            [CompletionResult]::new('--token-header', '--token-header', [CompletionResultType]::ParameterName, 'The header --require-token reads')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Answer 403 to sources outside this address or CIDR range (repeatable; still stored)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--exit-after', '--exit-after', [CompletionResultType]::ParameterName, 'Exit 0 once this many requests have been captured (and, in forward mode, answered)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --exit-after: give up after this long and exit 124')
            [CompletionResult]::new('--match', '--match', [CompletionResultType]::ParameterName, 'With --exit-after: count only requests matching these filter terms (see `hookcap ls --help`)')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'Also pull this relay channel (https://HOST/c/NAME) into the listener')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'With --via: the environment variable holding the channel''s token')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'With --via: this laptop''s name on the relay, with its own cursor [default: user@host]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'With --via: where a consumer the relay has not seen starts: now, earliest, or a relay id')
            [CompletionResult]::new('--via-ca', '--via-ca', [CompletionResultType]::ParameterName, 'With --via: trust only the certificates in this PEM file (a relay with a private CA)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--preserve-host', '--preserve-host', [CompletionResultType]::ParameterName, 'Pass the sender''s Host header on instead of the target''s')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification of an https:// target (self-signed dev certs)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification of an https:// target (self-signed dev certs)')
            [CompletionResult]::new('--no-tui', '--no-tui', [CompletionResultType]::ParameterName, 'Print one line per request instead of the interactive view')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON events (implies --no-tui)')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'With --verify: answer 401 to invalid or unsigned requests (still stored)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;replay' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Base URL to send to; the stored path is appended [default: the forward target of the session that captured it]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add or replace a header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add or replace a header ''Name: value'' (repeatable)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Replace the body: text, or @FILE to read a file')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Sign again after the changes, as this provider does: its old signature headers are replaced by fresh ones')
            [CompletionResult]::new('--times', '--times', [CompletionResultType]::ParameterName, 'Send each request this many times')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an attempt that has not been answered in full after this long')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only this method (case-insensitive)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Only this session: a session id, or ''latest''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only requests since a duration ago (10m, 2h) or a time (''2026-01-02 15:04'' local, or with a zone)')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Send every request the filter terms (and flags) match, oldest first')
            [CompletionResult]::new('--edit', '--edit', [CompletionResultType]::ParameterName, 'Edit the request in $EDITOR (request line, headers, blank line, body) before sending')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per attempt (NDJSON)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;ls' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most this many requests')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many requests')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only this method (case-insensitive)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Only this session: a session id, or ''latest''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only requests since a duration ago (10m, 2h) or a time (''2026-01-02 15:04'' local, or with a zone)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON, one object per request')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Write the exact body bytes to stdout, nothing else')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document with everything captured')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;ui' {
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Start with this filter, as typed after /: filter terms on one line (see below)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep the newest request selected as new ones arrive')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;wait' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many matching requests to wait for')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many matching requests to wait for')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long and exit 1')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Which session counts: latest (whichever is newest, even one started later), any, or a session id [default: latest; any with --new]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--new', '--new', [CompletionResultType]::ParameterName, 'Count only requests stored after `wait` started (default: the whole latest session)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each matching request as a `show --json` document (NDJSON)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL the commands (and HAR URLs) point at [default: http:// + each request''s Host header]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--preserve-host', '--preserve-host', [CompletionResultType]::ParameterName, 'With --url, scripts keep each request''s own Host header instead of the destination''s (as replay --to sets it)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;import' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;deliveries' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'With a secret: the signature scheme (auto detects it from the headers)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'With a secret: largest accepted age of a signed timestamp, at capture time')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 when any verdict fails (for CI)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON, one object per delivery')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;diff' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the differences as one JSON document')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every request matching the filter terms (all requests without terms)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--vacuum', '--vacuum', [CompletionResultType]::ParameterName, 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Delete requests received longer ago than this (e.g. 7d, 12h)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--vacuum', '--vacuum', [CompletionResultType]::ParameterName, 'Rewrite the database file to give all freed space back, however big it is (a listener running meanwhile waits, and answers 503 after 5 s)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;verify' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Signature scheme: auto, github, gitlab, stripe, slack, standard, svix, shopify, twilio, hmac')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Largest accepted age (or future skew) of a signed timestamp')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The public URL the provider posted to (Twilio signs it; behind a tunnel it differs)')
            [CompletionResult]::new('--body-file', '--body-file', [CompletionResultType]::ParameterName, 'The body as your framework saw it, to explain body mismatches')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Measure timestamps against the wall clock instead of the capture time')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the verdict as one JSON document')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;send' {
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Request method [default: POST with a body, GET without]')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'Request method [default: POST with a body, GET without]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request header, sent exactly as typed and in the order given, like curl: ''Name: value''; ''Name:'' removes a default header, ''Name;'' sends it empty')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request header, sent exactly as typed and in the order given, like curl: ''Name: value''; ''Name:'' removes a default header, ''Name;'' sends it empty')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with ''&''; form content type')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Form body, like curl -d: @FILE (CR/LF removed), @- for stdin; repeats joined with ''&''; form content type')
            [CompletionResult]::new('--data-raw', '--data-raw', [CompletionResultType]::ParameterName, 'Like -d, but ''@'' has no special meaning')
            [CompletionResult]::new('--data-binary', '--data-binary', [CompletionResultType]::ParameterName, 'Body bytes exactly as given (@FILE, @- for stdin); repeats joined with ''&''; form content type')
            [CompletionResult]::new('--data-urlencode', '--data-urlencode', [CompletionResultType]::ParameterName, 'Form-encoded data like curl: content, =content, name=content, @FILE, name@FILE (the content is encoded)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON body (@FILE, @- for stdin), with JSON Content-Type and Accept, like curl --json; repeats are concatenated')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Multipart form field: name=value, name=@FILE[;type=MIME][;filename=NAME] (upload), name=<FILE (text from a file)')
            [CompletionResult]::new('--url-query', '--url-query', [CompletionResultType]::ParameterName, 'Query part appended to the URL like curl --url-query: content, name=content, =content, @FILE, name@FILE are form-encoded; +TEXT is added as it is (repeatable)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter name=value appended to the URL, both sides form-encoded (repeatable)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Basic authentication as user:password')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Basic authentication as user:password')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'User-Agent header ('''' sends none) [default: hookcap/VERSION, or the template''s]')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User-Agent header ('''' sends none) [default: hookcap/VERSION, or the template''s]')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Send a provider''s sample webhook with the headers it really sends (see --list-templates)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Edit the template before sending: an RFC 6901 JSON pointer and a value (JSON if it parses, else a string)')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Sign the exact bytes sent the way this provider does [default: the template''s provider when a secret is given]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The webhook secret (prefer --secret-env or --secret-file: command lines are visible to other users)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from this file (one trailing newline is ignored)')
            [CompletionResult]::new('--sig-header', '--sig-header', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the header carrying the signature')
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): the hash algorithm')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): how the MAC is written')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'With the hmac scheme (--provider/--sign hmac): text before the MAC in the header (e.g. sha256=)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a request after this long (e.g. 10s, 500ms) [default: no limit]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry connect errors, timeouts, 429 and 5xx up to N times, with exponential backoff and jitter, honouring Retry-After')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Stop retrying once this much time has passed since the first attempt (e.g. 30s)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Send the request N times (each with a fresh delivery id and signature) and print a summary')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With --repeat: requests in flight at once, over this many connections')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the response body to FILE as it arrives (''-'' for the exact bytes on stdout, nothing else)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the response body to FILE as it arrives (''-'' for the exact bytes on stdout, nothing else)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Stop reading an answer whose body is larger than this (e.g. 1MiB, 2GiB) and fail')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-G', '-G ', [CompletionResultType]::ParameterName, 'Put the data options in the URL''s query and send a GET, like curl -G')
            [CompletionResult]::new('--get', '--get', [CompletionResultType]::ParameterName, 'Put the data options in the URL''s query and send a GET, like curl -G')
            [CompletionResult]::new('--compressed', '--compressed', [CompletionResultType]::ParameterName, 'Ask for a compressed answer (Accept-Encoding: deflate, gzip, br, zstd, as curl sends it) and decode it')
            [CompletionResult]::new('--list-templates', '--list-templates', [CompletionResultType]::ParameterName, 'List the templates with one-line descriptions, then exit')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (self-signed test servers)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (self-signed test servers)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Also print the response headers')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Also print the response headers')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print the request as sent (line, headers, body) before the response')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print the request as sent (line, headers, body) before the response')
            [CompletionResult]::new('--json-result', '--json-result', [CompletionResultType]::ParameterName, 'Print one JSON object (request as sent, response, timing; or the --repeat summary) for scripts')
            [CompletionResult]::new('--no-fail', '--no-fail', [CompletionResultType]::ParameterName, 'Exit 0 for any response, whatever its status (transport errors still exit 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind (0.0.0.0 for every interface)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one (the real port is printed)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this PEM certificate chain (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The PEM private key of --tls-cert')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public base URL senders and laptops use (printed in channel URLs)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Disconnect a client that has not sent a complete request head within this time (in total, however it drips)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Cut off a body not received in full within this time, however steadily it drips (stored truncated, answered 408)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once; at the cap the idlest or slowest one is closed for a newcomer [default: `ulimit -n` minus 64, halved for forward]')
            [CompletionResult]::new('--max-inflight-body', '--max-inflight-body', [CompletionResultType]::ParameterName, 'Most memory all request bodies in flight may hold together; a body beyond it gets 503 with Retry-After (stored, marked)')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'On Ctrl-C or SIGTERM, wait this long for requests in flight, then cut them off (a second Ctrl-C quits at once)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Each channel''s rate limit: N/s, N/m or N/h; more get 429 with Retry-After (off: none)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep at most N requests per channel, deleting the oldest')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Delete requests older than this (e.g. 7d, 12h), delivered or not; 0 keeps them')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Add, list, remove channels or give one a new token (on the relay''s database)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show a channel''s backlog and consumers from anywhere, with the channel''s token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;relay;channel' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a channel and print its token (shown once, stored only as a hash)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List channels: created, requests stored, consumers with their cursor and last seen')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a channel with its consumers and stored requests')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a channel a new token (connected consumers are disconnected)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;relay;channel;add' {
            [CompletionResult]::new('--answer', '--answer', [CompletionResultType]::ParameterName, 'When senders are answered')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'With --answer now: the status senders get')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'With --answer now: the body senders get: text, or @FILE')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --answer app: how long a sender waits for a laptop''s answer before 504')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Edge check: answer 403 to sources outside this address or CIDR range (repeatable; stored, not delivered)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Edge check: verify signatures (auto, github, stripe, …) as they arrive')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'With --verify: the environment variable the relay reads the secret from when it starts')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'With --verify: answer 401 to invalid or unsigned requests (stored, not delivered)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"channel", "token"} as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay;channel;ls' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay;channel;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay;channel;rotate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay;channel;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a channel and print its token (shown once, stored only as a hash)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List channels: created, requests stored, consumers with their cursor and last seen')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a channel with its consumers and stored requests')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a channel a new token (connected consumers are disconnected)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;relay;channel;help;add' {
            break
        }
        'hookcap;relay;channel;help;ls' {
            break
        }
        'hookcap;relay;channel;help;rm' {
            break
        }
        'hookcap;relay;channel;help;rotate' {
            break
        }
        'hookcap;relay;channel;help;help' {
            break
        }
        'hookcap;relay;status' {
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'The environment variable holding the channel''s token')
            [CompletionResult]::new('--via-ca', '--via-ca', [CompletionResultType]::ParameterName, 'Trust only the certificates in this PEM file (a relay with a private CA)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;relay;help' {
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Add, list, remove channels or give one a new token (on the relay''s database)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show a channel''s backlog and consumers from anywhere, with the channel''s token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;relay;help;channel' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a channel and print its token (shown once, stored only as a hash)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List channels: created, requests stored, consumers with their cursor and last seen')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a channel with its consumers and stored requests')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a channel a new token (connected consumers are disconnected)')
            break
        }
        'hookcap;relay;help;channel;add' {
            break
        }
        'hookcap;relay;help;channel;ls' {
            break
        }
        'hookcap;relay;help;channel;rm' {
            break
        }
        'hookcap;relay;help;channel;rotate' {
            break
        }
        'hookcap;relay;help;status' {
            break
        }
        'hookcap;relay;help;help' {
            break
        }
        'hookcap;generate' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto is on for terminals unless NO_COLOR is set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcap;help' {
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Capture every HTTP request sent to a local port')
            [CompletionResult]::new('forward', 'forward', [CompletionResultType]::ParameterValue, 'Capture every request, pass it on to your app, and record the app''s answer')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send stored requests again, to the app or anywhere else')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List captured requests, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print one captured request in full')
            [CompletionResult]::new('ui', 'ui', [CompletionResultType]::ParameterValue, 'Browse captured requests in the interactive inspector, live as they arrive')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Block until requests matching a filter are captured (for CI)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write captured requests as HAR, NDJSON, curl or HTTPie commands')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Add requests from a HAR or NDJSON file, as a new session')
            [CompletionResult]::new('deliveries', 'deliveries', [CompletionResultType]::ParameterValue, 'Group webhooks into deliveries: attempts, answers, backoff, and verdicts on the sender''s retries')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two captured requests (or one with a HAR entry): request line, headers, body, signature')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete captured requests by id, or all that match a filter')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete requests older than a given age and reclaim the space')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a captured request''s webhook signature and explain a mismatch')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a request (or a realistic, signed webhook) to any URL, like curl')
            [CompletionResult]::new('relay', 'relay', [CompletionResultType]::ParameterValue, 'Run a public relay so webhooks from the internet reach `listen --via` on a laptop')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcap;help;listen' {
            break
        }
        'hookcap;help;forward' {
            break
        }
        'hookcap;help;replay' {
            break
        }
        'hookcap;help;ls' {
            break
        }
        'hookcap;help;show' {
            break
        }
        'hookcap;help;ui' {
            break
        }
        'hookcap;help;wait' {
            break
        }
        'hookcap;help;export' {
            break
        }
        'hookcap;help;import' {
            break
        }
        'hookcap;help;deliveries' {
            break
        }
        'hookcap;help;diff' {
            break
        }
        'hookcap;help;rm' {
            break
        }
        'hookcap;help;prune' {
            break
        }
        'hookcap;help;verify' {
            break
        }
        'hookcap;help;send' {
            break
        }
        'hookcap;help;relay' {
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Add, list, remove channels or give one a new token (on the relay''s database)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show a channel''s backlog and consumers from anywhere, with the channel''s token')
            break
        }
        'hookcap;help;relay;channel' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a channel and print its token (shown once, stored only as a hash)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List channels: created, requests stored, consumers with their cursor and last seen')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a channel with its consumers and stored requests')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give a channel a new token (connected consumers are disconnected)')
            break
        }
        'hookcap;help;relay;channel;add' {
            break
        }
        'hookcap;help;relay;channel;ls' {
            break
        }
        'hookcap;help;relay;channel;rm' {
            break
        }
        'hookcap;help;relay;channel;rotate' {
            break
        }
        'hookcap;help;relay;status' {
            break
        }
        'hookcap;help;generate' {
            break
        }
        'hookcap;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
