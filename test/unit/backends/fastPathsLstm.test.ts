// The LSTM layers (FtLstm, FtBidirectionalLstm) against tfjs' own stock tf.layers.lstm and
// tf.layers.bidirectional({layer: lstm}) with the same weights, on the cpu and wasm backends, each
// path: fast paths off (stock tf ops), the fused op with the TypeScript kernel and with the wasm
// SIMD kernel (where the build made it). Outputs and gradients (input, kernel, recurrent kernel,
// bias) through tfjs autodiff of the stock layers, both recurrent activations, returnSequences both
// ways, relative tolerance 1e-4; LoRA factors against the chain rule through the stock layer's
// kernel gradients; exact ties under max pooling; the switch.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FtLstm } from '../../../src/engine/models/lstm';
import { FtBidirectionalLstm } from '../../../src/engine/models/bidirectionalLstm';
import type { FtLstmBase, LstmLayerArgs } from '../../../src/engine/models/lstmLayerBase';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { fusedLstmApplies, fusedLstmCounts } from '../../../src/engine/backends/fastPaths/fusedLstm';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { assertClose, LSTM_KERNELS, outputAndGrads, seeded, seededTensor, usePath, type LstmPath } from './fastPathsLstmCompare';

const BACKENDS = ['cpu', 'wasm'] as const;
const BATCH = 5; // not a multiple of the wasm kernel's 4-row blocks
const TIME = 8;
const IN = 6;
const UNITS = 5;
const PATHS: LstmPath[] = ['stock', ...LSTM_KERNELS];

before(() => registerSegmentSumKernels());

type Kind = 'lstm' | 'bidirectional';

/** tfjs' own layer (the reference) and ours, with the same random weights (bias included). */
function pair(kind: Kind, args: Partial<LstmLayerArgs>, seed: number): { ref: tf.layers.Layer; ours: FtLstmBase } {
  const returnSequences = args.returnSequences ?? false;
  const recurrentActivation = args.recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hardSigmoid';
  const useBias = args.useBias ?? true;
  const lstm = tf.layers.lstm({ units: UNITS, returnSequences, recurrentActivation, useBias, name: `ref_lstm_${seed}` });
  const ref = kind === 'lstm' ? lstm : tf.layers.bidirectional({ layer: lstm, mergeMode: 'concat' });
  const ours = kind === 'lstm' ? new FtLstm({ units: UNITS, ...args }) : new FtBidirectionalLstm({ units: UNITS, ...args });
  ref.apply(tf.input({ shape: [TIME, IN] }));
  ours.apply(tf.input({ shape: [TIME, IN] }));
  ref.setWeights(ref.getWeights().map((w, i) => seededTensor(w.shape, seed + i, 0.7)));
  ours.setKerasOrderWeights(ref.getWeights());
  return { ref, ours };
}

function compareToReference(kind: Kind, args: Partial<LstmLayerArgs>, seed: number, label: string): void {
  const { ref, ours } = pair(kind, args, seed);
  const x = tf.variable(seededTensor([BATCH, TIME, IN], seed + 50, 1.5));
  const want = outputAndGrads(() => ref.apply(x) as tf.Tensor, [x, ...ref.trainableWeights.map((w) => w.read() as tf.Variable)]);
  const vars = [x, ...ours.kerasOrderWeights().map((w) => w.read() as tf.Variable)];
  assert.equal(vars.length, want.grads.length);
  for (const path of PATHS) {
    const restore = usePath(path);
    const calls = { ...fusedLstmCounts };
    const got = outputAndGrads(() => ours.apply(x) as tf.Tensor, vars);
    restore();
    const ran = fusedLstmCounts.forward > calls.forward && fusedLstmCounts.backward > calls.backward;
    assert.equal(ran, path !== 'stock', `${label} [${path}]: the fused op runs exactly when on`);
    assertClose(got.output, want.output, `${label} [${path}]: output`);
    const names = ['input', ...ours.kerasOrderWeights().map((w) => w.originalName)];
    got.grads.forEach((g, i) => assertClose(g, want.grads[i], `${label} [${path}]: gradient of ${names[i]}`));
  }
  x.dispose();
  ref.dispose();
  ours.dispose();
}

for (const backend of BACKENDS) {
  for (const kind of ['lstm', 'bidirectional'] as const) {
    for (const returnSequences of [true, false]) {
      for (const act of ['hardSigmoid', 'sigmoid'] as const) {
        test(`${kind} = tfjs stock [${backend}, returnSequences=${returnSequences}, ${act}]: output, gradients of input, kernel, recurrent kernel, bias`, async () => {
          await tf.setBackend(backend);
          compareToReference(kind, { returnSequences, recurrentActivation: act }, 11 + (returnSequences ? 1 : 0), `${backend}/${kind}/${act}`);
        });
      }
    }
  }

  test(`lstm without bias = tfjs stock [${backend}]`, async () => {
    await tf.setBackend(backend);
    compareToReference('bidirectional', { returnSequences: true, useBias: false }, 31, `${backend}/no-bias`);
  });

  for (const kind of ['lstm', 'bidirectional'] as const) {
    test(`${kind} with LoRA [${backend}]: output and gradients of input, A and B = the chain rule through the stock layer's kernel gradients`, async () => {
      await tf.setBackend(backend);
      const rank = 2;
      const alpha = 3;
      const s = alpha / rank;
      const { ref, ours } = pair(kind, { returnSequences: true, loraRank: rank, loraAlpha: alpha }, 41);
      // Random B (not the fresh zero), so that A gets a gradient too; the reference layer gets the
      // effective kernels W + s·A·B, U + s·A_r·B_r.
      const lora = ours.trainableWeights;
      lora.forEach((w, i) => w.write(seededTensor(w.shape as number[], 60 + i, 0.5)));
      const merged = ours.mergedKerasOrderWeights();
      ref.setWeights(merged);
      tf.dispose(merged);
      const x = tf.variable(seededTensor([BATCH, TIME, IN], 70, 1.5));
      const refVars = ref.trainableWeights.map((w) => w.read() as tf.Variable);
      const want = outputAndGrads(() => ref.apply(x) as tf.Tensor, [x, ...refVars]);
      const perDirection = 3; // kernel, recurrent kernel, bias
      // d/dA = s·dW·Bᵀ, d/dB = s·Aᵀ·dW for each of the 2 (kernel, recurrent) pairs of each direction.
      const expected: Float32Array[] = [];
      for (let d = 0; d < lora.length / 4; d++) {
        for (const [m, which] of [[0, 0], [1, 2]] as const) {
          const dW = tf.tensor(want.grads[1 + d * perDirection + m], refVars[d * perDirection + m].shape as [number, number]) as tf.Tensor2D;
          const a = lora[d * 4 + which].read() as tf.Tensor2D;
          const b = lora[d * 4 + which + 1].read() as tf.Tensor2D;
          expected.push(Float32Array.from(tf.mul(s, tf.matMul(dW, b, false, true)).dataSync()));
          expected.push(Float32Array.from(tf.mul(s, tf.matMul(a, dW, true, false)).dataSync()));
          dW.dispose();
        }
      }
      const vars = [x, ...lora.map((w) => w.read() as tf.Variable)];
      for (const path of PATHS) {
        const restore = usePath(path);
        const got = outputAndGrads(() => ours.apply(x) as tf.Tensor, vars);
        restore();
        assertClose(got.output, want.output, `${backend}/${kind}/lora [${path}]: output`);
        assertClose(got.grads[0], want.grads[0], `${backend}/${kind}/lora [${path}]: gradient of the input`);
        lora.forEach((w, i) => assertClose(got.grads[1 + i], expected[i], `${backend}/${kind}/lora [${path}]: gradient of ${w.originalName}`));
      }
      x.dispose();
      ref.dispose();
      ours.dispose();
    });
  }

  test(`bidirectional LSTM under max pooling with exact ties [${backend}]: the same tied positions and gradients as tfjs stock`, async () => {
    await tf.setBackend(backend);
    // A saturated forget gate (f = 1) with a closed input gate (i = 0) and an open output gate
    // (o = 1) copies c, so h repeats exactly: from step 3 on, input feature 0 is 10, and the kernel
    // reads it with weight +10 into f and o and -10 into i (hard_sigmoid: 0.5 ± 20 saturates).
    const { ref, ours } = pair('bidirectional', { returnSequences: true }, 81);
    const weights = ref.getWeights().map((w, i) => {
      if (i % 3 !== 0) return w;
      const k = Float32Array.from(w.dataSync()); // [IN, 4u]: row 0 is input feature 0
      for (let j = 0; j < UNITS; j++) {
        k[j] = -10;
        k[UNITS + j] = 10;
        k[3 * UNITS + j] = 10;
      }
      return tf.tensor(k, w.shape);
    });
    ref.setWeights(weights);
    ours.setKerasOrderWeights(weights);
    const values = seeded(BATCH * TIME * IN, 82, 0.1);
    for (let b = 0; b < BATCH; b++) for (let t = 0; t < TIME; t++) values[(b * TIME + t) * IN] = t >= 3 ? 10 : 0;
    const x = tf.variable(tf.tensor(values, [BATCH, TIME, IN]));
    const pooled = (layer: tf.layers.Layer): tf.Tensor => tf.max(layer.apply(x) as tf.Tensor, 1);
    const refVars = ref.trainableWeights.map((w) => w.read() as tf.Variable);
    const want = outputAndGrads(() => pooled(ref), [x, ...refVars]);
    const ties = (layer: tf.layers.Layer): number => tf.tidy(() => {
      const seq = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
      let n = 0;
      for (const row of seq) for (let j = 0; j < UNITS; j++) if (row[TIME - 1][j] === row[TIME - 2][j]) n++; // forward half
      return n;
    });
    const refTies = ties(ref);
    assert.ok(refTies >= BATCH * UNITS - 2, `the forward direction repeats its state exactly (${refTies} ties)`);
    for (const path of PATHS) {
      const restore = usePath(path);
      assert.equal(ties(ours), refTies, `${path}: the same exact repeats`);
      const got = outputAndGrads(() => pooled(ours), [x, ...ours.kerasOrderWeights().map((w) => w.read() as tf.Variable)]);
      restore();
      assertClose(got.output, want.output, `${backend}/ties [${path}]: pooled output`);
      got.grads.forEach((g, i) => assertClose(g, want.grads[i], `${backend}/ties [${path}]: gradient ${i}`));
    }
    x.dispose();
    ref.dispose();
    ours.dispose();
  });
}

test('FINETUNE_FAST_PATHS=0 selects the stock path; the fused LSTM applies to wasm and cpu only', async () => {
  assert.equal(fusedLstmApplies('cpu', {}), true);
  assert.equal(fusedLstmApplies('wasm', {}), true);
  assert.equal(fusedLstmApplies('wasm', { [FAST_PATHS_ENV_VAR]: '0' }), false);
  assert.equal(fusedLstmApplies('cpu', { [FAST_PATHS_ENV_VAR]: 'off' }), false);
  assert.equal(fusedLstmApplies('webgpu', {}), false);
  await tf.setBackend('wasm');
  const { ours } = pair('bidirectional', {}, 91);
  const x = seededTensor([BATCH, TIME, IN], 92, 1);
  const calls = fusedLstmCounts.forward;
  let restore = usePath('stock');
  tf.tidy(() => ours.apply(x) as tf.Tensor);
  restore();
  assert.equal(fusedLstmCounts.forward, calls, 'off: stock path');
  restore = usePath('wasm');
  tf.tidy(() => ours.apply(x) as tf.Tensor);
  restore();
  assert.equal(fusedLstmCounts.forward, calls + 2, 'on: one fused call per direction');
  x.dispose();
});
