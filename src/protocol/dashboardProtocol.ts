// The contract of the live dashboard webview (one panel per run), imported by the host
// (src/panels/dashboardPanel.ts) and the webview (webview/dashboard/).
// Up (webview → host): imperative. Down (host → webview): one state snapshot
// (`dashboard/stateChanged`), then deltas. Nothing goes down before `dashboard/ready`.
// This file imports only other protocol files.

import type { Evaluation, MetricEvent, RunRecord } from './runTypes';
import type { ModelDownloadProgress } from './workerProtocol';

export type DashboardAxis = 'step' | 'epoch';

/** Identifies the run a panel shows (same shape as the host's RunRef). */
export interface DashboardRunRef {
  runsDir: string;
  runId: string;
}

/**
 * Metric events as columns: entry i of every array belongs to event i. About half the size of
 * MetricEvent objects, which matters for a run with 100,000 steps.
 */
export interface MetricColumns {
  /** The distinct series of this batch. */
  series: { split: MetricEvent['split']; name: string }[];
  /** Per event: index into `series`. */
  seriesIndex: number[];
  step: number[];
  epoch: number[];
  value: number[];
  /** Per event: milliseconds since 1970; 0 when the event's time could not be read. */
  time: number[];
}

/** A checkpoint folder of the run, placed on the curves. */
export interface CheckpointMark {
  name: string;
  step: number;
  /** Epochs completed when it was taken. */
  epoch: number;
  isBest: boolean;
  /** The early-stopping metric and its validation value at this checkpoint (null when unknown). */
  metric: string;
  value: number | null;
}

/** The latest `run/progressed` report of the worker, as the host received it. */
export interface LiveProgress {
  epoch: number;
  step: number;
  totalSteps: number;
  epochs: number;
  /** Recent training loss; null before the first step. */
  loss: number | null;
  examplesPerSecond: number;
  etaSeconds: number | null;
  phase: string;
  /** Host clock (ms) when it arrived. */
  receivedAt: number;
}

/** Everything the panel shows except the curves (which come as MetricColumns). */
export interface DashboardState {
  ref: DashboardRunRef;
  run: RunRecord;
  /** 'queued' or 'running' while this window's training service holds the run; null otherwise. */
  activity: 'queued' | 'running' | null;
  /** Stop was asked once: the next Stop kills the worker. */
  stopRequested: boolean;
  /** The latest progress report of a running worker of this window; null otherwise. */
  live: LiveProgress | null;
  /** The base model's download before training starts (a worker of this window); null otherwise. */
  download: ModelDownloadProgress | null;
  checkpoints: CheckpointMark[];
  evaluation: Evaluation | null;
  /** The last lines of worker.log. */
  log: string[];
  /** True when older lines of worker.log are left out of `log`. */
  logTruncated: boolean;
  axis: DashboardAxis;
  /** Whether the command `finetune.runs.compare` exists (the Compare with… button). */
  canCompare: boolean;
  /** Parts of the run folder that could not be read, as sentences. */
  problems: string[];
  /** Host clock (ms) when the state was read. */
  readAt: number;
}

/** Host → webview. */
export type DashboardDownMessage =
  /**
   * The whole state. `metrics` non-null: a full snapshot that replaces every curve and the log.
   * null: the curves and the log lines shown stay (this state's `log` is empty then).
   */
  | { type: 'dashboard/stateChanged'; payload: { state: DashboardState; metrics: MetricColumns | null } }
  /** Metric events appended to metrics.jsonl since the last message. */
  | { type: 'dashboard/metricsAppended'; payload: { metrics: MetricColumns } }
  | { type: 'dashboard/progressed'; payload: { progress: LiveProgress } }
  /** The base model's download progressed; null: it is over. */
  | { type: 'dashboard/downloadProgressed'; payload: { download: ModelDownloadProgress | null } }
  /** Lines appended to worker.log since the last message. */
  | { type: 'dashboard/logAppended'; payload: { lines: string[] } }
  /** The run cannot be shown (deleted, unreadable, from a newer version). */
  | { type: 'dashboard/unavailable'; payload: { message: string } };

/** Webview → host. */
export type DashboardUpMessage =
  | { type: 'dashboard/ready'; payload: Record<string, never> }
  | { type: 'dashboard/setAxis'; payload: { axis: DashboardAxis } }
  /** First: graceful stop (checkpoint, then exit); second: kill. */
  | { type: 'run/stop'; payload: Record<string, never> }
  | { type: 'run/resume'; payload: Record<string, never> }
  /** Train a completed run for more epochs; null asks the user on the host side. */
  | { type: 'run/extend'; payload: { epochs: number | null } }
  | { type: 'run/openFolder'; payload: Record<string, never> }
  | { type: 'run/compare'; payload: Record<string, never> }
  | { type: 'log/open'; payload: Record<string, never> };

/** What the webview saves with setState; the panel serializer revives the panel from it. */
export interface DashboardViewState {
  ref: DashboardRunRef;
  axis: DashboardAxis;
}

/** Most epochs one Extend may add. */
export const MAX_EXTRA_EPOCHS = 1000;

// ── guards ───────────────────────────────────────────────────────────────────────────────────

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function isDashboardAxis(value: unknown): value is DashboardAxis {
  return value === 'step' || value === 'epoch';
}

export function isDashboardRunRef(value: unknown): value is DashboardRunRef {
  return isRecord(value) && typeof value.runsDir === 'string' && value.runsDir !== '' && typeof value.runId === 'string' && value.runId !== '';
}

export function isDashboardViewState(value: unknown): value is DashboardViewState {
  return isRecord(value) && isDashboardRunRef(value.ref) && isDashboardAxis(value.axis);
}

/** A whole number of epochs in 1..MAX_EXTRA_EPOCHS. */
export function isExtraEpochs(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_EXTRA_EPOCHS;
}

const EMPTY_PAYLOAD_UP = new Set(['dashboard/ready', 'run/stop', 'run/resume', 'run/openFolder', 'run/compare', 'log/open']);

/** Checks a message from the webview: known type, payload of the right shape. */
export function isDashboardUpMessage(value: unknown): value is DashboardUpMessage {
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.payload)) return false;
  const p = value.payload;
  if (EMPTY_PAYLOAD_UP.has(value.type)) return true;
  if (value.type === 'dashboard/setAxis') return isDashboardAxis(p.axis);
  if (value.type === 'run/extend') return p.epochs === null || isExtraEpochs(p.epochs);
  return false;
}

export function isMetricColumns(value: unknown): value is MetricColumns {
  if (!isRecord(value) || !Array.isArray(value.series)) return false;
  const seriesOk = value.series.every(
    (s) => isRecord(s) && (s.split === 'train' || s.split === 'validation' || s.split === 'test') && typeof s.name === 'string',
  );
  if (!seriesOk) return false;
  const { seriesIndex, step, epoch, time } = value;
  const values = value.value;
  if (!isNumberArray(seriesIndex) || !isNumberArray(step) || !isNumberArray(epoch) || !isNumberArray(values) || !isNumberArray(time)) return false;
  const n = seriesIndex.length;
  if (step.length !== n || epoch.length !== n || values.length !== n || time.length !== n) return false;
  const count = value.series.length;
  return seriesIndex.every((i) => Number.isInteger(i) && i >= 0 && i < count);
}

function isDashboardState(value: unknown): value is DashboardState {
  return (
    isRecord(value) &&
    isDashboardRunRef(value.ref) &&
    isRecord(value.run) &&
    typeof value.run.id === 'string' &&
    typeof value.run.name === 'string' &&
    typeof value.run.status === 'string' &&
    isRecord(value.run.config) &&
    (value.activity === null || value.activity === 'queued' || value.activity === 'running') &&
    typeof value.stopRequested === 'boolean' &&
    (value.live === null || isLiveProgress(value.live)) &&
    (value.download === null || isModelDownload(value.download)) &&
    Array.isArray(value.checkpoints) &&
    (value.evaluation === null || isRecord(value.evaluation)) &&
    isStringArray(value.log) &&
    typeof value.logTruncated === 'boolean' &&
    isDashboardAxis(value.axis) &&
    typeof value.canCompare === 'boolean' &&
    isStringArray(value.problems) &&
    typeof value.readAt === 'number'
  );
}

function isLiveProgress(value: unknown): value is LiveProgress {
  return (
    isRecord(value) &&
    typeof value.epoch === 'number' &&
    typeof value.step === 'number' &&
    typeof value.totalSteps === 'number' &&
    typeof value.epochs === 'number' &&
    typeof value.examplesPerSecond === 'number' &&
    (value.etaSeconds === null || typeof value.etaSeconds === 'number') &&
    typeof value.phase === 'string' &&
    typeof value.receivedAt === 'number'
  );
}

function isModelDownload(value: unknown): value is ModelDownloadProgress {
  return (
    isRecord(value) &&
    typeof value.model === 'string' &&
    typeof value.file === 'string' &&
    typeof value.fileIndex === 'number' &&
    typeof value.fileCount === 'number' &&
    typeof value.bytes === 'number' &&
    (value.total === null || typeof value.total === 'number') &&
    typeof value.bytesPerSecond === 'number' &&
    (value.etaSeconds === null || typeof value.etaSeconds === 'number') &&
    typeof value.done === 'boolean'
  );
}

/** Checks a message from the host (the webview trusts nothing it did not check). */
export function isDashboardDownMessage(value: unknown): value is DashboardDownMessage {
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.payload)) return false;
  const p = value.payload;
  switch (value.type) {
    case 'dashboard/stateChanged':
      return isDashboardState(p.state) && (p.metrics === null || isMetricColumns(p.metrics));
    case 'dashboard/metricsAppended':
      return isMetricColumns(p.metrics);
    case 'dashboard/progressed':
      return isLiveProgress(p.progress);
    case 'dashboard/downloadProgressed':
      return p.download === null || isModelDownload(p.download);
    case 'dashboard/logAppended':
      return isStringArray(p.lines);
    case 'dashboard/unavailable':
      return typeof p.message === 'string';
    default:
      return false;
  }
}
