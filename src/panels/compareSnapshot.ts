// Builds the state the comparison webview shows from the runs as read from the run store, in
// column order (sorted when a sort is set), with the pair's confusion difference. Pure.

import type { ComparePair, CompareRunColumn, CompareState, EvaluationChoice, ExampleDiff, RunCurves, TableSort } from '../protocol/comparePanelProtocol';
import { sameRef } from '../protocol/comparePanelProtocol';
import { diffConfigs } from './compareConfigDiff';
import { evaluatedRun } from './compareEvaluations';
import { confusionDifference, confusionOf } from './compareConfusion';
import { curveMetrics, runCurves } from './compareCurves';
import { buildMetricsTable } from './compareMetricsTable';
import type { CompareRunData } from './compareRunData';
import { columnOrder } from './compareSort';
import { stepsPerEpoch } from './compareThroughput';
import { buildTradeoff } from './compareTradeoff';

export interface CompareSnapshotInput {
  /** In the order they were added. */
  runs: readonly CompareRunData[];
  /** Colour slot per run, aligned with `runs`. */
  colors: readonly number[];
  onlyDifferences: boolean;
  sort: TableSort | null;
  /** The pair resolved by `resolvePair`. */
  pair: ComparePair | null;
  examples: ExampleDiff | null;
  curvesVersion: number;
  problems: readonly string[];
  /** Named evaluations every run has (default none). */
  evaluations?: readonly EvaluationChoice[];
  /** The evaluation `runs` show (their evaluation and predictions are its); null/absent: the test split. */
  evaluation?: string | null;
}

/** Curves of a run as loaded (a reload makes a new object): toggles and sorts do not recompute them. */
const curvesCache = new WeakMap<CompareRunData, RunCurves>();

function curvesOf(data: CompareRunData): RunCurves {
  let curves = curvesCache.get(data);
  if (!curves) {
    curves = runCurves(data.metrics);
    curvesCache.set(data, curves);
  }
  return curves;
}

/** The pair asked for when both of its runs are shown; else the first two runs; null with fewer than two. */
export function resolvePair(pair: ComparePair | null, runs: readonly CompareRunData[]): ComparePair | null {
  const has = (ref: ComparePair['baseline']): boolean => runs.some((r) => sameRef(r.ref, ref));
  if (pair && has(pair.baseline) && has(pair.candidate) && !sameRef(pair.baseline, pair.candidate)) return pair;
  if (runs.length < 2) return null;
  return { baseline: runs[0].ref, candidate: runs[1].ref };
}

/** The same lines were evaluated (the sets of predictions.jsonl lines are equal). */
function sameTestRows(a: CompareRunData, b: CompareRunData): boolean {
  const sameFile = evaluatedRun(a).dataset?.fingerprint === evaluatedRun(b).dataset?.fingerprint;
  if (!a.predictions || !b.predictions) return a.evaluation?.rows === b.evaluation?.rows && sameFile;
  const la = new Set(a.predictions.map((p) => p.line));
  const lb = new Set(b.predictions.map((p) => p.line));
  return la.size === lb.size && [...la].every((line) => lb.has(line)) && sameFile;
}

function column(data: CompareRunData, color: number): CompareRunColumn {
  return {
    ref: data.ref,
    name: data.run.name,
    status: data.run.status,
    technique: data.run.config.technique,
    task: data.run.dataset?.task ?? null,
    color,
    stepsPerEpoch: stepsPerEpoch(data.run),
  };
}

export function buildCompareState(input: CompareSnapshotInput): CompareState {
  const unsortedRows = buildMetricsTable(input.runs);
  const order = columnOrder(unsortedRows, input.sort, input.runs.length);
  const runs = order.map((i) => input.runs[i]);
  const colors = order.map((i) => input.colors[i] ?? i);
  const sortedRows = order.every((i, k) => i === k) ? unsortedRows : buildMetricsTable(runs);
  const evaluation = input.evaluation ?? null;
  // A named evaluation's figures replace the test split's: their group says which evaluation they are.
  const metrics = evaluation === null ? sortedRows : sortedRows.map((r) => (r.group === 'Test' ? { ...r, group: `Evaluation "${evaluation}"` } : r));
  const confusions = runs.map((r) => confusionOf(r.evaluation));
  const pair = input.pair;
  let difference: CompareState['confusionDifference'] = null;
  if (pair) {
    const a = runs.find((r) => sameRef(r.ref, pair.baseline));
    const b = runs.find((r) => sameRef(r.ref, pair.candidate));
    const ca = a ? confusionOf(a.evaluation) : null;
    const cb = b ? confusionOf(b.evaluation) : null;
    if (a && b && ca && cb) difference = confusionDifference(ca, cb, sameTestRows(a, b));
  }
  const curves = runs.map(curvesOf);
  return {
    runs: runs.map((r, k) => column(r, colors[k])),
    metrics,
    config: diffConfigs(runs.map((r) => r.run)),
    onlyDifferences: input.onlyDifferences,
    sort: input.sort,
    curves,
    curveMetrics: curveMetrics(curves),
    curvesVersion: input.curvesVersion,
    confusions,
    pair,
    confusionDifference: difference,
    examples: pair ? input.examples : null,
    problems: [...input.problems, ...runs.flatMap((r) => r.problems)],
    evaluations: [...(input.evaluations ?? [])],
    evaluation,
    tradeoff: buildTradeoff(runs),
  };
}
