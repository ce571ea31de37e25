#!/usr/bin/env bash
# The Node integration for @livekit/agents: unit tests on a real AgentSession, the shared protocol
# vectors, an end-to-end test against the built server (src/Switchboard.Server/bin/*/net10.0), and a
# type-check of the example agent of docs/INTEGRATIONS.md (examples/agent.ts).
# Writes "passed failed" to the file named by $1.
set -uo pipefail
out="${1:?usage: livekit-agents-node.sh COUNTS_FILE}"
cd "$(dirname "$0")/../../integrations/livekit-agents-node"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
report="$(mktemp)"
npx tsc -p tsconfig.json && npx tsc -p examples/tsconfig.json && node --test --test-concurrency=1 --test-reporter=tap --test-reporter-destination="$report" \
  --test-reporter=spec --test-reporter-destination=stdout dist/test/*.test.js
status=$?
passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$report" | tail -1)"
failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$report" | tail -1)"
if [ -n "$passed" ] && [ -n "$failed" ]; then
  echo "$passed $failed" > "$out"
else
  echo "0 1" > "$out"
fi
rm -f "$report"
exit $status
