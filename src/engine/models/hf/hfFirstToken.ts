// HfFirstToken: [batch, seq, hidden] → [batch, hidden], the first token ([CLS] / <s>) of each
// sequence, which BERT's pooler and the DistilBERT / RoBERTa classification heads read. Under
// packed tokens (hfPacking.ts) the input is [1, total, hidden] and each example's first row is taken.

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, singleShape, singleTensor } from '../../techniques/tfjsTypes';
import { packedLayoutOf } from './hfPacking';

/** [batch, seq, hidden] → [batch, hidden]: the first token ([CLS] / <s>) of each sequence. */
export class HfFirstToken extends tf.layers.Layer {
  static className = 'HfFirstToken';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 3) throw new Error(`HfFirstToken '${this.name}' expects [batch, seq, hidden], got rank ${shape.length}.`);
    return [shape[0], shape[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.name);
      const layout = packedLayoutOf(kwargs);
      if (layout !== null) return tf.gather(tf.reshape(x, [layout.total, x.shape[x.rank - 1]]), layout.firstIndex);
      const [batch, , hidden] = x.shape;
      return tf.reshape(tf.slice(x, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]);
    });
  }
}
tf.serialization.registerClass(HfFirstToken);
