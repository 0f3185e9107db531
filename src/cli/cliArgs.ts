// Parses `finetune <command> [args] [--options]` into typed values, with clear messages on bad input.

import { parseArgs } from 'node:util';
import type { BackendName, TechniqueName } from '../protocol/configTypes';
import { UserError } from '../engine/userError';

export const OPTION_SPEC = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  label: { type: 'string' },
  text: { type: 'string' },
  model: { type: 'string' },
  technique: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  rank: { type: 'string' },
  alpha: { type: 'string' },
  targets: { type: 'string' },
  'adapter-size': { type: 'string' },
  seed: { type: 'string' },
  patience: { type: 'string' },
  optimizer: { type: 'string' },
  'weight-decay': { type: 'string' },
  'class-weights': { type: 'string' },
  backend: { type: 'string' },
  'runs-dir': { type: 'string' },
  name: { type: 'string' },
  dataset: { type: 'string' },
  checkpoint: { type: 'string' },
  format: { type: 'string' },
  merge: { type: 'boolean' },
  out: { type: 'string' },
  'in-process': { type: 'boolean' },
  techniques: { type: 'string' },
  grid: { type: 'string', multiple: true },
  metric: { type: 'string' },
  'all-settings': { type: 'boolean' },
  evaluation: { type: 'string' },
  'image-size': { type: 'string' },
  'cut-layer': { type: 'string' },
  'max-length': { type: 'string' },
  mirror: { type: 'string' },
  cache: { type: 'string' },
  offline: { type: 'boolean' },
  quick: { type: 'boolean' },
  'frozen-prefix': { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTION_SPEC;

export interface ParsedCli {
  command: string | null;
  positionals: string[];
  /** Options given more than once (`multiple` in OPTION_SPEC, e.g. --grid) are string arrays. */
  options: Partial<Record<OptionName, string | boolean | string[]>>;
}

export function parseCli(argv: string[]): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTION_SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error), { hint: 'Run `finetune --help` for the options.' });
  }
  const [command = null, ...positionals] = parsed.positionals;
  return { command, positionals, options: parsed.values as Partial<Record<OptionName, string | boolean | string[]>> };
}

export function stringOption(cli: ParsedCli, name: OptionName): string | undefined {
  const v = cli.options[name];
  return typeof v === 'string' ? v : undefined;
}

/** Every value of an option that may be given more than once (e.g. --grid); [] when absent. */
export function listOption(cli: ParsedCli, name: OptionName): string[] {
  const v = cli.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(cli: ParsedCli, name: OptionName): boolean {
  return cli.options[name] === true;
}

export function numberOption(cli: ParsedCli, name: OptionName, check: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = stringOption(cli, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (check.integer && !Number.isInteger(value)) ||
    (check.min !== undefined && value < check.min) ||
    (check.max !== undefined && value > check.max);
  if (bad) {
    const range = [check.integer ? 'an integer' : 'a number', check.min !== undefined ? `>= ${check.min}` : '', check.max !== undefined ? `<= ${check.max}` : '']
      .filter(Boolean)
      .join(' ');
    throw new UserError(`--${name} must be ${range}, got "${raw}".`);
  }
  return value;
}

const TECHNIQUES: readonly TechniqueName[] = ['full', 'features', 'adapter', 'lora'];
const BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

export function choiceOption<T extends string>(cli: ParsedCli, name: OptionName, choices: readonly T[]): T | undefined {
  const raw = stringOption(cli, name);
  if (raw === undefined) return undefined;
  const found = choices.find((c) => c === raw);
  if (!found) throw new UserError(`--${name} must be one of ${choices.join(', ')}; got "${raw}".`);
  return found;
}

export function techniqueOption(cli: ParsedCli): TechniqueName | undefined {
  return choiceOption(cli, 'technique', TECHNIQUES);
}

export function backendOption(cli: ParsedCli): BackendName | undefined {
  return choiceOption(cli, 'backend', BACKENDS);
}

export function requirePositional(cli: ParsedCli, index: number, what: string, usage: string): string {
  const value = cli.positionals[index];
  if (value === undefined) throw new UserError(`Missing ${what}.`, { hint: `Usage: ${usage}` });
  return value;
}
