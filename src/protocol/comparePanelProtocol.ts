// The contract of the comparison webview (one panel shows several runs side by side), imported by
// the host (src/panels/comparePanel.ts and the compare* modules) and the webview (webview/compare/).
// Up (webview → host): imperative. Down (host → webview): one state snapshot,
// `compare/stateChanged`. Nothing goes down before `compare/ready`.
// This file imports only other protocol files.

import type { TaskKind } from './datasetTypes';
import type { RunStatus } from './runTypes';

/** Identifies one run of the panel (same shape as the host's RunRef). */
export interface CompareRunRef {
  runsDir: string;
  runId: string;
}

/** One run column, in display order. */
export interface CompareRunColumn {
  ref: CompareRunRef;
  name: string;
  status: RunStatus;
  technique: string;
  task: TaskKind | null;
  /** Colour slot of the run: given when the run is added, kept while it stays (sorting does not change it). */
  color: number;
  /** Optimizer steps per epoch, to place curves on an epoch axis; null when unknown. */
  stepsPerEpoch: number | null;
}

/** Which value of a row is the best one. */
export type MetricDirection = 'higher' | 'lower' | 'none';

/** How the webview (and the exports) write a row's values. */
export type MetricFormat = 'value' | 'percent' | 'count' | 'duration' | 'bytes' | 'rate';

export interface MetricRow {
  /** Stable id: 'test/accuracy', 'best/loss', 'class/spam/f1', 'cost/trainingSeconds', … */
  key: string;
  /** Section of the table: 'Test', 'Validation', 'Per class', 'Cost'. */
  group: string;
  label: string;
  direction: MetricDirection;
  format: MetricFormat;
  /** One per run column; null where the run has no value. */
  values: (number | null)[];
  /** Columns holding the best value (all of them on a tie); empty without a direction, with fewer than two values, or when all are equal. */
  best: number[];
}

/** Run columns ordered by one row of the metrics table. */
export interface TableSort {
  row: string;
  /** true: best first for rows with a direction (largest first for the others). */
  bestFirst: boolean;
}

/** One setting of the runs, side by side. */
export interface ConfigRow {
  /** Stable id: 'technique', 'lora.rank', 'dataset.fingerprint', … */
  key: string;
  /** 'Dataset', 'Model', 'Technique', 'Training', 'Environment'. */
  group: string;
  label: string;
  /** One per run column, as shown ('—' where the setting does not apply). */
  values: string[];
  /** True when the runs do not all have the same value. */
  differs: boolean;
}

/** One metric series of one run: `split/name` ('train/loss', 'validation/accuracy', 'train/learningRate'). */
export interface CurveSeries {
  key: string;
  /** Global optimizer steps, ascending. */
  step: number[];
  value: number[];
}

export interface RunCurves {
  series: CurveSeries[];
}

/** A metric that at least one run has a curve of. */
export interface CurveMetric {
  key: string;
  label: string;
  /** Losses and errors: the log scale applies. */
  logScale: boolean;
}

export interface ConfusionMatrix {
  labels: string[];
  /** matrix[i][j]: test rows of true class labels[i] predicted as labels[j]. */
  matrix: number[][];
}

/** Two runs compared with each other: the confusion difference and the per-example differences. */
export interface ComparePair {
  baseline: CompareRunRef;
  candidate: CompareRunRef;
}

/** candidate − baseline, on the union of both runs' labels. */
export interface ConfusionDifference extends ConfusionMatrix {
  /** A sentence shown with the difference (different test rows, …); null when there is none. */
  note: string | null;
}

export interface ExamplePrediction {
  prediction: string;
  /** Probability the run gave its prediction; null when unknown. */
  confidence: number | null;
}

/** A test row that one run gets right and the other wrong. */
export interface ExampleRow {
  /** 1-based line of the dataset file where the row starts. */
  line: number;
  /** The row as read from the dataset: the text column, or `col=value, …` for tabular rows; null when it could not be read. */
  input: string | null;
  label: string;
  baseline: ExamplePrediction;
  candidate: ExamplePrediction;
}

export type ExampleDiff =
  | {
      kind: 'compared';
      /** Shared test rows. */
      rows: number;
      /** Baseline wrong, candidate right. */
      fixedCount: number;
      /** Baseline right, candidate wrong. */
      brokenCount: number;
      bothRight: number;
      bothWrong: number;
      /** The first rows of each list (all of them unless the counts are larger). */
      fixed: ExampleRow[];
      broken: ExampleRow[];
      /** The dataset file the lines refer to. */
      datasetPath: string;
      /** A warning about the inputs shown (file changed since training, missing, …); null when none. */
      note: string | null;
    }
  /** The two runs cannot be compared row by row: the message says why. */
  | { kind: 'unavailable'; message: string };

/** A named evaluation that every run of the panel has (selectable instead of the test split). */
export interface EvaluationChoice {
  name: string;
  /** The dataset file evaluated on (of the first run). */
  datasetPath: string;
}

/** One run in the trade-off charts. */
export interface TradeoffPoint {
  /** Index into `runs` (its colour and name). */
  run: number;
  /** Run name and technique. */
  label: string;
  /** The headline test metric. */
  metric: number;
  /** null where unknown (no point in that chart). */
  trainableParams: number | null;
  trainingSeconds: number | null;
}

/** The headline test metric against what it cost, one point per run. */
export interface TradeoffData {
  /** 'Trade-offs', or 'Sweep <id>' when every run belongs to the same sweep. */
  title: string;
  /** e.g. 'test accuracy', 'test R²'. */
  metricLabel: string;
  /** accuracy is shown as a percentage. */
  percent: boolean;
  points: TradeoffPoint[];
}

/** Everything the panel shows. */
export interface CompareState {
  runs: CompareRunColumn[];
  /** Rows of the metrics table; values follow `runs`. */
  metrics: MetricRow[];
  config: ConfigRow[];
  onlyDifferences: boolean;
  sort: TableSort | null;
  /** Aligned with `runs`. */
  curves: RunCurves[];
  curveMetrics: CurveMetric[];
  /** Changes whenever a run's curves change (the webview redraws the chart only then). */
  curvesVersion: number;
  /** Aligned with `runs`; null for runs without a classification evaluation. */
  confusions: (ConfusionMatrix | null)[];
  /** null with fewer than two runs. */
  pair: ComparePair | null;
  /** null without a pair, or when either run of the pair has no confusion matrix. */
  confusionDifference: ConfusionDifference | null;
  /** null without a pair. */
  examples: ExampleDiff | null;
  /** Runs or files that could not be read, as sentences. */
  problems: string[];
  /** Named evaluations every run has. */
  evaluations: EvaluationChoice[];
  /** The evaluation shown (test metrics, confusion matrices, per-example differences); null: the test split. */
  evaluation: string | null;
  /** null when no run has a headline test metric. */
  tradeoff: TradeoffData | null;
}

/** Host → webview. */
export type CompareDownMessage = { type: 'compare/stateChanged'; payload: { state: CompareState } };

export type ExportFormat = 'csv' | 'markdown';

/** Webview → host. */
export type CompareUpMessage =
  | { type: 'compare/ready'; payload: Record<string, never> }
  /** Ask the user (QuickPick) for runs to add. */
  | { type: 'compare/addRuns'; payload: Record<string, never> }
  | { type: 'compare/removeRun'; payload: { ref: CompareRunRef } }
  | { type: 'compare/setOnlyDifferences'; payload: { on: boolean } }
  | { type: 'compare/sortBy'; payload: { sort: TableSort | null } }
  /** Save the metrics table (host: a save dialog). */
  | { type: 'compare/exportTable'; payload: { format: ExportFormat } }
  /** Open the dataset file of run `ref` at `line`. */
  | { type: 'compare/openLine'; payload: { ref: CompareRunRef; line: number } }
  | { type: 'compare/pickPair'; payload: { pair: ComparePair } }
  /** Show a named evaluation (null: the test split). */
  | { type: 'compare/setEvaluation'; payload: { name: string | null } }
  /** Write the comparison as a Markdown report into the workspace (host: a save dialog). */
  | { type: 'compare/saveComparison'; payload: Record<string, never> }
  | { type: 'compare/openDashboard'; payload: { ref: CompareRunRef } };

export type CurveAxis = 'step' | 'epoch';

/** The chart's controls (kept by the webview). */
export interface CurveView {
  /** A CurveMetric key; '' = the default one. */
  metric: string;
  axis: CurveAxis;
  logScale: boolean;
  /** Exponential moving average weight, 0 (none) to MAX_SMOOTHING. */
  smoothing: number;
}

/** What the webview saves with setState; the panel serializer revives the panel from it. */
export interface CompareViewState {
  runs: CompareRunRef[];
  onlyDifferences: boolean;
  sort: TableSort | null;
  pair: ComparePair | null;
  curves: CurveView;
  /** The evaluation shown; absent or null: the test split. */
  evaluation?: string | null;
}

export const MAX_SMOOTHING = 0.99;

export const DEFAULT_CURVE_VIEW: CurveView = { metric: '', axis: 'epoch', logScale: true, smoothing: 0.6 };

// ── guards ───────────────────────────────────────────────────────────────────────────────────

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

function isNullableNumber(value: unknown): value is number | null {
  return value === null || typeof value === 'number';
}

export function isCompareRunRef(value: unknown): value is CompareRunRef {
  return isRecord(value) && typeof value.runsDir === 'string' && value.runsDir !== '' && typeof value.runId === 'string' && value.runId !== '';
}

export function sameRef(a: CompareRunRef, b: CompareRunRef): boolean {
  return a.runsDir === b.runsDir && a.runId === b.runId;
}

export function isTableSort(value: unknown): value is TableSort {
  return isRecord(value) && typeof value.row === 'string' && value.row !== '' && typeof value.bestFirst === 'boolean';
}

export function isComparePair(value: unknown): value is ComparePair {
  return isRecord(value) && isCompareRunRef(value.baseline) && isCompareRunRef(value.candidate) && !sameRef(value.baseline, value.candidate);
}

export function isExportFormat(value: unknown): value is ExportFormat {
  return value === 'csv' || value === 'markdown';
}

export function isCurveView(value: unknown): value is CurveView {
  return (
    isRecord(value) &&
    typeof value.metric === 'string' &&
    (value.axis === 'step' || value.axis === 'epoch') &&
    typeof value.logScale === 'boolean' &&
    typeof value.smoothing === 'number' &&
    value.smoothing >= 0 &&
    value.smoothing <= MAX_SMOOTHING
  );
}

export function isCompareViewState(value: unknown): value is CompareViewState {
  return (
    isRecord(value) &&
    Array.isArray(value.runs) &&
    value.runs.every(isCompareRunRef) &&
    typeof value.onlyDifferences === 'boolean' &&
    (value.sort === null || isTableSort(value.sort)) &&
    (value.pair === null || isComparePair(value.pair)) &&
    isCurveView(value.curves) &&
    (value.evaluation === undefined || value.evaluation === null || typeof value.evaluation === 'string')
  );
}

const EMPTY_PAYLOAD_UP = new Set(['compare/ready', 'compare/addRuns', 'compare/saveComparison']);

/** Checks a message from the webview: known type, payload of the right shape. */
export function isCompareUpMessage(value: unknown): value is CompareUpMessage {
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.payload)) return false;
  const p = value.payload;
  if (EMPTY_PAYLOAD_UP.has(value.type)) return true;
  switch (value.type) {
    case 'compare/removeRun':
    case 'compare/openDashboard':
      return isCompareRunRef(p.ref);
    case 'compare/setOnlyDifferences':
      return typeof p.on === 'boolean';
    case 'compare/sortBy':
      return p.sort === null || isTableSort(p.sort);
    case 'compare/exportTable':
      return isExportFormat(p.format);
    case 'compare/openLine':
      return isCompareRunRef(p.ref) && typeof p.line === 'number' && Number.isInteger(p.line) && p.line >= 1;
    case 'compare/pickPair':
      return isComparePair(p.pair);
    case 'compare/setEvaluation':
      return p.name === null || (typeof p.name === 'string' && p.name !== '');
    default:
      return false;
  }
}

function isRunColumn(value: unknown): value is CompareRunColumn {
  return (
    isRecord(value) &&
    isCompareRunRef(value.ref) &&
    typeof value.name === 'string' &&
    typeof value.status === 'string' &&
    typeof value.technique === 'string' &&
    (value.task === null || typeof value.task === 'string') &&
    typeof value.color === 'number' &&
    isNullableNumber(value.stepsPerEpoch)
  );
}

const METRIC_FORMATS = new Set(['value', 'percent', 'count', 'duration', 'bytes', 'rate']);

function isMetricRow(value: unknown, columns: number): value is MetricRow {
  return (
    isRecord(value) &&
    typeof value.key === 'string' &&
    typeof value.group === 'string' &&
    typeof value.label === 'string' &&
    (value.direction === 'higher' || value.direction === 'lower' || value.direction === 'none') &&
    typeof value.format === 'string' &&
    METRIC_FORMATS.has(value.format) &&
    Array.isArray(value.values) &&
    value.values.length === columns &&
    value.values.every(isNullableNumber) &&
    isNumberArray(value.best)
  );
}

function isConfigRow(value: unknown, columns: number): value is ConfigRow {
  return (
    isRecord(value) &&
    typeof value.key === 'string' &&
    typeof value.group === 'string' &&
    typeof value.label === 'string' &&
    isStringArray(value.values) &&
    value.values.length === columns &&
    typeof value.differs === 'boolean'
  );
}

function isCurveSeries(value: unknown): value is CurveSeries {
  return isRecord(value) && typeof value.key === 'string' && isNumberArray(value.step) && isNumberArray(value.value) && value.step.length === value.value.length;
}

function isRunCurves(value: unknown): value is RunCurves {
  return isRecord(value) && Array.isArray(value.series) && value.series.every(isCurveSeries);
}

function isCurveMetric(value: unknown): value is CurveMetric {
  return isRecord(value) && typeof value.key === 'string' && typeof value.label === 'string' && typeof value.logScale === 'boolean';
}

function isConfusionMatrix(value: unknown): value is ConfusionMatrix {
  return (
    isRecord(value) &&
    isStringArray(value.labels) &&
    Array.isArray(value.matrix) &&
    value.matrix.length === value.labels.length &&
    value.matrix.every((row) => isNumberArray(row) && row.length === (value.labels as string[]).length)
  );
}

function isExamplePrediction(value: unknown): value is ExamplePrediction {
  return isRecord(value) && typeof value.prediction === 'string' && isNullableNumber(value.confidence);
}

function isExampleRow(value: unknown): value is ExampleRow {
  return (
    isRecord(value) &&
    typeof value.line === 'number' &&
    (value.input === null || typeof value.input === 'string') &&
    typeof value.label === 'string' &&
    isExamplePrediction(value.baseline) &&
    isExamplePrediction(value.candidate)
  );
}

function isExampleDiff(value: unknown): value is ExampleDiff {
  if (!isRecord(value)) return false;
  if (value.kind === 'unavailable') return typeof value.message === 'string';
  return (
    value.kind === 'compared' &&
    typeof value.rows === 'number' &&
    typeof value.fixedCount === 'number' &&
    typeof value.brokenCount === 'number' &&
    typeof value.bothRight === 'number' &&
    typeof value.bothWrong === 'number' &&
    Array.isArray(value.fixed) &&
    value.fixed.every(isExampleRow) &&
    Array.isArray(value.broken) &&
    value.broken.every(isExampleRow) &&
    typeof value.datasetPath === 'string' &&
    (value.note === null || typeof value.note === 'string')
  );
}

function isEvaluationChoice(value: unknown): value is EvaluationChoice {
  return isRecord(value) && typeof value.name === 'string' && typeof value.datasetPath === 'string';
}

function isTradeoffPoint(value: unknown, columns: number): value is TradeoffPoint {
  return (
    isRecord(value) &&
    typeof value.run === 'number' &&
    Number.isInteger(value.run) &&
    value.run >= 0 &&
    value.run < columns &&
    typeof value.label === 'string' &&
    typeof value.metric === 'number' &&
    isNullableNumber(value.trainableParams) &&
    isNullableNumber(value.trainingSeconds)
  );
}

function isTradeoffData(value: unknown, columns: number): value is TradeoffData {
  return (
    isRecord(value) &&
    typeof value.title === 'string' &&
    typeof value.metricLabel === 'string' &&
    typeof value.percent === 'boolean' &&
    Array.isArray(value.points) &&
    value.points.every((p) => isTradeoffPoint(p, columns))
  );
}

export function isCompareState(value: unknown): value is CompareState {
  if (!isRecord(value) || !Array.isArray(value.runs) || !value.runs.every(isRunColumn)) return false;
  const n = value.runs.length;
  const diff = value.confusionDifference;
  return (
    Array.isArray(value.metrics) &&
    value.metrics.every((row) => isMetricRow(row, n)) &&
    Array.isArray(value.config) &&
    value.config.every((row) => isConfigRow(row, n)) &&
    typeof value.onlyDifferences === 'boolean' &&
    (value.sort === null || isTableSort(value.sort)) &&
    Array.isArray(value.curves) &&
    value.curves.length === n &&
    value.curves.every(isRunCurves) &&
    Array.isArray(value.curveMetrics) &&
    value.curveMetrics.every(isCurveMetric) &&
    typeof value.curvesVersion === 'number' &&
    Array.isArray(value.confusions) &&
    value.confusions.length === n &&
    value.confusions.every((c) => c === null || isConfusionMatrix(c)) &&
    (value.pair === null || isComparePair(value.pair)) &&
    (diff === null || (isConfusionMatrix(diff) && isRecord(diff) && (diff.note === null || typeof diff.note === 'string'))) &&
    (value.examples === null || isExampleDiff(value.examples)) &&
    isStringArray(value.problems) &&
    Array.isArray(value.evaluations) &&
    value.evaluations.every(isEvaluationChoice) &&
    (value.evaluation === null || typeof value.evaluation === 'string') &&
    (value.tradeoff === null || isTradeoffData(value.tradeoff, n))
  );
}

/** Checks a message from the host (the webview trusts nothing it did not check). */
export function isCompareDownMessage(value: unknown): value is CompareDownMessage {
  return isRecord(value) && value.type === 'compare/stateChanged' && isRecord(value.payload) && isCompareState(value.payload.state);
}
