// Validation of the setup form: each problem next to the control it is about, and the one reason
// Start is disabled (shown next to it). Pure: unit-tested in test/unit/panels/.

import type { DatasetInspection } from '../protocol/datasetTypes';
import type { DatasetStatus, FieldIssue, ModelChoice, NumberField, SetupOptions } from '../protocol/setupPanelProtocol';
import { parseNumberField } from './setupNumbers';

export interface ValidationContext {
  dataset: DatasetStatus;
  /** The chosen model as offered in the picker; undefined when it is not (yet) known. */
  model: ModelChoice | undefined;
  /** Why the chosen model folder cannot be used, or null. */
  modelProblem: string | null;
  trusted: boolean;
  /** A start is in progress. */
  starting: boolean;
}

export interface SetupValidation {
  issues: FieldIssue[];
  /** Why Start is disabled; null when it can start. */
  startBlocked: string | null;
}

/** The numeric fields that apply to the options' technique and optimizer. */
export function relevantNumbers(options: SetupOptions): NumberField[] {
  const fields: NumberField[] = ['epochs', 'learningRate', 'batchSize', 'patience', 'seed', 'warmupRatio', 'clipNorm', 'validationFraction', 'testFraction'];
  if (options.technique === 'lora') fields.push('loraRank', 'loraAlpha');
  if (options.technique === 'adapter') fields.push('adapterSize');
  if (options.optimizer === 'adamw') fields.push('weightDecay');
  return fields;
}

function usableRows(inspection: DatasetInspection): number {
  return inspection.rows - inspection.skippedRows;
}

function datasetIssues(inspection: DatasetInspection): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (usableRows(inspection) === 0) {
    issues.push({ field: 'dataset', severity: 'error', message: 'No usable rows: fix the problems above' });
    return issues;
  }
  if (inspection.label === null) {
    issues.push({ field: 'labelColumn', severity: 'error', message: 'No label column: choose the column to predict' });
    return issues;
  }
  if (inspection.task !== 'tabular-regression' && inspection.labelCounts.length < 2) {
    issues.push({
      field: 'labelColumn',
      severity: 'error',
      message: `The label "${inspection.label}" has only one class: a classifier needs at least two (choose another label column or add examples)`,
    });
  }
  return issues;
}

function modelIssues(options: SetupOptions, inspection: DatasetInspection, context: ValidationContext): FieldIssue[] {
  if (context.modelProblem) return [{ field: 'model', severity: 'error', message: context.modelProblem }];
  const model = context.model;
  if (!model || inspection.task === null) return [];
  const textColumns = inspection.columns.filter((c) => c.kind === 'text' && c.name !== inspection.label);
  if (inspection.task === 'image-classification' && model.reads !== 'image') {
    return [{ field: 'model', severity: 'error', message: `${model.title} does not read images, and this is an image dataset: pick MobileNetV2` }];
  }
  if (model.reads === 'image' && inspection.task !== 'image-classification') {
    return [{ field: 'model', severity: 'error', message: `${model.title} reads images, but this dataset has no column of image paths: pick another model` }];
  }
  if (model.reads === 'text' && inspection.task !== 'text-classification') {
    const what =
      inspection.task === 'tabular-regression'
        ? `the label "${inspection.label}" is a number to predict (regression), which ${model.title} cannot do: pick the MLP`
        : textColumns.length > 0
          ? 'choose one under Text column, or pick the MLP'
          : `${inspection.path.split(/[\\/]/).pop() ?? 'this file'} has none: pick the MLP`;
    return [{ field: inspection.task === 'tabular-regression' ? 'model' : 'textColumn', severity: 'error', message: `A text model needs a text column: ${what}` }];
  }
  if (model.reads === 'tabular' && inspection.task === 'text-classification') {
    return [
      {
        field: 'model',
        severity: 'error',
        message: `${model.title} reads numeric columns, but this is a text dataset (text column "${inspection.text ?? '?'}"): pick nn-sentiment, a catalog model such as prajjwal1/bert-tiny, or a text model folder`,
      },
    ];
  }
  if (options.model === 'mlp' && options.technique !== 'full') {
    return [
      {
        field: 'technique',
        severity: 'warning',
        message: `The MLP starts from random weights: with ${options.technique} most of it stays random. Full trains all of it.`,
      },
    ];
  }
  return [];
}

function numberIssues(options: SetupOptions, inspection: DatasetInspection | null): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const values = new Map<NumberField, number>();
  for (const field of relevantNumbers(options)) {
    const parsed = parseNumberField(field, options.numbers[field]);
    if (parsed.ok) values.set(field, parsed.value);
    else issues.push({ field, severity: 'error', message: parsed.message });
  }
  const validation = values.get('validationFraction');
  const test = values.get('testFraction');
  if (validation !== undefined && test !== undefined && validation + test > 0.8) {
    issues.push({ field: 'testFraction', severity: 'error', message: 'Validation and test fractions together must leave at least 20% of the rows for training' });
  }
  const batch = values.get('batchSize');
  if (inspection && batch !== undefined && validation !== undefined && test !== undefined) {
    const trainRows = Math.floor(usableRows(inspection) * (1 - validation - test));
    if (trainRows > 0 && batch > trainRows) {
      issues.push({ field: 'batchSize', severity: 'warning', message: `Larger than the ${trainRows} training rows: each epoch will be a single step` });
    }
  }
  const rate = values.get('learningRate');
  if (rate !== undefined && options.technique === 'full' && options.model !== 'mlp' && rate > 0.01) {
    issues.push({ field: 'learningRate', severity: 'warning', message: 'High for full fine-tuning: it may wash out what the base model learned (try 1e-4 to 1e-3)' });
  }
  return issues;
}

/** Every issue of the options, and why Start is disabled (the first blocking reason, most fundamental first). */
export function validateSetup(options: SetupOptions, context: ValidationContext): SetupValidation {
  const dataset = context.dataset;
  const inspection = dataset.status === 'ready' ? dataset.inspection : null;
  const issues: FieldIssue[] = [];
  if (dataset.status === 'failed') issues.push({ field: 'dataset', severity: 'error', message: `The dataset cannot be read: ${dataset.reason}` });
  if (inspection) {
    const fromData = datasetIssues(inspection);
    issues.push(...fromData);
    if (!fromData.some((i) => i.severity === 'error')) issues.push(...modelIssues(options, inspection, context));
  } else if (context.modelProblem) {
    issues.push({ field: 'model', severity: 'error', message: context.modelProblem });
  }
  issues.push(...numberIssues(options, inspection));
  const firstError = issues.find((i) => i.severity === 'error');
  let startBlocked: string | null = null;
  if (!context.trusted) startBlocked = 'Training is disabled in untrusted workspaces: trust this workspace to start';
  else if (context.starting) startBlocked = 'Starting…';
  else if (firstError) startBlocked = firstError.message;
  else if (dataset.status === 'loading') startBlocked = 'Reading the dataset…';
  return { issues, startBlocked };
}
