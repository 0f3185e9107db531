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
import { computeFrozenOutputs } from '../training/frozenOutputs';
import { openFrozenForward, type FrozenForward } from '../onnx/computeFrozenOutputs';
import { ONNX_FROZEN_FORWARD_FAST_PATH } from '../onnx/onnxSwitch';
import { disposePlan, FROZEN_PREFIX_FAST_PATH, planFrozenPrefix, type FrozenPrefixPlan } from '../training/frozenPrefixCache';
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
  // A resumed run keeps the multi-core choice it made when it started (auto's timing could differ now).
  const earlierWorkers = options.resume ? record.backend?.workers ?? null : null;
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
  // LoRA/adapters on upper layers: the frozen layers below them are computed once per example.
  const prefixPlan = planFrozenPrefix({
    base: models.base,
    technique: config.technique,
    mode: config.frozenPrefixCache,
    rows: data.split.train.length + data.split.validation.length,
  });
  if (prefixPlan.line !== null) log('info', prefixPlan.line);
  if (prefixPlan.plan !== null) backend.fastPaths = [...(backend.fastPaths ?? []), FROZEN_PREFIX_FAST_PATH];
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

  const { tensors, frozenPath } = await encodeSplits({ data, encoder: encoderReady, codec, models, throughBase, batchSize: config.batchSize, log, prefix: prefixPlan.plan });
  if (frozenPath === 'onnxruntime') {
    backend.fastPaths = [...(backend.fastPaths ?? []), ONNX_FROZEN_FORWARD_FAST_PATH];
    record = await store.updateRun(runId, { backend });
  }
  // With a cached prefix, training and validation run the upper part on the cached rows; the
  // checkpoints still save `models` (the same layers and weights).
  const trainModels: ModelPair = prefixPlan.plan === null ? models : { base: prefixPlan.plan.upper, head: models.head };
  const optimizer = new AdamW({ learningRate: config.learningRate, weightDecay: config.optimizer === 'adamw' ? config.weightDecay : 0 });
  try {
    if (options.resume) {
      const dir = await resolveCheckpointDir(checkpoints, 'last').catch(() => resolveCheckpointDir(checkpoints, 'best'));
      await loadCheckpointOptimizer(dir, optimizer);
    }
    const outcome: TrainerOutcome = await runTraining({
      config,
      codec,
      models: trainModels,
      throughBase,
      train: tensors.train,
      validation: tensors.validation,
      classWeights: classWeightVector(codec, data.split.train, config.classWeights),
      optimizer,
      state,
      workersChoice: earlierWorkers,
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
        // Multi-core training's choice goes into run.json beside the backend and its fast paths.
        workersChosen: (choice) => {
          backend.workers = choice;
          track(store.updateRun(runId, (r) => ({ ...r, backend: r.backend === null ? r.backend : { ...r.backend, workers: choice } })).then(() => undefined));
        },
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
    if (prefixPlan.plan !== null) disposePlan(prefixPlan.plan);
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

/** What encodeSplits and encodeAll encode, and with what. */
/** The three splits as the trainer and the final evaluation read them. */
type EncodedSplits = { train: SplitTensors; validation: SplitTensors; test: SplitTensors };

interface EncodeInputs {
  data: PreparedData;
  encoder: InputEncoder;
  codec: ReturnType<typeof fitLabelCodec>;
  models: ModelPair;
  throughBase: boolean;
  batchSize: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  prefix: FrozenPrefixPlan | null;
}

/**
 * encodeAll with the features technique's frozen base run through onnxruntime-node where it can
 * (opened once for the three splits); which path ran. A cached frozen prefix stays on tfjs: its
 * outputs feed layers that train, where exact ties matter (a saturated hard_sigmoid GRU repeats
 * its state exactly and max pooling gives the gradient to every tied step; onnxruntime's GRU
 * rounds those repeats differently, which moved the loss by 0.4% within 3 steps).
 */
async function encodeSplits(input: EncodeInputs): Promise<{ tensors: EncodedSplits; frozenPath: FrozenForward['path'] | null }> {
  const frozen = input.throughBase ? null : await openFrozenForward(input.models.base, input.log, { tfjsForward: (m, x) => baseOutputs(m, x, { training: false }) });
  try {
    const tensors = await encodeAll(input, frozen);
    return { tensors, frozenPath: frozen?.path ?? null };
  } finally {
    frozen?.dispose();
  }
}

/**
 * Encodes the three splits; for feature extraction, runs the frozen base once and keeps its
 * outputs; with a frozen-prefix plan, runs the prefix once over the train and validation splits
 * and keeps its outputs (the test split stays encoded: the final evaluation runs the whole
 * best checkpoint on it).
 */
async function encodeAll(input: EncodeInputs, frozen: FrozenForward | null): Promise<EncodedSplits> {
  const { data, encoder, codec, models, throughBase, batchSize, log, prefix } = input;
  const started = Date.now();
  // Feature extraction encodes batch by batch, so only a batch of inputs (decoded images) is in memory.
  const featureBatch = Math.max(1, Math.min(Math.max(64, batchSize), Math.floor(FEATURE_BATCH_VALUES / Math.max(1, encoder.width))));
  const one = async (examples: PreparedData['split']['train'], cachePrefix: boolean): Promise<SplitTensors> => {
    const y = encodeTargets(codec, examples);
    if (throughBase && !(cachePrefix && prefix !== null)) return { examples, x: await encodeExamples(encoder, examples), y };
    if (throughBase && prefix !== null) {
      const x = await encodeExamples(encoder, examples);
      try {
        // SplitTensors.x is typed 2-D; a cached prefix output is [rows, …] of any rank, and the
        // trainer only gathers and slices its rows.
        const cached = (await computeFrozenOutputs({
          model: prefix.prefix,
          rows: examples.length,
          batchSize: featureBatch,
          inputOf: (start, end) => x.slice([start, 0], [end - start, x.shape[1]]),
          progress: (done) => progress(done, examples.length),
          emptyShape: prefix.cut.tensor.shape.slice(1).map((d) => d ?? 0),
        })) as tf.Tensor2D;
        return { examples, x: cached, y };
      } finally {
        x.dispose();
      }
    }
    const features = await computeFrozenOutputs({
      model: models.base,
      rows: examples.length,
      batchSize: featureBatch,
      inputOf: (start, end) => encodeExamples(encoder, examples.slice(start, end)),
      progress: (done) => progress(done, examples.length),
      emptyShape: [models.head.inputs[0].shape[1] ?? 1],
      forward: frozen ?? undefined,
    });
    return { examples, x: features as tf.Tensor2D, y };
  };
  let lastReport = Date.now();
  const progress = (done: number, of: number): void => {
    if (Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    const what = throughBase ? 'frozen prefix outputs' : "frozen base's features";
    log('info', `computing the ${what}: ${done}/${of} examples of this split (${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
  };
  const result = {
    train: await one(data.split.train, true),
    validation: await one(data.split.validation, true),
    test: await one(data.split.test, false),
  };
  if (!throughBase) log('info', `frozen base features computed once and cached in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (throughBase && prefix !== null) log('info', `frozen prefix outputs computed once and cached in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
