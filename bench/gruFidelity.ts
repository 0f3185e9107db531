// node --import tsx bench/gruFidelity.ts [reviews.csv] [n]: how closely the fused bidirectional
// GRU follows the stock tf-op path on the real nn-sentiment model and real reviews (default: the
// first 64 of /work/shared/datasets/fine_foods_train.csv, else generated texts), at its 100-token
// length, on wasm. For comparison, the same numbers between the stock path on cpu and on wasm.
// Prints one JSON line per pair: max relative difference (|a-b| / max(|b|, rms b)) of the
// features and of the gradient of each weight, under a loss on all 80 features and under a loss
// on the 40 average-pooled ones only; and how many (text, unit) pairs have a different number of
// tied maxima over time. A report, not a test.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { loadNnSentimentBase } from '../src/engine/models/textModel';
import { KerasWordIndexEncoder } from '../src/engine/models/nnSentimentTokenizer';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { FAST_PATHS_ENV_VAR } from '../src/engine/backends/fastPaths/fastPathsSwitch';
import { disableWasmMatMulOverride } from '../src/engine/backends/fastPaths/wasmMatMulOverride';

interface Variant {
  seq: Float32Array;
  features: Float32Array;
  /** Gradients of each weight under the loss on all features, then on the average-pooled half. */
  all: Float32Array[];
  avg: Float32Array[];
}

function texts(file: string, n: number): string[] {
  if (existsSync(file)) {
    const rows = parse(readFileSync(file), { columns: true }) as Array<Record<string, string>>;
    const column = Object.keys(rows[0] ?? {}).find((c) => c === 'review' || c === 'text') ?? 'review';
    return rows.slice(0, n).map((r) => r[column] ?? '');
  }
  const words = ['great', 'awful', 'the', 'product', 'is', 'was', 'love', 'hate', 'really', 'order'];
  return Array.from({ length: n }, (_, i) => Array.from({ length: 5 + ((i * 7) % 40) }, (_, w) => words[(i * 3 + w * 5) % words.length]).join(' '));
}

function maxRelative(a: Float32Array, b: Float32Array): number {
  let ss = 0;
  for (const v of b) ss += v * v;
  const rms = Math.sqrt(ss / b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), rms));
  return worst;
}

function tieCounts(seq: Float32Array, n: number, time: number): number[] {
  const width = seq.length / (n * time);
  const counts: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < width; j++) {
      let max = -Infinity;
      for (let t = 0; t < time; t++) max = Math.max(max, seq[(b * time + t) * width + j]);
      let c = 0;
      for (let t = 0; t < time; t++) if (seq[(b * time + t) * width + j] === max) c++;
      counts.push(c);
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? '/work/shared/datasets/fine_foods_train.csv';
  const n = Number(process.argv[3] ?? 64);
  registerSegmentSumKernels();
  disableWasmMatMulOverride();
  const run = async (backend: string, fast: boolean): Promise<Variant> => {
    await tf.setBackend(backend);
    process.env[FAST_PATHS_ENV_VAR] = fast ? '1' : '0';
    const bundle = await loadNnSentimentBase();
    const { base } = bundle;
    if (!(bundle.encoder instanceof KerasWordIndexEncoder)) throw new Error('nn-sentiment has a word-index encoder');
    const ids = bundle.encoder.encodeTexts(texts(file, n));
    const gru = base.layers.find((l) => l.getClassName() === 'FtBidirectionalGru');
    if (gru === undefined) throw new Error('no FtBidirectionalGru in nn-sentiment');
    const sequences = tf.model({ inputs: base.inputs, outputs: gru.output as tf.SymbolicTensor });
    const weights = base.trainableWeights.map((w) => w.read() as tf.Variable);
    const size = bundle.featureSize;
    const probeAll = tf.tensor(Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 1.7)), [n, size]);
    const probeAvg = tf.mul(probeAll, tf.concat([tf.ones([1, size / 2]), tf.zeros([1, size / 2])], 1));
    const grads = (probe: tf.Tensor): Float32Array[] =>
      tf.tidy(() => tf.grads(() => tf.sum(tf.mul(base.apply(ids, { training: true }) as tf.Tensor, probe)))(weights).map((g) => Float32Array.from(g.dataSync())));
    const variant: Variant = {
      seq: tf.tidy(() => Float32Array.from((sequences.predict(ids) as tf.Tensor).dataSync())),
      features: tf.tidy(() => Float32Array.from((base.predict(ids) as tf.Tensor).dataSync())),
      all: grads(probeAll),
      avg: grads(probeAvg),
    };
    tf.dispose([ids, probeAll, probeAvg]);
    base.dispose();
    return variant;
  };
  const stockWasm = await run('wasm', false);
  const fusedWasm = await run('wasm', true);
  const stockCpu = await run('cpu', false);
  const names = ['embedding', 'forward kernel', 'forward recurrent_kernel', 'forward bias', 'backward kernel', 'backward recurrent_kernel', 'backward bias'];
  const report = (pair: string, a: Variant, b: Variant): void => {
    const ta = tieCounts(a.seq, n, a.seq.length / (n * 40));
    const tb = tieCounts(b.seq, n, b.seq.length / (n * 40));
    const gradients = (ga: Float32Array[], gb: Float32Array[]): Record<string, number> =>
      Object.fromEntries(names.map((name, i) => [name, Number(maxRelative(ga[i], gb[i]).toPrecision(2))]));
    console.log(
      JSON.stringify({
        pair,
        texts: n,
        features: Number(maxRelative(a.features, b.features).toPrecision(2)),
        tiedPairsDiffering: ta.filter((c, i) => c !== tb[i]).length,
        tiedPairs: tb.filter((c) => c > 1).length,
        pairs: tb.length,
        gradientsAllFeatures: gradients(a.all, b.all),
        gradientsAveragePooledOnly: gradients(a.avg, b.avg),
      }),
    );
  };
  report('fused wasm vs stock wasm', fusedWasm, stockWasm);
  report('stock cpu vs stock wasm', stockCpu, stockWasm);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
