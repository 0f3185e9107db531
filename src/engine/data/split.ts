// Splits examples into train, validation and test: seeded and reproducible on every platform,
// stratified by label for classification, with a check for inputs shared between splits.

import type { DatasetProblem, SplitFractions, TaskKind } from '../../protocol/datasetTypes';
import { SeededRng } from '../training/rng';
import { MIN_CLASS_EXAMPLES } from './classBalance';
import type { Example } from './example';
import { findSplitLeakage } from './splitLeakage';

export interface SplitResult {
  /** Each split in file-line order. */
  train: Example[];
  validation: Example[];
  test: Example[];
  problems: DatasetProblem[];
}

/**
 * @param textColumn the input column of text tasks (leakage compares its values).
 * @param inputColumns the feature columns of tabular tasks (leakage compares them); all columns when absent.
 */
export function splitDataset(
  examples: readonly Example[],
  task: TaskKind,
  fractions: SplitFractions,
  seed: number,
  textColumn?: string | null,
  inputColumns?: readonly string[],
): SplitResult {
  checkFractions(fractions);
  const rng = new SeededRng(seed);
  const result: SplitResult = { train: [], validation: [], test: [], problems: [] };
  const ordered = [...examples].sort((a, b) => a.line - b.line);
  if (task === 'tabular-regression') {
    splitGroup(ordered, fractions, rng, result);
  } else {
    for (const [label, group] of groupByLabel(ordered)) {
      if (group.length < MIN_CLASS_EXAMPLES) {
        result.train.push(...group);
        result.problems.push({
          line: 0,
          kind: 'too-few-examples',
          severity: 'warning',
          message: `Class "${label}" has only ${group.length} example${group.length === 1 ? '' : 's'}, so all of them went to train and validation and test have none. Add examples of this class.`,
        });
      } else {
        splitGroup(group, fractions, rng, result);
      }
    }
  }
  for (const split of [result.train, result.validation, result.test]) split.sort((a, b) => a.line - b.line);
  result.problems.push(
    ...findSplitLeakage(result, task === 'text-classification' ? { textColumn } : { inputColumns }),
  );
  return result;
}

function checkFractions({ validation, test }: SplitFractions): void {
  const valid = (f: number): boolean => Number.isFinite(f) && f >= 0 && f < 1;
  if (!valid(validation) || !valid(test) || validation + test >= 1) {
    throw new RangeError(
      `Split fractions must be in [0, 1) and leave some rows for training; got validation ${validation} and test ${test}.`,
    );
  }
}

/** Groups in label order (code-unit order, the same on every platform). */
function groupByLabel(examples: readonly Example[]): [string, Example[]][] {
  const groups = new Map<string, Example[]>();
  for (const example of examples) {
    const group = groups.get(example.label);
    if (group) group.push(example);
    else groups.set(example.label, [example]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Shuffles one group and deals it out; every split with a fraction gets at least one example when it can. */
function splitGroup(group: readonly Example[], fractions: SplitFractions, rng: SeededRng, result: SplitResult): void {
  const shuffled = rng.shuffle([...group]);
  const n = shuffled.length;
  const share = (f: number): number => (f > 0 && n >= MIN_CLASS_EXAMPLES ? Math.max(1, Math.round(n * f)) : Math.round(n * f));
  let test = share(fractions.test);
  let validation = share(fractions.validation);
  while (n > 0 && test + validation > n - 1) {
    if (test >= validation && test > 0) test--;
    else validation--;
  }
  result.test.push(...shuffled.slice(0, test));
  result.validation.push(...shuffled.slice(test, test + validation));
  result.train.push(...shuffled.slice(test + validation));
}
