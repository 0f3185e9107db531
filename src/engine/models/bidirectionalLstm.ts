// FtBidirectionalLstm: Keras' Bidirectional(LSTM(units, return_sequences, activation='tanh',
// recurrent_activation='hard_sigmoid' or 'sigmoid', use_bias), merge_mode='concat') as one layer,
// with optional LoRA on both kernels of both directions (lstmLayerBase.ts). The backward direction
// runs over the reversed sequence; its outputs are put back at their input's time index before the
// concatenation [forward, backward] on the last axis (as Keras' Bidirectional does). Each direction
// is one fused op on the CPU backends (fastPaths/fusedLstm.ts), stock tf ops elsewhere.
// Weights as Keras names them: forward_<lstm>/kernel, …/recurrent_kernel, …/bias, then backward_<lstm>/…;
// with LoRA also …/lora_kernel_a, …/lora_kernel_b, …/lora_recurrent_kernel_a, …/lora_recurrent_kernel_b.

import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { FtLstmBase, type LstmDirectionWeights, type LstmLayerArgs, type Shape } from './lstmLayerBase';

export interface FtBidirectionalLstmArgs extends LstmLayerArgs {
  /**
   * The wrapped Keras LSTM (only its name, used in weight names: forward_<name>/kernel). Nested
   * under `name` because tfjs' config case conversion leaves `name` values alone. Default 'lstm'.
   */
  innerLayer?: { name: string };
}

function parseInnerName(value: unknown): string {
  if (value === undefined || value === null) return 'lstm';
  if (typeof value === 'object' && 'name' in value && typeof value.name === 'string' && value.name.length > 0) return value.name;
  throw new Error(`FtBidirectionalLstm: innerLayer must be {name: string}, got ${JSON.stringify(value)}`);
}

export class FtBidirectionalLstm extends FtLstmBase {
  static readonly className = 'FtBidirectionalLstm';

  readonly innerName: string;
  private forward: LstmDirectionWeights | null = null;
  private backward: LstmDirectionWeights | null = null;

  constructor(args: FtBidirectionalLstmArgs) {
    super(args, 'FtBidirectionalLstm');
    this.innerName = parseInnerName(args.innerLayer);
  }

  protected directions(): LstmDirectionWeights[] {
    return this.forward === null || this.backward === null ? [] : [this.forward, this.backward];
  }

  override build(inputShape: Shape | Shape[]): void {
    const inputDim = this.inputDimOf(inputShape);
    this.forward = this.addDirection(`forward_${this.innerName}`, inputDim, 0);
    this.backward = this.addDirection(`backward_${this.innerName}`, inputDim, 2);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapeOf(inputShape, 2 * this.units);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { x, training } = this.prepare(inputs, kwargs);
      if (this.forward === null || this.backward === null) throw new Error('FtBidirectionalLstm: call() before build()');
      const fw = this.runDirection(x, this.forward, false, training);
      const bw = this.runDirection(x, this.backward, true, training);
      return tf.concat([fw, bw], -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), innerLayer: { name: this.innerName } };
  }
}
tf.serialization.registerClass(FtBidirectionalLstm);
