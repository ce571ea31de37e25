#!/usr/bin/env bash
# The Python integration for LiveKit Agents (python3 -m unittest, standard library only; the
# end-to-end test runs the server built by dotnet test). Writes "passed failed" to the file named by $1.
set -uo pipefail
out="${1:?usage: livekit-agents-python.sh COUNTS_FILE}"
cd "$(dirname "$0")/../../integrations/livekit-agents-python"
log="$(mktemp)"
python3 -m unittest discover -s tests -t . -v 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$log" | tail -n 1)
summary=$(grep -E '^(OK|FAILED)' "$log" | tail -n 1)
count() { echo "$summary" | sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }
failures=$(count failures); errors=$(count errors); skipped=$(count skipped)
failed=$(( ${failures:-0} + ${errors:-0} ))
if [ -z "$ran" ] || [ -z "$summary" ]; then
  echo "0 1" > "$out"
else
  echo "$(( ran - failed - ${skipped:-0} )) $failed" > "$out"
fi
rm -f "$log"
exit $status
