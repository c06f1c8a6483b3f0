
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
            cand ls 'List captured requests, newest first'
            cand show 'Print one captured request in full'
            cand ui 'Browse captured requests in the interactive inspector, live as they arrive'
            cand generate 'Write shell completions and man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;listen'= {
            cand --host 'Address to bind; the default is loopback only, never all interfaces unless asked'
            cand -p 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --port 'Port to listen on; 0 picks a free one (the real port is printed)'
            cand --status 'Status code to answer with'
            cand --body 'Response body: text, or @FILE to read a file'
            cand -H 'Response header ''Name: value'' (repeatable)'
            cand --header 'Response header ''Name: value'' (repeatable)'
            cand --delay 'Wait this long after storing before answering (e.g. 250ms, 2s)'
            cand --max-body 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated'
            cand --exit-after 'Exit 0 once this many requests have been captured'
            cand --timeout 'With --exit-after: give up after this long and exit 124'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --no-tui 'Print one line per request instead of the interactive view'
            cand --json 'Print NDJSON events (implies --no-tui)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcap;ls'= {
            cand --method 'Only this method (case-insensitive)'
            cand --path 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path'
            cand --session 'Only this session: a session id, or ''latest'''
            cand --since 'Only requests since a duration ago (10m, 2h) or an RFC 3339 time'
            cand -n 'Show at most this many requests'
            cand --limit 'Show at most this many requests'
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
            cand --filter 'Start with this filter, as typed after /: words to find in method, path, headers and body, plus method:M path:GLOB session:ID|latest since:10m'
            cand --db 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]'
            cand --color 'When to use colors: auto is on for terminals unless NO_COLOR is set'
            cand --follow 'Keep the newest request selected as new ones arrive'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
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
            cand ls 'List captured requests, newest first'
            cand show 'Print one captured request in full'
            cand ui 'Browse captured requests in the interactive inspector, live as they arrive'
            cand generate 'Write shell completions and man pages (for packagers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcap;help;listen'= {
        }
        &'hookcap;help;ls'= {
        }
        &'hookcap;help;show'= {
        }
        &'hookcap;help;ui'= {
        }
        &'hookcap;help;generate'= {
        }
        &'hookcap;help;help'= {
        }
    ]
    $completions[$command]
}
