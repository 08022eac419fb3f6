#!/usr/bin/env bash
# Build the benchmarks in Release and run them.
#   bench/run.sh                 the BenchmarkDotNet suite (default job; a few minutes on 2 cores)
#   bench/run.sh --job short     the suite with BenchmarkDotNet's short job (about a minute)
#   bench/run.sh --quick         a Stopwatch median in seconds, no BenchmarkDotNet
#   bench/run.sh --classification  zone and line classification of 1,000,000 points (real zones from ../shared)
#   bench/run.sh --intake          durable report intake over HTTP on SQLite against a raw batched insert
#   bench/run.sh --intake-writer   the intake writer alone (batches of 1,000, no HTTP) against the rows it stored, raw
#   bench/run.sh --grouping        grouping 1,000,000 simulated reports into incidents
#   bench/run.sh --incident-queries  the incident list and daily counts over 1,000,000 incidents
#   bench/run.sh --transparency    Merkle proofs at 10,000,000 leaves, Ed25519 and checkpoint verification
#   bench/run.sh --aid             a year of consignments imported, every aid figure over it, stage transitions
#   bench/run.sh --log [--leaves N]  transparency log appends and proofs on SQLite (default 1,000,000 leaves)
#   bench/run.sh --portal          public answers under wrk against nginx serving the same bytes; the complaint page and its posts
# Any other arguments go to BenchmarkDotNet (e.g. --filter '*Analyse*').
# The plan measured is generated: simulated data, not a real agreement.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# The portal's and intake's figures are wrk's, from its own process (the portal's baseline is nginx).
if [[ " $* " == *" --portal "* || " $* " == *" --intake "* ]]; then
  missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  if [[ " $* " == *" --portal "* ]]; then command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light); fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
      # The package starts nginx as a service on port 80; the benchmark starts its own on a free port.
      systemctl disable --now nginx >/dev/null 2>&1 || /usr/sbin/nginx -s stop 2>/dev/null || true
    else echo "Install ${missing[*]} first (sudo apt-get install ${missing[*]})." >&2; exit 2; fi
  fi
fi
dotnet build -c Release bench/Truceline.Bench/Truceline.Bench.csproj -nologo -v quiet
exec dotnet artifacts/bin/Truceline.Bench/release/Truceline.Bench.dll "$@"
