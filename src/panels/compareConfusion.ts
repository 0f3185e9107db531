// Confusion matrices of two runs and their difference (candidate − baseline), on the union of
// their labels in the baseline's order. Pure.

import type { ConfusionDifference, ConfusionMatrix } from '../protocol/comparePanelProtocol';
import type { Evaluation } from '../protocol/runTypes';

/** The confusion matrix of a classification evaluation; null for regression or none. */
export function confusionOf(evaluation: Evaluation | null): ConfusionMatrix | null {
  if (!evaluation || evaluation.task === 'tabular-regression') return null;
  return { labels: [...evaluation.confusion.labels], matrix: evaluation.confusion.matrix.map((row) => [...row]) };
}

function countAt(m: ConfusionMatrix, truth: string, predicted: string): number {
  const i = m.labels.indexOf(truth);
  const j = m.labels.indexOf(predicted);
  if (i < 0 || j < 0) return 0;
  return m.matrix[i]?.[j] ?? 0;
}

function total(m: ConfusionMatrix): number {
  return m.matrix.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
}

/**
 * candidate − baseline per (true, predicted) cell. A positive diagonal cell is more rows right; a
 * positive cell off the diagonal is more of that mistake. `sameRows` false adds a note: counts of
 * different test rows are not directly comparable.
 */
export function confusionDifference(baseline: ConfusionMatrix, candidate: ConfusionMatrix, sameRows: boolean): ConfusionDifference {
  const labels = [...baseline.labels];
  for (const label of candidate.labels) if (!labels.includes(label)) labels.push(label);
  const matrix = labels.map((truth) => labels.map((predicted) => countAt(candidate, truth, predicted) - countAt(baseline, truth, predicted)));
  let note: string | null = null;
  if (!sameRows) {
    const a = total(baseline);
    const b = total(candidate);
    note =
      a === b
        ? 'The two runs were evaluated on different test rows: the difference compares counts, not the same rows.'
        : `The two runs were evaluated on different test rows (${a} and ${b}): the difference compares counts, not the same rows.`;
  }
  return { labels, matrix, note };
}
