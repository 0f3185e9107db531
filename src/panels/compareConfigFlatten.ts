// Every setting of a run as a flat list of labelled text values, in the order the comparison
// panel shows them: dataset, model, technique, training, environment. Settings that do not apply
// to the run (LoRA rank of a full fine-tune) read '—'. Pure.

import type { RunRecord } from '../protocol/runTypes';

export interface ConfigEntry {
  key: string;
  group: string;
  label: string;
  value: string;
}

/** Shown where a setting does not apply or is unknown. */
export const NOT_APPLICABLE = '—';

const TECHNIQUE_NAMES: Record<string, string> = {
  full: 'full fine-tuning',
  features: 'feature extraction',
  adapter: 'adapter layers',
  lora: 'LoRA',
};

function text(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return NOT_APPLICABLE;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** Whole numbers with thousands separators (parameter and row counts). */
function count(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? NOT_APPLICABLE : Math.round(value).toLocaleString('en');
}

function list(values: readonly string[] | undefined, empty: string): string {
  if (values === undefined) return NOT_APPLICABLE;
  return values.length === 0 ? empty : values.join(', ');
}

/** 'sha256:26bcf8ea9c33…' is shown; the full value is what the diff compares. */
export function shortFingerprint(fingerprint: string | undefined): string {
  if (!fingerprint) return NOT_APPLICABLE;
  const hex = fingerprint.replace(/^sha256:/, '');
  return hex.length > 12 ? `sha256:${hex.slice(0, 12)}…` : `sha256:${hex}`;
}

export function techniqueName(technique: string): string {
  return TECHNIQUE_NAMES[technique] ?? technique;
}

export function flattenConfig(run: RunRecord): ConfigEntry[] {
  const c = run.config;
  const d = run.dataset;
  const lora = c.technique === 'lora';
  const adapter = c.technique === 'adapter';
  const entries: ConfigEntry[] = [];
  const add = (key: string, group: string, label: string, value: string): void => {
    entries.push({ key, group, label, value });
  };

  add('dataset.path', 'Dataset', 'Dataset file', text(d?.path ?? c.datasetPath));
  add('dataset.fingerprint', 'Dataset', 'Dataset fingerprint', d ? `sha256:${d.fingerprint.replace(/^sha256:/, '')}` : NOT_APPLICABLE);
  add('dataset.task', 'Dataset', 'Task', text(d?.task));
  add('dataset.label', 'Dataset', 'Label column', text(d?.label ?? c.labelColumn));
  add('dataset.text', 'Dataset', 'Text column', text(d?.text ?? c.textColumn));
  add('dataset.features', 'Dataset', 'Feature columns', d && d.features.length > 0 ? d.features.join(', ') : NOT_APPLICABLE);
  add('dataset.usableRows', 'Dataset', 'Usable rows', count(d?.usableRows));
  add('dataset.split.train', 'Dataset', 'Train rows', count(d?.split.train));
  add('dataset.split.validation', 'Dataset', 'Validation rows', count(d?.split.validation));
  add('dataset.split.test', 'Dataset', 'Test rows', count(d?.split.test));
  add('split.validation', 'Dataset', 'Validation fraction', text(c.split.validation));
  add('split.test', 'Dataset', 'Test fraction', text(c.split.test));

  add('model', 'Model', 'Base model', text(c.model));
  add('model.fingerprint', 'Model', 'Model fingerprint', run.model ? `sha256:${run.model.fingerprint.replace(/^sha256:/, '')}` : NOT_APPLICABLE);
  add('model.totalParams', 'Model', 'Total parameters', count(run.model?.totalParams));
  add('model.trainableParams', 'Model', 'Trainable parameters', count(run.model?.trainableParams));
  add('maxSequenceLength', 'Model', 'Max sequence length', d?.task === 'text-classification' ? text(c.maxSequenceLength) : NOT_APPLICABLE);

  add('technique', 'Technique', 'Technique', techniqueName(c.technique));
  add('lora.rank', 'Technique', 'LoRA rank', lora ? text(c.lora.rank) : NOT_APPLICABLE);
  add('lora.alpha', 'Technique', 'LoRA alpha', lora ? text(c.lora.alpha) : NOT_APPLICABLE);
  add('lora.dropout', 'Technique', 'LoRA dropout', lora ? text(c.lora.dropout) : NOT_APPLICABLE);
  add('lora.targets', 'Technique', 'LoRA targets', lora ? list(c.lora.targets, "the model's defaults") : NOT_APPLICABLE);
  add('adapter.size', 'Technique', 'Adapter size', adapter ? text(c.adapter.size) : NOT_APPLICABLE);
  add('adapter.activation', 'Technique', 'Adapter activation', adapter ? text(c.adapter.activation) : NOT_APPLICABLE);
  add('adapter.after', 'Technique', 'Adapter positions', adapter ? list(c.adapter.after, "the model's defaults") : NOT_APPLICABLE);
  add('cacheFeatures', 'Technique', 'Cache frozen features', c.technique === 'features' ? text(c.cacheFeatures) : NOT_APPLICABLE);

  add('epochs', 'Training', 'Epochs', text(c.epochs));
  add('learningRate', 'Training', 'Learning rate', text(c.learningRate));
  add('batchSize', 'Training', 'Batch size', text(c.batchSize));
  add('optimizer', 'Training', 'Optimizer', text(c.optimizer));
  add('weightDecay', 'Training', 'Weight decay', c.optimizer === 'adamw' ? text(c.weightDecay) : NOT_APPLICABLE);
  add('schedule', 'Training', 'Schedule', text(c.schedule));
  add('warmupRatio', 'Training', 'Warm-up ratio', text(c.warmupRatio));
  add('clipNorm', 'Training', 'Clip norm', c.clipNorm > 0 ? text(c.clipNorm) : 'off');
  add('validateEverySteps', 'Training', 'Validate every', c.validateEverySteps > 0 ? `${c.validateEverySteps} steps` : 'epoch');
  add('earlyStopping.metric', 'Training', 'Early-stopping metric', text(c.earlyStopping.metric));
  add('earlyStopping.mode', 'Training', 'Early-stopping mode', text(c.earlyStopping.mode));
  add('earlyStopping.patience', 'Training', 'Patience', c.earlyStopping.patience > 0 ? text(c.earlyStopping.patience) : 'off');
  add('classWeights', 'Training', 'Class weights', text(c.classWeights));
  add('seed', 'Training', 'Seed', text(c.seed));
  add('keepLastCheckpoint', 'Training', 'Keep last checkpoint', text(c.keepLastCheckpoint));

  add('backend', 'Environment', 'Backend', text(run.backend?.name));
  add('backend.forced', 'Environment', 'Backend forced', c.backend === null ? 'no (tried in order)' : c.backend);
  add('environment.tfjs', 'Environment', 'TensorFlow.js', text(run.environment?.tfjs));
  add('environment.node', 'Environment', 'Node.js', text(run.environment?.node));
  add('environment.runtime', 'Environment', 'Runtime', text(run.environment?.runtime));
  add('environment.platform', 'Environment', 'Platform', run.environment ? `${run.environment.platform} ${run.environment.arch}` : NOT_APPLICABLE);
  add('environment.cpus', 'Environment', 'CPUs', text(run.environment?.cpus));
  add('gitCommit', 'Environment', 'Git commit', text(run.gitCommit));
  return entries;
}
