// Reads a Hugging Face `config.json` of a BERT, DistilBERT or RoBERTa model into one normalised
// shape the encoder builder uses. Unsupported architectures and options are UserErrors that name
// the file and the field.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ActivationIdentifier } from '../../techniques/tfjsTypes';
import { UserError } from '../../userError';

export type HfArchitecture = 'bert' | 'distilbert' | 'roberta';

export const HF_ARCHITECTURES: readonly HfArchitecture[] = ['bert', 'distilbert', 'roberta'];

/** The sequence length of Hugging Face encoders when the run does not set one. */
export const HF_DEFAULT_SEQUENCE_LENGTH = 128;

/** The config file's name inside a model folder. */
export const HF_CONFIG_FILE = 'config.json';

export interface HfEncoderConfig {
  architecture: HfArchitecture;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  /** tfjs activation of the feed-forward's first projection ('gelu' is the exact erf GELU). */
  activation: ActivationIdentifier;
  maxPositions: number;
  /** Rows of token_type_embeddings; 0 for DistilBERT (it has none). */
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  hiddenDropout: number;
  attentionDropout: number;
  /** Dropout in front of the classification head. */
  classifierDropout: number;
  initializerRange: number;
  /** The config.json object as read (kept for export). */
  raw: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const ACTIVATIONS: Readonly<Record<string, ActivationIdentifier>> = {
  gelu: 'gelu',
  gelu_new: 'gelu_new',
  gelu_pytorch_tanh: 'gelu_new',
  gelu_fast: 'gelu_new',
  relu: 'relu',
  silu: 'swish',
  swish: 'swish',
  tanh: 'tanh',
};

/** The model_type of HF architecture class names, for configs without model_type. */
function architectureFromClasses(raw: Json): string | null {
  const list = raw['architectures'];
  if (!Array.isArray(list)) return null;
  for (const name of list) {
    if (typeof name !== 'string') continue;
    if (name.startsWith('DistilBert')) return 'distilbert';
    if (name.startsWith('Roberta')) return 'roberta';
    if (name.startsWith('Bert')) return 'bert';
  }
  return null;
}

function isArchitecture(value: string): value is HfArchitecture {
  return (HF_ARCHITECTURES as readonly string[]).includes(value);
}

class ConfigReader {
  constructor(
    private readonly raw: Json,
    private readonly file: string,
  ) {}

  int(key: string, fallback?: number): number {
    const value = this.raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new UserError(`${this.file}: "${key}" must be a non-negative integer, got ${JSON.stringify(value)}.`, {
        where: this.file,
        hint: 'Use the config.json that came with the model.',
      });
    }
    return value;
  }

  positive(key: string, fallback?: number): number {
    const value = this.int(key, fallback);
    if (value < 1) throw new UserError(`${this.file}: "${key}" must be at least 1, got ${value}.`, { where: this.file });
    return value;
  }

  rate(key: string, fallback: number): number {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
      throw new UserError(`${this.file}: "${key}" must be a dropout rate in [0, 1), got ${JSON.stringify(value)}.`, { where: this.file });
    }
    return value;
  }

  number(key: string, fallback: number): number {
    const value = this.raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new UserError(`${this.file}: "${key}" must be a positive number, got ${JSON.stringify(value)}.`, { where: this.file });
    }
    return value;
  }

  activation(key: string, fallback: string): ActivationIdentifier {
    const value = this.raw[key] ?? fallback;
    const act = typeof value === 'string' ? ACTIVATIONS[value] : undefined;
    if (act === undefined) {
      throw new UserError(`${this.file}: activation "${key}": ${JSON.stringify(value)} is not supported.`, {
        where: this.file,
        hint: `Supported: ${Object.keys(ACTIVATIONS).join(', ')}.`,
      });
    }
    return act;
  }
}

/** Normalises a parsed config.json; `file` is named in errors. */
export function parseHfConfig(raw: unknown, file: string): HfEncoderConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${file} is not a JSON object.`, { where: file, hint: 'A Hugging Face model folder holds the config.json of the model.' });
  }
  const json = raw as Json;
  const modelType = typeof json['model_type'] === 'string' ? json['model_type'] : architectureFromClasses(json);
  if (modelType === null || !isArchitecture(modelType)) {
    throw new UserError(`${file}: model_type ${JSON.stringify(modelType)} is not supported.`, {
      where: file,
      hint: `Supported Hugging Face encoders: ${HF_ARCHITECTURES.join(', ')} (BERT covers MiniLM and most sentence-transformers checkpoints).`,
    });
  }
  const r = new ConfigReader(json, file);
  if (modelType === 'distilbert') {
    const hidden = r.positive('dim', 768);
    return {
      architecture: 'distilbert',
      vocabSize: r.positive('vocab_size'),
      hiddenSize: hidden,
      numLayers: r.positive('n_layers', 6),
      numHeads: r.positive('n_heads', 12),
      intermediateSize: r.positive('hidden_dim', 4 * hidden),
      activation: r.activation('activation', 'gelu'),
      maxPositions: r.positive('max_position_embeddings', 512),
      typeVocabSize: 0,
      layerNormEps: 1e-12,
      padTokenId: r.int('pad_token_id', 0),
      hiddenDropout: r.rate('dropout', 0.1),
      attentionDropout: r.rate('attention_dropout', 0.1),
      classifierDropout: r.rate('seq_classif_dropout', 0.2),
      initializerRange: r.number('initializer_range', 0.02),
      raw: json,
    };
  }
  const positionType = json['position_embedding_type'];
  if (positionType !== undefined && positionType !== null && positionType !== 'absolute') {
    throw new UserError(`${file}: position_embedding_type ${JSON.stringify(positionType)} is not supported (only "absolute").`, { where: file });
  }
  const hiddenDropout = r.rate('hidden_dropout_prob', 0.1);
  return {
    architecture: modelType,
    vocabSize: r.positive('vocab_size'),
    hiddenSize: r.positive('hidden_size', 768),
    numLayers: r.positive('num_hidden_layers', 12),
    numHeads: r.positive('num_attention_heads', 12),
    intermediateSize: r.positive('intermediate_size', 3072),
    activation: r.activation('hidden_act', 'gelu'),
    maxPositions: r.positive('max_position_embeddings', 512),
    // Absent fields take transformers' defaults (RobertaConfig's are BertConfig's, except pad 1).
    typeVocabSize: r.positive('type_vocab_size', 2),
    layerNormEps: r.number('layer_norm_eps', 1e-12),
    padTokenId: r.int('pad_token_id', modelType === 'roberta' ? 1 : 0),
    hiddenDropout,
    attentionDropout: r.rate('attention_probs_dropout_prob', 0.1),
    classifierDropout: r.rate('classifier_dropout', hiddenDropout),
    initializerRange: r.number('initializer_range', 0.02),
    raw: json,
  };
}

/** Checks that the numbers fit together (heads divide the width, RoBERTa positions leave room). */
export function validateHfConfig(config: HfEncoderConfig, file: string): void {
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new UserError(`${file}: the hidden size ${config.hiddenSize} is not a multiple of the ${config.numHeads} attention heads.`, { where: file });
  }
  if (config.padTokenId >= config.vocabSize) {
    throw new UserError(`${file}: pad_token_id ${config.padTokenId} is outside the vocabulary of ${config.vocabSize}.`, { where: file });
  }
  if (config.architecture === 'roberta' && config.maxPositions <= config.padTokenId + 1) {
    throw new UserError(`${file}: max_position_embeddings ${config.maxPositions} leaves no position after padding_idx ${config.padTokenId}.`, { where: file });
  }
}

/** The longest token sequence the model's position embeddings allow. */
export function maxSequenceLengthOf(config: HfEncoderConfig): number {
  // RoBERTa numbers positions from padding_idx + 1.
  return config.architecture === 'roberta' ? config.maxPositions - config.padTokenId - 1 : config.maxPositions;
}

/** Reads and normalises `<dir>/config.json`. */
export async function readHfConfig(dir: string): Promise<HfEncoderConfig> {
  const file = path.join(dir, HF_CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new UserError(`Hugging Face model folder ${dir} has no readable config.json.`, {
      where: file,
      hint: 'A Hugging Face model folder holds config.json, model.safetensors and the tokenizer files.',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`, { where: file });
  }
  const config = parseHfConfig(parsed, file);
  validateHfConfig(config, file);
  return config;
}
