// Converters of tfjs' 2-D convolution layers to ONNX: Conv2D, DepthwiseConv2D (a grouped Conv)
// and ZeroPadding2D. Convolutions run on channels-first values (the builder transposes an NHWC
// input once); TF's 'same' padding is ONNX's SAME_UPPER (the odd extra pixel at the end).

import { activationSupported, applyActivation } from './activations';
import { configNumbers, configString, type LayerContext, type LayerConverter, requiredWeight, single, transposeArray, unsupported } from './converterTypes';

function convAttributes(ctx: LayerContext, kernelShape: number[]): Array<{ name: string; ints: number[] } | { name: string; s: string }> {
  if (ctx.layer.getConfig()['dataFormat'] !== 'channelsLast') unsupported(ctx, `dataFormat ${JSON.stringify(ctx.layer.getConfig()['dataFormat'])}`);
  const padding = configString(ctx, 'padding');
  if (padding !== 'same' && padding !== 'valid') unsupported(ctx, `padding '${padding}'`);
  return [
    { name: 'kernel_shape', ints: kernelShape },
    { name: 'strides', ints: configNumbers(ctx, 'strides', 2) },
    { name: 'dilations', ints: configNumbers(ctx, 'dilationRate', 2) },
    { name: 'auto_pad', s: padding === 'same' ? 'SAME_UPPER' : 'VALID' },
  ];
}

function activationOf(ctx: LayerContext): string {
  const activation = configString(ctx, 'activation');
  if (!activationSupported(activation)) unsupported(ctx, `activation '${activation}' is not exported`);
  return activation;
}

function inputRank4(ctx: LayerContext): void {
  if (single(ctx).shape.length !== 4) unsupported(ctx, `input of rank ${single(ctx).shape.length}, expected [batch, height, width, channels]`);
}

const conv2d: LayerConverter = (ctx) => {
  inputRank4(ctx);
  const { b, layer } = ctx;
  const activation = activationOf(ctx);
  const x = b.asNchw(single(ctx));
  const kernel = requiredWeight(ctx, 'kernel'); // [kh, kw, in, out]
  const [kh, kw, inC, outC] = kernel.shape;
  const inputs = [x.name, b.constant(`${layer.name}.kernel`, [outC, inC, kh, kw], transposeArray(kernel.data, kernel.shape, [3, 2, 0, 1]))];
  if (layer.getConfig()['useBias'] !== false) inputs.push(b.constant(`${layer.name}.bias`, [outC], requiredWeight(ctx, 'bias').data));
  const name = b.op('Conv', inputs, layer.name, convAttributes(ctx, [kh, kw]));
  return applyActivation(b, { name, shape: ctx.outputShape, layout: 'nchw' }, activation, `${layer.name}_${activation}`);
};

const depthwiseConv2d: LayerConverter = (ctx) => {
  inputRank4(ctx);
  const { b, layer } = ctx;
  const activation = activationOf(ctx);
  const x = b.asNchw(single(ctx));
  const kernel = requiredWeight(ctx, 'depthwise_kernel'); // [kh, kw, in, multiplier]
  const [kh, kw, inC, mult] = kernel.shape;
  // Output channel c·mult + m reads input channel c with K[:, :, c, m]: ONNX W [in·mult, 1, kh, kw], group = in.
  const w = b.constant(`${layer.name}.depthwise_kernel`, [inC * mult, 1, kh, kw], transposeArray(kernel.data, kernel.shape, [2, 3, 0, 1]));
  const inputs = [x.name, w];
  if (layer.getConfig()['useBias'] !== false) inputs.push(b.constant(`${layer.name}.bias`, [inC * mult], requiredWeight(ctx, 'bias').data));
  const name = b.op('Conv', inputs, layer.name, [...convAttributes(ctx, [kh, kw]), { name: 'group', i: inC }]);
  return applyActivation(b, { name, shape: ctx.outputShape, layout: 'nchw' }, activation, `${layer.name}_${activation}`);
};

const zeroPadding2d: LayerConverter = (ctx) => {
  inputRank4(ctx);
  const x = single(ctx);
  const config = ctx.layer.getConfig();
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') unsupported(ctx, `dataFormat ${JSON.stringify(config['dataFormat'])}`);
  const padding = config['padding'];
  const pair = (v: unknown): [number, number] | null =>
    Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? [v[0], v[1]] : null;
  const rows = Array.isArray(padding) ? pair(padding[0]) : null;
  const cols = Array.isArray(padding) ? pair(padding[1]) : null;
  if (rows === null || cols === null) unsupported(ctx, `padding ${JSON.stringify(padding)}`);
  const [top, bottom] = rows;
  const [left, right] = cols;
  // Pads are [begin of each axis, end of each axis] in the stored layout.
  const pads = x.layout === 'nchw' ? [0, 0, top, left, 0, 0, bottom, right] : [0, top, left, 0, 0, bottom, right, 0];
  const name = ctx.b.op('Pad', [x.name, ctx.b.int64s(`${ctx.layer.name}_pads`, pads)], ctx.layer.name, [{ name: 'mode', s: 'constant' }]);
  return { ...x, name, shape: ctx.outputShape };
};

export const CONV_CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  ['Conv2D', conv2d],
  ['DepthwiseConv2D', depthwiseConv2d],
  ['ZeroPadding2D', zeroPadding2d],
]);
