// The hyper-parameters a technique sweep can vary: how each is named, checked and applied to a
// run's config, and which techniques it matters for.

import type { TechniqueName, TrainConfig } from '../../protocol/configTypes';
import type { SweepParam } from '../../protocol/sweepTypes';

export interface SweepParamSpec {
  param: SweepParam;
  /** What users read, e.g. 'learning rate'. */
  label: string;
  /** Short form in run names, e.g. 'lr', 'r'. */
  short: string;
  integer: boolean;
  min: number;
  max: number;
  /** Techniques the parameter changes; the others ignore it, so they are not multiplied by it. */
  appliesTo: readonly TechniqueName[];
  apply(config: TrainConfig, value: number): TrainConfig;
}

export const ALL_TECHNIQUES: readonly TechniqueName[] = ['full', 'features', 'adapter', 'lora'];

export const SWEEP_PARAMS: readonly SweepParamSpec[] = [
  {
    param: 'lr',
    label: 'learning rate',
    short: 'lr',
    integer: false,
    min: 1e-8,
    max: 10,
    appliesTo: ALL_TECHNIQUES,
    apply: (config, value) => ({ ...config, learningRate: value }),
  },
  {
    param: 'epochs',
    label: 'epochs',
    short: 'epochs',
    integer: true,
    min: 1,
    max: 10000,
    appliesTo: ALL_TECHNIQUES,
    apply: (config, value) => ({ ...config, epochs: value }),
  },
  {
    param: 'batch-size',
    label: 'batch size',
    short: 'bs',
    integer: true,
    min: 1,
    max: 65536,
    appliesTo: ALL_TECHNIQUES,
    apply: (config, value) => ({ ...config, batchSize: value }),
  },
  {
    param: 'rank',
    label: 'LoRA rank',
    short: 'r',
    integer: true,
    min: 1,
    max: 1024,
    appliesTo: ['lora'],
    apply: (config, value) => ({ ...config, lora: { ...config.lora, rank: value } }),
  },
  {
    param: 'alpha',
    label: 'LoRA alpha',
    short: 'alpha',
    integer: false,
    min: 0,
    max: 1e6,
    appliesTo: ['lora'],
    apply: (config, value) => ({ ...config, lora: { ...config.lora, alpha: value } }),
  },
  {
    param: 'adapter-size',
    label: 'adapter size',
    short: 'size',
    integer: true,
    min: 1,
    max: 4096,
    appliesTo: ['adapter'],
    apply: (config, value) => ({ ...config, adapter: { ...config.adapter, size: value } }),
  },
];

export function sweepParamSpec(param: SweepParam): SweepParamSpec {
  const spec = SWEEP_PARAMS.find((s) => s.param === param);
  if (!spec) throw new Error(`Unknown sweep parameter ${param}.`);
  return spec;
}

export function isSweepParam(name: string): name is SweepParam {
  return SWEEP_PARAMS.some((s) => s.param === name);
}

export function appliesTo(param: SweepParam, technique: TechniqueName): boolean {
  return sweepParamSpec(param).appliesTo.includes(technique);
}
