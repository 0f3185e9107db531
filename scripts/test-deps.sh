#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest) and installs, where it can, what some tests need from the
# system (Debian/Ubuntu packages; only as root with apt, e.g. on CI and in containers):
#  - EGL and Mesa (libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri): the WebGPU tests need an
#    adapter, and without a GPU they use Mesa's software rasterizer through Dawn's OpenGL ES
#    backend. Missing: those tests are skipped (on CI, CI=true, they fail instead).
#  - clang and lld: the build compiles the engine's wasm kernels (src/engine/backends/fastPaths/wasm)
#    with clang's wasm32 target. Missing: the TypeScript kernels run and those tests are skipped.
# Elsewhere it only says what to install. It never fails the test run itself.
set -uo pipefail
[ "$(uname -s)" = Linux ] || exit 0
have() { ldconfig -p 2>/dev/null | grep -q "$1"; }
dri_present() { compgen -G '/usr/lib/*/dri/swrast_dri.so' >/dev/null || compgen -G '/usr/lib/*/dri/kms_swrast_dri.so' >/dev/null; }
missing=""
if ! { have 'libEGL.so.1' && have 'libEGL_mesa.so.0' && have 'libGLESv2.so.2' && dri_present; }; then
  missing="$missing libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"
fi
if ! command -v clang >/dev/null || ! { command -v wasm-ld >/dev/null || command -v wasm-ld-14 >/dev/null; }; then
  missing="$missing clang lld"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; } || echo "test-deps: apt-get could not install$missing" >&2
  fi
else
  echo "test-deps: not found:$missing. Tests that need them are skipped; to run them: sudo apt install$missing" >&2
fi
exit 0
