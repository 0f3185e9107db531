// Shape checks for the records read back from a run folder. They check what readers rely on,
// not every field: a record written by this version always passes.

import type {
  CheckpointState,
  Evaluation,
  MetricEvent,
  PredictionRecord,
  RunRecord,
  RunStatus,
} from '../protocol/runTypes';

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'completed', 'failed', 'stopped', 'interrupted'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}

/** The schema version of a parsed run.json, or null when it has none. */
export function schemaVersionOf(value: unknown): number | null {
  return isObject(value) && isFiniteNumber(value.schemaVersion) ? value.schemaVersion : null;
}

export function isRunRecord(value: unknown): value is RunRecord {
  return (
    isObject(value) &&
    isFiniteNumber(value.schemaVersion) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    isRunStatus(value.status) &&
    isStringOrNull(value.statusReason) &&
    typeof value.createdAt === 'string' &&
    typeof value.updatedAt === 'string' &&
    isObject(value.config) &&
    (value.pid === null || isFiniteNumber(value.pid)) &&
    (value.best === null || (isObject(value.best) && typeof value.best.name === 'string'))
  );
}

export function isMetricEvent(value: unknown): value is MetricEvent {
  return (
    isObject(value) &&
    isFiniteNumber(value.step) &&
    isFiniteNumber(value.epoch) &&
    (value.split === 'train' || value.split === 'validation' || value.split === 'test') &&
    typeof value.name === 'string' &&
    typeof value.value === 'number' &&
    typeof value.time === 'string'
  );
}

export function isEvaluation(value: unknown): value is Evaluation {
  if (!isObject(value) || typeof value.checkpoint !== 'string' || !isFiniteNumber(value.rows)) return false;
  if (value.task === 'tabular-regression') {
    return typeof value.mae === 'number' && typeof value.rmse === 'number' && typeof value.r2 === 'number';
  }
  if (value.task === 'text-classification' || value.task === 'tabular-classification' || value.task === 'image-classification') {
    return (
      typeof value.accuracy === 'number' &&
      typeof value.macroF1 === 'number' &&
      Array.isArray(value.perClass) &&
      isObject(value.confusion) &&
      Array.isArray(value.confusion.labels) &&
      Array.isArray(value.confusion.matrix)
    );
  }
  return false;
}

export function isPredictionRecord(value: unknown): value is PredictionRecord {
  return (
    isObject(value) &&
    isFiniteNumber(value.line) &&
    (typeof value.label === 'string' || typeof value.label === 'number') &&
    (typeof value.prediction === 'string' || typeof value.prediction === 'number') &&
    (value.probabilities === undefined || isNumberArray(value.probabilities))
  );
}

export function isCheckpointState(value: unknown): value is CheckpointState {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    isFiniteNumber(value.epoch) &&
    isFiniteNumber(value.step) &&
    isFiniteNumber(value.batchInEpoch) &&
    isNumberArray(value.rngState)
  );
}
