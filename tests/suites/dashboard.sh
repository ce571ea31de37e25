#!/usr/bin/env bash
# The dashboard's unit tests (Vitest). Writes "passed failed" to the file named by $1.
set -uo pipefail
out="${1:?usage: dashboard.sh COUNTS_FILE}"
cd "$(dirname "$0")/../../dashboard"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
report="$(mktemp)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
status=$?
if [ -s "$report" ]; then
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`${r.numPassedTests} ${r.numFailedTests + (r.numRuntimeErrorTests||0)}`)' "$report" > "$out"
else
  echo "0 1" > "$out"
fi
rm -f "$report"
exit $status
