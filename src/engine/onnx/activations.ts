// tfjs activation functions (by their serialized names) as ONNX nodes, formula for formula:
// gelu is tfjs' exact erf form, gelu_new its tanh form, hardSigmoid Keras' clip(0.2x + 0.5, 0, 1).

import type { OnnxGraphBuilder, GraphValue } from './onnxGraphBuilder';
import { storedAxis } from './onnxGraphBuilder';

/** Activation names the exporter translates. */
export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'logSoftmax', 'elu', 'selu',
  'softplus', 'softsign', 'hardSigmoid', 'swish', 'mish', 'gelu', 'gelu_new',
] as const;

export function activationSupported(name: string): boolean {
  return (SUPPORTED_ACTIVATIONS as readonly string[]).includes(name);
}

/** `activation(x)`; the value's layout is kept (softmax over the tfjs last axis, wherever it is stored). */
export function applyActivation(b: OnnxGraphBuilder, x: GraphValue, activation: string, base: string): GraphValue {
  const out = (name: string): GraphValue => ({ ...x, name });
  const n = x.name;
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return out(b.op('Relu', [n], base));
    case 'relu6':
      return out(b.op('Clip', [n, b.scalar(`${base}_min`, 0), b.scalar(`${base}_max`, 6)], base));
    case 'sigmoid':
      return out(b.op('Sigmoid', [n], base));
    case 'tanh':
      return out(b.op('Tanh', [n], base));
    case 'softmax':
      return out(b.op('Softmax', [n], base, [{ name: 'axis', i: storedAxis(x, -1) }]));
    case 'logSoftmax':
      return out(b.op('LogSoftmax', [n], base, [{ name: 'axis', i: storedAxis(x, -1) }]));
    case 'elu':
      return out(b.op('Elu', [n], base, [{ name: 'alpha', f: 1 }]));
    case 'selu':
      return out(b.op('Selu', [n], base));
    case 'softplus':
      return out(b.op('Softplus', [n], base));
    case 'softsign':
      return out(b.op('Softsign', [n], base));
    case 'hardSigmoid':
      return out(b.op('HardSigmoid', [n], base, [{ name: 'alpha', f: 0.2 }, { name: 'beta', f: 0.5 }]));
    case 'swish':
      return out(b.op('Mul', [n, b.op('Sigmoid', [n], `${base}_sigmoid`)], base));
    case 'mish':
      return out(b.op('Mul', [n, b.op('Tanh', [b.op('Softplus', [n], `${base}_softplus`)], `${base}_tanh`)], base));
    case 'gelu': {
      // x · 0.5 · (1 + erf(x / √2))
      const erf = b.op('Erf', [b.op('Div', [n, b.scalar(`${base}_sqrt2`, Math.SQRT2)], `${base}_scaled`)], `${base}_erf`);
      const cdf = b.op('Mul', [b.scalar(`${base}_half`, 0.5), b.op('Add', [b.scalar(`${base}_one`, 1), erf], `${base}_1p`)], `${base}_cdf`);
      return out(b.op('Mul', [n, cdf], base));
    }
    case 'gelu_new': {
      // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const cube = b.op('Mul', [n, b.op('Mul', [n, n], `${base}_sq`)], `${base}_cube`);
      const inner = b.op('Add', [n, b.op('Mul', [b.scalar(`${base}_c`, 0.044715), cube], `${base}_cx3`)], `${base}_inner`);
      const t = b.op('Tanh', [b.op('Mul', [b.scalar(`${base}_k`, Math.sqrt(2 / Math.PI)), inner], `${base}_arg`)], `${base}_tanh`);
      const onePlus = b.op('Add', [b.scalar(`${base}_one`, 1), t], `${base}_1p`);
      return out(b.op('Mul', [b.scalar(`${base}_half`, 0.5), b.op('Mul', [n, onePlus], `${base}_x1p`)], base));
    }
    default:
      throw new Error(`activation '${activation}' is not exported to ONNX`);
  }
}
