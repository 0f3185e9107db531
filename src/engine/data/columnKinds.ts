// Infers what a column holds from its streaming counters.

import type { ColumnInfo, ColumnKind } from '../../protocol/datasetTypes';
import type { ColumnStats } from './columnStats';

/** A column is numeric when at least this share of its non-empty values are numbers. */
export const NUMERIC_SHARE = 0.95;
/** Categorical columns have at most max(this, CATEGORICAL_SHARE of rows) distinct values... */
const CATEGORICAL_MIN_DISTINCT = 20;
const CATEGORICAL_SHARE = 0.05;
/** ...and values shorter than this on average. */
const CATEGORICAL_MAX_LENGTH = 40;

export function columnKind(stats: ColumnStats): ColumnKind {
  if (stats.nonEmpty === 0) return 'empty';
  const isBoolean =
    stats.booleanLike === stats.nonEmpty && stats.booleanWords > 0 && stats.lowerDistinct.size === 2;
  if (isBoolean) return 'boolean';
  if (stats.numericRatio >= NUMERIC_SHARE) return 'numeric';
  const categoricalLimit = Math.max(CATEGORICAL_MIN_DISTINCT, CATEGORICAL_SHARE * stats.nonEmpty);
  if (stats.distinct.size <= categoricalLimit && stats.averageLength < CATEGORICAL_MAX_LENGTH) return 'categorical';
  return 'text';
}

export function columnInfo(name: string, stats: ColumnStats): ColumnInfo {
  const kind = columnKind(stats);
  return {
    name,
    kind,
    missing: stats.missing,
    distinct: stats.distinct.size,
    labelCandidate: kind === 'numeric' || kind === 'boolean' || kind === 'categorical',
  };
}
