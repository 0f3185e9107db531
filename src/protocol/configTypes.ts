// The configuration of a training run, as stored in run.json and sent to the worker.
// This file imports nothing.

import type { SplitFractions } from './datasetTypes';

/** The four fine-tuning techniques. */
export type TechniqueName = 'full' | 'features' | 'adapter' | 'lora';

/** The backends, in the order the engine tries them. */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface LoraConfig {
  /** Rank r of the update B·A. */
  rank: number;
  /** Scale numerator: the update is multiplied by alpha / rank. */
  alpha: number;
  /** Dropout applied to the LoRA branch's input during training. */
  dropout: number;
  /** Which layers get LoRA: layer names, or kinds: 'dense', 'gru', 'lstm', 'embedding'. Empty = the model's defaults. */
  targets: string[];
}

export interface AdapterConfig {
  /** Bottleneck width. */
  size: number;
  /** Non-linearity between down and up projections. */
  activation: 'relu' | 'gelu' | 'tanh';
  /** Names of the layers after which an adapter is inserted. Empty = the model's defaults. */
  after: string[];
}

export interface EarlyStoppingConfig {
  /** Validation metric watched, e.g. 'loss', 'accuracy', 'macroF1', 'mae', 'rmse'. */
  metric: string;
  /** 'min' for losses and errors, 'max' for accuracy-like metrics. */
  mode: 'min' | 'max';
  /** Validations without improvement before training stops; 0 disables early stopping. */
  patience: number;
}

export interface TrainConfig {
  /** Absolute path of the dataset file. */
  datasetPath: string;
  /** Label column; null = inferred. */
  labelColumn: string | null;
  /** Text column for text models; null = inferred. */
  textColumn: string | null;
  /** Base model: 'nn-sentiment' (embedded), 'mlp' (built for tabular data), or a path to a TF.js Layers model folder / model.json. */
  model: string;
  technique: TechniqueName;
  epochs: number;
  learningRate: number;
  batchSize: number;
  optimizer: 'adam' | 'adamw';
  /** Decoupled weight decay (AdamW only). */
  weightDecay: number;
  /** Fraction of all steps spent warming the learning rate up from 0. */
  warmupRatio: number;
  schedule: 'constant' | 'linear' | 'cosine';
  /** Clip gradients by global norm; 0 disables. */
  clipNorm: number;
  /** Validate every epoch (0) or every N steps (N > 0). */
  validateEverySteps: number;
  earlyStopping: EarlyStoppingConfig;
  /** 'balanced' weighs each class by n / (k · count). */
  classWeights: 'none' | 'balanced';
  split: SplitFractions;
  seed: number;
  /** Text models: maximum tokens per example (nn-sentiment: 100). */
  maxSequenceLength: number;
  lora: LoraConfig;
  adapter: AdapterConfig;
  /** Backend forced by the user; null = try in order. */
  backend: BackendName | null;
  /** Feature extraction: compute the frozen base's outputs once and train the head on them (false = run the base every step). */
  cacheFeatures: boolean;
  /** Save a checkpoint at the end of every epoch (the best one is always kept). */
  keepLastCheckpoint: boolean;
  /**
   * LoRA and adapters on upper layers: compute the frozen layers below them once per example and
   * cache their output. 'auto' (absent = 'auto') caches only where the frozen part computes the
   * same in training (no active dropout, noise or batch statistics below the cut): same results;
   * 'inference' also caches a stochastic frozen part, run in inference mode (as features does);
   * 'off' never caches. FINETUNE_FAST_PATHS=0 turns it off too.
   */
  frozenPrefixCache?: FrozenPrefixCacheMode;
  /**
   * Multi-core data-parallel training on the wasm and cpu backends: 'auto' (absent = 'auto') times
   * a few steps on one thread and on all cores and keeps the faster; a number forces that many
   * shards per step (0 or 1 = one thread). FINETUNE_WORKERS overrides it; FINETUNE_FAST_PATHS=0
   * turns it off.
   */
  workers?: 'auto' | number;
  /** Image models: input size and backbone cut. Absent = the defaults (size from the images, block_13_expand_relu). */
  image?: ImageModelConfig;
}

export type FrozenPrefixCacheMode = 'auto' | 'off' | 'inference';

export interface ImageModelConfig {
  /** Square side in pixels images are resized to (a multiple of 32); null = chosen from the images' own size. */
  size: number | null;
  /** The backbone layer whose (pooled) output is the features; null = the model's default. */
  cutLayer: string | null;
}
