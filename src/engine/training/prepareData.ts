// Reads a dataset for training: usable examples, task, classes, and the seeded split.

import type { DatasetInspection, TaskKind } from '../../protocol/datasetTypes';
import type { TrainConfig } from '../../protocol/configTypes';
import type { Example } from '../data/example';
import { loadDataset } from '../data/loadDataset';
import { splitDataset, type SplitResult } from '../data/split';
import { UserError } from '../userError';

export interface PreparedData {
  inspection: DatasetInspection;
  task: TaskKind;
  label: string;
  textColumn: string | null;
  /** Input columns of tabular tasks. */
  features: string[];
  /** Class names in model-output order (sorted), empty for regression. */
  classes: string[];
  split: SplitResult;
}

export async function prepareData(config: TrainConfig): Promise<PreparedData> {
  const loaded = await loadDataset(config.datasetPath, { label: config.labelColumn, text: config.textColumn });
  const { inspection } = loaded;
  if (!inspection.task || !inspection.label) {
    throw new UserError(`Could not tell what to predict in ${config.datasetPath}: no column looks like a label.`, {
      where: config.datasetPath,
      hint: `Name the label column with --label (columns: ${inspection.columns.map((c) => c.name).join(', ')}).`,
    });
  }
  const task = inspection.task;
  const textColumn = task === 'text-classification' ? inspection.text : null;
  const classes = task === 'tabular-regression' ? [] : distinctSorted(loaded.examples);
  if (task !== 'tabular-regression' && classes.length < 2) {
    throw new UserError(
      `The label column "${inspection.label}" of ${config.datasetPath} has only one class (${classes[0] ?? 'none'}); a classifier needs at least two.`,
      { where: config.datasetPath, hint: 'Choose another label column with --label, or add examples of the other classes.' },
    );
  }
  const split = splitDataset(loaded.examples, task, config.split, config.seed, textColumn, loaded.features);
  if (split.train.length === 0) {
    throw new UserError(`No training examples are left in ${config.datasetPath} after the split.`, {
      where: config.datasetPath,
      hint: 'Add more rows, or lower the validation and test fractions.',
    });
  }
  return { inspection, task, label: inspection.label, textColumn, features: loaded.features, classes, split };
}

function distinctSorted(examples: readonly Example[]): string[] {
  return [...new Set(examples.map((e) => e.label))].sort((a, b) => a.localeCompare(b, 'en'));
}
