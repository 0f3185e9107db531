// One esbuild script: bundles the extension, the training worker and the CLI (node, cjs).
// TensorFlow.js and native/optional packages stay external: they are loaded from node_modules.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasmKernels } from './buildWasmKernels.mjs';

const external = [
  'vscode',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
  'sharp',
  'onnxruntime-node',
  'nn-sentiment',
  'nn-sentiment/package.json',
];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

const entries = [
  { in: 'src/extension.ts', out: 'dist/extension.js' },
  { in: 'src/worker/workerMain.ts', out: 'dist/worker.js' },
  { in: 'src/cli/cliMain.ts', out: 'dist/cli.js' },
  { in: 'bench/gpuCheck.ts', out: 'dist/gpu-check.js' },
  // Data-parallel training's worker threads (src/engine/training/parallel/workerScript.ts finds it beside dist/worker.js and dist/cli.js).
  { in: 'src/engine/training/parallel/parallelWorkerMain.ts', out: 'dist/parallel-worker.js' },
];

// Webviews: every webview/<panel>/main.ts becomes dist/webview/<panel>.js (browser, iife).
const webviews = readdirSync('webview', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
  .map((d) => ({ in: join('webview', d.name, 'main.ts'), out: join('dist', 'webview', `${d.name}.js`) }));

await Promise.all([
  ...entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out })),
  ...webviews.map((e) =>
    build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: true,
      logLevel: 'warning',
      entryPoints: [e.in],
      outfile: e.out,
      loader: { '.css': 'text' },
    }),
  ),
]);
const kernels = buildWasmKernels();
console.log(`built ${[...entries, ...webviews].map((e) => e.out).concat(kernels).join(', ')}`);
