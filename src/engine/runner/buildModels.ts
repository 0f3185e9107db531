// Builds the models of a new run: the base the user chose (or the default for the task), the
// technique applied to it, and a new head for the dataset's classes (in the base's own layout
// when it has one: Hugging Face encoders).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainConfig } from '../../protocol/configTypes';
import type { BaseModelBundle, EncoderState, InputEncoder } from '../models/modelTypes';
import { loadKerasTextBase, loadNnSentimentBase, nnSentimentModelDir } from '../models/textModel';
import { buildTabularMlpBase } from '../models/tabularMlp';
import { encoderFromState, fitTabularEncoder, type TabularColumnKind } from '../models/tabularEncoder';
import { loadUserLayersBase } from '../models/userLayersModel';
import { buildHead, type HeadOutputs } from '../models/head';
import { hfModelFolder } from '../models/hf/hfModelChoice';
import { loadHfTextBase } from '../models/hf/hfBase';
import { readHfConfig } from '../models/hf/hfConfig';
import { loadHfTextEncoder } from '../models/hf/hfTextEncoder';
import { applyTechnique } from '../techniques/applyTechnique';
import { countParams } from '../techniques/countParams';
import type { ModelPair } from '../training/forward';
import type { LabelCodec } from '../training/labels';
import type { PreparedData } from '../training/prepareData';
import { AUTO_MODEL, defaultModelFor } from '../training/trainDefaults';
import { UserError } from '../userError';
import { loadImageBase } from '../models/mobileNetBase';
import { MOBILENET_V2_ID } from '../models/mobileNetSource';
import type { ModelProgress } from '../zoo/downloadModel';
import { progressLogger, resolveModelSource } from '../zoo/resolveModelSource';

export interface FreshModels {
  models: ModelPair;
  encoder: InputEncoder;
  fingerprint: string;
  /** Lines for the run log about how the base was loaded. */
  notes: string[];
}

const TEXT_MODELS = new Set(['nn-sentiment']);

/** The model the run uses: the one named, or the default for the task. */
export function resolveModelChoice(config: TrainConfig, task: PreparedData['task']): string {
  return config.model !== AUTO_MODEL ? config.model : defaultModelFor(task);
}

/** A Hugging Face model folder (config.json beside the weights; the loader explains missing weights). */
function isHfModel(model: string): boolean {
  return !TEXT_MODELS.has(model) && model !== 'mlp' && hfModelFolder(model) !== null;
}

function isTextModelFolder(model: string): boolean {
  if (TEXT_MODELS.has(model)) return true;
  if (model === 'mlp') return false;
  if (isHfModel(model)) return true;
  const dir = model.endsWith('.json') ? path.dirname(model) : model;
  return fs.existsSync(path.join(dir, 'word_index.json'));
}

async function loadBase(config: TrainConfig, data: PreparedData, log: (line: string) => void, onDownload?: (p: ModelProgress) => void): Promise<BaseModelBundle> {
  const choice = resolveModelChoice(config, data.task);
  // Catalog ids and Hugging Face ids become a local folder (downloaded once, then cached); a
  // download's progress goes to the log (a line per file and every 10 s) and to `onDownload`.
  const logProgress = progressLogger(log);
  const onProgress = onDownload && ((p: ModelProgress): void => {
    logProgress(p);
    onDownload(p);
  });
  const model = await resolveModelSource(choice, { log, onProgress });
  if (data.task === 'image-classification' || model === MOBILENET_V2_ID) return loadImageBase(model, config, data.task, data.inspection.imageSize);
  const textModel = isTextModelFolder(model);
  if (data.task === 'text-classification' && !textModel) {
    throw new UserError(`The model "${model}" takes numeric features, but ${path.basename(config.datasetPath)} is a text dataset (text column "${data.textColumn}").`, {
      hint: 'Use --model nn-sentiment (the default for text), a Hugging Face model folder (config.json + model.safetensors + tokenizer), or a Keras text model folder with word_index.json.',
    });
  }
  if (data.task !== 'text-classification' && textModel) {
    throw new UserError(`The model "${model}" reads text, but ${path.basename(config.datasetPath)} has no text column to read (task ${data.task}).`, {
      hint: 'Use --model mlp for tabular data, or name a text column with --text.',
    });
  }
  const textColumn = data.textColumn ?? 'text';
  if (model === 'nn-sentiment') return loadNnSentimentBase({ sequenceLength: config.maxSequenceLength, textColumn });
  const hfFolder = isHfModel(model) ? hfModelFolder(model) : null;
  if (hfFolder !== null) return loadHfTextBase(hfFolder, choice, { sequenceLength: config.maxSequenceLength, textColumn });
  if (textModel) return loadKerasTextBase(model, model, config.maxSequenceLength, textColumn);
  const kinds: Record<string, TabularColumnKind> = {};
  for (const c of data.inspection.columns) {
    if (c.kind === 'numeric' || c.kind === 'boolean' || c.kind === 'categorical') kinds[c.name] = c.kind;
  }
  const encoder = fitTabularEncoder(data.split.train, data.features, kinds);
  if (model === 'mlp') return buildTabularMlpBase(encoder, config.seed);
  return loadUserLayersBase(model, encoder);
}

/** `log` receives lines worth telling the user while the base is found (e.g. a download); `onDownload` the download's progress. */
export async function buildFreshModels(
  config: TrainConfig,
  data: PreparedData,
  codec: LabelCodec,
  log: (line: string) => void = () => undefined,
  onDownload?: (p: ModelProgress) => void,
): Promise<FreshModels> {
  const bundle = await loadBase(config, data, log, onDownload);
  const base = await applyTechnique(bundle.base, config.technique, {
    lora: config.lora,
    adapter: config.adapter,
    seed: config.seed,
    defaults: bundle.defaults,
  });
  if (base !== bundle.base) bundle.base.dispose();
  const outputs: HeadOutputs = codec.scaling ? { task: 'regression' } : { task: 'classification', classes: codec.classes.length };
  const head = bundle.buildHead?.(outputs, config.seed) ?? buildHead(bundle.featureSize, outputs, config.seed);
  return { models: { base, head }, encoder: bundle.encoder, fingerprint: bundle.fingerprint, notes: bundle.notes ?? [] };
}

/** The encoder of an existing run, rebuilt from preprocessing.json (text encoders reload their word index). */
export async function restoreEncoder(state: EncoderState, config: TrainConfig): Promise<InputEncoder> {
  if (state.kind === 'tabular' || state.kind === 'image') return encoderFromState(state);
  if (state.tokenizer === 'hf') return loadHfTextEncoder(state, await readHfConfig(state.modelDir));
  const model = config.model === AUTO_MODEL || config.model === 'nn-sentiment' ? nnSentimentModelDir() : config.model;
  return encoderFromState(state, model.endsWith('.json') ? path.dirname(model) : model);
}

export function countModelParams(models: ModelPair, throughBase: boolean): { total: number; trainable: number } {
  const b = countParams(models.base);
  const h = countParams(models.head);
  return { total: b.total + h.total, trainable: (throughBase ? b.trainable : 0) + h.trainable };
}

