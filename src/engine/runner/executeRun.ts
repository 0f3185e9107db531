// Executes one run from its folder: picks the backend, reads the data, builds or restores the
// models, trains, restores the best checkpoint, evaluates on the test split and writes the report.
// Everything it learns goes into the run store as it happens, so a crash loses nothing written.

import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { RunRecord } from '../../protocol/runTypes';
import type { RunStore } from '../../storage/runStore';
import { selectBackend } from '../backends/selectBackend';
import { adjustForModel } from '../backends/gpuPolicy';
import { registerSegmentSumKernels } from '../backends/unsortedSegmentSum';
import { installFastPaths } from '../backends/fastPaths/installFastPaths';
import { tfjsVersion } from '../backends/tfjsVersion';
import { prepareData, type PreparedData } from '../training/prepareData';
import { classWeightVector, encodeTargets, fitLabelCodec } from '../training/labels';
import { AdamW } from '../training/optimizer';
import { runTraining, stepsPerEpoch, type SplitTensors, type TrainerOutcome } from '../training/trainer';
import { initialTrainingState } from '../training/trainingState';
import { SeededRng } from '../training/rng';
import {
  fromCheckpointState,
  loadCheckpointModels,
  loadCheckpointOptimizer,
  readCheckpointState,
  resolveCheckpointDir,
  saveCheckpoint,
  toCheckpointState,
} from '../training/checkpointIo';
import { baseOutputs, type ModelPair } from '../training/forward';
import type { Example } from '../data/example';
import type { InputEncoder } from '../models/modelTypes';
import { encodeExamples } from '../models/encodeExamples';
import { registerConvGradKernels } from '../models/mobileNetWasmKernels';
import { buildFreshModels, countModelParams, resolveModelChoice, restoreEncoder } from './buildModels';
import { readPreprocessing, writePreprocessing } from './preprocessing';
import { evaluateCheckpoint, writeRunReport } from './evaluateRun';
import type { RunEvents } from './runEvents';
import { gitCommitOf } from './gitCommit';
import { UserError } from '../userError';

export interface ExecuteOptions {
  resume: boolean;
  /** Epochs added to the configured ones (resume/extend). */
  extraEpochs: number;
  shouldStop: () => boolean;
  events: RunEvents;
}

export interface ExecuteResult {
  status: 'completed' | 'stopped';
  reason: string | null;
}

export async function executeRun(store: RunStore, runId: string, options: ExecuteOptions): Promise<ExecuteResult> {
  const { events } = options;
  let record = await store.readRun(runId);
  /** Appends still in flight: awaited before anything reads metrics.jsonl or the run ends. */
  const pendingWrites = new Set<Promise<void>>();
  const track = (write: Promise<void>): void => {
    pendingWrites.add(write);
    void write.finally(() => pendingWrites.delete(write));
  };
  const log = (level: 'info' | 'warn' | 'error', message: string): void => {
    events.log(level, message);
    track(store.appendLog(runId, `${new Date().toISOString()} ${level} ${message}`));
  };
  if (options.resume && record.status === 'running' && record.pid !== process.pid) {
    throw new UserError(`Run ${runId} is already running (pid ${record.pid}).`, { hint: 'Stop it first, or wait for it to finish.' });
  }
  const config = { ...record.config, epochs: record.config.epochs + Math.max(0, options.extraEpochs) };
  record = await store.updateRun(runId, {
    status: 'running',
    statusReason: null,
    pid: process.pid,
    config,
    startedAt: record.startedAt ?? new Date().toISOString(),
    finishedAt: null,
  });

  const data = await prepareData(config);
  const backend = await adjustForModel(
    await selectBackend(config.backend, (line) => log('info', line)),
    config.backend,
    resolveModelChoice(config, data.task),
    (line) => log('info', line),
  );
  registerSegmentSumKernels();
  registerConvGradKernels();
  backend.fastPaths = installFastPaths(backend.name, (line) => log('info', line));
  log('info', `backend ${backend.name}`);

  if (options.resume && record.dataset && record.dataset.fingerprint !== data.inspection.fingerprint) {
    throw new UserError(`The dataset ${config.datasetPath} changed since run ${runId} started, so its split would differ.`, {
      where: config.datasetPath,
      hint: 'Restore the original file, or start a new run on the changed data.',
    });
  }
  reportSplitProblems(data, log, (line) => track(store.appendLog(runId, line)));

  const codec = fitLabelCodec(data.task, data.classes, data.split.train);
  const totalSteps = stepsPerEpoch(data.split.train.length, config.batchSize) * config.epochs;
  const checkpoints = store.paths(runId).checkpoints;
  let models: ModelPair;
  let state = initialTrainingState(new SeededRng(config.seed ^ 0x5eed).getState());
  let encoderReady;
  let modelFingerprint: string;
  if (options.resume) {
    const pre = await readPreprocessing(store.runDir(runId));
    const dir = await resolveCheckpointDir(checkpoints, 'last').catch(() => resolveCheckpointDir(checkpoints, 'best'));
    models = await loadCheckpointModels(dir);
    state = fromCheckpointState(await readCheckpointState(dir));
    state.badValidations = options.extraEpochs > 0 ? 0 : state.badValidations;
    encoderReady = await restoreEncoder(pre.encoder, config);
    modelFingerprint = record.model?.fingerprint ?? '';
    log('info', `resuming from checkpoint ${dir} at epoch ${state.epoch + 1}, step ${state.step}`);
  } else {
    const built = await buildFreshModels(config, data, codec, (line) => log('info', line), events.downloadProgressed && ((p) => events.downloadProgressed?.(p)));
    for (const note of built.notes) log('info', note);
    models = built.models;
    encoderReady = built.encoder;
    modelFingerprint = built.fingerprint;
    await writePreprocessing(store.runDir(runId), { encoder: built.encoder.state, codec });
  }
  const throughBase = config.technique !== 'features' || !config.cacheFeatures;
  const params = countModelParams(models, throughBase);
  record = await store.updateRun(runId, {
    backend,
    environment: {
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      cpus: os.cpus().length,
      tfjs: tfjsVersion(),
      runtime: process.versions.electron ? 'electron' : 'node',
    },
    dataset: datasetSummary(config.datasetPath, data),
    model: { source: resolveModelChoice(config, data.task), fingerprint: modelFingerprint, totalParams: params.total, trainableParams: params.trainable },
    gitCommit: record.gitCommit ?? (await gitCommitOf(config.datasetPath)),
  });
  events.started({ backend, totalParams: params.total, trainableParams: params.trainable });
  log('info', `${params.trainable.toLocaleString('en')} trainable of ${params.total.toLocaleString('en')} parameters (${config.technique})`);

  const tensors = await encodeSplits(data, encoderReady, codec, models, throughBase, config.batchSize, log);
  const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: config.optimizer === 'adamw' ? config.weightDecay : 0 });
  try {
    if (options.resume) {
      const dir = await resolveCheckpointDir(checkpoints, 'last').catch(() => resolveCheckpointDir(checkpoints, 'best'));
      await loadCheckpointOptimizer(dir, optimizer);
    }
    const outcome: TrainerOutcome = await runTraining({
      config,
      codec,
      models,
      throughBase,
      train: tensors.train,
      validation: tensors.validation,
      classWeights: classWeightVector(codec, data.split.train, config.classWeights),
      optimizer,
      state,
      hooks: {
        progress: (p) => {
          events.progress(p);
        },
        metrics: (list) => {
          events.metrics(list);
          track(store.appendMetrics(runId, list));
        },
        log,
        shouldStop: options.shouldStop,
        checkpoint: async (name, s, value) => {
          const cs = toCheckpointState(name, s, config.earlyStopping.metric, value);
          await saveCheckpoint(checkpoints, name, { models, optimizer, state: cs });
          const isBest = name === 'best';
          await store.updateRun(runId, (r) => ({
            ...r,
            progress: { epoch: s.epoch, step: s.step, totalSteps, epochs: config.epochs },
            trainingSeconds: s.trainingSeconds,
            best: isBest ? { name, metric: config.earlyStopping.metric, value: value ?? NaN, epoch: s.bestEpoch, step: s.step } : r.best,
          }));
          events.checkpointSaved({ name, isBest, epoch: s.epoch, step: s.step });
        },
      },
    });
    await Promise.all(pendingWrites);
    if (outcome.kind === 'stopped') {
      const cs = toCheckpointState('last', outcome.state, config.earlyStopping.metric, null);
      await saveCheckpoint(checkpoints, 'last', { models, optimizer, state: cs });
      events.checkpointSaved({ name: 'last', isBest: false, epoch: outcome.state.epoch, step: outcome.state.step });
      await store.updateRun(runId, {
        status: 'stopped',
        statusReason: `${outcome.reason} Resume continues from step ${outcome.state.step}.`,
        pid: null,
        trainingSeconds: outcome.state.trainingSeconds,
        progress: { epoch: outcome.state.epoch, step: outcome.state.step, totalSteps, epochs: config.epochs },
      });
      return { status: 'stopped', reason: outcome.reason };
    }
    if (outcome.reason) log('info', outcome.reason);
    log('info', 'evaluating the best checkpoint on the test split');
    const evaluation = await evaluateCheckpoint(store, runId, { codec, throughBase, examples: data.split.test, x: tensors.test.x, batchSize: config.batchSize });
    events.evaluated(evaluation);
    await store.updateRun(runId, {
      status: 'completed',
      statusReason: outcome.reason,
      pid: null,
      finishedAt: new Date().toISOString(),
      trainingSeconds: outcome.state.trainingSeconds,
      progress: { epoch: outcome.state.epoch, step: outcome.state.step, totalSteps, epochs: config.epochs },
    });
    await writeRunReport(store, runId);
    return { status: 'completed', reason: outcome.reason };
  } finally {
    await Promise.allSettled(pendingWrites);
    optimizer.dispose();
    for (const t of [tensors.train, tensors.validation, tensors.test]) {
      t.x.dispose();
      t.y.dispose();
    }
    models.base.dispose();
    models.head.dispose();
  }
}

/** Shows the first few dataset and split problems of each kind; the full list goes to worker.log. */
function reportSplitProblems(data: PreparedData, log: (level: 'warn', message: string) => void, toLogFile: (line: string) => void): void {
  const shown = new Map<string, number>();
  const total = new Map<string, number>();
  const problems = [...data.inspection.problems, ...data.split.problems];
  for (const p of problems) total.set(p.kind, (total.get(p.kind) ?? 0) + 1);
  for (const p of problems) {
    const text = `${p.line > 0 ? `line ${p.line}: ` : ''}${p.message}`;
    const n = shown.get(p.kind) ?? 0;
    if (n < 3) log('warn', text);
    else toLogFile(`warn ${text}`);
    shown.set(p.kind, n + 1);
  }
  for (const [kind, count] of total) {
    if (count > 3) log('warn', `… and ${count - 3} more ${kind} problems (listed in worker.log).`);
  }
  if (data.inspection.skippedRows > 0) log('warn', `${data.inspection.skippedRows} row(s) of ${data.inspection.path} were skipped because of the errors above.`);
}

function datasetSummary(path: string, data: PreparedData): RunRecord['dataset'] {
  return {
    path,
    fingerprint: data.inspection.fingerprint,
    task: data.task,
    label: data.label,
    text: data.textColumn,
    features: data.features,
    classes: data.classes,
    usableRows: data.split.train.length + data.split.validation.length + data.split.test.length,
    skippedRows: data.inspection.skippedRows,
    split: { train: data.split.train.length, validation: data.split.validation.length, test: data.split.test.length },
  };
}

/** Encoded input values per batch of the frozen-feature pass (images: about 13 at 224×224 px). */
const FEATURE_BATCH_VALUES = 2_000_000;

/** Encodes the three splits; for feature extraction, runs the frozen base once and keeps its outputs. */
async function encodeSplits(
  data: PreparedData,
  encoder: InputEncoder,
  codec: ReturnType<typeof fitLabelCodec>,
  models: ModelPair,
  throughBase: boolean,
  batchSize: number,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): Promise<{ train: SplitTensors; validation: SplitTensors; test: SplitTensors }> {
  const started = Date.now();
  // Feature extraction encodes batch by batch, so only a batch of inputs (decoded images) is in memory.
  const featureBatch = Math.max(1, Math.min(Math.max(64, batchSize), Math.floor(FEATURE_BATCH_VALUES / Math.max(1, encoder.width))));
  const one = async (examples: PreparedData['split']['train']): Promise<SplitTensors> => {
    const y = encodeTargets(codec, examples);
    if (throughBase) return { examples, x: await encodeExamples(encoder, examples), y };
    return { examples, x: await computeFeatures(models, encoder, examples, featureBatch, (done) => progress(done, examples.length)), y };
  };
  let lastReport = Date.now();
  const progress = (done: number, of: number): void => {
    if (Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    log('info', `computing the frozen base's features: ${done}/${of} examples of this split (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
  };
  const result = { train: await one(data.split.train), validation: await one(data.split.validation), test: await one(data.split.test) };
  if (!throughBase) log('info', `frozen base features computed once and cached in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function computeFeatures(
  models: ModelPair,
  encoder: InputEncoder,
  examples: readonly Example[],
  batchSize: number,
  progress: (done: number) => void,
): Promise<tf.Tensor2D> {
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < examples.length; start += batchSize) {
    const x = await encodeExamples(encoder, examples.slice(start, start + batchSize));
    // baseOutputs: as predict, plus the packed-token fast path for Hugging Face encoders.
    parts.push(tf.tidy(() => baseOutputs(models.base, x, { training: false }) as tf.Tensor2D));
    x.dispose();
    progress(Math.min(examples.length, start + batchSize));
    await tf.nextFrame();
  }
  if (parts.length === 0) return tf.zeros([0, models.head.inputs[0].shape[1] ?? 1]) as tf.Tensor2D;
  const all = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return all;
}
