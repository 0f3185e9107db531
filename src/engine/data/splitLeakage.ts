// Finds inputs that appear in more than one split: the model would be scored on what it trained on.

import { createHash } from 'node:crypto';
import type { DatasetProblem, SplitName } from '../../protocol/datasetTypes';
import type { Example } from './example';

/** Leakage problems listed one by one; the rest are summed up in one more problem. */
const MAX_LEAK_PROBLEMS = 200;

export interface LeakageInput {
  /** The text column of text tasks: its trimmed value is the input. */
  textColumn?: string | null;
  /** The feature columns of tabular tasks; every column when absent. */
  inputColumns?: readonly string[];
}

export function findSplitLeakage(splits: Record<SplitName, readonly Example[]>, input: LeakageInput): DatasetProblem[] {
  const seen = new Map<string, { split: SplitName; line: number }>();
  const problems: DatasetProblem[] = [];
  let unlisted = 0;
  for (const split of ['train', 'validation', 'test'] as const) {
    for (const example of splits[split]) {
      const key = inputKey(example, input);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, { split, line: example.line });
      } else if (first.split !== split) {
        if (problems.length >= MAX_LEAK_PROBLEMS) {
          unlisted++;
          continue;
        }
        problems.push({
          line: example.line,
          kind: 'split-leakage',
          severity: 'warning',
          message: `Line ${example.line} (${split}) has the same input as line ${first.line} (${first.split}), so the ${split} score partly measures memorised examples. Remove the duplicate from the dataset.`,
        });
      }
    }
  }
  if (unlisted > 0) {
    problems.push({
      line: 0,
      kind: 'split-leakage',
      severity: 'warning',
      message: `${unlisted} more examples share their input with an example of another split. Remove duplicate inputs from the dataset.`,
    });
  }
  return problems;
}

function inputKey(example: Example, input: LeakageInput): string {
  const hash = createHash('sha1');
  if (input.textColumn) {
    hash.update((example.values[input.textColumn] ?? '').trim());
  } else {
    const columns = input.inputColumns ?? Object.keys(example.values).sort();
    for (const column of columns) hash.update(column).update('\u0000').update(example.values[column] ?? '').update('\u0000');
  }
  return hash.digest('base64');
}
