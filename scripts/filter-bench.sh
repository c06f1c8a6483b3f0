#!/usr/bin/env bash
# Times `hookcap ls -n 20` with filters on a large database (see
# scripts/filter-bench-db.sh): median of 5 runs, in ms, as Markdown rows.
# Usage: HOOKCAP=target/release/hookcap scripts/filter-bench.sh /tmp/hookcap-filter-1m.db
set -euo pipefail
db=$1; bin=${HOOKCAP:-hookcap}
run() {
  local times=()
  for _ in 1 2 3 4 5; do
    local s=$(date +%s%N)
    "$bin" ls --db "$db" --json -n 20 "$@" > /dev/null || { echo "failed: ls $*" >&2; return 1; }
    times+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
while IFS= read -r line; do
  [ -z "$line" ] && continue
  eval "set -- $line"
  printf '| `ls %s` | %s |\n' "$line" "$(run "$@")"
done <<'TERMS'

method:PUT
status:500
path:/hooks/github
'path:/hooks/other/1*'
session:3
since:2026-01-05T00:00:00Z
'id:<500000'
header:X-GitHub-Event
header:X-GitHub-Event=push
body:refs/heads/main
json:/ref=refs/heads/main
json:/number=999999
session:latest json:/action=opened
nomatch-anywhere
json:/missing/key
json:/action=merged
session:3 method:DELETE
since:2026-01-12T00:00:00Z method:DELETE
method:DELETE
TERMS
