// FtBidirectionalGru (Keras Bidirectional(GRU, reset_after=False), merge concat) as one ONNX GRU
// node with direction 'bidirectional':
//   - Keras and ONNX both order the gates z, r, h; Keras' kernel [in, 3u] is ONNX's W[d] transposed,
//     recurrent_kernel [u, 3u] is R[d] transposed, bias [3u] is Wb (Rb = 0);
//   - reset_after false is linear_before_reset 0: h~ = tanh(x·W_h + (r ⊙ h)·U_h + b_h);
//   - both update h = z ⊙ h_prev + (1 - z) ⊙ h~;
//   - Keras' hard_sigmoid clip(0.2x + 0.5, 0, 1) is ONNX HardSigmoid(alpha 0.2, beta 0.5);
//   - ONNX Y [time, 2, batch, u] → [batch, time, 2u] (forward then backward, as Keras concatenates);
//     ONNX Y_h [2, batch, u] (the backward direction's state after reading t = 0) → [batch, 2u].
// A layer with LoRA (loraRank > 0) is refused: it belongs to a trained part, not a frozen one.

import * as tf from '@tensorflow/tfjs';
import { FtBidirectionalGru } from '../models/bidirectionalGru';
import { type LayerConverter, single, transposeArray, unsupported } from './converterTypes';

function values(v: tf.LayerVariable): { data: Float32Array; shape: number[] } {
  const t = v.read();
  return { data: Float32Array.from(t.dataSync() as Float32Array), shape: [...t.shape] };
}

const ftBidirectionalGru: LayerConverter = (ctx) => {
  const { b, layer } = ctx;
  if (!(layer instanceof FtBidirectionalGru)) unsupported(ctx, 'not an FtBidirectionalGru instance');
  if (layer.loraRank > 0) unsupported(ctx, `LoRA rank ${layer.loraRank} (LoRA layers are trained, not frozen)`);
  const x = b.asPlain(single(ctx));
  if (x.shape.length !== 3) unsupported(ctx, `input of rank ${x.shape.length}, expected [batch, time, features]`);
  const u = layer.units;
  const [fk, fr, fb, bk, br, bb] = layer.kerasOrderWeights().map(values);
  const inDim = fk.shape[0];
  const w = new Float32Array(2 * 3 * u * inDim);
  w.set(transposeArray(fk.data, fk.shape, [1, 0]), 0);
  w.set(transposeArray(bk.data, bk.shape, [1, 0]), 3 * u * inDim);
  const r = new Float32Array(2 * 3 * u * u);
  r.set(transposeArray(fr.data, fr.shape, [1, 0]), 0);
  r.set(transposeArray(br.data, br.shape, [1, 0]), 3 * u * u);
  const bias = new Float32Array(2 * 6 * u);
  bias.set(fb.data, 0);
  bias.set(bb.data, 6 * u);
  const name = layer.name;
  const timeMajor = b.op('Transpose', [x.name], `${name}_time_major`, [{ name: 'perm', ints: [1, 0, 2] }]);
  const gate = layer.recurrentActivation === 'hardSigmoid' ? 'HardSigmoid' : 'Sigmoid';
  const attributes = [
    { name: 'hidden_size', i: u },
    { name: 'direction', s: 'bidirectional' },
    { name: 'linear_before_reset', i: 0 },
    { name: 'activations', strings: [gate, 'Tanh', gate, 'Tanh'] },
    ...(gate === 'HardSigmoid'
      ? [
          { name: 'activation_alpha', floats: [0.2, 0.2] },
          { name: 'activation_beta', floats: [0.5, 0.5] },
        ]
      : []),
  ];
  const [y, yH] = b.node(
    'GRU',
    [timeMajor, b.constant(`${name}.W`, [2, 3 * u, inDim], w), b.constant(`${name}.R`, [2, 3 * u, u], r), b.constant(`${name}.B`, [2, 6 * u], bias)],
    `${name}_gru`,
    attributes,
    2,
  );
  if (layer.returnSequences) {
    const batchMajor = b.op('Transpose', [y], `${name}_batch_major`, [{ name: 'perm', ints: [2, 0, 1, 3] }]);
    return { name: b.op('Reshape', [batchMajor, b.int64s(`${name}_shape`, [0, 0, -1])], name), shape: ctx.outputShape, layout: 'plain' };
  }
  const batchMajor = b.op('Transpose', [yH], `${name}_batch_major`, [{ name: 'perm', ints: [1, 0, 2] }]);
  return { name: b.op('Reshape', [batchMajor, b.int64s(`${name}_shape`, [0, -1])], name), shape: ctx.outputShape, layout: 'plain' };
};

export const RECURRENT_CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  [FtBidirectionalGru.className, ftBidirectionalGru],
]);
