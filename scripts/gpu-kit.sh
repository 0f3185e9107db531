#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a machine with no Node.js and no internet (e.g. a lent
# GPU server): this Node binary, the built dist/, and only the runtime files of the packages the
# engine loads (TF.js node builds, the wasm binaries, Dawn's linux-x64 binary, nn-sentiment),
# about 45 MB compressed. Output: .gpu-kit/kit.tar.xz (git-ignored). Run `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] && [ -f dist/gpu-check.js ] || { echo "error: run npm run build first (dist/cli.js, dist/gpu-check.js missing)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
kit="$stage/kit"
mkdir -p "$kit/bin" "$kit/node_modules"
cp "$(readlink -f "$(command -v node)")" "$kit/bin/node"
cp -r dist "$kit/dist"
rm -f "$kit"/dist/*.map "$kit"/dist/webview/*.map
cp package.json "$kit/"
copy() { # copy <package> <relative file>...
  local pkg=$1; shift
  mkdir -p "$kit/node_modules/$pkg"
  cp "node_modules/$pkg/package.json" "$kit/node_modules/$pkg/"
  for f in "$@"; do
    mkdir -p "$kit/node_modules/$pkg/$(dirname "$f")"
    cp -r "node_modules/$pkg/$f" "$kit/node_modules/$pkg/$f"
  done
}
main_of() { node -p "require('./node_modules/$1/package.json').main"; }
for p in tfjs tfjs-core tfjs-layers tfjs-converter tfjs-data tfjs-backend-cpu tfjs-backend-webgl tfjs-backend-webgpu; do
  copy "@tensorflow/$p" "$(main_of "@tensorflow/$p")"
done
copy @tensorflow/tfjs-backend-wasm "$(main_of @tensorflow/tfjs-backend-wasm)" dist/tfjs-backend-wasm.wasm dist/tfjs-backend-wasm-simd.wasm
copy webgpu index.js "dist/linux-x64"
cp -r node_modules/nn-sentiment "$kit/node_modules/"
for p in seedrandom long; do cp -r "node_modules/$p" "$kit/node_modules/"; done
cp scripts/gpu-check.sh "$kit/"
mkdir -p .gpu-kit
tar -C "$stage" -cJf .gpu-kit/kit.tar.xz kit
ls -la .gpu-kit/kit.tar.xz
