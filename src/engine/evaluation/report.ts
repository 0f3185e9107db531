// report.md: a human-readable summary of a run, written at the end of training and evaluation.

import type { TrainConfig } from '../../protocol/configTypes';
import type {
  ClassificationEvaluation,
  Evaluation,
  MetricEvent,
  RegressionEvaluation,
  RunRecord,
} from '../../protocol/runTypes';
import { pickValidationMetric, summarizeEpochs } from './epochSummary';
import { code, formatChange, formatCount, formatDuration, formatNumber, image, table } from './markdown';
import { sparkline } from './sparkline';

/** Confusion matrices wider than this are cut (the full matrix is in evaluation.json). */
const MAX_MATRIX_CLASSES = 20;

const STATUS_TITLES: Record<RunRecord['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
};

function techniqueText(config: TrainConfig): string {
  switch (config.technique) {
    case 'full':
      return 'full fine-tuning (every weight trains)';
    case 'features':
      return 'feature extraction (base frozen, a new head trains)';
    case 'adapter': {
      const where = config.adapter.after.length > 0 ? config.adapter.after.join(', ') : "the model's default layers";
      return `adapters (size ${config.adapter.size}, ${config.adapter.activation}) after ${where}; base frozen`;
    }
    case 'lora': {
      const targets = config.lora.targets.length > 0 ? config.lora.targets.join(', ') : "the model's default layers";
      return `LoRA (rank ${config.lora.rank}, alpha ${config.lora.alpha}) on ${targets}; base frozen`;
    }
  }
}

function headerSection(run: RunRecord): string[] {
  const facts = [`Run ${code(run.id)}`, `**${STATUS_TITLES[run.status]}**`, `created ${run.createdAt}`];
  if (run.finishedAt) facts.push(`finished ${run.finishedAt}`);
  if (run.trainingSeconds > 0) facts.push(`trained for ${formatDuration(run.trainingSeconds)}`);
  if (run.sweepId) facts.push(`part of sweep ${code(run.sweepId)}`);
  const lines = [`# ${run.name}`, '', facts.join(' · ')];
  if (run.statusReason) lines.push('', `> ${run.statusReason.replace(/\r?\n/g, ' ')}`);
  if (run.progress) {
    const p = run.progress;
    lines.push('', `Progress: ${p.epoch} of ${p.epochs} epochs done, step ${formatCount(p.step)} of ${formatCount(p.totalSteps)}.`);
  }
  return lines;
}

function datasetSection(run: RunRecord): string[] {
  const d = run.dataset;
  if (!d) return ['## Dataset', '', `${code(run.config.datasetPath)} (not read yet).`];
  const rows: string[][] = [
    ['File', code(d.path)],
    ['Fingerprint', code(`sha256:${d.fingerprint.slice(0, 12)}`)],
    ['Task', d.task],
    ['Label column', code(d.label)],
  ];
  if (d.text) rows.push(['Text column', code(d.text)]);
  if (d.features.length > 0) rows.push(['Feature columns', d.features.join(', ')]);
  rows.push(['Rows', `${formatCount(d.usableRows)} usable, ${formatCount(d.skippedRows)} skipped`]);
  rows.push([
    'Split',
    `${formatCount(d.split.train)} train · ${formatCount(d.split.validation)} validation · ${formatCount(d.split.test)} test`,
  ]);
  if (d.classes.length > 0) rows.push(['Classes', `${d.classes.length}: ${d.classes.join(', ')}`]);
  return ['## Dataset', '', table(['', ''], rows)];
}

function modelSection(run: RunRecord): string[] {
  const rows: string[][] = [
    ['Base model', code(run.model?.source ?? run.config.model)],
    ['Technique', techniqueText(run.config)],
  ];
  if (run.model) {
    const m = run.model;
    const share = m.totalParams > 0 ? ` (${((100 * m.trainableParams) / m.totalParams).toFixed(2)}%)` : '';
    rows.push(['Trainable parameters', `${formatCount(m.trainableParams)} of ${formatCount(m.totalParams)}${share}`]);
    rows.push(['Model fingerprint', code(`sha256:${m.fingerprint.slice(0, 12)}`)]);
  }
  if (run.backend) {
    rows.push(['Backend', code(run.backend.name)]);
    for (const skipped of run.backend.skipped) rows.push([`Skipped ${skipped.name}`, skipped.reason]);
  } else if (run.config.backend) {
    rows.push(['Backend', `${code(run.config.backend)} (asked for)`]);
  }
  const env = run.environment;
  if (env) rows.push(['Environment', `${env.runtime} ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} CPUs, tfjs ${env.tfjs}`]);
  if (run.gitCommit) rows.push(['Git commit', code(run.gitCommit.slice(0, 12))]);
  return ['## Model', '', table(['', ''], rows)];
}

function hyperParameterSection(config: TrainConfig): string[] {
  const rows: string[][] = [
    ['Epochs', String(config.epochs)],
    ['Learning rate', String(config.learningRate)],
    ['Batch size', String(config.batchSize)],
    ['Optimizer', config.optimizer === 'adamw' ? `AdamW (weight decay ${config.weightDecay})` : 'Adam'],
    ['Schedule', `${config.schedule}, warm-up ${config.warmupRatio}`],
    ['Gradient clipping', config.clipNorm > 0 ? `global norm ${config.clipNorm}` : 'off'],
    ['Validation', config.validateEverySteps > 0 ? `every ${config.validateEverySteps} steps` : 'every epoch'],
    [
      'Early stopping',
      config.earlyStopping.patience > 0
        ? `${config.earlyStopping.metric} (${config.earlyStopping.mode}), patience ${config.earlyStopping.patience}`
        : `off (best by ${config.earlyStopping.metric}, ${config.earlyStopping.mode})`,
    ],
    ['Class weights', config.classWeights],
    ['Split', `validation ${config.split.validation}, test ${config.split.test}`],
    ['Seed', String(config.seed)],
  ];
  if (config.textColumn !== null || config.model === 'nn-sentiment') rows.push(['Max sequence length', String(config.maxSequenceLength)]);
  if (config.technique === 'lora') rows.push(['LoRA dropout', String(config.lora.dropout)]);
  return ['## Hyper-parameters', '', table(['Setting', 'Value'], rows)];
}

/** Pictures written beside report.md, by file name relative to it; absent or null = none. */
export interface ReportPictures {
  /** Training and validation loss curves (curves.svg). */
  curves?: string | null;
  /** The confusion matrix (confusion.svg). */
  confusion?: string | null;
}

function trainingSection(run: RunRecord, metrics: readonly MetricEvent[], pictures: ReportPictures): string[] {
  const epochs = summarizeEpochs(metrics);
  const lines = ['## Training', ''];
  if (pictures.curves) lines.push(image('Learning curves: training and validation loss by step', pictures.curves), '');
  if (epochs.length === 0) {
    lines.push('No training metrics were recorded.');
  } else {
    const metric = pickValidationMetric(epochs, run.config.earlyStopping.metric);
    const headers = ['Epoch', 'Train loss', 'Validation loss'];
    if (metric) headers.push(`Validation ${metric}`);
    const rows = epochs.map((e) => {
      // Metric events count epochs from 0; people count from 1.
      const row = [String(e.epoch + 1), formatNumber(e.train.loss), formatNumber(e.validation.loss)];
      if (metric) row.push(formatNumber(e.validation[metric]));
      return row;
    });
    lines.push(table(headers, rows, headers.map(() => 'r')));
    const losses = epochs.filter((e) => e.validation.loss !== undefined).map((e) => e.validation.loss);
    if (losses.length > 1) {
      lines.push(
        '',
        `Validation loss by epoch: ${code(sparkline(losses))} ` +
          `(${formatNumber(losses[0])} → ${formatNumber(losses[losses.length - 1])}, lowest ${formatNumber(Math.min(...losses))})`,
      );
    }
  }
  const best = run.best;
  lines.push(
    '',
    best
      ? `Best checkpoint: ${code(best.name)}, validation ${best.metric} ${formatNumber(best.value)} at epoch ${best.epoch + 1}, step ${formatCount(best.step)}.`
      : 'No best checkpoint yet.',
  );
  return lines;
}

/** Rows "metric | value" or, with a baseline of the same kind, "metric | baseline | value | change". */
function summaryTable(names: string[], values: number[], baseline: number[] | null): string {
  if (!baseline) return table(['Metric', 'Value'], names.map((n, i) => [n, formatNumber(values[i])]), ['l', 'r']);
  return table(
    ['Metric', 'Base model', 'Fine-tuned', 'Change'],
    names.map((n, i) => [n, formatNumber(baseline[i]), formatNumber(values[i]), formatChange(values[i] - baseline[i])]),
    ['l', 'r', 'r', 'r'],
  );
}

function classificationSection(e: ClassificationEvaluation, baseline: Evaluation | null, confusionPicture: string | null): string[] {
  const base = baseline && baseline.task !== 'tabular-regression' ? baseline : null;
  const lines = [
    summaryTable(
      ['Accuracy', 'Macro-F1', 'Loss'],
      [e.accuracy, e.macroF1, e.loss],
      base ? [base.accuracy, base.macroF1, base.loss] : null,
    ),
    '',
    '### Per class',
    '',
    table(
      ['Class', 'Precision', 'Recall', 'F1', 'Support'],
      e.perClass.map((c) => [c.label, formatNumber(c.precision), formatNumber(c.recall), formatNumber(c.f1), formatCount(c.support)]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    '### Confusion matrix',
    '',
    'Rows: true class; columns: predicted class.',
    '',
  ];
  if (confusionPicture) lines.push(image('Confusion matrix', confusionPicture), '');
  const k = Math.min(e.confusion.labels.length, MAX_MATRIX_CLASSES);
  const labels = e.confusion.labels.slice(0, k);
  lines.push(
    table(
      ['true \\ predicted', ...labels],
      labels.map((label, i) => [label, ...e.confusion.matrix[i].slice(0, k).map((v) => formatCount(v))]),
      ['l', ...labels.map((): 'r' => 'r')],
    ),
  );
  if (e.confusion.labels.length > k) lines.push('', `Showing the first ${k} of ${e.confusion.labels.length} classes; evaluation.json has all.`);
  return lines;
}

function regressionSection(e: RegressionEvaluation, baseline: Evaluation | null): string[] {
  const base = baseline && baseline.task === 'tabular-regression' ? baseline : null;
  return [
    summaryTable(['MAE', 'RMSE', 'R²', 'Loss'], [e.mae, e.rmse, e.r2, e.loss], base ? [base.mae, base.rmse, base.r2, base.loss] : null),
  ];
}

function evaluationSection(evaluation: Evaluation | null, baseline: Evaluation | null, pictures: ReportPictures): string[] {
  const lines = ['## Test evaluation', ''];
  if (!evaluation) return [...lines, 'The run has no test evaluation yet.'];
  lines.push(`${formatCount(evaluation.rows)} test rows, checkpoint ${code(evaluation.checkpoint)}.`, '');
  if (evaluation.task === 'tabular-regression') lines.push(...regressionSection(evaluation, baseline));
  else lines.push(...classificationSection(evaluation, baseline, pictures.confusion ?? null));
  return lines;
}

/**
 * The Markdown of report.md. `baseline` is the evaluation of the base model before fine-tuning,
 * shown side by side when it is of the same kind. `pictures` names image files written beside the
 * report (see writeRunReport). The output depends only on the arguments.
 */
export function renderReport(
  run: RunRecord,
  evaluation: Evaluation | null,
  metrics: readonly MetricEvent[],
  baseline: Evaluation | null = null,
  pictures: ReportPictures = {},
): string {
  const sections = [
    headerSection(run),
    datasetSection(run),
    modelSection(run),
    hyperParameterSection(run.config),
    trainingSection(run, metrics, pictures),
    evaluationSection(evaluation, baseline, pictures),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
