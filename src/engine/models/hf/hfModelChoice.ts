// Whether a --model value names a Hugging Face text encoder, before anything is downloaded: a
// folder with config.json (and no TF.js model.json), a catalog entry of a BERT-family
// architecture, or any other Hugging Face id (org/name) that is not a local path. Used to pick
// the defaults that differ for these models (the sequence length).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { findCatalogEntry } from '../../zoo/modelCatalog';
import { looksLikeHubId } from '../../zoo/hubModelRef';
import { hasHfConfig } from './hfCheckpointFiles';
import { HF_ARCHITECTURES } from './hfConfig';

/**
 * The Hugging Face model folder a local path names (the folder itself, or its config.json or a
 * .safetensors file inside it), or null when the path is no such folder.
 */
export function hfModelFolder(model: string): string | null {
  const base = path.basename(model);
  const dir = base === 'config.json' || base.endsWith('.safetensors') ? path.dirname(model) : model;
  return hasHfConfig(dir) && !existsSync(path.join(dir, 'model.json')) ? dir : null;
}

export function isHfModelChoice(model: string): boolean {
  if (existsSync(model)) return hfModelFolder(model) !== null;
  const entry = findCatalogEntry(model.split('@')[0]);
  if (entry !== null) return (HF_ARCHITECTURES as readonly string[]).includes(entry.architecture);
  return looksLikeHubId(model);
}
