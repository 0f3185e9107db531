// Decides whether the first record of a CSV/TSV file is a header, from the first records.

import { isNumericValue } from './cellValues';

/** Records looked at (the first one included). */
export const HEADER_SAMPLE_RECORDS = 50;

/** A column name: starts with a letter or "_", at most 5 words, no sentence punctuation. */
const NAME = /^[\p{L}_][\p{L}\p{N}_ .\-()/#%&+]*$/u;
const MAX_NAME_LENGTH = 64;
const MAX_NAME_WORDS = 5;

export interface HeaderDecision {
  hasHeader: boolean;
  /** Fields each data record should have. */
  expectedFields: number;
}

export function detectHeader(sample: readonly (readonly string[])[]): HeaderDecision {
  if (sample.length === 0) return { hasHeader: false, expectedFields: 0 };
  const first = sample[0].map((v) => v.trim());
  const rest = sample.slice(1);
  const restFields = rest.length > 0 ? modalLength(rest) : first.length;
  if (first.length !== restFields) return { hasHeader: false, expectedFields: modalLength(sample) };
  const decision = { hasHeader: false, expectedFields: first.length };
  const plainNames =
    first.every((v) => v !== '' && !isNumericValue(v)) && new Set(first).size === first.length;
  if (!plainNames) return decision;
  const rows = rest.filter((r) => r.length === first.length);
  const numericBelow = first.some((_name, j) => mostlyNumeric(rows.map((r) => r[j].trim())));
  const namesRepeated = first.some((name, j) => rows.some((r) => r[j].trim() === name));
  const looksLikeNames = first.every(isNameLike) && !namesRepeated;
  return { ...decision, hasHeader: numericBelow || looksLikeNames };
}

function isNameLike(value: string): boolean {
  return value.length <= MAX_NAME_LENGTH && NAME.test(value) && value.split(/\s+/).length <= MAX_NAME_WORDS;
}

function mostlyNumeric(values: readonly string[]): boolean {
  const present = values.filter((v) => v !== '');
  return present.length > 0 && present.filter(isNumericValue).length * 2 >= present.length;
}

/** The most common record length (the larger one on ties). */
function modalLength(records: readonly (readonly string[])[]): number {
  const tally = new Map<number, number>();
  for (const r of records) tally.set(r.length, (tally.get(r.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [length, count] of tally) {
    if (count > bestCount || (count === bestCount && length > best)) {
      best = length;
      bestCount = count;
    }
  }
  return best;
}
