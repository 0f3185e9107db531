// Which layers LoRA and adapters can target, and turning the user's target list into layer names.
// A LoRA target is a layer name, a kind: 'dense' (every Dense layer), 'gru' (every
// FtBidirectionalGru layer) or 'lstm' (every FtLstm and FtBidirectionalLstm layer), or the end of dotted layer names as PEFT's target_modules match them
// ('query' = every layer named '….query', 'attention.output.dense' = every '….attention.output.dense').
// An adapter target is a layer name or such a dotted-name ending.

import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../userError';
import { type FunctionalModelJson, type LayerJson, readModelJson } from './modelJson';

export type LoraKind = 'dense' | 'gru' | 'lstm';

/** The layer classes each LoRA kind applies to. */
export const LORA_KIND_CLASSES: Readonly<Record<LoraKind, readonly string[]>> = {
  dense: ['Dense'],
  gru: ['FtBidirectionalGru'],
  lstm: ['FtLstm', 'FtBidirectionalLstm'],
};

export interface TargetLayerInfo {
  name: string;
  className: string;
  /** The LoRA kind this layer belongs to, or null when LoRA cannot go on it. */
  loraKind: LoraKind | null;
  /** Whether an adapter can be inserted after it (one call in the model, one output tensor). */
  adapterAfter: boolean;
}

export interface TechniqueTargets {
  layers: TargetLayerInfo[];
  loraKinds: { kind: LoraKind; className: string }[];
}

function loraKindOf(className: string): LoraKind | null {
  const entry = Object.entries(LORA_KIND_CLASSES).find(([, classes]) => classes.includes(className));
  return entry === undefined ? null : (entry[0] as LoraKind);
}

function isLoraKind(value: string): value is LoraKind {
  return Object.prototype.hasOwnProperty.call(LORA_KIND_CLASSES, value);
}

/** True when every use of the layer is its first output of its first (only) call. */
function canTakeAdapter(json: FunctionalModelJson, layer: LayerJson): boolean {
  if (layer.className === 'InputLayer' || layer.inboundNodes.length !== 1) return false;
  const refs = [
    ...json.layers.flatMap((l) => l.inboundNodes.flat()),
    ...json.outputLayers,
  ].filter((ref) => ref.layer === layer.name);
  return refs.every((ref) => ref.nodeIndex === 0 && ref.tensorIndex === 0);
}

export function targetsFromJson(json: FunctionalModelJson): TechniqueTargets {
  return {
    layers: json.layers.map((layer) => ({
      name: layer.name,
      className: layer.className,
      loraKind: loraKindOf(layer.className),
      adapterAfter: canTakeAdapter(json, layer),
    })),
    loraKinds: Object.entries(LORA_KIND_CLASSES).map(([kind, classes]) => ({ kind: kind as LoraKind, className: classes.join(' or ') })),
  };
}

/** The layer names and kinds LoRA and adapters can target in this model. */
export function listTechniqueTargets(model: tf.LayersModel): TechniqueTargets {
  return targetsFromJson(readModelJson(model));
}

/** One paragraph for errors and CLI help. */
export function describeTechniqueTargets(targets: TechniqueTargets): string {
  const layers = capList(targets.layers.map((l) => `${l.name} (${l.className})`));
  const kinds = targets.loraKinds.map((k) => `'${k.kind}' = every ${k.className}`).join(', ');
  const lora = capList(targets.layers.filter((l) => l.loraKind !== null).map((l) => l.name));
  const adapter = capList(targets.layers.filter((l) => l.adapterAfter).map((l) => l.name));
  return (
    `Layers of the model: ${layers}. ` +
    `LoRA targets: layer names of supported classes (${lora || 'none in this model'}) or kinds ${kinds}. ` +
    `Adapters can follow: ${adapter || 'no layer of this model'}.`
  );
}

/** At most `max` names, then how many more (a BERT-base has hundreds of layers). */
function capList(names: readonly string[], max = 40): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}

/** Layers whose dotted name ends with '.<suffix>' (PEFT's target_modules rule). */
function layersEndingWith(targets: TechniqueTargets, suffix: string): TargetLayerInfo[] {
  return targets.layers.filter((l) => l.name.endsWith(`.${suffix}`));
}

function withAliases(hint: string, aliasNames: readonly string[]): string {
  return aliasNames.length === 0 ? hint : `Short names this model accepts: ${aliasNames.join(', ')}. ${hint}`;
}

/** Layer names for LoRA, in model order; throws a UserError for unknown or unsupported targets. */
export function resolveLoraTargets(json: FunctionalModelJson, requested: readonly string[], aliasNames: readonly string[] = []): string[] {
  const targets = targetsFromJson(json);
  const hint = describeTechniqueTargets(targets);
  if (requested.length === 0) {
    throw new UserError('LoRA needs at least one target layer, and neither the run nor the model names one.', {
      where: 'lora.targets',
      hint,
    });
  }
  const chosen = new Set<string>();
  for (const target of requested) {
    const byName = targets.layers.find((l) => l.name === target);
    if (byName !== undefined) {
      if (byName.loraKind === null) {
        throw new UserError(
          `LoRA cannot go on layer '${target}': its class ${byName.className} is not supported (supported: ${Object.values(LORA_KIND_CLASSES).flat().join(', ')}).`,
          { where: 'lora.targets', hint },
        );
      }
      chosen.add(byName.name);
      continue;
    }
    const kind = target.toLowerCase();
    if (isLoraKind(kind)) {
      const ofKind = targets.layers.filter((l) => l.loraKind === kind);
      if (ofKind.length === 0) {
        throw new UserError(`LoRA target kind '${kind}' matches no layer: the model has no ${LORA_KIND_CLASSES[kind].join(' or ')} layer.`, {
          where: 'lora.targets',
          hint,
        });
      }
      ofKind.forEach((l) => chosen.add(l.name));
      continue;
    }
    const bySuffix = layersEndingWith(targets, target);
    if (bySuffix.length > 0) {
      const usable = bySuffix.filter((l) => l.loraKind !== null);
      if (usable.length === 0) {
        throw new UserError(`LoRA cannot go on the layers named '….${target}': their class ${bySuffix[0].className} is not supported.`, {
          where: 'lora.targets',
          hint,
        });
      }
      usable.forEach((l) => chosen.add(l.name));
      continue;
    }
    throw new UserError(`LoRA target '${target}' is neither a layer of the model nor a supported kind (dense, gru).`, {
      where: 'lora.targets',
      hint: withAliases(hint, aliasNames),
    });
  }
  return targets.layers.filter((l) => chosen.has(l.name)).map((l) => l.name);
}

/** Layer names after which adapters go, in model order; throws a UserError for unknown or unfit ones. */
export function resolveAdapterTargets(json: FunctionalModelJson, requested: readonly string[], aliasNames: readonly string[] = []): string[] {
  const targets = targetsFromJson(json);
  const hint = describeTechniqueTargets(targets);
  if (requested.length === 0) {
    throw new UserError('Adapters need at least one layer to follow, and neither the run nor the model names one.', {
      where: 'adapter.after',
      hint,
    });
  }
  const wanted = new Set<string>();
  for (const target of requested) {
    const layer = targets.layers.find((l) => l.name === target);
    const matched = layer === undefined ? layersEndingWith(targets, target) : [layer];
    if (matched.length === 0) {
      throw new UserError(`Adapter target '${target}' is not a layer of the model.`, { where: 'adapter.after', hint: withAliases(hint, aliasNames) });
    }
    const unfit = matched.find((l) => !l.adapterAfter);
    if (unfit !== undefined) {
      throw new UserError(
        `An adapter cannot follow layer '${unfit.name}' (${unfit.className}): it is an input, is called more than once, or has several outputs.`,
        { where: 'adapter.after', hint },
      );
    }
    matched.forEach((l) => wanted.add(l.name));
  }
  return targets.layers.filter((l) => wanted.has(l.name)).map((l) => l.name);
}
