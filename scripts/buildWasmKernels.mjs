// Builds the engine's WebAssembly kernels from their C sources into dist/wasm/, with clang's
// wasm32 target (Debian: apt-get install clang lld). Called by scripts/build.mjs; runnable alone.
// No libc, no fast-math: strict IEEE float32 (-ffp-contract=off); SIMD128 and bulk memory.
// Without a working clang it says why, removes any old output (so dist/ never holds a kernel
// older than its source) and succeeds: the engine then runs its TypeScript kernels.
// FINETUNE_REQUIRE_WASM_KERNELS=1 makes that an error (for CI images that have clang).
// CLANG=/path/to/clang picks the compiler.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

export const WASM_KERNELS = [
  { source: 'src/engine/backends/fastPaths/wasm/gruKernel.c', output: 'dist/wasm/gruKernel.wasm' },
  { source: 'src/engine/backends/fastPaths/wasm/geluKernel.c', output: 'dist/wasm/geluKernel.wasm' },
  { source: 'src/engine/backends/fastPaths/wasm/lstmKernel.c', output: 'dist/wasm/lstmKernel.wasm' },
  { source: 'src/engine/backends/fastPaths/wasm/attentionKernel.c', output: 'dist/wasm/attentionKernel.wasm' },
  // Runs on tfjs-wasm's own memory (wasmAdamWKernel.ts): imports it instead of defining one.
  { source: 'src/engine/backends/fastPaths/wasm/adamwKernel.c', output: 'dist/wasm/adamwKernel.wasm', flags: ['-Wl,--import-memory'] },
  // The float32 GEMM of the matMul kernels (wasmGemmKernel.ts): also on tfjs-wasm's own memory.
  { source: 'src/engine/backends/fastPaths/wasm/gemmKernel.c', output: 'dist/wasm/gemmKernel.wasm', flags: ['-Wl,--import-memory'] },
];

const FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-mbulk-memory',
  '-ffp-contract=off',
  '-nostdlib',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  '-Wl,--strip-all',
];

/** Builds every kernel; returns the outputs built. */
export function buildWasmKernels(log = console.log) {
  const clang = process.env.CLANG || 'clang';
  const built = [];
  for (const { source, output, flags = [] } of WASM_KERNELS) {
    mkdirSync(dirname(output), { recursive: true });
    const r = spawnSync(clang, [...FLAGS, ...flags, '-o', output, source], { encoding: 'utf8' });
    if (r.status === 0) {
      built.push(output);
      continue;
    }
    rmSync(output, { force: true });
    const why = r.error ? `${clang} not found (${r.error.message})` : (r.stderr || r.stdout).trim();
    const message = `wasm kernel ${output} not built: ${why}\n  The engine uses its TypeScript kernel instead (slower). To build it: apt-get install clang lld.`;
    if (process.env.FINETUNE_REQUIRE_WASM_KERNELS === '1') throw new Error(message);
    log(message);
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = buildWasmKernels();
  if (built.length) console.log(`built ${built.join(', ')}`);
}
