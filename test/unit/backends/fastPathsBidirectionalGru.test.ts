// The fused bidirectional GRU (fastPaths/fusedBidirectionalGru.ts) against the stock tf-op path of
// FtBidirectionalGru (FINETUNE_FAST_PATHS=0), on the cpu and wasm backends, with each kernel (the
// TypeScript one, and the wasm SIMD one where the build made it): outputs and gradients with
// respect to the input and every trainable weight (LoRA included), with post-padding and with
// exact ties under max pooling (saturated hard_sigmoid gates copy the state), relative tolerance 1e-4.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { FtBidirectionalGru, type FtBidirectionalGruArgs } from '../../../src/engine/models/bidirectionalGru';
import { FAST_PATHS_ENV_VAR } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { fusedGruApplies, fusedGruCounts, GRU_KERNEL_ENV_VAR } from '../../../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { gruWasmKernel } from '../../../src/engine/backends/fastPaths/wasmGruKernel';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';

const RTOL = 1e-4;
const BACKENDS = ['cpu', 'wasm'] as const;
const BATCH = 5; // not a multiple of the kernels' 4-row blocks
const TIME = 9;
const IN = 6;
const UNITS = 5;

const saved = { switch: process.env[FAST_PATHS_ENV_VAR], kernel: process.env[GRU_KERNEL_ENV_VAR] };
before(() => registerSegmentSumKernels());
after(() => {
  for (const [name, value] of [[FAST_PATHS_ENV_VAR, saved.switch], [GRU_KERNEL_ENV_VAR, saved.kernel]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function setSwitch(fast: boolean): void {
  if (fast) delete process.env[FAST_PATHS_ENV_VAR];
  else process.env[FAST_PATHS_ENV_VAR] = '0';
}

/** Element-wise |got − want| ≤ RTOL · max(|want|, rms(want)): relative, with the tensor's scale as floor. */
function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let ss = 0;
  for (const v of want) ss += v * v;
  const rms = Math.sqrt(ss / Math.max(1, want.length));
  assert.ok(rms > 0, `${what}: the reference is all zeros, the comparison would prove nothing`);
  for (let i = 0; i < want.length; i++) {
    const tol = RTOL * Math.max(Math.abs(want[i]), rms);
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}: index ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** Deterministic values in [-scale, scale). */
function seeded(size: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 * scale - scale;
  });
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

interface Result {
  output: Float32Array;
  /** Gradients by name: 'input' (when the input is float) and each trainable weight's name. */
  grads: Map<string, Float32Array>;
}

/**
 * The model's output on x and the gradients of sum(output · probe) with respect to x (float
 * inputs only) and every trainable weight; `fast` picks the path through the switch.
 */
function evaluate(model: tf.LayersModel, x: tf.Tensor, fast: boolean, training = false): Result {
  setSwitch(fast);
  const withInput = x.dtype === 'float32'; // token ids (int32) get no gradient
  const names = [...(withInput ? ['input'] : []), ...model.trainableWeights.map((w) => w.name)];
  let result: Result = { output: new Float32Array(0), grads: new Map() };
  tf.tidy(() => {
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const output = model.apply(x, { training }) as tf.Tensor;
    const probe = tf.tensor(seeded(output.size, 99, 1), output.shape);
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const input = withInput ? args[0] : x;
      return tf.sum(tf.mul(model.apply(input, { training }) as tf.Tensor, probe));
    };
    const grads = tf.grads(f)(withInput ? [x, ...weights] : weights);
    result = {
      output: Float32Array.from(output.dataSync()),
      grads: new Map(names.map((n, i) => [n, Float32Array.from(grads[i].dataSync())])),
    };
  });
  return result;
}

/** Runs the model stock and fused; checks the fused op ran only when on; compares everything. */
/** The fused op's kernels: the TypeScript one always, the wasm one where `npm run build` built it. */
const KERNELS: Array<'ts' | 'wasm'> = gruWasmKernel() === null ? ['ts'] : ['ts', 'wasm'];

function setKernel(kernel: 'ts' | 'wasm'): void {
  if (kernel === 'ts') process.env[GRU_KERNEL_ENV_VAR] = 'ts';
  else delete process.env[GRU_KERNEL_ENV_VAR];
}

/**
 * Runs the model stock, then fused with each kernel; checks the fused op ran only when on;
 * compares outputs and gradients (unless training with dropout, whose masks differ).
 */
function compareBoth(model: tf.LayersModel, x: tf.Tensor, label: string, training = false): { stock: Result; fused: Result } {
  const before0 = fusedGruCounts.forward;
  const stock = evaluate(model, x, false, training);
  assert.equal(fusedGruCounts.forward, before0, `${label}: switched off, the fused op must not run`);
  let fused = stock;
  for (const kernel of KERNELS) {
    setKernel(kernel);
    const calls = fusedGruCounts.backward;
    fused = evaluate(model, x, true, training);
    setKernel('wasm');
    assert.ok(fusedGruCounts.forward > before0, `${label}: the fused op ran`);
    assert.ok(fusedGruCounts.backward > calls, `${label}: the fused gradient ran`);
    if (training) continue;
    assertClose(fused.output, stock.output, `${label} (${kernel} kernel): output`);
    assert.equal(fused.grads.size, stock.grads.size);
    for (const [name, want] of stock.grads) {
      const got = fused.grads.get(name);
      assert.ok(got !== undefined, `${label}: gradient of ${name}`);
      assertClose(got, want, `${label} (${kernel} kernel): gradient of ${name}`);
    }
  }
  return { stock, fused };
}

function gruModel(args: Partial<FtBidirectionalGruArgs>, seed: number): { model: tf.LayersModel; layer: FtBidirectionalGru } {
  const input = tf.input({ shape: [TIME, IN] });
  const layer = new FtBidirectionalGru({ units: UNITS, ...args });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  // Every weight random and non-zero (LoRA's B included, so that A gets a gradient too).
  layer.weights.forEach((w, i) => w.write(tf.tensor(seeded(sizeOf(w.read().shape), seed + i, 0.7), w.read().shape)));
  return { model, layer };
}

for (const backend of BACKENDS) {
  for (const returnSequences of [true, false]) {
    for (const act of ['hardSigmoid', 'sigmoid'] as const) {
      test(`fused GRU = stock [${backend}, returnSequences=${returnSequences}, ${act}]: output, gradients of input and weights`, async () => {
        await tf.setBackend(backend);
        const { model } = gruModel({ returnSequences, recurrentActivation: act }, 7);
        const x = tf.tensor(seeded(BATCH * TIME * IN, 3, 1.5), [BATCH, TIME, IN]);
        const { stock } = compareBoth(model, x, `${backend}/${act}`);
        assert.equal(stock.grads.size, 7, 'input + 6 weights');
        model.dispose();
        x.dispose();
      });
    }
  }

  test(`fused GRU = stock with LoRA on both kernels [${backend}]: gradients of input, A and B`, async () => {
    await tf.setBackend(backend);
    const { model, layer } = gruModel({ loraRank: 2, loraAlpha: 4 }, 21);
    const x = tf.tensor(seeded(BATCH * TIME * IN, 4, 1.5), [BATCH, TIME, IN]);
    const { stock } = compareBoth(model, x, `${backend}/lora`);
    const names = [...stock.grads.keys()];
    assert.equal(names.length, 1 + 8, 'input + A, B of both kernels of both directions');
    assert.ok(names.filter((n) => /lora_(recurrent_)?kernel_[ab]/.test(n)).length === 8, names.join(', '));
    assert.equal(layer.trainableWeights.length, 8);
    model.dispose();
    x.dispose();
  });

  test(`fused GRU with LoRA dropout while training [${backend}]: dropout applies, gradients reach A and B`, async () => {
    await tf.setBackend(backend);
    const { model } = gruModel({ loraRank: 2, loraAlpha: 4, loraDropout: 0.5 }, 31);
    const x = tf.tensor(seeded(BATCH * TIME * IN, 5, 1.5), [BATCH, TIME, IN]);
    const { fused } = compareBoth(model, x, `${backend}/lora-dropout`, true);
    const inference = evaluate(model, x, true, false);
    assert.ok(fused.output.some((v, i) => Math.abs(v - inference.output[i]) > 1e-3), 'dropout changed the training output');
    for (const [name, g] of fused.grads) {
      assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), `gradient of ${name} is finite and non-zero`);
    }
    model.dispose();
    x.dispose();
  });

  test(`fused GRU = stock under pooling with post-padding and exact ties [${backend}]: Embedding → BiGRU → avg+max → Dense`, async () => {
    await tf.setBackend(backend);
    const vocab = 12;
    const ids = tf.input({ shape: [TIME] });
    const embedding = tf.layers.embedding({ inputDim: vocab, outputDim: IN });
    const gru = new FtBidirectionalGru({ units: UNITS, returnSequences: true });
    const seq = gru.apply(embedding.apply(ids)) as tf.SymbolicTensor;
    const pooled = tf.layers.concatenate().apply([
      tf.layers.globalAveragePooling1d().apply(seq) as tf.SymbolicTensor,
      tf.layers.globalMaxPooling1d().apply(seq) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: tf.layers.dense({ units: 3 }).apply(pooled) as tf.SymbolicTensor });
    model.weights.forEach((w, i) => w.write(tf.tensor(seeded(sizeOf(w.read().shape), 40 + i, 0.8), w.read().shape)));
    // As in nn-sentiment's padded inputs: the padding token saturates the update gate z of units
    // 0 and 1 (hard_sigmoid at 1), so over the padding those units copy their last state exactly
    // and max pooling sees ties; real tokens leave the gates free. The padding's embedding is
    // [3, 0, …], the others' first feature is 0, and both kernels read feature 0 into z_0, z_1
    // with weight 3 (x_z = 9; |h·U_z| < 4 here, so 0.2·x_z + 0.5 > 1).
    const table = Float32Array.from(embedding.getWeights()[0].dataSync());
    for (let v = 0; v < vocab; v++) table[v * IN] = v === 0 ? 3 : 0;
    table.fill(0, 1, IN);
    embedding.setWeights([tf.tensor(table, [vocab, IN])]);
    for (const w of gru.kerasOrderWeights().filter((v) => v.originalName.endsWith('/kernel'))) {
      const k = Float32Array.from(w.read().dataSync());
      k[0] = 3;
      k[1] = 3;
      w.write(tf.tensor(k, w.read().shape));
    }
    // Token ids post-padded with 0, as the text encoder makes them (lengths 9, 7, 5, 3, 1).
    const idValues = new Int32Array(BATCH * TIME);
    for (let b = 0; b < BATCH; b++) for (let t = 0; t < TIME - 2 * b; t++) idValues[b * TIME + t] = 1 + ((b * 5 + t * 3) % (vocab - 1));
    const x = tf.tensor(idValues, [BATCH, TIME], 'int32');
    const sequences = (fast: boolean): Float32Array => {
      setSwitch(fast);
      const sub = tf.model({ inputs: ids, outputs: seq });
      return tf.tidy(() => Float32Array.from((sub.predict(x) as tf.Tensor).dataSync()));
    };
    const tieCounts = (s: Float32Array): number[] => {
      const counts: number[] = [];
      for (let b = 0; b < BATCH; b++) {
        for (let j = 0; j < 2 * UNITS; j++) {
          let max = -Infinity;
          for (let t = 0; t < TIME; t++) max = Math.max(max, s[(b * TIME + t) * 2 * UNITS + j]);
          let n = 0;
          for (let t = 0; t < TIME; t++) if (s[(b * TIME + t) * 2 * UNITS + j] === max) n++;
          counts.push(n);
        }
      }
      return counts;
    };
    const stockTies = tieCounts(sequences(false));
    const fusedTies = tieCounts(sequences(true));
    assert.ok(stockTies.filter((n) => n > 1).length >= 4, `max pooling sees ties: ${stockTies.join(',')}`);
    assert.deepEqual(fusedTies, stockTies, 'the same tied positions');
    const { stock } = compareBoth(model, x, `${backend}/pooling`);
    assert.deepEqual([...stock.grads.keys()].length, 1 + 6 + 2, 'embedding, 6 GRU weights, dense kernel and bias');
    model.dispose();
    x.dispose();
  });
}

test('hard_sigmoid exactly at 0 or 1 passes the gradient, as tfjs clipByValue does (inclusive bounds)', async () => {
  await tf.setBackend('cpu');
  const { model, layer } = gruModel({ returnSequences: true }, 71);
  // Biases z = 2.5, r = -2.5: on a zero input from h = 0, 0.2·2.5 + 0.5 is exactly 1 (and the
  // state stays 0, since z = 1 copies it), 0.2·(-2.5) + 0.5 exactly 0, at every step.
  for (const w of layer.kerasOrderWeights().filter((v) => v.originalName.endsWith('/bias'))) {
    const b = Float32Array.from(w.read().dataSync());
    b.fill(2.5, 0, UNITS);
    b.fill(-2.5, UNITS, 2 * UNITS);
    w.write(tf.tensor(b, w.read().shape));
  }
  const values = seeded(BATCH * TIME * IN, 9, 1);
  values.fill(0, 0, 2 * TIME * IN); // rows 0 and 1: zero input
  const x = tf.tensor(values, [BATCH, TIME, IN]);
  compareBoth(model, x, 'clip bounds');
  // Rows 0 and 1 alone: the z-bias gradient is non-zero only if the bound passes the gradient.
  const rows = tf.tensor(values.slice(0, 2 * TIME * IN), [2, TIME, IN]);
  const alone = evaluate(model, rows, true);
  const zBias = [...alone.grads.entries()].find(([name]) => name.includes('forward') && name.endsWith('bias'))?.[1];
  assert.ok(zBias !== undefined && zBias.slice(0, UNITS).some((v) => v !== 0), 'gradient through z at exactly 1');
  model.dispose();
  x.dispose();
  rows.dispose();
});

test('the tie rule the pooling test relies on: tfjs gives each tied maximum the whole gradient', async () => {
  await tf.setBackend('cpu');
  const maxGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.max(v, 1)))(tf.tensor([[[1], [3], [3], [2]]]));
  assert.deepEqual(Array.from(maxGrad.dataSync()), [0, 1, 1, 0]);
  maxGrad.dispose();
});

test('FINETUNE_FAST_PATHS=0 selects the stock path; the fused op applies to wasm and cpu only', async () => {
  assert.equal(fusedGruApplies('cpu', {}), true);
  assert.equal(fusedGruApplies('wasm', {}), true);
  assert.equal(fusedGruApplies('wasm', { [FAST_PATHS_ENV_VAR]: '0' }), false);
  assert.equal(fusedGruApplies('cpu', { [FAST_PATHS_ENV_VAR]: 'off' }), false);
  assert.equal(fusedGruApplies('webgpu', {}), false);
  assert.equal(fusedGruApplies('tensorflow', {}), false);
  await tf.setBackend('wasm');
  const { model } = gruModel({}, 61);
  const x = tf.tensor(seeded(BATCH * TIME * IN, 8, 1), [BATCH, TIME, IN]);
  const calls = fusedGruCounts.forward;
  setSwitch(false);
  tf.tidy(() => model.predict(x));
  assert.equal(fusedGruCounts.forward, calls, 'off: stock path');
  setSwitch(true);
  tf.tidy(() => model.predict(x));
  assert.equal(fusedGruCounts.forward, calls + 1, 'on: fused path');
  model.dispose();
  x.dispose();
});
