// Puts LoRA on layers of a model's JSON: a Dense becomes a LoraDense of the same name (same units,
// activation and bias; its kernel and bias are copied in afterwards and stay frozen), an
// FtBidirectionalGru, FtLstm or FtBidirectionalLstm gets lora_rank / lora_alpha / lora_dropout / lora_seed set (tfjs writes the
// layer's camelCase config keys in snake_case in model JSON). Dense regularizers and constraints
// are dropped: the weights they act on no longer train.

import type * as tf from '@tensorflow/tfjs';
import type { LoraConfig } from '../../protocol/configTypes';
import { UserError } from '../userError';
import { LoraDense } from './loraDense';
import type { FunctionalModelJson, LayerJson } from './modelJson';
import { LORA_KIND_CLASSES } from './techniqueTargets';
import { layerSeed } from './techniqueSeeds';

type ConfigDict = tf.serialization.ConfigDict;

/** Throws a UserError unless rank, alpha and dropout are usable. */
export function validateLoraConfig(lora: LoraConfig): void {
  if (!Number.isInteger(lora.rank) || lora.rank < 1) {
    throw new UserError(`LoRA rank must be a positive integer, got ${lora.rank}.`, { where: 'lora.rank', hint: 'Typical values: 4, 8, 16.' });
  }
  if (!Number.isFinite(lora.alpha) || lora.alpha <= 0) {
    throw new UserError(`LoRA alpha must be a positive number, got ${lora.alpha}.`, { where: 'lora.alpha', hint: 'A common choice is alpha = 2 · rank.' });
  }
  if (!Number.isFinite(lora.dropout) || lora.dropout < 0 || lora.dropout >= 1) {
    throw new UserError(`LoRA dropout must be in [0, 1), got ${lora.dropout}.`, { where: 'lora.dropout', hint: 'Use 0 to turn it off.' });
  }
}

function keep(config: ConfigDict, keys: readonly string[]): ConfigDict {
  const out: ConfigDict = {};
  for (const key of keys) {
    const value = config[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function loraDenseConfig(layer: LayerJson, lora: LoraConfig, seed: number): ConfigDict {
  const c = layer.config;
  return {
    ...keep(c, ['name', 'dtype', 'batch_input_shape', 'units', 'activation', 'use_bias']),
    trainable: true,
    rank: lora.rank,
    alpha: lora.alpha,
    dropout: lora.dropout,
    seed,
  };
}

/** Rewrites the named layers (already resolved and checked) to carry LoRA. */
export function addLoraToJson(json: FunctionalModelJson, names: readonly string[], lora: LoraConfig, runSeed: number): void {
  validateLoraConfig(lora);
  names.forEach((name, index) => {
    const layer = json.layers.find((l) => l.name === name);
    if (layer === undefined) throw new Error(`LoRA: no layer '${name}' in the model JSON.`);
    const seed = layerSeed(runSeed, index);
    if (LORA_KIND_CLASSES.dense.includes(layer.className)) {
      layer.className = LoraDense.className;
      layer.config = loraDenseConfig(layer, lora, seed);
    } else if (LORA_KIND_CLASSES.gru.includes(layer.className) || LORA_KIND_CLASSES.lstm.includes(layer.className)) {
      layer.config = {
        ...layer.config,
        trainable: true,
        lora_rank: lora.rank,
        lora_alpha: lora.alpha,
        lora_dropout: lora.dropout,
        lora_seed: seed,
      };
    } else {
      throw new Error(`LoRA: layer '${name}' has unsupported class ${layer.className}.`);
    }
  });
}
