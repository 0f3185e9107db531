// Converters of the Hugging Face encoder layers (src/engine/models/hf/*) to ONNX, formula for
// formula with their padded (unpacked) tfjs computation:
//   HfEmbeddings: word[ids] + token_type[0] + position[0..seq) (RoBERTa: position[cumsum(ids ≠ pad)·(ids ≠ pad) + pad]);
//   HfSelfAttention: softmax(q·kᵀ/√d + (-1e9 where the key's id is the pad id)) · v per head;
//   HfFirstToken: x[:, 0, :]. HfLayerNorm and HfDropout are in coreLayers.ts.

import { HF_EMBEDDING_WEIGHTS, HfEmbeddings } from '../models/hf/hfEmbeddings';
import { HfSelfAttention, MASKED_SCORE } from '../models/hf/hfSelfAttention';
import { type LayerConverter, requiredWeight, single, unsupported, weightValues } from './converterTypes';
import type { OnnxGraphBuilder } from './onnxGraphBuilder';

const INT64 = 7;
const FLOAT = 1;

function int64Scalar(b: OnnxGraphBuilder, base: string, value: number): string {
  return b.constant(base, [], BigInt64Array.of(BigInt(value)));
}

const hfEmbeddings: LayerConverter = (ctx) => {
  const { b, layer } = ctx;
  if (!(layer instanceof HfEmbeddings)) unsupported(ctx, 'not an HfEmbeddings instance');
  const x = b.asPlain(single(ctx));
  const name = layer.name;
  const hidden = layer.hiddenSize;
  const ids = b.op('Cast', [x.name], `${name}_ids`, [{ name: 'to', i: INT64 }]);
  const word = requiredWeight(ctx, HF_EMBEDDING_WEIGHTS.word);
  let out = b.op('Gather', [b.constant(`${name}.word`, word.shape, word.data), ids], `${name}_word`, [{ name: 'axis', i: 0 }]);
  const tokenType = weightValues(ctx, HF_EMBEDDING_WEIGHTS.tokenType);
  if (tokenType !== null) out = b.op('Add', [out, b.constant(`${name}.token_type0`, [hidden], tokenType.data.slice(0, hidden))], `${name}_typed`);
  const position = requiredWeight(ctx, HF_EMBEDDING_WEIGHTS.position);
  const table = b.constant(`${name}.position`, position.shape, position.data);
  let positions: string;
  if (layer.positionMode === 'absolute') {
    const seq = b.op('Shape', [ids], `${name}_seq`, [{ name: 'start', i: 1 }, { name: 'end', i: 2 }]);
    positions = b.op('Slice', [table, b.int64s(`${name}_zero`, [0]), seq, b.int64s(`${name}_axis0`, [0])], `${name}_positions`);
  } else {
    const pad = int64Scalar(b, `${name}_pad`, layer.padTokenId);
    const real = b.op('Cast', [b.op('Not', [b.op('Equal', [ids, pad], `${name}_is_pad`)], `${name}_not_pad`)], `${name}_mask`, [{ name: 'to', i: INT64 }]);
    const counted = b.op('CumSum', [real, int64Scalar(b, `${name}_axis1`, 1)], `${name}_cumsum`);
    const numbered = b.op('Add', [b.op('Mul', [counted, real], `${name}_masked`), pad], `${name}_position_ids`);
    positions = b.op('Gather', [table, numbered], `${name}_positions`, [{ name: 'axis', i: 0 }]);
  }
  return { name: b.op('Add', [out, positions], name), shape: ctx.outputShape, layout: 'plain' };
};

const hfSelfAttention: LayerConverter = (ctx) => {
  const { b, layer } = ctx;
  if (!(layer instanceof HfSelfAttention)) unsupported(ctx, 'not an HfSelfAttention instance');
  if (ctx.inputs.length !== 4) unsupported(ctx, `expected [q, k, v, ids], got ${ctx.inputs.length} inputs`);
  const [q, k, v, ids] = ctx.inputs.map((i) => b.asPlain(i));
  const hidden = q.shape[2];
  if (typeof hidden !== 'number') unsupported(ctx, 'the hidden width is unknown');
  const heads = layer.numHeads;
  const d = hidden / heads;
  const name = layer.name;
  const split = b.int64s(`${name}_heads_shape`, [0, 0, heads, d]);
  const toHeads = (value: string, what: string, perm: number[]): string =>
    b.op('Transpose', [b.op('Reshape', [value, split], `${name}_${what}_split`)], `${name}_${what}_heads`, [{ name: 'perm', ints: perm }]);
  const qh = toHeads(q.name, 'q', [0, 2, 1, 3]);
  const khT = toHeads(k.name, 'k', [0, 2, 3, 1]);
  const vh = toHeads(v.name, 'v', [0, 2, 1, 3]);
  const scores = b.op('Mul', [b.op('MatMul', [qh, khT], `${name}_qk`), b.scalar(`${name}_scale`, 1 / Math.sqrt(d))], `${name}_scores`);
  const idsInt = b.op('Cast', [ids.name], `${name}_ids`, [{ name: 'to', i: INT64 }]);
  const padded = b.op('Cast', [b.op('Equal', [idsInt, int64Scalar(b, `${name}_pad`, layer.padTokenId)], `${name}_is_pad`)], `${name}_padded`, [{ name: 'to', i: FLOAT }]);
  const bias = b.op('Unsqueeze', [b.op('Mul', [padded, b.scalar(`${name}_masked`, MASKED_SCORE)], `${name}_bias2d`), b.int64s(`${name}_bias_axes`, [1, 2])], `${name}_bias`);
  const probs = b.op('Softmax', [b.op('Add', [scores, bias], `${name}_biased`)], `${name}_probs`, [{ name: 'axis', i: -1 }]);
  const context = b.op('Transpose', [b.op('MatMul', [probs, vh], `${name}_context_heads`)], `${name}_context_t`, [{ name: 'perm', ints: [0, 2, 1, 3] }]);
  return { name: b.op('Reshape', [context, b.int64s(`${name}_shape`, [0, 0, hidden])], name), shape: ctx.outputShape, layout: 'plain' };
};

const hfFirstToken: LayerConverter = (ctx) => {
  const x = ctx.b.asPlain(single(ctx));
  if (x.shape.length !== 3) unsupported(ctx, `input of rank ${x.shape.length}, expected [batch, seq, hidden]`);
  const name = ctx.layer.name;
  return { name: ctx.b.op('Gather', [x.name, int64Scalar(ctx.b, `${name}_index`, 0)], name, [{ name: 'axis', i: 1 }]), shape: ctx.outputShape, layout: 'plain' };
};

export const HF_CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  [HfEmbeddings.className, hfEmbeddings],
  [HfSelfAttention.className, hfSelfAttention],
  ['HfFirstToken', hfFirstToken],
]);
