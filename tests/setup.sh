#!/usr/bin/env bash
# Installs what the test suites need, idempotently: Node.js and npm, Debian's Chromium for the
# browser tests, Debian's PostgreSQL server for the store tests (the tests start private
# instances of it; Debian's own cluster is not created), Debian's nginx for the multi-node tests
# (never started as a service), and the npm packages of every directory
# with a lock file. Safe to run again: it
# installs only what is missing or out of date. tests/run.sh runs it first; so does .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# The Python integration's tests run on the standard library alone.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The PostgreSQL store tests start their own server from Debian's binaries.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The multi-node tests put Debian's nginx in front of the nodes (started privately by the tests).
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# The alert rules under deploy/prometheus/ are unit-tested with promtool (Debian's prometheus).
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "tests/setup.sh: missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]}) or run as root" >&2
    exit 1
  fi
  as_root=(); [ "$(id -u)" -ne 0 ] && as_root=(sudo)
  echo "tests/setup.sh: installing ${need_apt[*]}"
  # No default cluster listening on 5432: every test run starts its own private instance.
  if [[ " ${need_apt[*]} " == *" postgresql "* ]] && [ ! -f /etc/postgresql-common/createcluster.d/switchboard.conf ]; then
    "${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/switchboard.conf >/dev/null
  fi
  # No service may start while installing (nginx's package would listen on port 80 of every
  # address): Debian's policy-rc.d hook refuses every start, and is removed again if it was ours.
  policy_ours=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d
    policy_ours=1
  fi
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [ "$policy_ours" -eq 1 ]; then "${as_root[@]}" rm -f /usr/sbin/policy-rc.d; fi
fi

# npm ci where node_modules is missing or older than its lock file (npm records the installed
# tree in node_modules/.package-lock.json).
while IFS= read -r lock; do
  dir="$(dirname "$lock")"
  installed="$dir/node_modules/.package-lock.json"
  if [ ! -f "$installed" ] || [ "$lock" -nt "$installed" ]; then
    echo "tests/setup.sh: npm ci in ${dir#./}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done < <(find . -name package-lock.json -not -path '*/node_modules/*' -not -path './artifacts/*' | sort)
