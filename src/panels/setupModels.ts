// The base models the setup panel offers: the built-in ones (nn-sentiment, the MLP built for the
// data, the MobileNetV2 image backbone), the catalog's Hugging Face text encoders (with their size,
// licence and whether they are on this machine or will be downloaded when the run starts), and,
// once chosen, a local model folder: a Hugging Face folder (config.json + model.safetensors) or a
// TF.js Layers folder (model.json). Checked with fs only: the host never loads TensorFlow.js.

import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TaskKind } from '../protocol/datasetTypes';
import type { ModelChoice } from '../protocol/setupPanelProtocol';
import { defaultModelFor } from '../engine/training/trainDefaults';
import { describeError } from '../engine/userError';
import { readHfConfig } from '../engine/models/hf/hfConfig';
import type { CatalogEntry } from '../engine/zoo/catalogTypes';
import { formatBytes, formatCount } from '../engine/zoo/formatSize';
import { parseHubModelRef } from '../engine/zoo/hubModelRef';
import { findCatalogEntry, MODEL_CATALOG } from '../engine/zoo/modelCatalog';
import { locateHubModel } from '../engine/zoo/resolveModelSource';
import type { ZooSettings } from '../engine/zoo/zooSettings';

export interface ModelChoices {
  choices: ModelChoice[];
  /** Why the chosen model cannot be used, or null. */
  problem: string | null;
}

/** The id of the built-in image backbone (src/engine/models/mobileNetSource.ts answers to it). */
export const IMAGE_MODEL = 'mobilenet_v2';

/** The folder of a model option that is a path (a folder, its model.json, config.json or a .safetensors file). */
function modelDir(model: string): string {
  const base = path.basename(model).toLowerCase();
  return base.endsWith('.json') || base.endsWith('.safetensors') ? path.dirname(model) : model;
}

function facts(entry: CatalogEntry, approx: boolean): string {
  return `${formatCount(entry.params)} parameters, ${approx ? '≈' : ''}${formatBytes(entry.approxBytes)}, licence ${entry.licence.toUpperCase() === 'MIT' ? 'MIT' : entry.licence}`;
}

/** A model shipped with the extension, described from its catalog entry. */
function builtinChoice(id: string, title: string, reads: ModelChoice['reads'], recommended: boolean): ModelChoice {
  const entry = findCatalogEntry(id);
  const detail = entry ? `${entry.description}: ${facts(entry, false)}; ships with the extension, nothing to download` : title;
  return { value: id, title, detail, reads, recommended, source: 'builtin', tag: 'built in', download: null };
}

const MLP_CHOICE = (recommended: boolean): ModelChoice => ({
  value: 'mlp',
  title: 'MLP',
  detail: 'A small network built for your data: reads its numeric and categorical columns, trains from scratch',
  reads: 'tabular',
  recommended,
  source: 'builtin',
  tag: 'built for your data',
  download: null,
});

/** A catalog text model: where it is on this machine, or that it is downloaded when the run starts. */
export function catalogChoice(entry: CatalogEntry, zoo: ZooSettings, recommended: boolean): { choice: ModelChoice; problem: string | null } {
  const base = { value: entry.id, title: entry.id, reads: 'text' as const, recommended, source: 'catalog' as const };
  const ref = parseHubModelRef(entry.id);
  const about = `${entry.description}: ${facts(entry, true)}`;
  if (ref === null) return { choice: { ...base, detail: about, tag: 'catalog', download: null }, problem: null };
  const found = locateHubModel(ref, zoo);
  if (found.kind === 'cache') return { choice: { ...base, detail: `${about}; cached in ${found.dir}`, tag: 'cached', download: null }, problem: null };
  if (found.kind === 'hf-cache') {
    return { choice: { ...base, detail: `${about}; found in your Hugging Face cache (${found.dir})`, tag: 'in Hugging Face cache', download: null }, problem: null };
  }
  const size = `≈${formatBytes(entry.approxBytes)}`;
  if (zoo.offline) {
    return {
      choice: { ...base, detail: `${about}; not on this machine, and offline mode is on (${zoo.offlineReason ?? 'offline'})`, tag: 'offline: not cached', download: null },
      problem: `${entry.id} is not on this machine and offline mode is on (${zoo.offlineReason ?? 'offline'}): turn offline mode off to download it (${size}), or choose a local model folder`,
    };
  }
  return {
    choice: {
      ...base,
      detail: `${about}; not on this machine yet: downloaded from ${zoo.mirror} when the run starts, then cached`,
      tag: `download ${size}`,
      download: { approxBytes: entry.approxBytes, from: zoo.mirror, into: zoo.cacheDir },
    },
    problem: null,
  };
}

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt'];

const ARCHITECTURE_NAMES: Readonly<Record<string, string>> = { bert: 'BERT', distilbert: 'DistilBERT', roberta: 'RoBERTa' };

/** A Hugging Face model folder: its architecture and shape from config.json, or why it cannot be used. */
async function hfFolderChoice(dir: string, base: Pick<ModelChoice, 'value' | 'title' | 'recommended'>): Promise<{ choice: ModelChoice; problem: string | null }> {
  const common = { ...base, source: 'folder' as const, tag: 'Hugging Face folder', download: null };
  try {
    const config = await readHfConfig(dir);
    if (!TOKENIZER_FILES.some((f) => existsSync(path.join(dir, f)))) {
      return {
        choice: { ...common, detail: `Local Hugging Face ${ARCHITECTURE_NAMES[config.architecture] ?? config.architecture} model without a tokenizer: ${dir}`, reads: 'text' },
        problem: `The model folder ${dir} has no tokenizer.json or vocab.txt, so its text cannot be tokenized: copy the model's tokenizer files into it`,
      };
    }
    const shape = `${config.numLayers} layer${config.numLayers === 1 ? '' : 's'}, hidden ${config.hiddenSize}, vocabulary ${formatCount(config.vocabSize)}`;
    return { choice: { ...common, detail: `Local Hugging Face ${ARCHITECTURE_NAMES[config.architecture] ?? config.architecture} model (${shape}), reads text: ${dir}`, reads: 'text' }, problem: null };
  } catch (error) {
    return { choice: { ...common, detail: `Local Hugging Face model folder ${dir}`, reads: 'unknown' }, problem: describeError(error) };
  }
}

/** A local model folder as a choice, or why it cannot be used. */
export async function folderChoice(model: string, recommended: boolean): Promise<{ choice: ModelChoice; problem: string | null }> {
  const dir = modelDir(model);
  // A .json path other than config.json names a Layers model's JSON file itself.
  const namesLayersJson = model.toLowerCase().endsWith('.json') && path.basename(model) !== 'config.json';
  const modelJson = namesLayersJson ? model : path.join(dir, 'model.json');
  const base = { value: model, title: path.basename(dir), recommended };
  const hfWeights = ['model.safetensors', 'model.safetensors.index.json'].some((f) => existsSync(path.join(dir, f)));
  if (!existsSync(modelJson) && existsSync(path.join(dir, 'config.json'))) {
    if (hfWeights) return hfFolderChoice(dir, base);
    return {
      choice: { ...base, detail: `Local folder ${dir}`, reads: 'unknown', source: 'folder', tag: 'local folder', download: null },
      problem: `${dir} has config.json but no model.safetensors: a Hugging Face model folder needs its weights as model.safetensors (PyTorch .bin files are not read; save them with safe_serialization=True)`,
    };
  }
  if (!existsSync(modelJson)) {
    return {
      choice: { ...base, detail: `Local folder ${dir}`, reads: 'unknown', source: 'folder', tag: 'local folder', download: null },
      problem: `No model in ${dir}: choose a Hugging Face model folder (config.json, model.safetensors and a tokenizer) or a TF.js Layers model folder (model.json and its weight files)`,
    };
  }
  let bytes = 0;
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) bytes += (await fsp.stat(path.join(dir, entry.name))).size;
  }
  const text = existsSync(path.join(dir, 'word_index.json'));
  return {
    choice: {
      ...base,
      detail: `Local TF.js Layers model, ${formatBytes(bytes)} on disk, ${text ? 'reads text (word_index.json beside it)' : 'reads numeric columns'}: ${dir}`,
      reads: text ? 'text' : 'tabular',
      source: 'folder',
      tag: 'TF.js Layers folder',
      download: null,
    },
    problem: null,
  };
}

/** The catalog's Hugging Face text encoders, in catalog order. */
export function catalogTextModels(): CatalogEntry[] {
  return MODEL_CATALOG.filter((e) => e.source.kind === 'hub' && e.task === 'text-classification');
}

/** The choices for a dataset's task; `chosen` adds the folder (or model) the user picked when it is not listed. */
export async function modelChoices(task: TaskKind | null, chosen: string, zoo: ZooSettings): Promise<ModelChoices> {
  const recommended = defaultModelFor(task);
  let problem: string | null = null;
  const choices: ModelChoice[] = [];
  if (task === 'image-classification') {
    choices.push(builtinChoice(IMAGE_MODEL, 'MobileNetV2', 'image', true));
  } else {
    choices.push(builtinChoice('nn-sentiment', 'nn-sentiment', 'text', recommended === 'nn-sentiment'));
    if (task === 'text-classification' || task === null) {
      for (const entry of catalogTextModels()) {
        const { choice, problem: p } = catalogChoice(entry, zoo, false);
        choices.push(choice);
        if (entry.id === chosen) problem = p;
      }
    }
    choices.push(MLP_CHOICE(recommended === 'mlp'));
  }
  if (chosen === 'auto' || choices.some((c) => c.value === chosen)) return { choices, problem };
  const entry = findCatalogEntry(chosen);
  if (entry?.id === IMAGE_MODEL) return { choices: [...choices, builtinChoice(IMAGE_MODEL, 'MobileNetV2', 'image', false)], problem: null };
  if (entry !== null && entry.source.kind === 'hub') {
    const catalog = catalogChoice(entry, zoo, false);
    return { choices: [...choices, catalog.choice], problem: catalog.problem };
  }
  if (chosen === 'nn-sentiment') return { choices: [...choices, builtinChoice('nn-sentiment', 'nn-sentiment', 'text', false)], problem: null };
  if (chosen === 'mlp') return { choices: [...choices, MLP_CHOICE(false)], problem: null };
  const folder = await folderChoice(chosen, false);
  return { choices: [...choices, folder.choice], problem: folder.problem };
}
