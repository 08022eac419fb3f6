#!/usr/bin/env bash
# Copies the pinned browser libraries (package.json / package-lock.json) into wwwroot/lib.
# Run after changing a version; the copied files are committed so the app needs no npm at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
lib=src/Truceline.Web/wwwroot/lib
rm -rf "$lib/chart.js" && mkdir -p "$lib/chart.js"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$lib/chart.js/"
echo "chart.js $(node -p "require('./node_modules/chart.js/package.json').version")" > "$lib/VERSIONS"
