// Picks the input columns of a tabular task.

import type { ColumnInfo, TaskKind } from '../../protocol/datasetTypes';
import type { ColumnStats } from './columnStats';

/** Categorical columns with more distinct values than this are not used as features. */
const MAX_FEATURE_CATEGORIES = 50;

/**
 * Every column except the label and the text column whose kind is numeric, boolean, or categorical
 * with few values; never empty or ID-like columns (all values distinct and not numbers).
 * Empty for text tasks, whose input is the text column.
 */
export function featureColumns(
  columns: readonly ColumnInfo[],
  stats: readonly ColumnStats[],
  task: TaskKind | null,
  label: string | null,
  text: string | null,
): string[] {
  if (task === null || task === 'text-classification') return [];
  return columns
    .filter((c, i) => {
      if (c.name === label || c.name === text) return false;
      const idLike = c.kind === 'categorical' && stats[i].allDistinct;
      if (idLike) return false;
      return c.kind === 'numeric' || c.kind === 'boolean' || (c.kind === 'categorical' && c.distinct <= MAX_FEATURE_CATEGORIES);
    })
    .map((c) => c.name);
}
