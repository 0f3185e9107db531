#!/usr/bin/env bash
# Builds the extension and packages it as a .vsix with @vscode/vsce, the way it is published:
# production dependencies included (vsce runs `npm list --production` and adds every package it lists),
# the project's .vscodeignore applied. Works offline. Output: .e2e-cache/fine-tune.vsix (or $E2E_VSIX).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${E2E_CACHE:-$ROOT/.e2e-cache}"
OUT="${E2E_VSIX:-$CACHE/fine-tune.vsix}"
cd "$ROOT"
mkdir -p "$(dirname "$OUT")"

log() { printf '[e2e-package] %s\n' "$*"; }
start=$(date +%s)

if [[ "${E2E_SKIP_BUILD:-}" != 1 ]]; then
  npm run --silent build
fi

# The project's .vscodeignore, plus this suite's own folders, which must never reach the package
# even before .vscodeignore names them.
IGNORE="$(mktemp)"
trap 'rm -f "$IGNORE"' EXIT
{ cat .vscodeignore 2>/dev/null || true; printf '\n.e2e-cache/**\ntest/**\n.gitignore\n'; } > "$IGNORE"
# A package for this platform (as `vsce package --target` publishes one per platform): Dawn's
# binaries for the other platforms (about 110 MB) stay out.
target="$(node -p "process.platform === 'darwin' ? 'darwin-universal' : process.platform + '-' + process.arch")"
for dir in node_modules/webgpu/dist/*/; do
  name="$(basename "$dir")"
  [[ "$name" == "$target" ]] || printf 'node_modules/webgpu/dist/%s/**\n' "$name" >> "$IGNORE"
done

# --allow-missing-repository / --skip-license: the manifest has no repository field and no LICENSE file
# (vsce would otherwise ask on stdin). Dependencies are included (no --no-dependencies).
# Retried: a file that changes while it is zipped (a concurrent build in the same tree) fails the zip.
for attempt in 1 2 3; do
  rm -f "$OUT.partial.vsix"
  if npx --no-install vsce package \
      --allow-missing-repository --skip-license \
      --ignoreFile "$IGNORE" \
      --out "$OUT.partial.vsix" >"$CACHE/vsce-package.log" 2>&1; then
    break
  fi
  if [[ $attempt == 3 ]]; then cat "$CACHE/vsce-package.log"; exit 1; fi
  log "vsce package failed (attempt $attempt): $(grep -m1 -i 'error' "$CACHE/vsce-package.log" || true); retrying"
  sleep 2
done
mv "$OUT.partial.vsix" "$OUT"
size=$(du -h "$OUT" | cut -f1)
files=$(grep -o 'Packaged: .*' "$CACHE/vsce-package.log" | sed 's/.*(\(.*\))/\1/')
log "$OUT: $size ($files) in $(($(date +%s) - start))s"
