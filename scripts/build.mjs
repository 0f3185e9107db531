// One esbuild script: bundles the extension, the training worker and the CLI (node, cjs).
// TensorFlow.js and native/optional packages stay external: they are loaded from node_modules.
import { build } from 'esbuild';

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
];

await Promise.all(
  entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out })),
);
console.log(`built ${entries.map((e) => e.out).join(', ')}`);
