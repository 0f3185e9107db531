// Chooses the label column, the input text column and the task from the inferred columns.

import type { ColumnInfo, TaskKind } from '../../protocol/datasetTypes';
import type { ColumnStats } from './columnStats';
import { DatasetError } from './datasetError';

/** Conventional label names, most telling first (matched without regard to case). */
const LABEL_NAMES = ['label', 'target', 'class', 'category', 'sentiment', 'score', 'y', 'rating', 'outcome'];
/** A numeric label with more distinct values than this is a regression target. */
export const MAX_CLASSES = 20;

export interface DatasetChoice {
  label: string | null;
  labelReason: string;
  text: string | null;
  task: TaskKind | null;
}

export interface ChoiceRequest {
  label?: string | null;
  text?: string | null;
}

export function chooseColumns(
  path: string,
  columns: readonly ColumnInfo[],
  stats: readonly ColumnStats[],
  request: ChoiceRequest,
): DatasetChoice {
  const names = columns.map((c) => c.name);
  const find = (wanted: string, role: string): number => {
    const index = names.indexOf(wanted);
    if (index === -1) {
      throw new DatasetError(
        `The ${role} column "${wanted}" does not exist; the columns are ${names.map((n) => `"${n}"`).join(', ')}`,
        path,
        `Choose one of these columns as the ${role}.`,
      );
    }
    return index;
  };
  const textAsked = request.text ? find(request.text, 'text') : -1;
  const { index: labelIndex, reason } = request.label
    ? { index: find(request.label, 'label'), reason: `asked for: column "${request.label}"` }
    : inferLabel(columns, textAsked);
  if (labelIndex === -1) return { label: null, labelReason: reason, text: request.text ?? null, task: null };
  if (labelIndex === textAsked) {
    throw new DatasetError(`The column "${names[labelIndex]}" cannot be both the label and the text`, path, 'Choose different label and text columns.');
  }
  const labelColumn = columns[labelIndex];
  const regression = labelColumn.kind === 'numeric' && stats[labelIndex].distinct.size > MAX_CLASSES;
  const textIndex = textAsked !== -1 ? textAsked : regression ? -1 : inferText(columns, stats, labelIndex);
  const task: TaskKind = regression ? 'tabular-regression' : textIndex !== -1 ? 'text-classification' : 'tabular-classification';
  return { label: labelColumn.name, labelReason: reason, text: textIndex === -1 ? null : names[textIndex], task };
}

function inferLabel(columns: readonly ColumnInfo[], textIndex: number): { index: number; reason: string } {
  const usable = (i: number): boolean => i !== textIndex && columns[i].labelCandidate;
  for (const wanted of LABEL_NAMES) {
    const index = columns.findIndex((c, i) => c.name.trim().toLowerCase() === wanted && usable(i));
    if (index !== -1) return { index, reason: `inferred: column "${columns[index].name}" has a usual label name` };
  }
  for (let i = columns.length - 1; i >= 0; i--) {
    if (usable(i)) {
      const c = columns[i];
      return {
        index: i,
        reason: `inferred: "${c.name}" is the last column that can be a label (${c.kind}, ${c.distinct} distinct values)`,
      };
    }
  }
  return {
    index: -1,
    reason: 'no column can be a label (every column is free text or empty); choose the label column explicitly',
  };
}

/** The text-kind column of prose (most values several words; not IDs) with the longest values, or -1. */
function inferText(columns: readonly ColumnInfo[], stats: readonly ColumnStats[], labelIndex: number): number {
  let best = -1;
  for (let i = 0; i < columns.length; i++) {
    if (i === labelIndex || columns[i].kind !== 'text' || !stats[i].wordy) continue;
    if (best === -1 || stats[i].averageLength > stats[best].averageLength) best = i;
  }
  return best;
}
