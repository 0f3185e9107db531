// Whether the Vulkan loader library is on this machine. Dawn's native backend on Linux needs
// libvulkan.so.1 (Debian/Ubuntu package libvulkan1) plus the GPU driver's Vulkan ICD; without the
// loader it finds no adapter and says so only on stderr, so the doctor checks for it itself.

import * as fs from 'node:fs';
import * as path from 'node:path';

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/usr/local/lib'];

/** The path of libvulkan.so.1 if found (Linux only; null elsewhere or when absent). */
export function findVulkanLoader(env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== 'linux') return null;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LIB_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'libvulkan.so.1');
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}
