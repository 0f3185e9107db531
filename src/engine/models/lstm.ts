// FtLstm: Keras' LSTM(units, return_sequences, activation='tanh', recurrent_activation='hard_sigmoid'
// or 'sigmoid', use_bias) as one layer with optional LoRA on both kernels; the recurrence runs fused
// on the CPU backends (fastPaths/fusedLstm.ts) and as stock tf ops elsewhere (lstmLayerBase.ts).
// Weights as Keras names them: <layer>/kernel [in, 4u], <layer>/recurrent_kernel [u, 4u],
// <layer>/bias [4u] (gates i, f, c, o); with LoRA also lora_kernel_a, lora_kernel_b,
// lora_recurrent_kernel_a, lora_recurrent_kernel_b.

import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { FtLstmBase, type LstmDirectionWeights, type LstmLayerArgs, type Shape } from './lstmLayerBase';

export type FtLstmArgs = LstmLayerArgs;

export class FtLstm extends FtLstmBase {
  static readonly className = 'FtLstm';

  private weightsOf: LstmDirectionWeights | null = null;

  constructor(args: FtLstmArgs) {
    super(args, 'FtLstm');
  }

  protected directions(): LstmDirectionWeights[] {
    return this.weightsOf === null ? [] : [this.weightsOf];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.weightsOf = this.addDirection('', this.inputDimOf(inputShape), 0);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.outputShapeOf(inputShape, this.units);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const { x, training } = this.prepare(inputs, kwargs);
      if (this.weightsOf === null) throw new Error('FtLstm: call() before build()');
      return this.runDirection(x, this.weightsOf, false, training);
    });
  }
}
tf.serialization.registerClass(FtLstm);
