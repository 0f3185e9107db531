// Encodes examples with any InputEncoder: asynchronously when the encoder reads files (images).

import type * as tf from '@tensorflow/tfjs';
import type { Example } from '../data/example';
import type { InputEncoder } from './modelTypes';

export async function encodeExamples(encoder: InputEncoder, examples: readonly Example[]): Promise<tf.Tensor2D> {
  return encoder.encodeAsync ? encoder.encodeAsync(examples) : encoder.encode(examples);
}
