// The new task head on top of a base model's features, and the base + head composition.

import * as tf from '@tensorflow/tfjs';

export type HeadOutputs = { task: 'classification'; classes: number } | { task: 'regression' };

/** Name of the head's Dense layer. */
export const HEAD_DENSE_NAME = 'head_dense';

/**
 * features [featureSize] → Dense(classes, softmax) (or Dense(1, linear) for regression), named
 * 'head_dense', glorot-uniform kernel drawn from `seed`, zero bias.
 */
export function buildHead(featureSize: number, outputs: HeadOutputs, seed: number): tf.LayersModel {
  if (!Number.isInteger(featureSize) || featureSize < 1) throw new Error(`featureSize must be a positive integer, got ${featureSize}`);
  if (outputs.task === 'classification' && (!Number.isInteger(outputs.classes) || outputs.classes < 2)) {
    throw new Error(`A classification head needs at least 2 classes, got ${outputs.classes}`);
  }
  const input = tf.input({ shape: [featureSize], name: 'head_input' });
  const dense = tf.layers.dense({
    units: outputs.task === 'classification' ? outputs.classes : 1,
    activation: outputs.task === 'classification' ? 'softmax' : 'linear',
    name: HEAD_DENSE_NAME,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: 'zeros',
  });
  return tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor, name: 'head' });
}

/**
 * One flat functional model input → base → head: the head's layers are re-applied on the base's
 * output, so the result has every layer of both at the top level (LoRA and freezing find them by
 * name) and saves and loads as one ordinary Layers model. Layers are shared, not copied: training
 * the composed model trains the base's and head's layers.
 */
export function composeModel(base: tf.LayersModel, head: tf.LayersModel, name = 'finetune_model'): tf.LayersModel {
  if (base.inputs.length !== 1 || base.outputs.length !== 1) throw new Error('composeModel: the base must have one input and one output.');
  if (head.inputs.length !== 1 || head.outputs.length !== 1) throw new Error('composeModel: the head must have one input and one output.');
  const features = base.outputs[0];
  const headIn = head.inputs[0];
  if (features.shape[features.shape.length - 1] !== headIn.shape[headIn.shape.length - 1]) {
    throw new Error(`composeModel: the base outputs [${features.shape.join(', ')}], the head expects [${headIn.shape.join(', ')}].`);
  }
  const baseNames = new Set(base.layers.map((l) => l.name));
  const clash = head.layers.find((l) => l.getClassName() !== 'InputLayer' && baseNames.has(l.name));
  if (clash !== undefined) throw new Error(`composeModel: layer name '${clash.name}' is in both the base and the head.`);
  // Walk the head's graph from its input, re-applying each layer to the mapped inputs.
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[headIn, features]]);
  for (const layer of head.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    // Node 0 is the layer's call inside the head (getInputAt/getOutputAt stay valid after re-use).
    const input0 = layer.getInputAt(0);
    const output0 = layer.getOutputAt(0);
    const layerInputs = Array.isArray(input0) ? input0 : [input0];
    const args = layerInputs.map((t) => {
      const m = mapped.get(t);
      if (m === undefined) throw new Error(`composeModel: head layer '${layer.name}' has an input outside the head.`);
      return m;
    });
    const out = layer.apply(args.length === 1 ? args[0] : args);
    const layerOutputs = Array.isArray(output0) ? output0 : [output0];
    const applied = Array.isArray(out) ? out : [out];
    layerOutputs.forEach((o, i) => mapped.set(o, applied[i] as tf.SymbolicTensor));
  }
  const output = mapped.get(head.outputs[0]);
  if (output === undefined) throw new Error('composeModel: could not reach the head output.');
  return tf.model({ inputs: base.inputs, outputs: output, name });
}
