#!/usr/bin/env bash
# The alert rules under deploy/prometheus/: promtool checks them, then runs each rule test file
# (one per alert). Writes "passed failed" to the file named by $1; each file is one test.
set -uo pipefail
out="${1:?usage: prometheus-rules.sh COUNTS_FILE}"
cd "$(dirname "$0")/../../deploy/prometheus"
if ! command -v promtool >/dev/null 2>&1; then
  echo "prometheus-rules: promtool is missing (tests/setup.sh installs Debian's prometheus)" >&2
  echo "0 1" > "$out"
  exit 1
fi
passed=0; failed=0
if promtool check rules alerts.yml; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
for test in tests/*.test.yml; do
  if promtool test rules "$test"; then
    passed=$((passed + 1))
  else
    echo "FAILED: promtool test rules deploy/prometheus/$test" >&2
    failed=$((failed + 1))
  fi
done
# Every query of the Grafana dashboard parses as PromQL: promtool checks them as recording rules
# ($__range, Grafana's range variable, stands in as 1h).
queries="$(mktemp --suffix=.yml)"
node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const exprs = d.panels.flatMap(p => (p.targets || []).map(t => t.expr));
  const rules = exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: e.replaceAll("$__range", "1h") }));
  if (exprs.length === 0) { console.error("no queries in the dashboard"); process.exit(1); }
  console.log(JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
' ../grafana/switchboard.json > "$queries" && promtool check rules "$queries"
if [ $? -eq 0 ]; then passed=$((passed + 1)); else echo "FAILED: a query of deploy/grafana/switchboard.json does not parse" >&2; failed=$((failed + 1)); fi
rm -f "$queries"

echo "$passed $failed" > "$out"
[ "$failed" -eq 0 ]
