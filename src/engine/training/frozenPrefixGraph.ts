// The call graph of a functional Layers model, and where it can be cut into a frozen prefix and
// a trainable upper part (frozen-prefix caching, frozenPrefixCache.ts).
//
// A call is one application of a layer (a node of the graph): input tensors → output tensors.
// A cut at tensor T splits the calls into the prefix (T's producer and all its ancestors) and the
// rest. It is a chain cut when T is the only tensor the rest reads from the prefix; when the rest
// also reads model inputs (a Hugging Face encoder's attention layers read the token ids), the
// cut crosses several tensors and is reported as such. A cut is usable when every layer with
// trainable weights is called only in the rest. Among usable cuts the highest one (largest
// prefix) wins; in 'auto' mode the prefix must also compute the same in training and inference
// mode (no active dropout or noise, no batch normalization), so a prefix ending in dropout is cut
// just below that dropout, and the dropout runs in the upper part at each step as before.

import type * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '../techniques/tfjsTypes';

type Sym = tf.SymbolicTensor;
type Node = tf.layers.Layer['inboundNodes'][number];

/** One application of a layer in the model's graph. */
export interface GraphCall {
  layer: tf.layers.Layer;
  inputs: Sym[];
  outputs: Sym[];
  kwargs: Kwargs;
}

/** Calls of a functional model in topological order (inputs first), found by walking back from its outputs. */
export function graphCalls(model: tf.LayersModel): GraphCall[] {
  const order: GraphCall[] = [];
  const seen = new Set<Node>();
  const visit = (t: Sym): void => {
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (node === undefined) throw new Error(`Tensor ${t.name} of layer '${t.sourceLayer.name}' has no inbound node ${t.nodeIndex}.`);
    if (seen.has(node)) return;
    seen.add(node);
    node.inputTensors.forEach(visit);
    order.push({ layer: t.sourceLayer, inputs: [...node.inputTensors], outputs: [...node.outputTensors], kwargs: node.callArgs ?? {} });
  };
  model.outputs.forEach(visit);
  return order;
}

/** Layer classes whose output does not depend on the training flag (given the rate checks below). */
const TRAINING_INVARIANT = new Set([
  'InputLayer', 'Embedding', 'Dense', 'LoraDense', 'FtBidirectionalGru', 'GRU', 'LSTM', 'SimpleRNN', 'Bidirectional',
  'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling1D', 'MaxPooling2D',
  'AveragePooling1D', 'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'Concatenate', 'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract', 'Dot', 'Flatten',
  'Reshape', 'Permute', 'RepeatVector', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'LayerNormalization', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Masking', 'BottleneckAdapter', 'HfEmbeddings',
  'HfLayerNorm', 'HfSelfAttention', 'HfFirstToken', 'FtLstm', 'FtBidirectionalLstm',
]);

/** Layers that drop or add noise in training, by the config field holding their rate. */
const RATE_LAYERS: Readonly<Record<string, string>> = {
  Dropout: 'rate',
  SpatialDropout1D: 'rate',
  SpatialDropout2D: 'rate',
  AlphaDropout: 'rate',
  GaussianDropout: 'rate',
  GaussianNoise: 'stddev',
  HfDropout: 'rate',
};

/** Config keys that hold a dropout rate inside otherwise invariant layers (recursively, e.g. Bidirectional's inner GRU). */
const DROPOUT_KEY = /dropout/i;

function positiveDropoutField(config: unknown, path: string): string | null {
  if (typeof config !== 'object' || config === null) return null;
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'number' && DROPOUT_KEY.test(key) && value > 0) return `${path}${key} ${value}`;
    if (typeof value === 'object' && value !== null) {
      const inner = positiveDropoutField(value, `${path}${key}.`);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** Why this layer computes differently in training mode (dropout, noise, batch statistics), or null when it does not. */
export function trainingDependence(layer: tf.layers.Layer): string | null {
  const cls = layer.getClassName();
  const config = layer.getConfig();
  const rateField = RATE_LAYERS[cls];
  if (rateField !== undefined) {
    const rate = config[rateField];
    return typeof rate === 'number' && rate === 0 ? null : `layer '${layer.name}' (${cls} ${rateField} ${String(rate)}) is active in training`;
  }
  if (cls === 'BatchNormalization') return `layer '${layer.name}' (BatchNormalization) uses batch statistics in training`;
  if (!TRAINING_INVARIANT.has(cls)) return `layer '${layer.name}' (${cls}) is not known to compute the same in training and inference`;
  const field = positiveDropoutField(config, '');
  return field === null ? null : `layer '${layer.name}' (${cls} ${field}) is active in training`;
}

/** Where the base is cut: `tensor` is what the prefix outputs and the upper part reads. */
export interface PrefixCut {
  tensor: Sym;
  /** Calls of the prefix and of the upper part, each in topological order. */
  prefix: GraphCall[];
  upper: GraphCall[];
  /** Model inputs the upper part reads besides `tensor` (a multi-tensor cut when not empty). */
  extraInputs: Sym[];
  /** The layer producing `tensor` (the last layer of the prefix). */
  lastLayer: string;
  /** Why the prefix computes differently in training, or null when it does not. */
  trainingDependence: string | null;
}

export type CutSearch =
  | { kind: 'cut'; cut: PrefixCut; /** In 'auto': why a higher cut was not taken, or null. */ lowered: string | null }
  | { kind: 'none'; reason: string };

function hasTrainableWeights(layer: tf.layers.Layer): boolean {
  return layer.trainableWeights.length > 0;
}

/** Every usable cut of the model, lowest first (a cut crossing model inputs is kept, marked by extraInputs). */
export function usableCuts(model: tf.LayersModel): PrefixCut[] {
  const calls = graphCalls(model);
  const producer = new Map<number, number>();
  calls.forEach((c, i) => c.outputs.forEach((t) => producer.set(t.id, i)));
  const inputIds = new Set(model.inputs.map((t) => t.id));
  const cuts: PrefixCut[] = [];
  calls.forEach((call, index) => {
    if (call.layer.getClassName() === 'InputLayer' || call.outputs.length !== 1) return;
    const tensor = call.outputs[0];
    // Ancestors of the call, the call included.
    const inPrefix = new Set<number>();
    const stack = [index];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      if (inPrefix.has(i)) continue;
      inPrefix.add(i);
      for (const t of calls[i].inputs) {
        const p = producer.get(t.id);
        if (p !== undefined) stack.push(p);
      }
    }
    const prefix = calls.filter((_, i) => inPrefix.has(i));
    const upper = calls.filter((_, i) => !inPrefix.has(i));
    if (upper.length === 0) return;
    if (model.outputs.some((t) => inPrefix.has(producer.get(t.id) ?? -1))) return;
    if (prefix.some((c) => hasTrainableWeights(c.layer))) return;
    const extra = new Map<number, Sym>();
    for (const c of upper) {
      for (const t of c.inputs) {
        if (t.id === tensor.id) continue;
        const p = producer.get(t.id);
        if (p !== undefined && !inPrefix.has(p)) continue;
        if (!inputIds.has(t.id)) return; // an inner tensor of the prefix crosses: not a chain cut
        extra.set(t.id, t);
      }
    }
    const dependence = prefix.map((c) => trainingDependence(c.layer)).find((r) => r !== null) ?? null;
    cuts.push({ tensor, prefix, upper, extraInputs: [...extra.values()], lastLayer: call.layer.name, trainingDependence: dependence });
  });
  return cuts.sort((a, b) => a.prefix.length - b.prefix.length);
}

/**
 * The highest cut of the model below every trainable weight. mode 'auto' takes the highest cut
 * whose prefix computes the same in training and inference; 'inference' the highest cut (its
 * prefix runs in inference mode). A cut reading model inputs besides the cut tensor is not used
 * (the reason says so).
 */
export function findPrefixCut(model: tf.LayersModel, mode: 'auto' | 'inference'): CutSearch {
  if (!model.layers.some(hasTrainableWeights)) return { kind: 'none', reason: 'the base has no trainable weights' };
  const all = usableCuts(model);
  if (all.length === 0) return { kind: 'none', reason: 'the lowest trainable layer reads the input directly, so there is no frozen part below it' };
  const chains = all.filter((c) => c.extraInputs.length === 0);
  if (chains.length === 0) {
    const highest = all[all.length - 1];
    const crossing = [highest.tensor, ...highest.extraInputs].map((t) => `'${t.sourceLayer.name}'`).join(' + ');
    return { kind: 'none', reason: `every cut below the trainable layers crosses several tensors (the highest: ${crossing}), which the cache does not carry` };
  }
  const highestChain = chains[chains.length - 1];
  if (mode === 'inference') return { kind: 'cut', cut: highestChain, lowered: null };
  const invariant = chains.filter((c) => c.trainingDependence === null);
  if (invariant.length === 0) return { kind: 'none', reason: `${highestChain.trainingDependence ?? 'the prefix'} below the trainable layers` };
  const chosen = invariant[invariant.length - 1];
  const lowered = chosen === highestChain ? null : `${highestChain.trainingDependence ?? ''}, so the cut is below it`;
  return { kind: 'cut', cut: chosen, lowered };
}
