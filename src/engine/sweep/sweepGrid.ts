// Parsing what users type for a sweep: the techniques ("full,lora" or "all") and grid axes
// ("lr=1e-3,3e-3"), with messages that say what was wrong and what is allowed.

import type { TechniqueName } from '../../protocol/configTypes';
import type { SweepAxis, SweepParam } from '../../protocol/sweepTypes';
import { UserError } from '../userError';
import { ALL_TECHNIQUES, SWEEP_PARAMS, isSweepParam, sweepParamSpec } from './sweepParams';

/** At most this many axes: a sweep is a small grid over one or two hyper-parameters. */
export const MAX_AXES = 2;
/** At most this many values per axis. */
export const MAX_AXIS_VALUES = 8;

const PARAM_NAMES = SWEEP_PARAMS.map((s) => s.param).join(', ');

function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** "full,features,adapter,lora" (any order, or "all") → the techniques, in the order given, each once. */
export function parseTechniques(text: string): TechniqueName[] {
  const parts = splitList(text.toLowerCase());
  if (parts.length === 0) throw new UserError('No technique given.', { hint: `Name one or more of ${ALL_TECHNIQUES.join(', ')} (or "all"), separated by commas.` });
  const out: TechniqueName[] = [];
  for (const part of parts) {
    const found = part === 'all' ? [...ALL_TECHNIQUES] : ALL_TECHNIQUES.filter((t) => t === part);
    if (found.length === 0) throw new UserError(`"${part}" is not a technique.`, { hint: `Use ${ALL_TECHNIQUES.join(', ')} or "all", separated by commas.` });
    for (const technique of found) if (!out.includes(technique)) out.push(technique);
  }
  return out;
}

/**
 * The values of one axis from text like "1e-3, 3e-3": numbers in the parameter's range (whole
 * numbers where it needs them), each once, at most MAX_AXIS_VALUES. Empty text gives [].
 */
export function parseAxisValues(param: SweepParam, text: string): number[] {
  const spec = sweepParamSpec(param);
  const values: number[] = [];
  for (const part of splitList(text)) {
    const value = Number(part);
    if (!Number.isFinite(value)) throw new UserError(`"${part}" is not a number (in the values of ${param}).`, { hint: `Write numbers separated by commas, e.g. ${example(param)}.` });
    if (spec.integer && !Number.isInteger(value)) throw new UserError(`The ${spec.label} must be a whole number; got ${part}.`);
    if (value < spec.min || value > spec.max) throw new UserError(`The ${spec.label} must be from ${spec.min} to ${spec.max}; got ${part}.`);
    if (values.includes(value)) throw new UserError(`The ${spec.label} ${part} is given twice.`);
    values.push(value);
  }
  if (values.length > MAX_AXIS_VALUES) throw new UserError(`At most ${MAX_AXIS_VALUES} values per hyper-parameter; ${param} has ${values.length}.`, { hint: 'A sweep is a small grid: pick a few values.' });
  return values;
}

function example(param: SweepParam): string {
  return sweepParamSpec(param).integer ? '4,8,16' : '1e-3,3e-3';
}

/** "lr=1e-3,3e-3" → { param: 'lr', values: [0.001, 0.003] }. */
export function parseGridSpec(text: string): SweepAxis {
  const match = /^\s*([A-Za-z-]+)\s*=(.*)$/.exec(text);
  if (!match) throw new UserError(`--grid "${text}" is not NAME=VALUES.`, { hint: `Write e.g. --grid lr=1e-3,3e-3 or --grid rank=4,8; NAME is one of ${PARAM_NAMES}.` });
  const name = match[1].toLowerCase();
  if (!isSweepParam(name)) throw new UserError(`--grid: "${match[1]}" is not a hyper-parameter a sweep can vary.`, { hint: `Use one of ${PARAM_NAMES}.` });
  const values = parseAxisValues(name, match[2]);
  if (values.length === 0) throw new UserError(`--grid ${name}= has no values.`, { hint: `Write e.g. --grid ${name}=${example(name)}.` });
  return { param: name, values };
}

/** Checks a set of axes: at most MAX_AXES, each parameter once, each with values. */
export function validateAxes(axes: readonly SweepAxis[]): void {
  if (axes.length > MAX_AXES) {
    throw new UserError(`A sweep varies at most ${MAX_AXES} hyper-parameters; got ${axes.length} (${axes.map((a) => a.param).join(', ')}).`, {
      hint: 'Sweep the others in a later sweep, or fix them with their own options (e.g. --epochs 5).',
    });
  }
  const seen = new Set<string>();
  for (const axis of axes) {
    if (seen.has(axis.param)) throw new UserError(`--grid ${axis.param} is given twice; put all its values in one --grid ${axis.param}=…`);
    seen.add(axis.param);
    if (axis.values.length === 0) throw new UserError(`The grid of ${axis.param} has no values.`);
  }
}
