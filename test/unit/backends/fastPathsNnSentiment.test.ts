// The fused bidirectional GRU on the real nn-sentiment model (its trained weights, from the npm
// package): features and gradients of every weight (the 30000×50 embedding included) against the
// stock path, on post-padded texts where the trained hard_sigmoid gates saturate and max pooling
// sees exact ties, relative tolerance 1e-4, on the cpu and wasm backends.
//
// Padding here is at most 16 steps. Over much longer padding (the default 100 tokens with short
// texts) the state of some units converges to a float32 fixed point after 60-odd steps; where it
// becomes exactly constant depends on rounding, so the number of tied maxima, and with tfjs' tie
// rule the gradient of those units, differs between any two implementations (the stock path on
// cpu and on wasm differ there too). bench/gruFidelity.ts measures that on real reviews.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadNnSentimentBase } from '../../../src/engine/models/textModel';
import { KerasWordIndexEncoder } from '../../../src/engine/models/nnSentimentTokenizer';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { fusedGruCounts } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';

const RTOL = 1e-4;
const LENGTH = 24;
const TEXTS = [
  'this product is great and i love it , the best order ever',
  'terrible service , the order was broken and late',
  'really happy with it',
  'awful . a waste of money , i hate this product and the company that made it so poorly',
  'good',
  'the worst thing i ever bought , disappointing , poor quality , horrible smell and it broke',
  'excellent value , wonderful taste , perfect for my kids',
];

let saved: string | undefined;
before(() => {
  saved = process.env[FAST_PATHS_ENV_VAR];
  registerSegmentSumKernels();
});
after(() => {
  if (saved === undefined) delete process.env[FAST_PATHS_ENV_VAR];
  else process.env[FAST_PATHS_ENV_VAR] = saved;
});

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let ss = 0;
  for (const v of want) ss += v * v;
  const rms = Math.sqrt(ss / want.length);
  assert.ok(rms > 0, `${what}: all zeros`);
  for (let i = 0; i < want.length; i++) {
    const tol = RTOL * Math.max(Math.abs(want[i]), rms);
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}: index ${i}: ${got[i]} vs ${want[i]}`);
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`nn-sentiment with its trained weights: fused GRU = stock, features and all gradients [${backend}]`, async () => {
    await tf.setBackend(backend);
    const bundle = await loadNnSentimentBase({ sequenceLength: LENGTH });
    const { base } = bundle;
    const encoder = bundle.encoder;
    assert.ok(encoder instanceof KerasWordIndexEncoder);
    const ids = encoder.encodeTexts(TEXTS);
    const gru = base.layers.find((l) => l.getClassName() === 'FtBidirectionalGru');
    assert.ok(gru !== undefined);
    const sequences = tf.model({ inputs: base.inputs, outputs: gru.output as tf.SymbolicTensor });
    const probe = tf.tensor(Float32Array.from({ length: TEXTS.length * bundle.featureSize }, (_, i) => Math.sin(i * 1.7)), [TEXTS.length, bundle.featureSize]);
    const weights = base.trainableWeights.map((w) => w.read() as tf.Variable);
    const run = (fast: boolean): { seq: Float32Array; features: Float32Array; grads: Float32Array[] } => {
      if (fast) delete process.env[FAST_PATHS_ENV_VAR];
      else process.env[FAST_PATHS_ENV_VAR] = '0';
      return tf.tidy(() => {
        const seq = Float32Array.from((sequences.predict(ids) as tf.Tensor).dataSync());
        const features = Float32Array.from((base.predict(ids) as tf.Tensor).dataSync());
        const grads = tf.grads((...w: tf.Tensor[]) => {
          void w;
          return tf.sum(tf.mul(base.apply(ids, { training: true }) as tf.Tensor, probe));
        })(weights);
        return { seq, features, grads: grads.map((g) => Float32Array.from(g.dataSync())) };
      });
    };
    const calls = fusedGruCounts.forward;
    const stock = run(false);
    assert.equal(fusedGruCounts.forward, calls);
    const fused = run(true);
    assert.ok(fusedGruCounts.forward > calls);

    // Saturated gates: tied maxima over time, the same ones in both paths.
    const ties = (s: Float32Array): number[] => {
      const counts: number[] = [];
      const width = s.length / (TEXTS.length * LENGTH);
      for (let b = 0; b < TEXTS.length; b++) {
        for (let j = 0; j < width; j++) {
          let max = -Infinity;
          for (let t = 0; t < LENGTH; t++) max = Math.max(max, s[(b * LENGTH + t) * width + j]);
          let n = 0;
          for (let t = 0; t < LENGTH; t++) if (s[(b * LENGTH + t) * width + j] === max) n++;
          counts.push(n);
        }
      }
      return counts;
    };
    const stockTies = ties(stock.seq);
    assert.ok(stockTies.filter((n) => n > 1).length >= 2, 'max pooling sees ties');
    assert.deepEqual(ties(fused.seq), stockTies);

    assertClose(fused.features, stock.features, 'features');
    assert.equal(weights.length, 7, 'embedding and the GRU weights');
    weights.forEach((w, i) => assertClose(fused.grads[i], stock.grads[i], `gradient of ${w.name}`));
    ids.dispose();
    probe.dispose();
    base.dispose();
  });
}
