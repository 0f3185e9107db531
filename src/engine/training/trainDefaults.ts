// Fine-tuning defaults: lower learning rates than training from scratch, few epochs,
// validation every epoch, early stopping, the best checkpoint kept.

import type { TechniqueName, TrainConfig } from '../../protocol/configTypes';

/** The base model used when the user names none: chosen by task once the dataset is read. */
export const AUTO_MODEL = 'auto';

/** Learning rates per technique: only new or small weights train fast; a full fine-tune moves gently. */
const LEARNING_RATES: Record<TechniqueName, number> = {
  full: 5e-4,
  features: 3e-3,
  adapter: 2e-3,
  lora: 2e-3,
};

/** Epochs per technique: feature extraction is cheap per epoch once features are cached. */
const EPOCHS: Record<TechniqueName, number> = {
  full: 3,
  features: 8,
  adapter: 3,
  lora: 3,
};

export function defaultLearningRate(technique: TechniqueName): number {
  return LEARNING_RATES[technique];
}

export function defaultEpochs(technique: TechniqueName): number {
  return EPOCHS[technique];
}

/** A complete config from a dataset path and what the user chose; unset fields get the defaults. */
export function makeTrainConfig(datasetPath: string, choices: Partial<TrainConfig> = {}): TrainConfig {
  const technique = choices.technique ?? 'lora';
  return {
    datasetPath,
    labelColumn: null,
    textColumn: null,
    model: AUTO_MODEL,
    technique,
    epochs: defaultEpochs(technique),
    learningRate: defaultLearningRate(technique),
    batchSize: 32,
    optimizer: 'adamw',
    weightDecay: 0.01,
    warmupRatio: 0.06,
    schedule: 'linear',
    clipNorm: 1,
    validateEverySteps: 0,
    earlyStopping: { metric: 'loss', mode: 'min', patience: 2 },
    classWeights: 'none',
    split: { validation: 0.1, test: 0.1 },
    seed: 42,
    maxSequenceLength: 100,
    lora: { rank: 8, alpha: 16, dropout: 0, targets: [] },
    adapter: { size: 16, activation: 'relu', after: [] },
    backend: null,
    cacheFeatures: true,
    keepLastCheckpoint: true,
    ...choices,
  };
}

/** Metrics where larger is better; every other metric is minimised. */
const MAXIMISED = new Set(['accuracy', 'macroF1', 'r2']);

export function metricMode(metric: string): 'min' | 'max' {
  return MAXIMISED.has(metric) ? 'max' : 'min';
}
