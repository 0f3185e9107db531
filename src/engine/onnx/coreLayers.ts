// Converters of tfjs' core layers to ONNX (inference mode): Dense, activations, dropout-like
// identities, merges, Reshape/Flatten, Embedding, BatchNormalization, global pooling and layer
// normalization (tfjs LayerNormalization and HfLayerNorm).

import { activationSupported, applyActivation } from './activations';
import { configString, type LayerContext, type LayerConverter, requiredWeight, single, transposeArray, unsupported, weightValues } from './converterTypes';
import { type GraphValue, storedAxis } from './onnxGraphBuilder';

/** Layers that compute the identity at inference. */
const IDENTITY_CLASSES = ['Dropout', 'HfDropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'];

function checkedActivation(ctx: LayerContext): string {
  const activation = configString(ctx, 'activation');
  if (!activationSupported(activation)) unsupported(ctx, `activation '${activation}' is not exported`);
  return activation;
}

const dense: LayerConverter = (ctx) => {
  const { b, layer } = ctx;
  const x = single(ctx);
  const activation = checkedActivation(ctx);
  const kernel = requiredWeight(ctx, 'kernel');
  const bias = ctx.layer.getConfig()['useBias'] === false ? null : requiredWeight(ctx, 'bias');
  const [inDim, units] = kernel.shape;
  let y: GraphValue;
  if (x.layout === 'nchw') {
    // A Dense on the channel axis of a channels-first map is a 1×1 convolution.
    const w = b.constant(`${layer.name}.kernel`, [units, inDim, 1, 1], transposeArray(kernel.data, kernel.shape, [1, 0]));
    const inputs = [x.name, w];
    if (bias !== null) inputs.push(b.constant(`${layer.name}.bias`, [units], bias.data));
    y = { ...x, shape: ctx.outputShape, name: b.op('Conv', inputs, layer.name, [{ name: 'kernel_shape', ints: [1, 1] }]) };
  } else {
    const w = b.constant(`${layer.name}.kernel`, kernel.shape, kernel.data);
    let name = b.op('MatMul', [x.name, w], bias === null ? layer.name : `${layer.name}_matmul`);
    if (bias !== null) name = b.op('Add', [name, b.constant(`${layer.name}.bias`, [units], bias.data)], layer.name);
    y = { name, shape: ctx.outputShape, layout: 'plain' };
  }
  return applyActivation(b, y, activation, `${layer.name}_${activation}`);
};

const activationLayer: LayerConverter = (ctx) => applyActivation(ctx.b, single(ctx), checkedActivation(ctx), ctx.layer.name);

const reluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const maxValue = ctx.layer.getConfig()['maxValue'];
  if (maxValue === null || maxValue === undefined) return applyActivation(ctx.b, x, 'relu', ctx.layer.name);
  if (typeof maxValue !== 'number') unsupported(ctx, `maxValue ${JSON.stringify(maxValue)}`);
  const { b } = ctx;
  return { ...x, name: b.op('Clip', [x.name, b.scalar(`${ctx.layer.name}_min`, 0), b.scalar(`${ctx.layer.name}_max`, maxValue)], ctx.layer.name) };
};

const leakyReluLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const alpha = ctx.layer.getConfig()['alpha'];
  if (typeof alpha !== 'number') unsupported(ctx, `alpha ${JSON.stringify(alpha)}`);
  return { ...x, name: ctx.b.op('LeakyRelu', [x.name], ctx.layer.name, [{ name: 'alpha', f: alpha }]) };
};

const softmaxLayer: LayerConverter = (ctx) => {
  const x = single(ctx);
  const axis = ctx.layer.getConfig()['axis'];
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (typeof a !== 'number') unsupported(ctx, `axis ${JSON.stringify(axis)}`);
  return { ...x, name: ctx.b.op('Softmax', [x.name], ctx.layer.name, [{ name: 'axis', i: storedAxis(x, a) }]) };
};

const identity: LayerConverter = (ctx) => single(ctx);

/** The inputs in one layout (that of the first), for elementwise merges. */
function sameLayout(ctx: LayerContext): GraphValue[] {
  const first = ctx.inputs[0];
  if (ctx.inputs.some((v) => v.shape.length !== first.shape.length)) unsupported(ctx, 'inputs of different ranks (broadcasting merges are not exported)');
  return ctx.inputs.map((v) => (first.layout === 'nchw' ? ctx.b.asNchw(v) : ctx.b.asPlain(v)));
}

function elementwise(op: 'Add' | 'Mul' | 'Max' | 'Min'): LayerConverter {
  return (ctx) => {
    const values = sameLayout(ctx);
    if (values.length < 2) unsupported(ctx, `expected at least two inputs, got ${values.length}`);
    let name = values[0].name;
    for (let i = 1; i < values.length; i++) name = ctx.b.op(op, [name, values[i].name], i === values.length - 1 ? ctx.layer.name : `${ctx.layer.name}_${i}`);
    return { ...values[0], name, shape: ctx.outputShape };
  };
}

const average: LayerConverter = (ctx) => {
  const sum = elementwise('Add')(ctx);
  const n = ctx.b.scalar(`${ctx.layer.name}_count`, ctx.inputs.length);
  return { ...sum, name: ctx.b.op('Div', [sum.name, n], `${ctx.layer.name}_mean`) };
};

const concatenate: LayerConverter = (ctx) => {
  const values = sameLayout(ctx);
  const axis = ctx.layer.getConfig()['axis'];
  if (typeof axis !== 'number') unsupported(ctx, `axis ${JSON.stringify(axis)}`);
  const name = ctx.b.op('Concat', values.map((v) => v.name), ctx.layer.name, [{ name: 'axis', i: storedAxis(values[0], axis) }]);
  return { ...values[0], name, shape: ctx.outputShape };
};

const reshape: LayerConverter = (ctx) => {
  const x = ctx.b.asPlain(single(ctx));
  const target = ctx.layer.getConfig()['targetShape'];
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number' && (d > 0 || d === -1))) unsupported(ctx, `targetShape ${JSON.stringify(target)}`);
  const shape = ctx.b.int64s(`${ctx.layer.name}_shape`, [0, ...(target as number[])]);
  return { name: ctx.b.op('Reshape', [x.name, shape], ctx.layer.name), shape: ctx.outputShape, layout: 'plain' };
};

const flatten: LayerConverter = (ctx) => {
  const x = ctx.b.asPlain(single(ctx));
  return { name: ctx.b.op('Flatten', [x.name], ctx.layer.name, [{ name: 'axis', i: 1 }]), shape: ctx.outputShape, layout: 'plain' };
};

const embedding: LayerConverter = (ctx) => {
  const { b, layer } = ctx;
  const x = b.asPlain(single(ctx));
  if (layer.getConfig()['maskZero'] === true) unsupported(ctx, 'maskZero true (masks are not exported)');
  const table = requiredWeight(ctx, 'embeddings');
  const ids = b.op('Cast', [x.name], `${layer.name}_ids`, [{ name: 'to', i: 7 }]);
  const name = b.op('Gather', [b.constant(`${layer.name}.embeddings`, table.shape, table.data), ids], layer.name, [{ name: 'axis', i: 0 }]);
  return { name, shape: ctx.outputShape, layout: 'plain' };
};

/** A per-channel constant broadcast along the stored channel axis of x. */
function channelConstant(ctx: LayerContext, x: GraphValue, axis: number, base: string, values: Float32Array): string {
  const a = storedAxis(x, axis);
  const rank = x.shape.length;
  const dims = [values.length, ...new Array<number>(rank - 1 - a).fill(1)];
  return ctx.b.constant(base, dims, values);
}

const batchNorm: LayerConverter = (ctx) => {
  const x = single(ctx);
  const config = ctx.layer.getConfig();
  const axis = config['axis'];
  const epsilon = config['epsilon'];
  if (typeof axis !== 'number' || typeof epsilon !== 'number') unsupported(ctx, `axis ${JSON.stringify(axis)}, epsilon ${JSON.stringify(epsilon)}`);
  const mean = requiredWeight(ctx, 'moving_mean').data;
  const variance = requiredWeight(ctx, 'moving_variance').data;
  const gamma = weightValues(ctx, 'gamma')?.data;
  const beta = weightValues(ctx, 'beta')?.data;
  // (x - mean)·gamma/√(var + eps) + beta = x·scale + shift, folded in double precision.
  const scale = new Float32Array(mean.length);
  const shift = new Float32Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    const s = (gamma === undefined ? 1 : gamma[c]) / Math.sqrt(variance[c] + epsilon);
    scale[c] = s;
    shift[c] = (beta === undefined ? 0 : beta[c]) - mean[c] * s;
  }
  const name = ctx.layer.name;
  const scaled = ctx.b.op('Mul', [x.name, channelConstant(ctx, x, axis, `${name}.scale`, scale)], `${name}_scaled`);
  return { ...x, name: ctx.b.op('Add', [scaled, channelConstant(ctx, x, axis, `${name}.shift`, shift)], name) };
};

function globalPool(op: 'ReduceMean' | 'ReduceMax', spatialAxes: number[]): LayerConverter {
  return (ctx) => {
    const x = single(ctx);
    const format = ctx.layer.getConfig()['dataFormat'];
    if (format !== undefined && format !== 'channelsLast') unsupported(ctx, `dataFormat ${JSON.stringify(format)}`);
    if (x.shape.length !== spatialAxes.length + 2) unsupported(ctx, `input of rank ${x.shape.length}`);
    const axes = spatialAxes.map((a) => storedAxis(x, a));
    return { name: ctx.b.op(op, [x.name], ctx.layer.name, [{ name: 'axes', ints: axes }, { name: 'keepdims', i: 0 }]), shape: ctx.outputShape, layout: 'plain' };
  };
}

/** tfjs LayerNormalization over the last axis, and HfLayerNorm (the same formula): ONNX LayerNormalization (opset 17). */
const layerNorm: LayerConverter = (ctx) => {
  const x = ctx.b.asPlain(single(ctx));
  const config = ctx.layer.getConfig();
  const axis = config['axis'];
  const last = x.shape.length - 1;
  const axes = axis === undefined ? [-1] : Array.isArray(axis) ? axis : [axis];
  if (axes.length !== 1 || typeof axes[0] !== 'number' || (axes[0] !== -1 && axes[0] !== last)) unsupported(ctx, `axis ${JSON.stringify(axis)} (only the last axis)`);
  const epsilon = config['epsilon'];
  if (typeof epsilon !== 'number') unsupported(ctx, `epsilon ${JSON.stringify(epsilon)}`);
  const size = x.shape[last];
  if (typeof size !== 'number') unsupported(ctx, 'the normalized axis has no fixed size');
  const gamma = weightValues(ctx, 'gamma')?.data ?? new Float32Array(size).fill(1);
  const beta = weightValues(ctx, 'beta')?.data ?? new Float32Array(size);
  const name = ctx.layer.name;
  const inputs = [x.name, ctx.b.constant(`${name}.gamma`, [size], gamma), ctx.b.constant(`${name}.beta`, [size], beta)];
  return { name: ctx.b.op('LayerNormalization', inputs, name, [{ name: 'axis', i: -1 }, { name: 'epsilon', f: epsilon }]), shape: ctx.outputShape, layout: 'plain' };
};

/** Converters by tfjs class name. */
export const CORE_CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  ['Dense', dense],
  ['Activation', activationLayer],
  ['ReLU', reluLayer],
  ['LeakyReLU', leakyReluLayer],
  ['Softmax', softmaxLayer],
  ...IDENTITY_CLASSES.map((c): [string, LayerConverter] => [c, identity]),
  ['Add', elementwise('Add')],
  ['Multiply', elementwise('Mul')],
  ['Maximum', elementwise('Max')],
  ['Minimum', elementwise('Min')],
  ['Average', average],
  ['Concatenate', concatenate],
  ['Reshape', reshape],
  ['Flatten', flatten],
  ['Embedding', embedding],
  ['BatchNormalization', batchNorm],
  ['GlobalAveragePooling1D', globalPool('ReduceMean', [1])],
  ['GlobalMaxPooling1D', globalPool('ReduceMax', [1])],
  ['GlobalAveragePooling2D', globalPool('ReduceMean', [1, 2])],
  ['GlobalMaxPooling2D', globalPool('ReduceMax', [1, 2])],
  ['LayerNormalization', layerNorm],
  ['HfLayerNorm', layerNorm],
]);
