// BottleneckAdapter (Houlsby-style): y = x + up(act(down(x))) on the last axis.
// down: kernel [d, size] (seeded Glorot uniform) + bias [size] (zeros);
// up:   kernel [size, d] (ZEROS) + bias [d] (zeros), so a fresh adapter is the identity and the
// model it is inserted into computes exactly what the base computed.
// Activations: relu, tanh, or gelu in its tanh approximation
//   gelu(x) ≈ 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
// (BERT's / PyTorch's approximate='tanh'; elementwise ops only, so it has a gradient on every
// backend, unlike erf).

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, dotLastAxis, lastDim, optionalNumber, singleShape, singleTensor } from './tfjsTypes';

export type AdapterActivation = 'relu' | 'gelu' | 'tanh';

export interface BottleneckAdapterArgs extends LayerArgs {
  /** Bottleneck width (integer >= 1). */
  size: number;
  /** Non-linearity between the down and up projections. */
  activation: AdapterActivation;
  /** Seed of the down projection's initializer; null = unseeded. */
  seed?: number | null;
}

/** Weight names, in creation order. */
export const ADAPTER_WEIGHTS = ['down_kernel', 'down_bias', 'up_kernel', 'up_bias'] as const;

const ACTIVATIONS: readonly AdapterActivation[] = ['relu', 'gelu', 'tanh'];

function isAdapterActivation(value: unknown): value is AdapterActivation {
  return typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value);
}

/** GELU, tanh approximation. */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  });
}

function activate(x: tf.Tensor, activation: AdapterActivation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'gelu':
      return geluTanh(x);
  }
}

export class BottleneckAdapter extends tf.layers.Layer {
  static className = 'BottleneckAdapter';

  readonly size: number;
  readonly activation: AdapterActivation;
  readonly seed: number | null;
  private weightsByName: Map<string, tf.LayerVariable> = new Map();

  constructor(args: BottleneckAdapterArgs) {
    super(args);
    if (!Number.isInteger(args.size) || args.size < 1) {
      throw new Error(`BottleneckAdapter '${this.name}': size must be a positive integer, got ${String(args.size)}.`);
    }
    if (!isAdapterActivation(args.activation)) {
      throw new Error(
        `BottleneckAdapter '${this.name}': activation must be one of ${ACTIVATIONS.join(', ')}, got ${String(args.activation)}.`,
      );
    }
    this.size = args.size;
    this.activation = args.activation;
    this.seed = optionalNumber(args.seed, null, `BottleneckAdapter '${this.name}': seed`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = lastDim(singleShape(inputShape, this.name), this.name);
    const glorot = tf.initializers.glorotUniform({ seed: this.seed ?? undefined });
    const shapes: Record<(typeof ADAPTER_WEIGHTS)[number], number[]> = {
      down_kernel: [d, this.size],
      down_bias: [this.size],
      up_kernel: [this.size, d],
      up_bias: [d],
    };
    for (const name of ADAPTER_WEIGHTS) {
      const init = name === 'down_kernel' ? glorot : tf.initializers.zeros();
      this.weightsByName.set(name, this.addWeight(name, shapes[name], 'float32', init, undefined, true));
    }
    this.inputSpec = [{ minNDim: 2, axes: { [-1]: d } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.name);
      const hidden = activate(tf.add(dotLastAxis(x, this.weight('down_kernel')), this.weight('down_bias')), this.activation);
      const delta = tf.add(dotLastAxis(hidden, this.weight('up_kernel')), this.weight('up_bias'));
      return tf.add(x, delta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, activation: this.activation, seed: this.seed };
  }

  private weight(name: (typeof ADAPTER_WEIGHTS)[number]): tf.Tensor {
    const w = this.weightsByName.get(name);
    if (w === undefined) throw new Error(`BottleneckAdapter '${this.name}' is not built yet.`);
    return w.read();
  }
}
tf.serialization.registerClass(BottleneckAdapter);
