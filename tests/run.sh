#!/usr/bin/env bash
# Runs every test suite of the repository and prints one summary line: "N passed, N failed[, N skipped]".
# Suites: the .NET test projects (xunit). Other suites add their counts through tests/counts/*.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Everything the suites need (Node.js, Chromium, npm packages) is installed first, idempotently.
bash "$root/tests/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet test Switchboard.slnx --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$counters" | sed -n 's/.* total="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done

# Suites outside dotnet test (conformance with LiveKit's npm SDK, dashboard unit tests) run here
# when present and write "passed failed" into artifacts/test-results/<name>.counts.
for suite in "$root"/tests/suites/*.sh; do
  [ -f "$suite" ] || continue
  name=$(basename "$suite" .sh)
  bash "$suite" "$results/$name.counts" || status=1
  if [ -f "$results/$name.counts" ]; then
    read -r sp sf < "$results/$name.counts"
    passed=$((passed + sp)); failed=$((failed + sf))
  else
    failed=$((failed + 1))
  fi
done

# The names of failed tests come last, next to the summary, so that a log's tail says what failed.
# With python3 at hand each name is followed by the first lines of its message.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  if command -v python3 >/dev/null 2>&1; then
    python3 "$root/tests/failed-tests.py" "$trx"
  else
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.* testName="\([^"]*\)".*/FAILED: \1/p'
  fi
done
for counts in "$results"/*.counts; do
  [ -f "$counts" ] || continue
  read -r sp sf < "$counts"
  [ "${sf:-0}" -gt 0 ] && echo "FAILED: $sf test(s) in suite $(basename "$counts" .counts)"
done

if [ "$passed" -eq 0 ]; then
  echo "no tests ran"
  status=1
fi
[ "$failed" -gt 0 ] && status=1
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
