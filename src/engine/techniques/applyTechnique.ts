// Turns a base model into the model a technique trains: a NEW functional model built from an
// edited copy of the base's JSON, with every base weight copied in by layer name.
//   full:     every layer trainable.
//   features: every layer frozen (the caller trains only its head, and may cache the features).
//   lora:     targets get LoRA (Dense → LoraDense, FtBidirectionalGru → lora_rank > 0); only
//             the LoRA A and B matrices train; every other layer is frozen.
//   adapter:  a BottleneckAdapter after each chosen layer; only adapters train.
// Right after this, the new model computes exactly what the base computes (LoRA B and adapter
// up-projections start at zero). Train with `model.trainableWeights` as the variable list.

import type * as tf from '@tensorflow/tfjs';
import type { AdapterConfig, LoraConfig, TechniqueName } from '../../protocol/configTypes';
import { insertAdaptersInJson } from './adapterJson';
import { copyWeightsByLayerName } from './copyWeights';
import { addLoraToJson } from './loraJson';
import { buildModelFromJson, readModelJson, type FunctionalModelJson } from './modelJson';
import { resolveAdapterTargets, resolveLoraTargets } from './techniqueTargets';
import { applyTrainableFlags, setTrainableFlagsInJson } from './trainableFlags';
import './adapterLayer';
import './loraDense';

export interface TechniqueOptions {
  lora: LoraConfig;
  adapter: AdapterConfig;
  /** Run seed; the seeds of added layers derive from it. */
  seed: number;
  /** The base model's defaults, used when lora.targets / adapter.after are empty, and its short target names. */
  defaults: {
    loraTargets: string[];
    adapterAfter: string[];
    aliases?: { lora: Record<string, string[]>; adapter: Record<string, string[]> };
  };
}

/** Replaces each alias the model defines (e.g. 'q') by the layer names it stands for, keeping order. */
function expandAliases(requested: readonly string[], aliases: Record<string, string[]> | undefined): string[] {
  if (aliases === undefined) return [...requested];
  const own = (name: string): string[] | undefined => (Object.prototype.hasOwnProperty.call(aliases, name) ? aliases[name] : undefined);
  return requested.flatMap((name) => own(name) ?? own(name.toLowerCase()) ?? [name]);
}

/** Edits the JSON for the technique; returns the names of the layers that train. */
function editForTechnique(json: FunctionalModelJson, technique: TechniqueName, options: TechniqueOptions): Set<string> {
  switch (technique) {
    case 'full':
      return new Set(json.layers.map((l) => l.name));
    case 'features':
      return new Set();
    case 'lora': {
      const requested = options.lora.targets.length > 0 ? options.lora.targets : options.defaults.loraTargets;
      const names = resolveLoraTargets(json, expandAliases(requested, options.defaults.aliases?.lora), Object.keys(options.defaults.aliases?.lora ?? {}));
      addLoraToJson(json, names, options.lora, options.seed);
      return new Set(names);
    }
    case 'adapter': {
      const requested = options.adapter.after.length > 0 ? options.adapter.after : options.defaults.adapterAfter;
      const after = resolveAdapterTargets(json, expandAliases(requested, options.defaults.aliases?.adapter), Object.keys(options.defaults.aliases?.adapter ?? {}));
      return new Set(insertAdaptersInJson(json, after, options.adapter, options.seed));
    }
  }
}

export async function applyTechnique(
  base: tf.LayersModel,
  technique: TechniqueName,
  options: TechniqueOptions,
): Promise<tf.LayersModel> {
  const json = readModelJson(base);
  const trainable = editForTechnique(json, technique, options);
  setTrainableFlagsInJson(json, trainable);
  const model = await buildModelFromJson(json);
  copyWeightsByLayerName(base, model);
  applyTrainableFlags(model, trainable);
  return model;
}
