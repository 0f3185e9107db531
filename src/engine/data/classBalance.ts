// Warnings about the label distribution: classes too small to split, and severe imbalance.

import type { LabelCount } from '../../protocol/datasetTypes';
import type { ProblemLog } from './problemLog';

/** A class needs this many examples to appear in train, validation and test. */
export const MIN_CLASS_EXAMPLES = 3;
/** The majority class this many times the minority one is severe imbalance. */
const IMBALANCE_RATIO = 10;

/** Label counts, most frequent first (ties by label, so the order is stable). */
export function sortedLabelCounts(counts: ReadonlyMap<string, number>): LabelCount[] {
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export function reportClassBalance(counts: readonly LabelCount[], labelColumn: string, log: ProblemLog): void {
  for (const { label, count } of counts) {
    if (count < MIN_CLASS_EXAMPLES) {
      log.addSummary(
        'too-few-examples',
        'warning',
        `Class "${label}" of "${labelColumn}" has only ${count} example${count === 1 ? '' : 's'}, too few to appear in train, validation and test; it will be used for training only. Add examples, or merge or remove the class.`,
      );
    }
  }
  if (counts.length < 2) return;
  const majority = counts[0];
  const minority = counts[counts.length - 1];
  if (majority.count >= IMBALANCE_RATIO * minority.count) {
    log.addSummary(
      'class-imbalance',
      'warning',
      `The label "${labelColumn}" is severely imbalanced: "${majority.label}" has ${majority.count} examples and "${minority.label}" only ${minority.count} (${Math.round(majority.count / minority.count)}x). Collect more examples of the rare classes, or judge the model by macro-F1 rather than accuracy.`,
    );
  }
}
