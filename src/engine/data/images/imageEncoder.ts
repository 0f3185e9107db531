// The InputEncoder of image models: each example's image file decoded (decodeImage.ts) into one
// row of size·size·3 values; the base model reshapes the row back to [size, size, 3].
// Decoding is asynchronous (sharp), so `encode` throws and callers use encodeAsync (through
// encodeExamples); a caller that encodes in batches keeps only a batch of pixels in memory.

import * as tf from '@tensorflow/tfjs';
import { mapLimit } from '../../../storage/mapLimit';
import type { EncoderState, InputEncoder } from '../../models/modelTypes';
import { UserError } from '../../userError';
import type { Example } from '../example';
import { decodeImageInto } from './decodeImage';

/** Files decoded at once. */
const PARALLEL_DECODES = 4;
/**
 * Most bytes of decoded images held at once. Techniques that run the base every step (full,
 * adapter, lora, or features without the cache) keep a whole split decoded in memory.
 */
export const MAX_ENCODED_BYTES = 2e9;

export type ImageEncoderState = Extract<EncoderState, { kind: 'image' }>;

export function imageEncoderState(size: number): ImageEncoderState {
  return { kind: 'image', size, channels: 3, scale: 'divide-by-255', resize: 'stretch' };
}

export class ImageInputEncoder implements InputEncoder {
  readonly state: ImageEncoderState;
  readonly width: number;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Image size must be a positive integer, got ${size}.`);
    this.state = imageEncoderState(size);
    this.width = size * size * 3;
  }

  encode(_examples: readonly Example[]): tf.Tensor2D {
    throw new Error('Images are decoded asynchronously: encode them with encodeExamples() (or encodeAsync).');
  }

  async encodeAsync(examples: readonly Example[]): Promise<tf.Tensor2D> {
    const bytes = examples.length * this.width * 4;
    if (bytes > MAX_ENCODED_BYTES) {
      throw new UserError(
        `${examples.length} images of ${this.size}×${this.size} px need ${(bytes / 1e9).toFixed(1)} GB decoded at once, more than the ${MAX_ENCODED_BYTES / 1e9} GB allowed.`,
        {
          hint: 'Train with --technique features (it decodes in small batches and keeps only the features), or use a smaller --image-size, or fewer images at once.',
        },
      );
    }
    const values = new Float32Array(examples.length * this.width);
    await mapLimit(examples, PARALLEL_DECODES, async (example, i) => {
      if (example.file === undefined) {
        throw new Error(`Example at line ${example.line} has no image file: image models need examples read from an image dataset.`);
      }
      await decodeImageInto(example.file, this.size, values, i * this.width);
    });
    return tf.tensor2d(values, [examples.length, this.width]);
  }
}

/** The encoder a run stored in preprocessing.json. */
export function imageEncoderFromState(state: ImageEncoderState): ImageInputEncoder {
  return new ImageInputEncoder(state.size);
}
