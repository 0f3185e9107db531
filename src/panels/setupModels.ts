// The base models the setup panel offers: the two built-in ones and, once chosen, a local TF.js
// Layers model folder or Hugging Face model folder (checked with fs only: the host never loads
// TensorFlow.js).

import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TaskKind } from '../protocol/datasetTypes';
import type { ModelChoice } from '../protocol/setupPanelProtocol';
import { defaultModelFor } from '../engine/training/trainDefaults';

export interface ModelChoices {
  choices: ModelChoice[];
  /** Why the chosen model folder cannot be used, or null. */
  problem: string | null;
}

/** The folder of a model option that is a path (a folder or its model.json). */
function modelDir(model: string): string {
  return model.toLowerCase().endsWith('.json') ? path.dirname(model) : model;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A local model folder as a choice, or why it cannot be used. */
async function folderChoice(model: string, recommended: boolean): Promise<{ choice: ModelChoice; problem: string | null }> {
  const dir = modelDir(model);
  const modelJson = model.toLowerCase().endsWith('.json') ? model : path.join(dir, 'model.json');
  const base = { value: model, title: path.basename(dir), recommended };
  const hfWeights = ['model.safetensors', 'model.safetensors.index.json'].some((f) => existsSync(path.join(dir, f)));
  if (!existsSync(modelJson) && existsSync(path.join(dir, 'config.json')) && hfWeights) {
    return {
      choice: { ...base, detail: `Local Hugging Face model (config.json + model.safetensors; BERT, DistilBERT or RoBERTa), reads text: ${dir}`, reads: 'text' },
      problem: null,
    };
  }
  if (!existsSync(modelJson)) {
    return {
      choice: { ...base, detail: `Local folder ${dir}`, reads: 'unknown' },
      problem: `No model.json in ${dir}: choose a folder that holds a TF.js Layers model (model.json and its weight files)`,
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
    },
    problem: null,
  };
}

/** The choices for a dataset's task; `chosen` adds the folder the user picked. */
export async function modelChoices(task: TaskKind | null, chosen: string): Promise<ModelChoices> {
  const recommended = defaultModelFor(task);
  const choices: ModelChoice[] = [
    {
      value: 'nn-sentiment',
      title: 'nn-sentiment',
      detail: 'Text classifier (embedding and bidirectional GRU) pre-trained on English sentiment: embedded, 1.5 M parameters, on disk',
      reads: 'text',
      recommended: recommended === 'nn-sentiment',
    },
    {
      value: 'mlp',
      title: 'MLP',
      detail: 'A small network built for your data: reads its numeric and categorical columns, trains from scratch',
      reads: 'tabular',
      recommended: recommended === 'mlp',
    },
  ];
  if (chosen === 'nn-sentiment' || chosen === 'mlp' || chosen === 'auto') return { choices, problem: null };
  const folder = await folderChoice(chosen, false);
  return { choices: [...choices, folder.choice], problem: folder.problem };
}
