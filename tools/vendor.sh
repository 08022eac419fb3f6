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
rm -rf "$lib/leaflet" && mkdir -p "$lib/leaflet/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$lib/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$lib/leaflet/images/"
rm -rf "$lib/leaflet.markercluster" && mkdir -p "$lib/leaflet.markercluster"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css node_modules/leaflet.markercluster/MIT-LICENCE.txt "$lib/leaflet.markercluster/"
# axe-core serves only the accessibility test: it goes beside the tests, never into wwwroot.
axe=tests/Truceline.Web.Tests/Vendor/axe-core
rm -rf "$axe" && mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$axe/"
echo "axe-core $(node -p "require('./node_modules/axe-core/package.json').version") (MPL-2.0, see LICENSE): injected into pages by the accessibility tests." > "$axe/VERSION"
{
  echo "chart.js $(node -p "require('./node_modules/chart.js/package.json').version")"
  echo "leaflet $(node -p "require('./node_modules/leaflet/package.json').version")"
  echo "leaflet.markercluster $(node -p "require('./node_modules/leaflet.markercluster/package.json').version")"
} > "$lib/VERSIONS"
