#!/usr/bin/env bash
# Installs what the end-to-end suite (test/e2e) needs, on a fresh Debian machine, idempotently:
#   - Debian packages: chromium (the browser Playwright drives), ripgrep (VS Code's search binary),
#     libkrb5-dev (headers for code-server's `kerberos` native module), fonts, build tools;
#   - code-server (a real VS Code served to the browser) into .e2e-cache/code-server, its native
#     modules rebuilt offline for this machine's Node.
# A second run finds everything in place and returns in about a second.
#
# Environment:
#   E2E_CACHE            cache folder (default: <repo>/.e2e-cache)
#   E2E_SKIP_APT=1       do not install Debian packages (they must be present already)
#
# Nothing is downloaded from GitHub or a CDN: npm packages come from the npm registry, the rest from apt.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${E2E_CACHE:-$ROOT/.e2e-cache}"
CS_DIR="$CACHE/code-server"
MARKER="$CS_DIR/.e2e-ready"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
WANT_MARKER="code-server $CODE_SERVER_VERSION node $NODE_MAJOR $(uname -m)"

log() { printf '[e2e-setup] %s\n' "$*"; }
start=$(date +%s)

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=(chromium ripgrep libkrb5-dev fonts-dejavu-core fonts-liberation python3 make g++ pkg-config)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  if [[ "${E2E_SKIP_APT:-}" == 1 ]]; then
    log "missing Debian packages: ${missing[*]} (E2E_SKIP_APT=1, not installing)"; exit 1
  fi
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else log "need root or sudo to install: ${missing[*]}"; exit 1; fi
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[[ -x /usr/bin/chromium ]] || { log "/usr/bin/chromium is missing"; exit 1; }
RG="$(command -v rg || true)"
[[ -n "$RG" ]] || { log "ripgrep (rg) is missing"; exit 1; }

# ---------------------------------------------------------------- code-server
if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$WANT_MARKER" ]]; then
  log "code-server $CODE_SERVER_VERSION ready in $CS_DIR ($(($(date +%s) - start))s)"
  exit 0
fi
if [[ "$NODE_MAJOR" != 20 ]]; then
  log "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node --version)); 4.104 and later need Node 22"; exit 1
fi

PARTIAL="$CACHE/code-server.partial"
rm -rf "$PARTIAL"
mkdir -p "$PARTIAL"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_yes=true

log "npm install code-server@$CODE_SERVER_VERSION (scripts off)"
# Its postinstall would run `npm install` in lib/vscode with every install script on, and some of those
# download binaries from GitHub; we do the same steps by hand below, offline.
(cd "$PARTIAL" && echo '{"private":true}' > package.json \
  && npm install --ignore-scripts --omit=dev --no-package-lock "code-server@$CODE_SERVER_VERSION" >/dev/null)
PKG="$PARTIAL/node_modules/code-server"
VSCODE="$PKG/lib/vscode"

log "npm install lib/vscode dependencies (scripts off)"
(cd "$VSCODE" && npm install --omit=dev --ignore-scripts >/dev/null)

# @vscode/ripgrep's install script downloads rg from GitHub unless bin/rg exists: use Debian's.
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$RG" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

log "npm rebuild native modules for Node $(node --version)"
(cd "$VSCODE" && npm rebuild >/dev/null)
# code-server's own native dependency, argon2 (password hashing), is loaded at start-up even with
# --auth none; its install script would fetch a prebuilt binary from GitHub: build it from source.
(cd "$PARTIAL" && npm_config_build_from_source=true npm rebuild argon2 >/dev/null 2>&1)

# What code-server's postinstall.sh does besides installing.
ln -sfn node_modules "$VSCODE/node_modules.asar"
ln -sfn code-linux.sh "$VSCODE/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VSCODE/bin/helpers/browser.sh"

# Smoke test: the server loads and prints its version (its config file goes to a scratch folder).
XDG_CONFIG_HOME="$PARTIAL/.smoke-config" node "$PKG/out/node/entry.js" --version
rm -rf "$PARTIAL/.smoke-config"

echo "$WANT_MARKER" > "$PARTIAL/.e2e-ready"
rm -rf "$CS_DIR"
mv "$PARTIAL" "$CS_DIR"
# Paths inside node_modules/.bin are relative, so moving the folder keeps them valid.
log "code-server $CODE_SERVER_VERSION installed in $CS_DIR ($(($(date +%s) - start))s)"
