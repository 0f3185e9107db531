// Reads and writes TF.js Layers model folders (model.json + weight shards) with plain `fs`,
// so the engine needs no @tensorflow/tfjs-node.

import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../userError';
// Side effect: registers FtBidirectionalGru, FtLstm and FtBidirectionalLstm so models saved with them load back here.
import './bidirectionalGru';
import './lstm';
import './bidirectionalLstm';

type WeightsManifestEntry = tf.io.WeightsManifestEntry;

/** The name of the single weight file written by saveLayersModelToDir. */
export const WEIGHTS_FILE_NAME = 'weights.bin';

/** An error about a model folder a user can meet: says which file (also as `where`) and what to do. */
export class ModelFolderError extends UserError {
  constructor(
    message: string,
    /** The file the error is about. */
    readonly file: string,
    hint: string | null = null,
  ) {
    super(message, { where: file, hint });
    this.name = 'ModelFolderError';
  }
}

/** Resolves a folder or a path to model.json into the model.json path. */
export async function resolveModelJsonPath(dirOrModelJsonPath: string): Promise<string> {
  const abs = path.resolve(dirOrModelJsonPath);
  let stat;
  try {
    stat = await fsp.stat(abs);
  } catch {
    throw new ModelFolderError(`Model not found: ${abs} does not exist.`, abs, 'Give a TF.js Layers model folder or its model.json.');
  }
  return stat.isDirectory() ? path.join(abs, 'model.json') : abs;
}

interface ModelJsonFile {
  modelJsonPath: string;
  json: tf.io.ModelJSON;
}

async function readModelJson(dirOrModelJsonPath: string): Promise<ModelJsonFile> {
  const modelJsonPath = await resolveModelJsonPath(dirOrModelJsonPath);
  let text: string;
  try {
    text = await fsp.readFile(modelJsonPath, 'utf8');
  } catch {
    throw new ModelFolderError(`Model file missing: ${modelJsonPath} could not be read.`, modelJsonPath, 'A TF.js Layers model folder holds a model.json.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ModelFolderError(`Bad model file: ${modelJsonPath} is not valid JSON (${reason}).`, modelJsonPath, 'Copy or export the model again.');
  }
  if (typeof parsed !== 'object' || parsed === null || !('modelTopology' in parsed)) {
    throw new ModelFolderError(`Bad model file: ${modelJsonPath} has no "modelTopology"; it is not a TF.js Layers model.json.`, modelJsonPath);
  }
  const manifest = (parsed as { weightsManifest?: unknown }).weightsManifest;
  if (manifest !== undefined && !Array.isArray(manifest)) {
    throw new ModelFolderError(`Bad model file: ${modelJsonPath} has a "weightsManifest" that is not a list.`, modelJsonPath);
  }
  return { modelJsonPath, json: parsed as tf.io.ModelJSON };
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight takes in the file, or null when it cannot be known from the spec (strings). */
function specByteLength(spec: tf.io.WeightsManifestEntry): number | null {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER_ELEMENT[stored];
  return per === undefined ? null : size * per;
}

/** Reads every shard of every manifest group, in order, into one buffer. */
async function readWeights(
  modelJsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[WeightsManifestEntry[], ArrayBuffer]> {
  const dir = path.dirname(modelJsonPath);
  const specs: WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFolderError(`Bad model file: a weightsManifest group in ${modelJsonPath} lacks "paths" or "weights".`, modelJsonPath);
    }
    for (const shard of group.paths) {
      const shardPath = path.resolve(dir, shard);
      try {
        chunks.push(await fsp.readFile(shardPath));
      } catch {
        throw new ModelFolderError(
          `Weight shard missing: '${shard}' listed in ${modelJsonPath} was not found at ${shardPath}.`,
          shardPath,
          'Copy the whole model folder: model.json and every weight file it lists.',
        );
      }
    }
    specs.push(...group.weights);
  }
  const all = Buffer.concat(chunks);
  let expected = 0;
  for (const spec of specs) {
    const n = specByteLength(spec);
    if (n === null) {
      expected = -1;
      break;
    }
    expected += n;
  }
  if (expected >= 0 && all.byteLength < expected) {
    throw new ModelFolderError(
      `Weights truncated: ${modelJsonPath} lists ${expected} bytes of weights, its shards hold ${all.byteLength}.`,
      modelJsonPath,
      'Copy the model folder again.',
    );
  }
  const out = new ArrayBuffer(all.byteLength);
  new Uint8Array(out).set(all);
  return [specs, out];
}

/** Reads model.json and all weight shards into tfjs model artifacts. */
export async function readModelArtifacts(dirOrModelJsonPath: string): Promise<tf.io.ModelArtifacts> {
  const { modelJsonPath, json } = await readModelJson(dirOrModelJsonPath);
  return tf.io.getModelArtifactsForJSON(json, (manifest) => readWeights(modelJsonPath, manifest));
}

/** An IOHandler whose load() reads a model folder (or model.json path) from disk. */
export function fsLoadHandler(dirOrModelJsonPath: string): tf.io.IOHandler {
  return { load: () => readModelArtifacts(dirOrModelJsonPath) };
}

/** Writes a file under a temporary name in the same folder, then renames it into place. */
async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** The weight data (one buffer or several) as one contiguous byte array. */
export function weightDataBytes(data: tf.io.WeightData): Uint8Array<ArrayBuffer> {
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/**
 * An IOHandler whose save() writes `dir/model.json` and one `dir/weights.bin`.
 * Each file goes to a temporary name first and is renamed into place (weights first,
 * model.json last), so a reader never sees a model.json pointing at half-written weights.
 */
export function fsSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fsSaveHandler writes Layers models only (binary graph topologies are not supported).');
      }
      await fsp.mkdir(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new Uint8Array(0) : weightDataBytes(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer !== undefined) modelJson.modelInitializer = artifacts.modelInitializer;
      const jsonText = JSON.stringify(modelJson);
      await writeFileAtomic(path.join(dir, WEIGHTS_FILE_NAME), weights);
      await writeFileAtomic(path.join(dir, 'model.json'), jsonText);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(modelJson.modelTopology)),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(modelJson.weightsManifest)),
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** Loads a TF.js Layers model from a folder or a model.json path. `strict` (default true): every weight must match. */
export async function loadLayersModelFromDir(
  dirOrModelJsonPath: string,
  options: { strict?: boolean } = {},
): Promise<tf.LayersModel> {
  const modelJsonPath = await resolveModelJsonPath(dirOrModelJsonPath);
  try {
    return await tf.loadLayersModel(fsLoadHandler(modelJsonPath), { strict: options.strict ?? true });
  } catch (err) {
    if (err instanceof ModelFolderError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ModelFolderError(`Could not load the Layers model at ${modelJsonPath}: ${reason}`, modelJsonPath);
  }
}

/** Saves a Layers model as `dir/model.json` + `dir/weights.bin` (atomic-ish, see fsSaveHandler). */
export async function saveLayersModelToDir(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fsSaveHandler(dir));
}

/**
 * sha256 (hex) over the model's topology (JSON of model.json's "modelTopology") followed by
 * every weight byte in manifest order. Identical folders give identical fingerprints.
 */
export async function fingerprintModelDir(dirOrModelJsonPath: string): Promise<string> {
  const { modelJsonPath, json } = await readModelJson(dirOrModelJsonPath);
  const hash = createHash('sha256');
  hash.update(JSON.stringify(json.modelTopology));
  const [, weights] = await readWeights(modelJsonPath, json.weightsManifest ?? []);
  hash.update(new Uint8Array(weights));
  return hash.digest('hex');
}
