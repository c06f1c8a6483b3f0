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
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "ls" -d 'List captured requests, newest first'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "show" -d 'Print one captured request in full'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "ui" -d 'Browse captured requests in the interactive inspector, live as they arrive'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "generate" -d 'Write shell completions and man pages (for packagers)'
complete -c hookcap -n "__fish_hookcap_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l host -d 'Address to bind; the default is loopback only, never all interfaces unless asked' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s p -l port -d 'Port to listen on; 0 picks a free one (the real port is printed)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l status -d 'Status code to answer with' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l body -d 'Response body: text, or @FILE to read a file' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s H -l header -d 'Response header \'Name: value\' (repeatable)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l delay -d 'Wait this long after storing before answering (e.g. 250ms, 2s)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l max-body -d 'Largest body accepted (e.g. 512KiB, 16MiB); larger ones get 413 and are stored truncated' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l exit-after -d 'Exit 0 once this many requests have been captured' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l timeout -d 'With --exit-after: give up after this long and exit 124' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l no-tui -d 'Print one line per request instead of the interactive view'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -l json -d 'Print NDJSON events (implies --no-tui)'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l method -d 'Only this method (case-insensitive)' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l path -d 'Only paths matching this glob (*, ?, [abc]); the query is not part of the path' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l session -d 'Only this session: a session id, or \'latest\'' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -l since -d 'Only requests since a duration ago (10m, 2h) or an RFC 3339 time' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ls" -s n -l limit -d 'Show at most this many requests' -r
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
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l filter -d 'Start with this filter, as typed after /: words to find in method, path, headers and body, plus method:M path:GLOB session:ID|latest since:10m' -r
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -l follow -d 'Keep the newest request selected as new ones arrive'
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand ui" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -l db -d 'Database file [default: the user data directory, e.g. ~/.local/share/hookcap/hookcap.db]' -r -F
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -l color -d 'When to use colors: auto is on for terminals unless NO_COLOR is set' -r -f -a "auto\t'Color when writing to a terminal and `NO_COLOR` is unset or empty'
always\t'Always color, even into a pipe or with `NO_COLOR` set'
never\t'Never color'"
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcap -n "__fish_hookcap_using_subcommand generate" -s V -l version -d 'Print version'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "listen" -d 'Capture every HTTP request sent to a local port'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "ls" -d 'List captured requests, newest first'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "show" -d 'Print one captured request in full'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "ui" -d 'Browse captured requests in the interactive inspector, live as they arrive'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "generate" -d 'Write shell completions and man pages (for packagers)'
complete -c hookcap -n "__fish_hookcap_using_subcommand help; and not __fish_seen_subcommand_from listen ls show ui generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
