// Run ids, default run names, and the checks that keep ids and checkpoint names inside the runs folder.

import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TrainConfig } from '../protocol/configTypes';
import { InvalidRunNameError } from './storageErrors';

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A new run id: UTC time to the second, technique, 4 random hex digits, e.g.
 * `20261126-141530-lora-a1b2`. Ids sort by creation time (UTC, so daylight saving never reorders them).
 */
export function createRunId(config: Pick<TrainConfig, 'technique'>, now: Date): string {
  const date = `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
  const time = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}${pad2(now.getUTCSeconds())}`;
  const technique = SAFE_NAME.test(config.technique) ? config.technique : 'run';
  return `${date}-${time}-${technique}-${randomBytes(2).toString('hex')}`;
}

/** The name a run gets when none is given: `<dataset file name> · <technique>`. */
export function defaultRunName(config: Pick<TrainConfig, 'datasetPath' | 'technique'>): string {
  // Windows paths reach here too (a run created on Windows, read elsewhere): split on both separators.
  const base = config.datasetPath.split(/[\\/]/).filter((part) => part !== '').pop() ?? config.datasetPath;
  return `${base} · ${config.technique}`;
}

/** True when `name` is usable as a run id or checkpoint folder name (no separators, no '..', no leading dot). */
export function isSafeName(name: string): boolean {
  return SAFE_NAME.test(name) && name.length <= 200 && path.basename(name) === name;
}

export function assertRunId(id: string): void {
  if (!isSafeName(id)) throw new InvalidRunNameError('run id', id);
}

export function assertCheckpointName(name: string): void {
  if (!isSafeName(name)) throw new InvalidRunNameError('checkpoint name', name);
}
