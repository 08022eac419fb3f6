#!/usr/bin/env bash
# Runs every test: unit tests, HTTP tests on a SQLite file and on PostgreSQL, and the Chromium tests.
# Installs what it needs (PostgreSQL, Chromium; as root, with apt-get), starts a throwaway PostgreSQL
# on 127.0.0.1, and ends with one summary line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=$(pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh needs the .NET 10 SDK on PATH (see README.md, Requirements)." >&2
  exit 1
fi

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans" || missing+=(fonts-noto-core)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) or run test.sh as root." >&2
    exit 1
  fi
fi

# A throwaway PostgreSQL server for this run only.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata=$(mktemp -d /tmp/truceline-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdata"
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$pgdata" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$pgdata" /tmp/truceline-tests
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
port=${TRUCELINE_TEST_PG_PORT:-55432}
started=no
for try in 1 2 3 4 5 6 7 8 9 10; do
  if as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/log" -w start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdata -c fsync=off -c max_connections=200" >/dev/null 2>&1; then
    started=yes; break
  fi
  port=$((port + 1))
done
if [ "$started" != yes ]; then
  echo "PostgreSQL did not start; its log:" >&2; cat "$pgdata/log" >&2 || true
  exit 1
fi
say "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export TRUCELINE_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres"
export TRUCELINE_CHROMIUM=${TRUCELINE_CHROMIUM:-$(command -v chromium)}

say "Building"
dotnet build Truceline.slnx -c Release -nologo -v quiet -clp:ErrorsOnly

say "Running the tests"
log=$(mktemp)
set +e
dotnet test Truceline.slnx -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test assemblies.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
