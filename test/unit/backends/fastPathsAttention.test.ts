// The fused self-attention op (fusedSelfAttention.ts, fusedAttentionKernel.ts, wasmAttentionKernel.ts)
// against the stock path (tfjs autodiff of HfSelfAttention's own ops, fast path off): the context
// and the gradients with respect to q, k and v within relative 1e-4, with padded keys and with
// the layer's seeded attention dropout (the same multiplier), over odd sequence lengths, head
// widths that are not multiples of 4, batch 1; for the TypeScript kernel and the wasm SIMD kernel
// (skipped, with the reason, where the build could not compile it), on the cpu and wasm backends.
// Then the layer itself: with the fast path on it calls the op (plain and packed tokens) and
// gives the stock outputs and gradients; off, or on a backend it does not serve, it does not.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { HfSelfAttention } from '../../../src/engine/models/hf/hfSelfAttention';
import { dropoutMultiplier } from '../../../src/engine/models/hf/hfDropout';
import { makePackedLayout, PACKED_TOKENS_KWARG } from '../../../src/engine/models/hf/hfPacking';
import {
  disableFusedAttention,
  enableFusedAttention,
  fusedAttentionCounts,
  fusedAttentionPays,
  fusedAttentionUnavailableReason,
  fusedSelfAttention,
} from '../../../src/engine/backends/fastPaths/fusedSelfAttention';
import { typescriptAttentionKernel, type AttentionKernel } from '../../../src/engine/backends/fastPaths/fusedAttentionKernel';
import { attentionWasmKernel, attentionWasmUnavailableReason } from '../../../src/engine/backends/fastPaths/wasmAttentionKernel';
import { registerSegmentSumKernels } from '../../../src/engine/backends/unsortedSegmentSum';
import { assertCloseArrays } from './fastPathCompare';
import type { Kwargs } from '../../../src/engine/techniques/tfjsTypes';

after(() => disableFusedAttention());

interface Shape {
  batch: number;
  seq: number;
  heads: number;
  headDim: number;
  /** Real tokens of each example (the rest is padding). */
  lengths: number[];
}

const SHAPES: Shape[] = [
  { batch: 1, seq: 5, heads: 1, headDim: 3, lengths: [5] },
  { batch: 2, seq: 7, heads: 3, headDim: 5, lengths: [7, 4] },
  { batch: 3, seq: 13, heads: 2, headDim: 6, lengths: [13, 1, 9] },
  { batch: 2, seq: 9, heads: 2, headDim: 8, lengths: [3, 9] },
  { batch: 1, seq: 33, heads: 2, headDim: 17, lengths: [30] },
];

const PAD = 0;

function idsFor(s: Shape): tf.Tensor2D {
  const data: number[] = [];
  for (let b = 0; b < s.batch; b++) for (let t = 0; t < s.seq; t++) data.push(t < s.lengths[b] ? 3 + ((b * 5 + t) % 11) : PAD);
  return tf.tensor2d(data, [s.batch, s.seq], 'int32');
}

function inputs(s: Shape, seed: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const shape: [number, number, number] = [s.batch, s.seq, s.heads * s.headDim];
  return [
    tf.randomNormal(shape, 0, 1.5, 'float32', seed),
    tf.randomNormal(shape, 0, 1.5, 'float32', seed + 1),
    tf.randomNormal(shape, 0, 1, 'float32', seed + 2),
    tf.randomNormal(shape, 0, 1, 'float32', seed + 3),
  ];
}

interface Result {
  out: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

function run(f: (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, w: tf.Tensor): Result {
  return tf.tidy(() => {
    const out = f(q, k, v).dataSync() as Float32Array;
    const [dq, dk, dv] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), w)))([q, k, v]);
    return { out: out.slice(), dq: dq.dataSync() as Float32Array, dk: dk.dataSync() as Float32Array, dv: dv.dataSync() as Float32Array };
  });
}

function assertSame(got: Result, want: Result, what: string): void {
  assertCloseArrays(got.out, want.out, `${what}: context`);
  assertCloseArrays(got.dq, want.dq, `${what}: dq`);
  assertCloseArrays(got.dk, want.dk, `${what}: dk`);
  assertCloseArrays(got.dv, want.dv, `${what}: dv`);
}

const KERNELS: { name: string; kernel: () => AttentionKernel | null; skip: () => string | false }[] = [
  { name: 'typescript', kernel: () => typescriptAttentionKernel, skip: () => false },
  {
    name: 'wasm-simd',
    kernel: attentionWasmKernel,
    skip: () => (attentionWasmKernel() === null ? `wasm attention kernel not available: ${attentionWasmUnavailableReason() ?? ''}` : false),
  },
];

for (const backend of ['cpu', 'wasm']) {
  for (const { name, kernel, skip } of KERNELS) {
    for (const rate of [0, 0.2]) {
      test(`fused attention op = stock layer, ${name} kernel, dropout ${rate} (${backend})`, { skip: skip() }, async () => {
        assert.ok(await tf.setBackend(backend));
        disableFusedAttention();
        const k = kernel();
        assert.ok(k !== null);
        for (const [i, s] of SHAPES.entries()) {
          const layer = new HfSelfAttention({ numHeads: s.heads, padTokenId: PAD, attentionDropout: rate, name: `attn_${backend}_${name}_${rate}_${i}` });
          const kwargs: Kwargs = { training: true, seed: 99 + i };
          const ids = idsFor(s);
          const [q, kk, v, w] = inputs(s, 10 * i + 1);
          const stock = run((a, b, c) => layer.apply([a, b, c, ids], kwargs) as tf.Tensor, q, kk, v, w);
          const fused = run(
            (a, b, c) => {
              const bias = tf.mul(tf.cast(tf.equal(ids, tf.scalar(PAD, 'int32')), 'float32'), -1e9) as tf.Tensor2D;
              const mult = rate > 0 ? (dropoutMultiplier([s.batch, s.heads, s.seq, s.seq], rate, layer.name, kwargs) as tf.Tensor4D) : null;
              return fusedSelfAttention(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, bias, mult, s.heads, k);
            },
            q,
            kk,
            v,
            w,
          );
          assertSame(fused, stock, `[${s.batch}, ${s.seq}, ${s.heads}×${s.headDim}] ${name} ${backend}`);
          tf.dispose([ids, q, kk, v, w]);
        }
      });
    }
  }
}

test('a padded key gets no attention: its v rows get zero gradient (wasm kernel, else TypeScript)', async () => {
  assert.ok(await tf.setBackend('cpu'));
  const s = SHAPES[1];
  const ids = idsFor(s);
  const [q, k, v, w] = inputs(s, 3);
  const bias = tf.mul(tf.cast(tf.equal(ids, tf.scalar(PAD, 'int32')), 'float32'), -1e9) as tf.Tensor2D;
  const kernel = attentionWasmKernel() ?? typescriptAttentionKernel;
  const dv = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fusedSelfAttention(q, k, x as tf.Tensor3D, bias, null, s.heads, kernel), w)))(v);
  const hidden = s.heads * s.headDim;
  const values = dv.dataSync();
  for (let t = s.lengths[1]; t < s.seq; t++) for (let c = 0; c < hidden; c++) assert.equal(values[(s.seq + t) * hidden + c], 0);
  tf.dispose([ids, q, k, v, w, bias, dv]);
});

for (const backend of ['cpu', 'wasm']) {
  test(`HfSelfAttention uses the fused op when on, plain and packed, same results (${backend})`, async (t) => {
    assert.ok(await tf.setBackend(backend));
    registerSegmentSumKernels();
    if (fusedAttentionUnavailableReason(backend) !== null) {
      t.skip(fusedAttentionUnavailableReason(backend) ?? '');
      return;
    }
    const s: Shape = { batch: 3, seq: 11, heads: 3, headDim: 6, lengths: [11, 4, 7] };
    const layer = new HfSelfAttention({ numHeads: s.heads, padTokenId: PAD, attentionDropout: 0.1, name: `attn_layer_${backend}` });
    const ids = idsFor(s);
    const [q, k, v, w] = inputs(s, 41);
    const plain: Kwargs = { training: true, seed: 5 };
    const apply = (kwargs: Kwargs) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => layer.apply([a, b, c, ids], kwargs) as tf.Tensor;
    disableFusedAttention();
    const stock = run(apply(plain), q, k, v, w);
    enableFusedAttention();
    const before = { ...fusedAttentionCounts };
    const fused = run(apply(plain), q, k, v, w);
    assert.equal(fusedAttentionCounts.forward - before.forward, 2, 'the fused forward ran (value and gradient passes)');
    assert.equal(fusedAttentionCounts.backward - before.backward, 1, 'the fused backward ran');
    assertSame(fused, stock, `layer ${backend}`);

    // Packed tokens: q, k, v as [1, total, hidden] rows of the real tokens.
    const layout = makePackedLayout(s.lengths, s.seq);
    const packedKwargs: Kwargs = { ...plain, [PACKED_TOKENS_KWARG]: layout };
    const pack = (x: tf.Tensor): tf.Tensor => tf.reshape(tf.gather(tf.reshape(x, [s.batch * s.seq, -1]), layout.tokenIndex), [1, layout.total, -1]);
    const [pq, pk, pv, pw] = [q, k, v, w].map(pack);
    disableFusedAttention();
    const packedStock = run(apply(packedKwargs), pq, pk, pv, pw);
    enableFusedAttention();
    const mid = fusedAttentionCounts.forward;
    const packedFused = run(apply(packedKwargs), pq, pk, pv, pw);
    assert.ok(fusedAttentionCounts.forward > mid, 'the packed call used the fused op');
    assertSame(packedFused, packedStock, `layer packed ${backend}`);
    disableFusedAttention();
    const off = fusedAttentionCounts.forward;
    run(apply(plain), q, k, v, w);
    assert.equal(fusedAttentionCounts.forward, off, 'off: the stock ops ran');
    tf.dispose([ids, q, k, v, w, pq, pk, pv, pw, layout.tokenIndex, layout.positions, layout.unpackIndex, layout.packIndex, layout.firstIndex]);
  });
}

test('the fused op is not offered on other backends, nor on wasm with the TypeScript kernel forced', () => {
  assert.match(fusedAttentionUnavailableReason('webgpu') ?? '', /wasm and cpu backends only/);
  assert.equal(fusedAttentionUnavailableReason('cpu'), null);
  assert.match(fusedAttentionUnavailableReason('wasm', { FINETUNE_ATTENTION_KERNEL: 'ts' }) ?? '', /SIMD kernel/);
});

test('measured rule: on wasm only small attentions run fused (not the bench shapes); on cpu all', () => {
  assert.equal(fusedAttentionPays('wasm', { batch: 8, seq: 32, heads: 4, headDim: 16 }), true);
  assert.equal(fusedAttentionPays('wasm', { batch: 8, seq: 64, heads: 4, headDim: 32 }), false);
  assert.equal(fusedAttentionPays('wasm', { batch: 8, seq: 128, heads: 4, headDim: 64 }), false);
  assert.equal(fusedAttentionPays('wasm', { batch: 32, seq: 64, heads: 4, headDim: 32 }), false);
  assert.equal(fusedAttentionPays('cpu', { batch: 8, seq: 128, heads: 4, headDim: 64 }), true);
});
