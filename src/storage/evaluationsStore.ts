// Named evaluations of a run: a checkpoint evaluated on another dataset file with the same
// columns, stored as `<run>/evaluations/<name>.json` (NamedEvaluation) and
// `<name>.predictions.jsonl` (one PredictionRecord per row). The predictions are written first,
// so a reader that finds the JSON finds complete predictions beside it.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  NAMED_EVALUATION_SCHEMA_VERSION,
  type NamedEvaluation,
  type NamedEvaluationInfo,
} from '../protocol/namedEvaluationTypes';
import type { PredictionRecord } from '../protocol/runTypes';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { parseJsonLines, toJsonLines } from './jsonLines';
import { readJsonFile } from './readJson';
import { isEvaluation, isPredictionRecord } from './recordGuards';
import { EVALUATIONS_DIR } from './runLayout';
import { isSafeName } from './runNames';
import type { RunStore } from './runStore';
import { JsonFileError, errorCode } from './storageErrors';

const JSON_SUFFIX = '.json';
const PREDICTIONS_SUFFIX = '.predictions.jsonl';

export interface NamedEvaluationPaths {
  json: string;
  predictions: string;
}

/** A name that cannot be a file name inside evaluations/. */
export class InvalidEvaluationNameError extends Error {
  readonly hint = 'Use letters, digits, ".", "_" and "-" only, not starting with "." or "-".';

  constructor(name: string) {
    super(`"${name}" is not a valid evaluation name.`);
    this.name = 'InvalidEvaluationNameError';
  }
}

/** The name an evaluation on `datasetPath` gets when none is given: the file name, made safe (e.g. `holdout.csv`). */
export function defaultEvaluationName(datasetPath: string): string {
  const base = datasetPath.split(/[\\/]/).filter((part) => part !== '').pop() ?? 'dataset';
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '');
  return safe === '' ? 'dataset' : safe.slice(0, 180);
}

export function assertEvaluationName(name: string): void {
  if (!isSafeName(name) || name.length > 180) throw new InvalidEvaluationNameError(name);
}

export function evaluationsDir(store: RunStore, runId: string): string {
  return path.join(store.runDir(runId), EVALUATIONS_DIR);
}

export function namedEvaluationPaths(store: RunStore, runId: string, name: string): NamedEvaluationPaths {
  assertEvaluationName(name);
  const dir = evaluationsDir(store, runId);
  return { json: path.join(dir, `${name}${JSON_SUFFIX}`), predictions: path.join(dir, `${name}${PREDICTIONS_SUFFIX}`) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNamedEvaluation(value: unknown): value is NamedEvaluation {
  return (
    isObject(value) &&
    typeof value.schemaVersion === 'number' &&
    typeof value.name === 'string' &&
    typeof value.runId === 'string' &&
    typeof value.checkpoint === 'string' &&
    typeof value.createdAt === 'string' &&
    isObject(value.dataset) &&
    typeof value.dataset.path === 'string' &&
    typeof value.dataset.fingerprint === 'string' &&
    isEvaluation(value.evaluation)
  );
}

/**
 * Reads the stored value: the current shape, or the first version's (the evaluation's fields with a
 * `dataset` path beside them), which is converted.
 */
function toNamedEvaluation(value: unknown, name: string, runId: string, file: string, mtime: Date): NamedEvaluation {
  if (isNamedEvaluation(value)) return value;
  if (isObject(value) && typeof value.dataset === 'string') {
    const { dataset, ...rest } = value;
    if (isEvaluation(rest)) {
      return {
        schemaVersion: NAMED_EVALUATION_SCHEMA_VERSION,
        name,
        runId,
        checkpoint: rest.checkpoint,
        dataset: { path: dataset, fingerprint: '', rows: rest.rows, skippedRows: 0 },
        createdAt: mtime.toISOString(),
        evaluation: rest,
      };
    }
  }
  throw new JsonFileError(file, 'malformed', 'not a stored evaluation (it lacks checkpoint, dataset or metrics).');
}

/** Stores a named evaluation (replacing one of the same name) and its predictions; returns where. */
export async function writeNamedEvaluation(
  store: RunStore,
  value: NamedEvaluation,
  predictions: Iterable<PredictionRecord>,
): Promise<NamedEvaluationPaths> {
  const paths = namedEvaluationPaths(store, value.runId, value.name);
  await fs.mkdir(path.dirname(paths.json), { recursive: true });
  await writeFileAtomic(paths.predictions, toJsonLines(predictions));
  await writeJsonAtomic(paths.json, value);
  return paths;
}

/** The named evaluation, or null when the run has none of that name. */
export async function readNamedEvaluation(store: RunStore, runId: string, name: string): Promise<NamedEvaluation | null> {
  const { json } = namedEvaluationPaths(store, runId, name);
  let value: unknown;
  try {
    value = await readJsonFile(json);
  } catch (error) {
    if (error instanceof JsonFileError && error.reason === 'missing') return null;
    throw error;
  }
  const { mtime } = await fs.stat(json);
  return toNamedEvaluation(value, name, runId, json, mtime);
}

/** The predictions of a named evaluation; empty when there are none. Torn or malformed lines are skipped. */
export async function readNamedPredictions(store: RunStore, runId: string, name: string): Promise<PredictionRecord[]> {
  const { predictions } = namedEvaluationPaths(store, runId, name);
  try {
    return parseJsonLines(await fs.readFile(predictions, 'utf8'), isPredictionRecord).records;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Every readable named evaluation of a run, oldest first; unreadable files are passed to `onProblem`. */
export async function listNamedEvaluations(
  store: RunStore,
  runId: string,
  onProblem?: (file: string, error: Error) => void,
): Promise<NamedEvaluationInfo[]> {
  const dir = evaluationsDir(store, runId);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const present = new Set(names);
  const infos: NamedEvaluationInfo[] = [];
  for (const file of names) {
    if (!file.endsWith(JSON_SUFFIX) || file.startsWith('.')) continue;
    const name = file.slice(0, -JSON_SUFFIX.length);
    if (!isSafeName(name)) continue;
    try {
      const value = await readNamedEvaluation(store, runId, name);
      if (!value) continue;
      infos.push({
        name,
        checkpoint: value.checkpoint,
        datasetPath: value.dataset.path,
        createdAt: value.createdAt,
        hasPredictions: present.has(`${name}${PREDICTIONS_SUFFIX}`),
      });
    } catch (error) {
      onProblem?.(path.join(dir, file), error instanceof Error ? error : new Error(String(error)));
    }
  }
  return infos.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.name.localeCompare(b.name, 'en')));
}
