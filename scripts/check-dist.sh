#!/usr/bin/env bash
# Fails when the committed bundles in dist/ are not what the sources build to (the Action and
# pre-commit run dist/ as committed, so a stale bundle ships old code). Builds into a temp
# directory with the same esbuild and compares byte for byte; touches nothing in the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node scripts/build.mjs --outdir "$tmp"
status=0
for f in "$tmp"/*; do
  name="$(basename "$f")"
  if [ ! -f "dist/$name" ]; then
    echo "check-dist: dist/$name is missing; run npm run build and commit dist/" >&2
    status=1
  elif ! cmp -s "$f" "dist/$name"; then
    echo "check-dist: dist/$name is stale (it differs from a fresh build of the sources); run npm run build and commit dist/" >&2
    status=1
  fi
done
for f in dist/*.js; do
  [ -e "$f" ] || continue
  if [ ! -f "$tmp/$(basename "$f")" ]; then
    echo "check-dist: $f is not built from any source any more; delete it" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "check-dist: dist/ is up to date"
exit "$status"
