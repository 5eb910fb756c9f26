#!/bin/sh
# Differential check of prove's counterexamples against iam-simulate (an
# external oracle, never a dependency; see README.md here). TestSoundness
# proves random policy pairs of the load generator's shapes and exports
# every counterexample twice, with NEW and with OLD as the identity policy,
# each with eval's decision as "want" (NEW Allowed, OLD not); the oracle
# decides the same lines. Needs `npm ci` in this folder once.
#
#   scripts/differential/prove.sh            # 200 pairs
#   PAIRS=1000 scripts/differential/prove.sh
set -eu
cd "$(dirname "$0")/../.."
out=${TMPDIR:-/tmp}/prove-counterexamples.jsonl
go test ./prove -run TestSoundness -count=1 -prove.pairs "${PAIRS:-200}" -prove.samples 0 -prove.export "$out"
echo "$(wc -l < "$out") requests (two per counterexample)"
node scripts/differential/differential.mjs --cases "$out" --classify
