#!/usr/bin/env bash
# The end-to-end suite (test/e2e): a real VS Code (code-server) in headless Chromium, driven as a user.
#   1. scripts/e2e-setup.sh    Debian packages and code-server, cached in .e2e-cache/ (fast when cached)
#   2. scripts/e2e-package.sh  npm run build + vsce package → .e2e-cache/fine-tune.vsix
#   3. node:test runs the scenarios one at a time; each installs the .vsix into a fresh code-server.
# Usage: bash scripts/e2e.sh [test/e2e/<scenario>.e2e.ts ...]   (default: every scenario)
# Artifacts (screenshots; on failure also console, code-server and VS Code logs): test/e2e/artifacts/.
# E2E_STRICT=1: scenarios whose UI is not built yet fail instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/e2e-setup.sh
bash scripts/e2e-package.sh
export E2E_PACKAGED=1

if (($# > 0)); then files=("$@"); else files=(test/e2e/*.e2e.ts); fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
