// Per-example differences of two classification runs: on the same test rows, the rows the
// candidate gets right and the baseline wrong (fixed) and the reverse (broken). Runs evaluated on
// different rows (another dataset file or version, another split) are told apart with a reason,
// never matched line by line. Pure.

import type { ExamplePrediction } from '../protocol/comparePanelProtocol';
import type { PredictionRecord, RunRecord } from '../protocol/runTypes';

export interface PredictionSide {
  run: RunRecord;
  /** null when the run has no predictions.jsonl. */
  predictions: PredictionRecord[] | null;
}

export interface PairedPrediction {
  line: number;
  label: string;
  baseline: ExamplePrediction;
  candidate: ExamplePrediction;
}

export type PredictionDiff =
  | {
      kind: 'compared';
      rows: number;
      /** Baseline wrong, candidate right; by line. */
      fixed: PairedPrediction[];
      /** Baseline right, candidate wrong; by line. */
      broken: PairedPrediction[];
      bothRight: number;
      bothWrong: number;
    }
  | { kind: 'unavailable'; message: string };

function quoted(run: RunRecord): string {
  return `"${run.name}"`;
}

/** The probability a run gave its own prediction (classes in model-output order). */
export function confidenceOf(record: PredictionRecord, classes: readonly string[]): number | null {
  if (!record.probabilities) return null;
  const index = classes.indexOf(String(record.prediction));
  const p = index >= 0 ? record.probabilities[index] : undefined;
  return typeof p === 'number' && Number.isFinite(p) ? p : null;
}

function side(record: PredictionRecord, run: RunRecord): ExamplePrediction {
  return { prediction: String(record.prediction), confidence: confidenceOf(record, run.dataset?.classes ?? []) };
}

function byLine(predictions: readonly PredictionRecord[]): Map<number, PredictionRecord> {
  const map = new Map<number, PredictionRecord>();
  for (const p of predictions) map.set(p.line, p);
  return map;
}

function describeLines(lines: readonly number[]): string {
  const shown = lines.slice(0, 5).join(', ');
  return lines.length > 5 ? `${shown} and ${lines.length - 5} more` : shown;
}

/** Why the two runs cannot be compared row by row; null when they can. */
function mismatch(a: PredictionSide, b: PredictionSide, ra: Map<number, PredictionRecord>, rb: Map<number, PredictionRecord>): string | null {
  for (const s of [a, b]) {
    if (s.run.dataset?.task === 'tabular-regression') {
      return `Per-example differences compare right and wrong predictions of classification runs; ${quoted(s.run)} is a regression run.`;
    }
  }
  const da = a.run.dataset;
  const db = b.run.dataset;
  if (da && db && da.fingerprint !== db.fingerprint) {
    const file = da.path === db.path ? `different versions of ${da.path}` : `different dataset files (${da.path} and ${db.path})`;
    return `${quoted(a.run)} and ${quoted(b.run)} were trained on ${file}: their test rows cannot be matched line by line.`;
  }
  const onlyA = [...ra.keys()].filter((line) => !rb.has(line)).sort((x, y) => x - y);
  const onlyB = [...rb.keys()].filter((line) => !ra.has(line)).sort((x, y) => x - y);
  if (onlyA.length > 0 || onlyB.length > 0) {
    const shared = ra.size - onlyA.length;
    const parts: string[] = [];
    if (onlyA.length > 0) parts.push(`${onlyA.length} only in ${quoted(a.run)} (lines ${describeLines(onlyA)})`);
    if (onlyB.length > 0) parts.push(`${onlyB.length} only in ${quoted(b.run)} (lines ${describeLines(onlyB)})`);
    return (
      `${quoted(a.run)} and ${quoted(b.run)} were evaluated on different test rows: ${shared} shared, ${parts.join(', ')}. ` +
      'Their splits differ (split fractions or seed); per-example differences need the same test rows.'
    );
  }
  for (const [line, pa] of ra) {
    const pb = rb.get(line);
    if (pb && String(pa.label) !== String(pb.label)) {
      return `Line ${line} has the label "${String(pa.label)}" in ${quoted(a.run)} and "${String(pb.label)}" in ${quoted(b.run)}: the runs use different label columns.`;
    }
  }
  return null;
}

export function diffPredictions(baseline: PredictionSide, candidate: PredictionSide): PredictionDiff {
  for (const s of [baseline, candidate]) {
    if (s.predictions === null) {
      return {
        kind: 'unavailable',
        message: `${quoted(s.run)} has no test predictions yet: predictions.jsonl is written when the run is evaluated, at the end of training.`,
      };
    }
  }
  const ra = byLine(baseline.predictions ?? []);
  const rb = byLine(candidate.predictions ?? []);
  const reason = mismatch(baseline, candidate, ra, rb);
  if (reason !== null) return { kind: 'unavailable', message: reason };
  if (ra.size === 0) return { kind: 'unavailable', message: `${quoted(baseline.run)} has no test predictions: its test split is empty.` };

  const fixed: PairedPrediction[] = [];
  const broken: PairedPrediction[] = [];
  let bothRight = 0;
  let bothWrong = 0;
  const lines = [...ra.keys()].sort((x, y) => x - y);
  for (const line of lines) {
    const pa = ra.get(line);
    const pb = rb.get(line);
    if (!pa || !pb) continue;
    const label = String(pa.label);
    const rightA = String(pa.prediction) === label;
    const rightB = String(pb.prediction) === label;
    if (rightA && rightB) bothRight++;
    else if (!rightA && !rightB) bothWrong++;
    else {
      const paired = { line, label, baseline: side(pa, baseline.run), candidate: side(pb, candidate.run) };
      (rightB ? fixed : broken).push(paired);
    }
  }
  return { kind: 'compared', rows: lines.length, fixed, broken, bothRight, bothWrong };
}
