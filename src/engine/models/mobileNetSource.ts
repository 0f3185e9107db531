// Reads the MobileNetV2 TF.js Layers model shipped inside the npm package nsfwjs@4.4.0, offline.
// nsfwjs wraps the model JSON and its one weight shard in browserify UMD files
// (dist/models/mobilenet_v2/model.min.js and group1-shard1of1.min.js) whose module.exports are the
// model JSON object and the shard as a base64 string; nsfwjs itself `require`s them. We do the
// same, then let tfjs decode the weights (they are 8-bit quantised: tf.io.decodeWeights expands
// each uint8 q to q·scale + min as the manifest says).
// Only the convolutional backbone is used (see mobileNetGraph.ts): nsfwjs's own 5-class head and
// its labels never reach the user.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../userError';

/** The model id users name with --model. */
export const MOBILENET_V2_ID = 'mobilenet_v2';

/** The files of the model inside the nsfwjs package. */
const MODEL_FILE = 'model.min.js';
const SHARD_FILE = 'group1-shard1of1.min.js';

export interface MobileNetSource {
  /** The Keras model config ({class_name: 'Model', config: {layers, input_layers, output_layers}}). */
  modelConfig: tf.serialization.ConfigDict;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  /** sha256 over the two packaged files, hex. */
  fingerprint: string;
  /** The folder the files were read from. */
  folder: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The folder of the packaged MobileNetV2 files (node_modules/nsfwjs/dist/models/mobilenet_v2). */
export function mobileNetModelFolder(): string {
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch {
    throw new UserError('The MobileNetV2 base model comes from the npm package nsfwjs, which is not installed.', {
      hint: 'Install the extension again (or run npm install in its folder) so that node_modules/nsfwjs is present.',
    });
  }
  // entry: <pkg>/dist/cjs/index.js → <pkg>/dist/models/mobilenet_v2
  return path.join(path.dirname(entry), '..', 'models', 'mobilenet_v2');
}

/** module.exports of one of the wrapped files, as nsfwjs reads it; removed from the require cache afterwards. */
function requireWrapped(file: string): unknown {
  const resolved = require.resolve(file);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded: unknown = require(resolved);
    return loaded;
  } catch (error) {
    throw new UserError(`Could not read the MobileNetV2 model file ${file}: ${error instanceof Error ? error.message : String(error)}.`, {
      where: file,
      hint: 'Reinstall the nsfwjs package (4.4.0).',
    });
  } finally {
    // The shard is 3.5 MB of base64: do not keep it alive in the module cache.
    Reflect.deleteProperty(require.cache, resolved);
  }
}

function bad(file: string, what: string): never {
  throw new UserError(`The MobileNetV2 model file ${file} is not what nsfwjs 4.4.0 ships: ${what}.`, {
    where: file,
    hint: 'Reinstall the nsfwjs package (4.4.0).',
  });
}

/** Reads and checks the packaged model; throws a UserError naming the file when something is off. */
export function readMobileNetSource(folder = mobileNetModelFolder()): MobileNetSource {
  const modelFile = path.join(folder, MODEL_FILE);
  const shardFile = path.join(folder, SHARD_FILE);
  let modelBytes: Buffer;
  let shardBytes: Buffer;
  try {
    modelBytes = readFileSync(modelFile);
    shardBytes = readFileSync(shardFile);
  } catch (error) {
    throw new UserError(`The MobileNetV2 model files are missing from ${folder}: ${error instanceof Error ? error.message : String(error)}.`, {
      where: folder,
      hint: 'Reinstall the nsfwjs package (4.4.0).',
    });
  }
  const json = requireWrapped(modelFile);
  if (!isRecord(json) || !isRecord(json['modelTopology'])) bad(modelFile, 'no modelTopology');
  const modelConfig = json['modelTopology']['model_config'];
  if (!isRecord(modelConfig) || !isRecord(modelConfig['config'])) bad(modelFile, 'no model_config');
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0]) || !Array.isArray(manifest[0]['weights'])) {
    bad(modelFile, 'the weights manifest is not one group');
  }
  const paths = manifest[0]['paths'];
  if (!Array.isArray(paths) || paths.length !== 1 || paths[0] !== 'group1-shard1of1') bad(modelFile, 'the weights are not in one shard group1-shard1of1');
  const base64 = requireWrapped(shardFile);
  if (typeof base64 !== 'string' || base64.length === 0) bad(shardFile, 'the shard is not a base64 string');
  const decoded = Buffer.from(base64, 'base64');
  const weightData = decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength);
  return {
    modelConfig: modelConfig as tf.serialization.ConfigDict,
    weightSpecs: manifest[0]['weights'] as tf.io.WeightsManifestEntry[],
    weightData,
    fingerprint: createHash('sha256').update(modelBytes).update(shardBytes).digest('hex'),
    folder,
  };
}

/** The dequantised weights by name ('Conv1/kernel', 'bn_Conv1/gamma', …); the caller disposes them. */
export function decodeMobileNetWeights(source: MobileNetSource): tf.NamedTensorMap {
  const expected = source.weightSpecs.reduce((sum, spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4;
    return sum + count * bytes;
  }, 0);
  if (expected !== source.weightData.byteLength) {
    bad(path.join(source.folder, SHARD_FILE), `it holds ${source.weightData.byteLength} bytes where the manifest needs ${expected}`);
  }
  return tf.io.decodeWeights(source.weightData, source.weightSpecs);
}
