#!/usr/bin/env bash
# Test-only assets from the npm registry: axe-core, which the browser tests inject into every
# page to check accessibility (WCAG 2.2 AA rules). Pinned, fetched once into .venv/test-assets/
# (npm verifies the package's integrity); the app never ships or serves it.
set -euo pipefail
AXE_VERSION=4.14.1
DEST=.venv/test-assets
[ -f "$DEST/axe-$AXE_VERSION/axe.min.js" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "test_assets: npm not found; the accessibility checks will skip" >&2
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf axe-core-*.tgz)
mkdir -p "$DEST/axe-$AXE_VERSION"
cp "$TMP/package/axe.min.js" "$TMP/package/LICENSE" "$DEST/axe-$AXE_VERSION/"
echo "test_assets: axe-core $AXE_VERSION in $DEST" >&2
