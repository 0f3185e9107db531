// Finds and reads the weights of a Hugging Face model folder: model.safetensors, or the shards
// listed in model.safetensors.index.json. A folder with only PyTorch pickles (pytorch_model.bin)
// is a UserError that says how to convert it. The sha256 of the weight bytes is the model's
// fingerprint.

import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../userError';
import { HF_CONFIG_FILE } from './hfConfig';
import { parseSafetensors, type SafetensorsEntry } from './safetensors';

export const HF_WEIGHTS_FILE = 'model.safetensors';
export const HF_WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

/** True when the folder looks like a Hugging Face model: config.json plus safetensors weights. */
export function isHfModelFolder(dir: string): boolean {
  if (!existsSync(path.join(dir, HF_CONFIG_FILE))) return false;
  return existsSync(path.join(dir, HF_WEIGHTS_FILE)) || existsSync(path.join(dir, HF_WEIGHTS_INDEX_FILE));
}

/** True when the folder has a config.json (a Hugging Face folder, maybe without usable weights). */
export function hasHfConfig(dir: string): boolean {
  return existsSync(path.join(dir, HF_CONFIG_FILE));
}

export interface HfCheckpoint {
  tensors: Map<string, SafetensorsEntry>;
  /** The weights file, or the index file for a sharded checkpoint (named in errors). */
  source: string;
  /** sha256 over the weight files' bytes, in shard order, hex. */
  fingerprint: string;
}

async function shardFiles(dir: string): Promise<string[]> {
  const indexFile = path.join(dir, HF_WEIGHTS_INDEX_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(indexFile, 'utf8'));
  } catch (err) {
    throw new UserError(`${indexFile} could not be read as JSON (${err instanceof Error ? err.message : String(err)}).`, { where: indexFile });
  }
  const map = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['weight_map'] : undefined;
  if (typeof map !== 'object' || map === null) throw new UserError(`${indexFile} has no weight_map.`, { where: indexFile });
  const files = [...new Set(Object.values(map as Record<string, unknown>).map(String))].sort();
  for (const f of files) {
    if (f.includes('/') || f.includes('\\') || f === '..' || !f.endsWith('.safetensors')) {
      throw new UserError(`${indexFile} names an unexpected shard file '${f}'.`, { where: indexFile });
    }
  }
  return files.map((f) => path.join(dir, f));
}

async function weightFiles(dir: string): Promise<{ files: string[]; source: string }> {
  const single = path.join(dir, HF_WEIGHTS_FILE);
  if (existsSync(single)) return { files: [single], source: single };
  if (existsSync(path.join(dir, HF_WEIGHTS_INDEX_FILE))) return { files: await shardFiles(dir), source: path.join(dir, HF_WEIGHTS_INDEX_FILE) };
  const pickles = ['pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack'].filter((f) => existsSync(path.join(dir, f)));
  throw new UserError(`${dir} has no ${HF_WEIGHTS_FILE}${pickles.length > 0 ? ` (only ${pickles.join(', ')})` : ''}.`, {
    where: dir,
    hint:
      'Fine-Tune reads weights in the safetensors format only. Convert in Python: ' +
      'AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True).',
  });
}

/** Reads every weight tensor of the folder. */
export async function readHfCheckpoint(dir: string): Promise<HfCheckpoint> {
  const { files, source } = await weightFiles(dir);
  const hash = createHash('sha256');
  const tensors = new Map<string, SafetensorsEntry>();
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(file);
    } catch {
      throw new UserError(`The weights file ${file} could not be read.`, { where: file, hint: 'Check that the file exists and is readable.' });
    }
    hash.update(bytes);
    for (const [name, entry] of parseSafetensors(bytes, file).tensors) {
      if (tensors.has(name)) throw new UserError(`Tensor '${name}' is in more than one shard of ${dir}.`, { where: file });
      tensors.set(name, entry);
    }
  }
  return { tensors, source, fingerprint: hash.digest('hex') };
}
