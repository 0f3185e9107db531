#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest). The WebGPU tests need an adapter; CI has no GPU, so they
# use Mesa's software rasterizer (llvmpipe) through Dawn's OpenGL ES backend, which needs EGL and
# Mesa's drivers. When those libraries are missing and we are root with apt (CI, containers), this
# installs them (Debian/Ubuntu: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri); otherwise it says
# what to install, and the WebGPU tests are skipped (on CI, CI=true, they fail instead).
set -uo pipefail
have() { ldconfig -p 2>/dev/null | grep -q "$1"; }
dri_present() { compgen -G '/usr/lib/*/dri/swrast_dri.so' >/dev/null || compgen -G '/usr/lib/*/dri/kms_swrast_dri.so' >/dev/null; }
if [ "$(uname -s)" != Linux ] || { have 'libEGL.so.1' && have 'libEGL_mesa.so.0' && have 'libGLESv2.so.2' && dri_present; }; then
  exit 0
fi
packages="libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "webgpu-deps: installing $packages (software WebGPU adapter for the tests)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends $packages >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $packages >/dev/null 2>&1 || echo "webgpu-deps: apt-get could not install $packages" >&2
  fi
else
  echo "webgpu-deps: EGL/Mesa not found; the WebGPU tests will be skipped. To run them: sudo apt install $packages" >&2
fi
exit 0
