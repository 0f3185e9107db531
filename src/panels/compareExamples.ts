// The per-example section of the comparison panel: the fixed and broken rows of two runs, each
// with its input read from the dataset file at its line (the text column of a text run, a
// compact `col=value` list for a tabular one). Pure Node, no vscode.

import type { ExampleDiff, ExampleRow } from '../protocol/comparePanelProtocol';
import type { RunRecord } from '../protocol/runTypes';
import { readDatasetLines, type DatasetLines } from './datasetLineReader';
import { diffPredictions, type PairedPrediction, type PredictionSide } from './comparePerExample';

/** Rows sent per list (fixed, broken); the counts say how many there are in all. */
export const MAX_EXAMPLE_ROWS = 200;
/** Longest input shown; longer ones end with an ellipsis. */
export const MAX_INPUT_CHARS = 600;

export type LineReader = (path: string, lines: readonly number[]) => Promise<DatasetLines>;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_INPUT_CHARS ? `${flat.slice(0, MAX_INPUT_CHARS - 1)}…` : flat;
}

/** What a row shows as its input: the text column, or the feature columns as `col=value`. */
export function inputText(run: RunRecord, values: ReadonlyMap<string, string>): string {
  const d = run.dataset;
  if (d?.text) return clip(values.get(d.text) ?? '');
  const columns = d && d.features.length > 0 ? d.features : [...values.keys()].filter((c) => c !== d?.label);
  return clip(columns.map((c) => `${c}=${values.get(c) ?? ''}`).join(', '));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function compareExamples(baseline: PredictionSide, candidate: PredictionSide, read: LineReader = readDatasetLines): Promise<ExampleDiff> {
  const diff = diffPredictions(baseline, candidate);
  if (diff.kind === 'unavailable') return diff;
  const run = baseline.run;
  const datasetPath = run.dataset?.path ?? run.config.datasetPath;
  const fixed = diff.fixed.slice(0, MAX_EXAMPLE_ROWS);
  const broken = diff.broken.slice(0, MAX_EXAMPLE_ROWS);
  let note: string | null = null;
  let rows = new Map<number, Map<string, string>>();
  try {
    const lines = await read(datasetPath, [...fixed, ...broken].map((p) => p.line));
    rows = lines.rows;
    if (run.dataset && lines.fingerprint !== run.dataset.fingerprint) {
      note = `${datasetPath} changed since these runs were trained: the inputs shown are its lines today and may not be the rows that were evaluated.`;
    }
  } catch (error) {
    note = `The inputs are not shown: ${message(error)}`;
  }
  const toRow = (p: PairedPrediction): ExampleRow => {
    const values = rows.get(p.line);
    return { ...p, input: values ? inputText(run, values) : null };
  };
  return {
    kind: 'compared',
    rows: diff.rows,
    fixedCount: diff.fixed.length,
    brokenCount: diff.broken.length,
    bothRight: diff.bothRight,
    bothWrong: diff.bothWrong,
    fixed: fixed.map(toRow),
    broken: broken.map(toRow),
    datasetPath,
    note,
  };
}
