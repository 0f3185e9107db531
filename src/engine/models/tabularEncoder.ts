// Tabular input encoding fitted on the training split: numeric columns standardized, booleans as
// 0/1, categorical columns one-hot over the most frequent training categories.

import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Example } from '../data/example';
import type { EncoderState, InputEncoder, TabularColumnEncoding } from './modelTypes';
import { KerasWordIndexEncoder, readWordIndex, type WordIndex } from './nnSentimentTokenizer';
import { imageEncoderFromState } from '../data/images/imageEncoder';

export type TabularColumnKind = 'numeric' | 'boolean' | 'categorical';

/** Categorical columns keep at most this many (most frequent) training categories. */
export const MAX_CATEGORIES = 50;

const TRUE_VALUES = new Set(['true', 'yes', 'y', '1']);

/** A cell as a finite number, or null when it is empty or not a number. */
export function parseNumericCell(cell: string | undefined): number | null {
  if (cell === undefined) return null;
  const text = cell.trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** true / yes / y / 1 (any case, trimmed) → 1; anything else, missing included → 0. */
export function parseBooleanCell(cell: string | undefined): number {
  return cell !== undefined && TRUE_VALUES.has(cell.trim().toLowerCase()) ? 1 : 0;
}

function fitNumeric(train: readonly Example[], column: string): TabularColumnEncoding {
  const values: number[] = [];
  for (const e of train) {
    const v = parseNumericCell(e.values[column]);
    if (v !== null) values.push(v);
  }
  if (values.length === 0) return { column, type: 'numeric', mean: 0, std: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length;
  const std = Math.sqrt(variance);
  return { column, type: 'numeric', mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

function fitCategorical(train: readonly Example[], column: string): TabularColumnEncoding {
  const counts = new Map<string, number>();
  for (const e of train) {
    const cell = (e.values[column] ?? '').trim();
    if (cell === '') continue;
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  // Most frequent first; ties in code-unit order, so the encoding does not depend on row order.
  const categories = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_CATEGORIES)
    .map(([category]) => category);
  return { column, type: 'one-hot', categories };
}

/** Features one column encodes to. */
export function encodedWidth(encoding: TabularColumnEncoding): number {
  return encoding.type === 'one-hot' ? encoding.categories.length : 1;
}

/** "age, smoker, city (one-hot 5)": what the features are, for error messages. */
export function describeTabularColumns(columns: readonly TabularColumnEncoding[]): string {
  return columns.map((c) => (c.type === 'one-hot' ? `${c.column} (one-hot ${c.categories.length})` : c.column)).join(', ');
}

class TabularEncoder implements InputEncoder {
  readonly state: Extract<EncoderState, { kind: 'tabular' }>;
  readonly width: number;
  private readonly lookups: Array<Map<string, number> | null>;

  constructor(columns: TabularColumnEncoding[]) {
    this.state = { kind: 'tabular', columns };
    this.width = columns.reduce((n, c) => n + encodedWidth(c), 0);
    this.lookups = columns.map((c) => (c.type === 'one-hot' ? new Map(c.categories.map((cat, i) => [cat, i])) : null));
  }

  encode(examples: readonly Example[]): tf.Tensor2D {
    const width = this.width;
    const data = new Float32Array(examples.length * width);
    examples.forEach((example, row) => {
      let offset = row * width;
      this.state.columns.forEach((c, k) => {
        const cell = example.values[c.column];
        if (c.type === 'numeric') {
          const v = parseNumericCell(cell);
          // Missing or non-numeric → the training mean, i.e. 0 after standardization.
          data[offset] = v === null ? 0 : (v - c.mean) / c.std;
          offset += 1;
        } else if (c.type === 'boolean') {
          data[offset] = parseBooleanCell(cell);
          offset += 1;
        } else {
          const index = this.lookups[k]?.get((cell ?? '').trim());
          if (index !== undefined) data[offset + index] = 1; // unseen → all zeros
          offset += c.categories.length;
        }
      });
    });
    return tf.tensor2d(data, [examples.length, width], 'float32');
  }
}

/**
 * Fits the encoding of `featureColumns` (in that order) on the training examples.
 * numeric: (x - mean) / std with the train mean and population std (std 0 → 1); missing or
 * non-numeric → 0. boolean: true/yes/y/1 → 1, else 0. categorical: one-hot over the
 * MAX_CATEGORIES most frequent non-empty train values; unseen or empty → all zeros.
 */
export function fitTabularEncoder(
  train: readonly Example[],
  featureColumns: readonly string[],
  kinds: Readonly<Record<string, TabularColumnKind>>,
): InputEncoder {
  const columns = featureColumns.map((column): TabularColumnEncoding => {
    const kind = kinds[column];
    switch (kind) {
      case 'numeric':
        return fitNumeric(train, column);
      case 'boolean':
        return { column, type: 'boolean' };
      case 'categorical':
        return fitCategorical(train, column);
      default:
        throw new Error(`Feature column '${column}' has no kind (numeric, boolean or categorical).`);
    }
  });
  return new TabularEncoder(columns);
}

/** Rebuilds a fitted tabular encoder from its saved state. */
export function tabularEncoderFromState(state: EncoderState): InputEncoder {
  if (state.kind !== 'tabular') throw new Error(`Expected a tabular encoder state, got '${state.kind}'.`);
  for (const c of state.columns) {
    if (c.type === 'numeric' && !(Number.isFinite(c.mean) && Number.isFinite(c.std) && c.std > 0)) {
      throw new Error(`Bad encoder state for column '${c.column}': mean ${c.mean}, std ${c.std}.`);
    }
  }
  return new TabularEncoder(state.columns.map((c) => ({ ...c })));
}

/**
 * Rebuilds any encoder from its saved state. Text encoders need their word index: give it,
 * or a path to word_index.json, or the model folder that holds word_index.json.
 */
export function encoderFromState(state: EncoderState, wordIndex?: WordIndex | string): InputEncoder {
  if (state.kind === 'tabular') return tabularEncoderFromState(state);
  if (state.kind === 'image') return imageEncoderFromState(state);
  if (state.tokenizer === 'hf') throw new Error('A Hugging Face tokenizer is restored from its model folder (restoreEncoder), not from a word index.');
  if (wordIndex === undefined) {
    throw new Error('A text encoder needs its word index: pass the word index, word_index.json, or the model folder.');
  }
  let index: WordIndex;
  if (typeof wordIndex === 'string') {
    const file = wordIndex.endsWith('.json') ? wordIndex : join(wordIndex, 'word_index.json');
    index = readWordIndex(file);
  } else {
    index = wordIndex;
  }
  return new KerasWordIndexEncoder(index, {
    textColumn: state.textColumn,
    sequenceLength: state.sequenceLength,
    vocabularySize: state.vocabularySize,
    lowercase: state.lowercase,
  });
}
