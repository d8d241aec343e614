#!/usr/bin/env bash
# Runs one benchmark in two checkouts, alternately, in the same session: this one and
# another (e.g. `git worktree add ../before <commit>`, with node_modules linked and
# `node scripts/build-wasm.mjs` run there), so that a change is compared with what
# came before on the same machine, in the same conditions.
#
#   bash bench/ab/run.sh ../before 2 bm25 --datasets scifact --engines quarry,lucene --budget 3
#
# Arguments: the other checkout, the number of rounds, then `npm run bench --` arguments.
set -euo pipefail
other=$1
rounds=$2
shift 2
here=$(cd "$(dirname "$0")/../.." && pwd)
for ((r = 1; r <= rounds; r++)); do
  for dir in "$other" "$here"; do
    echo "=== round $r: $(cd "$dir" && git rev-parse --short HEAD) ($dir): npm run bench -- $*"
    (cd "$dir" && node bench/run.mjs "$@")
  done
done
