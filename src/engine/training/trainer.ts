// The training loop, the same for the four techniques: the technique only decides which
// variables train and whether inputs run through the (frozen) base or come from a cache.

import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../../protocol/configTypes';
import type { MetricEvent, WorkersChoice } from '../../protocol/runTypes';
import type { Example } from '../data/example';
import { predictRows, batchLoss, forward, type ModelPair } from './forward';
import type { LabelCodec } from './labels';
import { learningRateAt } from './schedule';
import { clipAndApply } from './applyStep';
import { UserError } from '../userError';
import { explainGpuFailure, takeGpuFailure } from '../backends/webgpu/gpuErrors';
import type { AdamW } from './optimizer';
import { SeededRng } from './rng';
import type { TrainingState } from './trainingState';
import { scoreOutputs } from '../evaluation/scoreOutputs';
import { ParallelTraining } from './parallel/parallelTraining';

/** One split's model inputs and targets. */
export interface SplitTensors {
  examples: readonly Example[];
  /** Encoded inputs, or cached features when `throughBase` is false. */
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

export interface TrainerProgress {
  epoch: number;
  step: number;
  totalSteps: number;
  epochs: number;
  loss: number;
  examplesPerSecond: number;
  etaSeconds: number | null;
  phase: string;
}

export interface TrainerHooks {
  progress(p: TrainerProgress): void;
  metrics(events: MetricEvent[]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Checked between steps: true asks the loop to save and return. */
  shouldStop(): boolean;
  /** Saves a checkpoint of the current weights and optimizer with this state. */
  checkpoint(name: 'best' | 'last', state: TrainingState, value: number | null): Promise<void>;
  /** The multi-core choice, once made (parallel/parallelTraining.ts), for run.json. */
  workersChosen?(choice: WorkersChoice): void;
}

export interface TrainerInput {
  config: TrainConfig;
  codec: LabelCodec;
  models: ModelPair;
  throughBase: boolean;
  train: SplitTensors;
  validation: SplitTensors;
  classWeights: number[] | null;
  optimizer: AdamW;
  state: TrainingState;
  /** On resume: the multi-core choice the run made when it started, kept instead of timing again under 'auto'. */
  workersChoice?: WorkersChoice | null;
  hooks: TrainerHooks;
}

export type TrainerOutcome =
  | { kind: 'completed'; reason: string | null; state: TrainingState }
  | { kind: 'stopped'; reason: string; state: TrainingState };

/** Named trainable variables of both models; names are stable across save and load. */
export function trainableVariables(models: ModelPair, throughBase: boolean): { name: string; variable: tf.Variable }[] {
  const out: { name: string; variable: tf.Variable }[] = [];
  const add = (prefix: string, model: tf.LayersModel): void => {
    for (const w of model.trainableWeights) out.push({ name: `${prefix}/${w.originalName}`, variable: w.read() as tf.Variable });
  };
  if (throughBase) add('base', models.base);
  add('head', models.head);
  return out;
}

export function stepsPerEpoch(trainRows: number, batchSize: number): number {
  return Math.max(1, Math.ceil(trainRows / batchSize));
}

export async function runTraining(input: TrainerInput): Promise<TrainerOutcome> {
  const { config, codec, models, throughBase, train, validation, optimizer, hooks } = input;
  const state: TrainingState = { ...input.state };
  // Wall-clock seconds of training (steps, validation, checkpoints), carried across resumes.
  const secondsBefore = state.trainingSeconds;
  const loopStarted = Date.now();
  const clock = (): void => {
    state.trainingSeconds = secondsBefore + (Date.now() - loopStarted) / 1000;
  };
  const n = train.examples.length;
  const perEpoch = stepsPerEpoch(n, config.batchSize);
  const totalSteps = perEpoch * config.epochs;
  const vars = trainableVariables(models, throughBase);
  if (vars.length === 0) throw new Error('Nothing to train: the technique left no trainable weights.');
  const varList = vars.map((v) => v.variable);
  const weights = input.classWeights ? tf.tensor1d(input.classWeights) : null;
  /** Clipping and the AdamW update of one step's named gradients (both ways of computing them). */
  const update = (named: Map<string, tf.Tensor>): void => {
    clipAndApply(optimizer, vars, named, config.clipNorm);
  };
  // Multi-core data-parallel steps (off, forced, or auto-timed): parallel/parallelTraining.ts.
  const parallel = new ParallelTraining({
    setting: config.workers,
    batchSize: config.batchSize,
    codec,
    models,
    throughBase,
    x: train.x,
    y: train.y,
    classWeights: input.classWeights,
    vars,
    log: (level, message) => hooks.log(level, message),
    chosen: (choice) => hooks.workersChosen?.(choice),
    earlier: input.workersChoice ?? null,
  });
  const metric = config.earlyStopping.metric;
  const mode = config.earlyStopping.mode;
  let recentLoss = NaN;
  const window: { time: number; examples: number }[] = [];

  /** Validates; `epoch` is the epoch the result belongs to (the one just finished at a boundary). */
  const validate = async (epoch: number): Promise<{ stop: boolean; reason: string | null }> => {
    hooks.progress(progressOf(state, totalSteps, config.epochs, recentLoss, window, 'validating'));
    const rows = await predictRows(models, validation.x, throughBase, Math.max(64, config.batchSize));
    const scored = scoreOutputs(codec, rows, validation.examples, '');
    const time = new Date().toISOString();
    hooks.metrics(
      Object.entries(scored.metrics).map(([name, value]) => ({ step: state.step, epoch, split: 'validation', name, value, time })),
    );
    const value = scored.metrics[metric];
    if (value === undefined) throw new Error(`Unknown early-stopping metric "${metric}"; use one of ${Object.keys(scored.metrics).join(', ')}.`);
    const improved = state.bestValue === null || (mode === 'min' ? value < state.bestValue : value > state.bestValue);
    if (improved) {
      state.bestValue = value;
      state.bestEpoch = epoch;
      state.badValidations = 0;
      clock();
      await hooks.checkpoint('best', state, value);
      hooks.log('info', `validation ${metric} ${value.toFixed(4)}: new best, checkpoint saved`);
      return { stop: false, reason: null };
    }
    state.badValidations += 1;
    const patience = config.earlyStopping.patience;
    hooks.log('info', `validation ${metric} ${value.toFixed(4)} (best ${state.bestValue?.toFixed(4)}); ${state.badValidations}/${patience || '∞'} without improvement`);
    if (patience > 0 && state.badValidations >= patience) {
      return { stop: true, reason: `Early stopping: validation ${metric} did not improve for ${patience} validation${patience > 1 ? 's' : ''}.` };
    }
    return { stop: false, reason: null };
  };

  try {
    if (validation.examples.length === 0) hooks.log('warn', 'No validation rows: the last weights are kept as the best checkpoint.');
    while (state.epoch < config.epochs) {
      const rng = SeededRng.fromState(state.epochRngState);
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      const started = Date.now();
      for (let b = state.batchInEpoch; b < perEpoch; b++) {
        if (hooks.shouldStop()) {
          clock();
          return { kind: 'stopped', reason: 'Stopped by the user.', state };
        }
        const rows = order.slice(b * config.batchSize, (b + 1) * config.batchSize);
        const idx = tf.tensor1d(rows, 'int32');
        const lr = learningRateAt(state.step, totalSteps, { base: config.learningRate, warmupRatio: config.warmupRatio, schedule: config.schedule });
        optimizer.setLearningRate(lr);
        const stepSeed = (config.seed * 7919 + state.step) % 2147483647;
        const pool = await parallel.poolForStep();
        const stepStarted = performance.now();
        let lossValue: tf.Scalar;
        if (pool !== null) {
          // The shards' gradients summed: the full batch's gradient (dropout masks aside).
          const shared = await pool.step(rows, stepSeed);
          lossValue = tf.tidy(() => {
            update(shared.grads);
            return tf.scalar(shared.loss);
          });
          for (const g of shared.grads.values()) g.dispose();
        } else {
          lossValue = tf.tidy(() => {
            const xb = tf.gather(train.x, idx);
            const yb = tf.gather(train.y, idx);
            const { value, grads } = tf.variableGrads(() => batchLoss(codec, forward(models, xb, throughBase, true, stepSeed), yb, weights), varList);
            update(new Map<string, tf.Tensor>(vars.map((v) => [v.name, grads[v.variable.name]])));
            return value;
          });
        }
        recentLoss = (await lossValue.data())[0];
        parallel.recordStep(performance.now() - stepStarted, pool !== null);
        const gpuFailure = takeGpuFailure();
        if (gpuFailure !== null) throw new UserError(explainGpuFailure(gpuFailure, config.batchSize, config.technique));
        // Yield to the event loop so file appends, IPC messages and stop requests are processed.
        await new Promise<void>((resolve) => setImmediate(resolve));
        lossValue.dispose();
        idx.dispose();
        if (!Number.isFinite(recentLoss)) {
          throw new Error(`The training loss became ${recentLoss} at step ${state.step + 1}; try a lower learning rate (now ${config.learningRate}).`);
        }
        state.step += 1;
        state.batchInEpoch = b + 1;
        clock();
        window.push({ time: Date.now(), examples: Math.min(config.batchSize, n - b * config.batchSize) });
        if (window.length > 20) window.shift();
        const time = new Date().toISOString();
        const events: MetricEvent[] = [{ step: state.step, epoch: state.epoch, split: 'train', name: 'loss', value: recentLoss, time }];
        if (state.step % 10 === 1 || b === perEpoch - 1) events.push({ step: state.step, epoch: state.epoch, split: 'train', name: 'learningRate', value: lr, time });
        hooks.metrics(events);
        hooks.progress(progressOf(state, totalSteps, config.epochs, recentLoss, window, 'training'));
        if (config.validateEverySteps > 0 && state.step % config.validateEverySteps === 0 && validation.examples.length > 0) {
          const v = await validate(state.epoch);
          if (v.stop) {
            clock();
            await hooks.checkpoint('last', state, null);
            return { kind: 'completed', reason: v.reason, state };
          }
        }
      }
      const epochSeconds = (Date.now() - started) / 1000;
      hooks.log('info', `epoch ${state.epoch + 1}/${config.epochs} done in ${epochSeconds.toFixed(1)} s, last loss ${recentLoss.toFixed(4)}`);
      // Epoch boundary: the next epoch starts from the RNG as it is now.
      state.epoch += 1;
      state.batchInEpoch = 0;
      state.epochRngState = rng.getState();
      let stop: { stop: boolean; reason: string | null } = { stop: false, reason: null };
      if (validation.examples.length === 0) {
        clock();
        await hooks.checkpoint('best', state, null);
      } else if (config.validateEverySteps === 0 || state.epoch === config.epochs) {
        stop = await validate(state.epoch - 1);
      }
      if (config.keepLastCheckpoint || stop.stop) {
        clock();
        await hooks.checkpoint('last', state, null);
      }
      if (stop.stop) return { kind: 'completed', reason: stop.reason, state };
    }
    clock();
    return { kind: 'completed', reason: null, state };
  } finally {
    weights?.dispose();
    // Every worker thread ends here, whether the run completed, stopped or failed.
    await parallel.close();
  }
}

function progressOf(
  state: TrainingState,
  totalSteps: number,
  epochs: number,
  loss: number,
  window: readonly { time: number; examples: number }[],
  phase: string,
): TrainerProgress {
  let examplesPerSecond = 0;
  let etaSeconds: number | null = null;
  if (window.length >= 2) {
    const span = (window[window.length - 1].time - window[0].time) / 1000;
    const examples = window.slice(1).reduce((a, w) => a + w.examples, 0);
    if (span > 0) {
      examplesPerSecond = examples / span;
      const secondsPerStep = span / (window.length - 1);
      etaSeconds = Math.max(0, (totalSteps - state.step) * secondsPerStep);
    }
  }
  return { epoch: state.epoch, step: state.step, totalSteps, epochs, loss, examplesPerSecond, etaSeconds, phase };
}
