#!/usr/bin/env bash
# GPU proof: prints the doctor's JSON, then trains the benchmark shapes on webgpu and on wasm and
# prints one JSON line per case (ms/step, examples/s, backend, device). Runs from the repository
# (after npm install && npm run build) or from the kit that scripts/gpu-kit.sh packs for a machine
# with no Node.js and no internet (bin/node inside the kit is used when present). On a machine
# without the Vulkan loader, Debian's libvulkan1 (and EGL) .deb files in $GL_DEBS (default ./.gl)
# are unpacked first (needs root). Without a GPU it still runs: WebGPU then uses the software
# adapter (forced for the benchmark only), so the script is known to work everywhere.
# Usage: scripts/gpu-check.sh [--rows N] [--cases a,b]   (all of it takes under 5 minutes)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/dist/cli.js" ]; then cd "$here"; else cd "$here/.."; fi
node_bin=node
[ -x bin/node ] && node_bin=$PWD/bin/node
command -v "$node_bin" >/dev/null || { echo "error: no Node.js (put one in bin/node or on the PATH)" >&2; exit 1; }
[ -f dist/gpu-check.js ] || { echo "error: dist/gpu-check.js missing: run npm run build" >&2; exit 1; }

debs=${GL_DEBS:-.gl}
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' && compgen -G "$debs/*.deb" >/dev/null; then
  echo "# unpacking $(ls "$debs"/*.deb | wc -l) Vulkan/EGL packages from $debs" >&2
  for f in "$debs"/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# NVIDIA containers mount the driver's Vulkan/EGL descriptions here without registering them.
nv=/usr/local/nvidia/share
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nv/vulkan/icd.d/nvidia_icd.json" ]; then export VK_DRIVER_FILES=$nv/vulkan/icd.d/nvidia_icd.json; fi
if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f "$nv/glvnd/egl_vendor.d/10_nvidia.json" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$nv/glvnd/egl_vendor.d/10_nvidia.json; fi

echo "## nvidia-smi"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 || true
echo "## doctor"
timeout 120 "$node_bin" dist/cli.js doctor --json 2>/dev/null
echo "## bench (one JSON line per case and backend)"
FINETUNE_WEBGPU_ALLOW_SOFTWARE=1 timeout 240 "$node_bin" dist/gpu-check.js --backends webgpu,wasm "$@" 2>/dev/null
