// HfFirstToken: [batch, seq, hidden] → [batch, hidden], the first token ([CLS] / <s>) of each
// sequence, which BERT's pooler and the DistilBERT / RoBERTa classification heads read.

import * as tf from '@tensorflow/tfjs';
import { type Kwargs, singleShape, singleTensor } from '../../techniques/tfjsTypes';

/** [batch, seq, hidden] → [batch, hidden]: the first token ([CLS] / <s>) of each sequence. */
export class HfFirstToken extends tf.layers.Layer {
  static className = 'HfFirstToken';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== 3) throw new Error(`HfFirstToken '${this.name}' expects [batch, seq, hidden], got rank ${shape.length}.`);
    return [shape[0], shape[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs, this.name);
      const [batch, , hidden] = x.shape;
      return tf.reshape(tf.slice(x, [0, 0, 0], [batch, 1, hidden]), [batch, hidden]);
    });
  }
}
tf.serialization.registerClass(HfFirstToken);
