// The shapes `npm run bench` measures, and what each means on both sides: our engine (a real
// training run through executeRun, or a hand-built model trained step by step with the engine's
// AdamW and clipping) and PyTorch (bench/torch_shapes.py, called with the same shape).

import type { TechniqueName } from '../src/protocol/configTypes';

/** BERT-mini (prajjwal1/bert-mini, google/bert_uncased_L-4_H-256_A-4): what the bert-mini cases build. */
export const BERT_MINI = { hidden: 256, layers: 4, heads: 4, ffn: 1024, maxPositions: 512, seq: 128, batch: 8, dropout: 0.1 } as const;

/** The nn-sentiment package's model: Embedding(30000, 50) → Bidirectional(GRU(20)) over 100 tokens. */
export const NN_SENTIMENT = { vocab: 30000, embed: 50, units: 20, seq: 100, batch: 32 } as const;

/** The LSTM text shape: Embedding(10000, 64) → Bidirectional(LSTM(32), sigmoid gates, as PyTorch's) over 100 tokens → concat(mean, max) → Dense(2). */
export const LSTM_TEXT = { vocab: 10000, embed: 64, units: 32, seq: 100, batch: 32, classes: 2 } as const;

/** The tabular MLP's hidden widths (buildTabularMlpBase's default). */
export const TABULAR_MLP_WIDTHS = [64, 32] as const;

/** The stock LoRA and adapter settings of a run (trainDefaults.ts), passed to PyTorch alike. */
export const LORA = { rank: 8, alpha: 16 } as const;
export const ADAPTER_SIZE = 16;

/** Epochs of the end-to-end features measure (the target: 5). */
export const FEATURE_EPOCHS = 5;

export type Model = 'mlp' | 'nn-sentiment' | 'bert-mini';

interface CaseBase {
  name: string;
  batchSize: number;
  /** Steps not timed at the start (warm-up: kernel compilation, first allocations). */
  warmup: number;
  /** Steps timed after the warm-up. */
  steps: number;
  /** Not in the default set: runs when --only names it exactly, or with --all. */
  extra?: boolean;
}

/** A training run of the product (dataset file → run store), timed from its step events. */
export interface RunCase extends CaseBase {
  kind: 'run';
  model: Model;
  technique: TechniqueName;
  /** Rows of the generated dataset (80% train). */
  rows: number;
  /** Features: whole epochs timed end to end (caching the frozen base's outputs included); else 0. */
  epochs: number;
  /** Features without the cache: every step runs the frozen base (what a plain PyTorch loop does). */
  uncached?: boolean;
}

/** A hand-built model trained step by step (the shapes of the first measurements). */
export interface StepCase extends CaseBase {
  kind: 'step';
  shape: 'mlp' | 'attention' | 'bilstm';
  /** bilstm: the technique (full or lora); the other shapes train fully. */
  technique?: TechniqueName;
}

export type BenchCase = RunCase | StepCase;

/** Rows so that the timed steps all fall in the first epoch (80% of the rows train). */
function rowsFor(batch: number, warmup: number, steps: number): number {
  return Math.ceil(((warmup + steps + 1) * batch) / 0.8) + 10;
}

function runCase(model: Model, technique: TechniqueName, batchSize: number, steps: number, featureRows: number): RunCase {
  const warmup = 2;
  const epochs = technique === 'features' ? FEATURE_EPOCHS : 0;
  return {
    kind: 'run',
    name: `${model}/${technique}`,
    model,
    technique,
    batchSize,
    warmup,
    steps,
    rows: epochs > 0 ? featureRows : rowsFor(batchSize, warmup, steps),
    epochs,
  };
}

/** Features with the cache off: per-step time of the frozen base's forward plus the head. */
function uncachedCase(model: Model, batchSize: number, steps: number): RunCase {
  const warmup = 2;
  return {
    kind: 'run',
    name: `${model}/features-uncached`,
    model,
    technique: 'features',
    batchSize,
    warmup,
    steps,
    rows: rowsFor(batchSize, warmup, steps),
    epochs: 0,
    uncached: true,
    extra: true,
  };
}

export const CASES: readonly BenchCase[] = [
  runCase('mlp', 'full', 32, 60, 0),
  { kind: 'step', name: 'mlp-256-512-512-10/full', shape: 'mlp', batchSize: 64, warmup: 3, steps: 40 },
  { kind: 'step', name: 'attention-block/full', shape: 'attention', batchSize: 8, warmup: 3, steps: 30 },
  ...(['features', 'lora', 'adapter', 'full'] as const).map((t) => runCase('bert-mini', t, BERT_MINI.batch, t === 'full' ? 6 : 8, 320)),
  ...(['features', 'lora', 'adapter', 'full'] as const).map((t) => runCase('nn-sentiment', t, NN_SENTIMENT.batch, 20, 640)),
  uncachedCase('bert-mini', BERT_MINI.batch, 8),
  uncachedCase('nn-sentiment', NN_SENTIMENT.batch, 20),
  ...(['full', 'lora'] as const).map((t): StepCase => ({ kind: 'step', name: `bilstm-text/${t}`, shape: 'bilstm', technique: t, batchSize: LSTM_TEXT.batch, warmup: 2, steps: 20 })),
];

/** The step cases' fixed shapes (attention: batch × tokens × width, heads). */
export const STEP_SHAPES = {
  mlp: { input: 256, widths: [512, 512], classes: 10 },
  attention: { seq: 64, hidden: 128, heads: 4 },
} as const;
