// The TensorFlow.js version the engine runs, for run.json's environment record.

import * as tf from '@tensorflow/tfjs';

export function tfjsVersion(): string {
  return tf.version.tfjs;
}
