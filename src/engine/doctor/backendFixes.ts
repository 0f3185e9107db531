// What a user can do about each reason a backend is not used. The reasons are the backend
// candidates' own words (src/engine/backends), matched loosely so new details do not hide the fix.

import type { BackendName } from '../../protocol/configTypes';

const GPU_NODE_INSTALL =
  'Install it next to the extension (`npm install @tensorflow/tfjs-node-gpu` in the folder the fineTune.nodePath runtime resolves from, or globally for the CLI). Its install script downloads libtensorflow 2.9.1, which often fails today (tensorflow/tfjs#8742): point it at a copy you host with TFJS_NODE_BASE_URI (or TFJS_NODE_CDN_STORAGE). It needs CUDA 11.2 and cuDNN 8.1 on Linux; it has no macOS GPU support.';

export function fixFor(name: BackendName, reason: string, electron: string | null): string | null {
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|wrong ELF class/i.test(reason)) {
    return `This native module was built for another Node.js${electron === null ? '' : ` than VS Code's Electron ${electron}`}. Set the setting fineTune.nodePath to a Node.js ${electron === null ? '' : 'executable '}the module was built for (e.g. /usr/bin/node), or rebuild the module for this runtime.`;
  }
  switch (name) {
    case 'tensorflow-gpu':
      if (/not installed/.test(reason)) return `Optional. ${GPU_NODE_INSTALL} On most machines WebGPU needs no install and is the simpler GPU path.`;
      if (/no usable GPU device|cannot tell/.test(reason)) return 'libtensorflow fell back to the CPU: its CUDA 11.2 / cuDNN 8.1 libraries were not found or do not match the driver. Check LD_LIBRARY_PATH and the messages libtensorflow printed (run `finetune doctor --verbose`).';
      if (/failed to load/.test(reason)) return `${GPU_NODE_INSTALL}`;
      return null;
    case 'webgpu':
      if (/only a software WebGPU adapter/.test(reason)) return 'No GPU driver is reachable through Vulkan (or Metal/D3D12); only a CPU rasterizer was found. Install the GPU driver with its Vulkan support (Linux: the vendor driver plus the libvulkan1 package), or set FINETUNE_WEBGPU_ALLOW_SOFTWARE=1 to use the software adapter anyway (slower than wasm).';
      if (/Vulkan loader/.test(reason)) return 'Install the Vulkan loader (Debian/Ubuntu: `sudo apt install libvulkan1`; Fedora: vulkan-loader) and your GPU driver\'s Vulkan support (NVIDIA: the proprietary driver ships it; AMD/Intel: mesa-vulkan-drivers).';
      if (/Vulkan found no usable GPU driver/.test(reason)) return 'The Vulkan loader is there but no GPU driver registered with it: install the driver\'s Vulkan ICD (NVIDIA: the driver package; AMD/Intel: mesa-vulkan-drivers) and check `vulkaninfo --summary`.';
      if (/failed to load/.test(reason)) return 'The webgpu package (Dawn) ships binaries for Linux x64/arm64, macOS and Windows x64/arm64; reinstall the extension for this platform.';
      if (/no WebGPU adapter/.test(reason)) return 'No GPU was found through WebGPU. On a machine with a GPU, update its driver; on a server, check that the container sees the GPU (e.g. the NVIDIA container toolkit with graphics capability for Vulkan).';
      return null;
    case 'tensorflow':
      if (/not installed/.test(reason)) return 'Optional: @tensorflow/tfjs-node runs TensorFlow\'s C library on the CPU. The built-in wasm backend needs no install.';
      return null;
    case 'wasm':
      return 'The wasm backend ships with the extension; reinstalling the extension should fix it. Training falls back to the slower pure-JavaScript backend meanwhile.';
    case 'cpu':
      return null;
  }
}
