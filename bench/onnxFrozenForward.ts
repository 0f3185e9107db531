// node --import tsx bench/onnxFrozenForward.ts [--rows 2000] [--images 128] [--size 224] [--only text|images]
// The features-cache pass (the frozen base over every row, in the batches executeRun uses) for
// nn-sentiment on real reviews (/work/shared/datasets/fine_foods_train.csv, else generated texts)
// and for MobileNetV2 (random pixels: the cost does not depend on them), through tfjs-wasm (with
// the CPU fast paths installed) and through onnxruntime-node with 1 thread and with the default
// (os.availableParallelism()). Prints one JSON line per (model, path): wall and CPU time (user +
// system of the whole process, onnxruntime's threads included), rows/s, the session set-up time
// (export + session creation, inside the wall time) and the largest difference from tfjs.

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parse } from 'csv-parse/sync';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import { loadNnSentimentBase } from '../src/engine/models/textModel';
import { KerasWordIndexEncoder } from '../src/engine/models/nnSentimentTokenizer';
import { loadMobileNetBase } from '../src/engine/models/mobileNetBase';
import { computeFrozenOutputs } from '../src/engine/onnx/computeFrozenOutputs';
import { createOnnxFrozenForward } from '../src/engine/onnx/onnxFrozenForward';

const REVIEWS = '/work/shared/datasets/fine_foods_train.csv';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : 'both';

function reviews(n: number): string[] {
  if (existsSync(REVIEWS)) {
    const rows = parse(readFileSync(REVIEWS), { columns: true }) as Array<Record<string, string>>;
    const texts = rows.map((r) => r['review'] ?? '');
    return Array.from({ length: n }, (_, i) => texts[i % texts.length]);
  }
  const words = ['great', 'awful', 'the', 'product', 'is', 'was', 'love', 'hate', 'really', 'order'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 5 + ((i * 7) % 60) }, (_, w) => words[(i * 3 + w * 5) % words.length]).join(' '));
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  out: tf.Tensor;
}

async function measure(run: () => Promise<tf.Tensor>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const out = await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, out };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

async function setupMs(model: tf.LayersModel, threads: number): Promise<number> {
  const start = performance.now();
  const forward = await createOnnxFrozenForward(model, { threads });
  const ms = performance.now() - start;
  if ('unavailable' in forward) throw new Error(forward.unavailable);
  forward.dispose();
  return ms;
}

async function benchModel(name: string, model: tf.LayersModel, x: tf.Tensor, batch: number, extra: Record<string, unknown>): Promise<void> {
  const rows = x.shape[0];
  const quiet = (): void => undefined;
  // Warm-up on a few rows (wasm kernels, first-call allocations), not timed.
  const warm = tf.slice(x, 0, Math.min(batch, rows));
  (await computeFrozenOutputs(model, warm, batch, quiet, { env: { FINETUNE_ONNX: '0' } })).dispose();
  warm.dispose();
  const tfjs = await measure(() => computeFrozenOutputs(model, x, batch, quiet, { env: { FINETUNE_ONNX: '0' } }));
  const line = (path: string, threads: number | null, m: Measured, setup: number | null): void =>
    console.log(
      JSON.stringify({
        model: name,
        ...extra,
        rows,
        batch,
        path,
        threads,
        wall_ms: Math.round(m.wallMs),
        cpu_ms: Math.round(m.cpuMs),
        rows_per_s: Math.round((rows / m.wallMs) * 1000),
        setup_ms: setup === null ? null : Math.round(setup),
        speedup_wall: Number((tfjs.wallMs / m.wallMs).toFixed(2)),
        max_abs_diff_vs_tfjs: path === 'tfjs-wasm' ? 0 : Number(maxAbsDiff(m.out, tfjs.out).toExponential(2)),
      }),
    );
  line('tfjs-wasm', null, tfjs, null);
  for (const threads of [...new Set([1, availableParallelism()])]) {
    const setup = await setupMs(model, threads);
    const onnx = await measure(() => computeFrozenOutputs(model, x, batch, quiet, { env: {}, threads }));
    line('onnxruntime', threads, onnx, setup);
    onnx.out.dispose();
  }
  tfjs.out.dispose();
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const fastPaths = installFastPaths('wasm', () => undefined);
  console.error(`backend wasm, fast paths: ${fastPaths.join(', ')}; cores: ${availableParallelism()}`);
  if (only !== 'images') {
    const bundle = await loadNnSentimentBase();
    if (!(bundle.encoder instanceof KerasWordIndexEncoder)) throw new Error('nn-sentiment encoder is not a KerasWordIndexEncoder');
    const x = bundle.encoder.encodeTexts(reviews(arg('rows', 2000)));
    // executeRun's feature batch for a 100-token input at batch size 32: max(64, 32) rows.
    await benchModel('nn-sentiment', bundle.base, x, 64, { data: existsSync(REVIEWS) ? 'fine_foods_train.csv' : 'generated' });
    x.dispose();
    bundle.base.dispose();
  }
  if (only !== 'text') {
    const size = arg('size', 224);
    const bundle = await loadMobileNetBase({ imageSize: size });
    const x = tf.randomUniform([arg('images', 128), size * size * 3], -1, 1, 'float32', 7);
    // executeRun's feature batch: 2,000,000 input values per batch.
    await benchModel('mobilenet_v2', bundle.base, x, Math.max(1, Math.floor(2_000_000 / (size * size * 3))), { size, data: 'random pixels' });
    x.dispose();
    bundle.base.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
