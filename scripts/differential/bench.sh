#!/bin/sh
# Times `agentiam simulate --batch` and iam-simulate on the same generated
# load file, one after the other on this machine, checks that they agree,
# and prints the speed ratio. iam-simulate's time excludes Node start-up
# and module loading (measured inside differential.mjs); agentiam's is the
# whole process, start-up included.
#
#   scripts/differential/bench.sh            # 20,000 requests, seed 1
#   N=2000 SEED=7 scripts/differential/bench.sh
set -eu
N=${N:-20000}
SEED=${SEED:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
[ -d scripts/differential/node_modules ] || (cd scripts/differential && npm ci --no-audit --no-fund >/dev/null)
go build -o "$work/agentiam" ./cmd/agentiam
go run ./eval/internal/loadgen -n "$N" -seed "$SEED" > "$work/load.jsonl"
echo "load file: $N requests, $(wc -c < "$work/load.jsonl") bytes"
start=$(date +%s%N)
"$work/agentiam" simulate --batch "$work/load.jsonl" > "$work/agentiam.jsonl"
end=$(date +%s%N)
ours=$(echo "$start $end" | awk '{printf "%.3f", ($2-$1)/1e9}')
echo "agentiam simulate --batch: $ours s"
node scripts/differential/differential.mjs --cases "$work/load.jsonl" --ours "$work/agentiam.jsonl" --report "$work/report.json" | head -20
theirs=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$work/report.json','utf8')).elapsedSeconds.toFixed(3))")
echo "iam-simulate: $theirs s"
echo "ratio: $(echo "$theirs $ours" | awk '{printf "%.1f", $1/$2}')x"
