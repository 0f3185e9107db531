// The two models of a frozen-prefix cut (frozenPrefixGraph.ts): the prefix (the base's inputs →
// the cut tensor) and the upper part (a new input of the cut tensor's shape → the base's outputs).
// Both re-use the base's own layer objects, so they share its weights: the variables the upper
// part trains are the base's, under the same names, and checkpoints and exports of the base are
// exactly as without the cut. Applying the layers again adds inbound nodes to them; a model's
// JSON lists only its own nodes, so saving the base is unchanged.

import * as tf from '@tensorflow/tfjs';
import type { PrefixCut } from './frozenPrefixGraph';

type Sym = tf.SymbolicTensor;

export interface PrefixModels {
  /** Base inputs → the cut tensor. */
  prefix: tf.LayersModel;
  /** The cut tensor → the base's outputs (same layers, same weights). */
  upper: tf.LayersModel;
}

function single(out: Sym | Sym[] | tf.Tensor | tf.Tensor[], layer: string): Sym[] {
  const list = Array.isArray(out) ? out : [out];
  return list.map((t) => {
    if (!(t instanceof tf.SymbolicTensor)) throw new Error(`Layer '${layer}' did not give symbolic tensors when re-applied.`);
    return t;
  });
}

/** Builds the prefix and upper models of `cut` over `base` (a cut found by findPrefixCut). */
export function buildPrefixModels(base: tf.LayersModel, cut: PrefixCut): PrefixModels {
  if (cut.extraInputs.length > 0) throw new Error('buildPrefixModels: cuts crossing several tensors are not supported.');
  const prefix = tf.model({ inputs: base.inputs, outputs: cut.tensor, name: `${base.name}_frozen_prefix` });
  const input = tf.input({ shape: cut.tensor.shape.slice(1), dtype: cut.tensor.dtype, name: `${base.name}_prefix_output` });
  const mapped = new Map<number, Sym>([[cut.tensor.id, input]]);
  const lookup = (t: Sym): Sym => {
    const m = mapped.get(t.id);
    if (m === undefined) throw new Error(`buildPrefixModels: tensor ${t.name} is read before it is made (not a chain cut).`);
    return m;
  };
  for (const call of cut.upper) {
    const inputs = call.inputs.map(lookup);
    const out = single(call.layer.apply(inputs.length === 1 ? inputs[0] : inputs, call.kwargs), call.layer.name);
    if (out.length !== call.outputs.length) throw new Error(`Layer '${call.layer.name}' gave ${out.length} outputs when re-applied, ${call.outputs.length} before.`);
    call.outputs.forEach((t, i) => mapped.set(t.id, out[i]));
  }
  const outputs = base.outputs.map(lookup);
  const upper = tf.model({ inputs: input, outputs: outputs.length === 1 ? outputs[0] : outputs, name: `${base.name}_upper` });
  return { prefix, upper };
}
