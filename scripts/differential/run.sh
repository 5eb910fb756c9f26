#!/bin/sh
# The standing differential (issue 12): three generators — the repeating
# load, the unique-policy load (loadgen -unique) and the edge-case probe
# set (loadgen -probes) — plus the conformance corpus, each run through
# `agentiam simulate --batch` and through iam-simulate. Every
# disagreement is sorted into a documented class (classes.mjs; see
# docs/oracle-disagreements.md) and printed as a table; one in no class
# makes the script fail. For the two loads it also prints agentiam's
# whole-process time and peak RSS (/usr/bin/time -v) and the ratio to
# iam-simulate's time measured right after it (which excludes Node
# start-up and module loading).
#
#   scripts/differential/run.sh              # 20,000 requests per load, seed 1
#   N=2000 SEED=7 scripts/differential/run.sh
set -eu
N=${N:-20000}
SEED=${SEED:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
[ -d scripts/differential/node_modules ] || (cd scripts/differential && npm ci --no-audit --no-fund >/dev/null)
go build -o "$work/agentiam" ./cmd/agentiam
go run ./eval/internal/loadgen -n "$N" -seed "$SEED" > "$work/repeating.jsonl"
go run ./eval/internal/loadgen -n "$N" -seed "$SEED" -unique > "$work/unique.jsonl"
go run ./eval/internal/loadgen -probes > "$work/probes.jsonl"
go test ./eval -run TestConformance -count 1 -args -conformance-export="$work/corpus.jsonl" >/dev/null
status=0
total=0
for load in repeating unique probes corpus; do
  echo "== $load: $(wc -l < "$work/$load.jsonl") requests, $(wc -c < "$work/$load.jsonl") bytes"
  total=$((total + $(wc -l < "$work/$load.jsonl")))
  ours=""
  if [ "$load" != corpus ]; then
    /usr/bin/time -v "$work/agentiam" simulate --batch "$work/$load.jsonl" > "$work/$load.out" 2> "$work/$load.time" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/$load.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$load.time")
    echo "agentiam simulate --batch: ${wall} s, peak RSS ${rss} MB"
    ours="--ours $work/$load.out"
  fi
  # shellcheck disable=SC2086
  node scripts/differential/differential.mjs --cases "$work/$load.jsonl" $ours --report "$work/$load.report.json" --classify || status=1
  if [ "$load" = repeating ] || [ "$load" = unique ]; then
    theirs=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$work/$load.report.json','utf8')).elapsedSeconds.toFixed(3))")
    echo "ratio ($load): iam-simulate $theirs s / agentiam $wall s = $(echo "$theirs $wall" | awk '{printf "%.1f", $1/$2}')x"
  fi
done
echo "== $total requests in all"
exit $status
