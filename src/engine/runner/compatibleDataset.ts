// Loads another dataset file for evaluating a run on it: the file must have the columns the run
// was trained on (the label, and the text column or the feature columns), with a clear error
// naming what is missing otherwise.

import type { DatasetSummary } from '../../protocol/runTypes';
import { DatasetError } from '../data/datasetError';
import type { LoadedDataset } from '../data/datasetOptions';
import { inspectDataset } from '../data/inspectDataset';
import { loadDataset } from '../data/loadDataset';
import { UserError } from '../userError';

export interface CompatibleDataset {
  data: LoadedDataset;
  /** Sentences about rows the evaluation counts but the run could not learn (e.g. unseen classes). */
  warnings: string[];
}

/** The columns a file needs to be evaluated by a run: label first, then text or features. */
export function requiredColumns(summary: Pick<DatasetSummary, 'label' | 'text' | 'features'>): string[] {
  return [summary.label, ...(summary.text ? [summary.text] : summary.features)];
}

/** Required columns absent from `columns`, in the order of `requiredColumns`. */
export function missingColumns(summary: Pick<DatasetSummary, 'label' | 'text' | 'features'>, columns: readonly string[]): string[] {
  const have = new Set(columns);
  return requiredColumns(summary).filter((name) => !have.has(name));
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

export function columnsMismatchError(file: string, runId: string, summary: DatasetSummary, columns: readonly string[]): UserError {
  const missing = missingColumns(summary, columns);
  const roles = missing.map((name) => (name === summary.label ? `${name} (label)` : name === summary.text ? `${name} (text)` : name));
  return new UserError(
    `${file} lacks the column${missing.length > 1 ? 's' : ''} ${quoteList(roles)} that run ${runId} was trained on; it has ${quoteList(columns) || 'no columns'}.`,
    {
      where: file,
      hint: `Evaluate on a file with the same columns as ${summary.path}: ${quoteList(requiredColumns(summary))}.`,
    },
  );
}

/** Loads `file` with the run's label and text columns; throws a UserError naming the missing columns. */
export async function loadCompatibleDataset(file: string, runId: string, summary: DatasetSummary): Promise<CompatibleDataset> {
  let data: LoadedDataset;
  try {
    data = await loadDataset(file, { label: summary.label, text: summary.text });
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    // A missing label or text column fails the load; name every missing column at once.
    const inspection = await inspectDataset(file).catch(() => null);
    const columns = inspection?.columns.map((c) => c.name) ?? null;
    if (columns && missingColumns(summary, columns).length > 0) throw columnsMismatchError(file, runId, summary, columns);
    throw error;
  }
  const columns = data.inspection.columns.map((c) => c.name);
  if (missingColumns(summary, columns).length > 0) throw columnsMismatchError(file, runId, summary, columns);
  return { data, warnings: unseenClassWarnings(summary, data) };
}

function unseenClassWarnings(summary: DatasetSummary, data: LoadedDataset): string[] {
  if (summary.task === 'tabular-regression' || summary.classes.length === 0) return [];
  const known = new Set(summary.classes);
  const unseen = new Map<string, number>();
  for (const example of data.examples) if (!known.has(example.label)) unseen.set(example.label, (unseen.get(example.label) ?? 0) + 1);
  if (unseen.size === 0) return [];
  const rows = [...unseen.values()].reduce((a, b) => a + b, 0);
  const shown = [...unseen.keys()].slice(0, 5);
  return [
    `${rows} row${rows > 1 ? 's have labels' : ' has a label'} the run never trained on (${quoteList(shown)}${unseen.size > 5 ? ', …' : ''}); ` +
      `they count as wrong predictions. The run knows ${quoteList(summary.classes.slice(0, 10))}${summary.classes.length > 10 ? ', …' : ''}.`,
  ];
}
