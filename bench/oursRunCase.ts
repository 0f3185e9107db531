// Our side of a bench run case: a real training run (executeRun, the run store, the trainer, the
// fast paths as the run installs them) on generated data, timed from its step events.
//   Step cases (lora, adapter, full): the run is stopped after warm-up + timed steps, all inside
//   the first epoch; ms/step is the mean wall time between step events after the warm-up, and
//   cpuMsPerStep the process's CPU time over the same steps.
//   Features: the run trains its whole epochs; endToEndSeconds runs from the moment the models are
//   ready (the frozen base's features of every split are then computed and cached) to the last
//   epoch's validation; ms/step is the mean of the cached steps within epochs.
//   Frozen-prefix cache (lora/adapter runs that cache the frozen layers below the trained ones):
//   prefixCacheSeconds is what the run's log says encoding the splits and computing the cache
//   took, and stepsEndToEndSeconds runs from the models being ready to the last timed step (the
//   cache build, warm-up and timed steps), so a cheap step is not shown without its set-up cost.

import * as path from 'node:path';
import type { TrainConfig } from '../src/protocol/configTypes';
import { RunStore } from '../src/storage/runStore';
import { executeRun } from '../src/engine/runner/executeRun';
import { restoreEncoder } from '../src/engine/runner/buildModels';
import { readPreprocessing } from '../src/engine/runner/preprocessing';
import { makeTrainConfig } from '../src/engine/training/trainDefaults';
import { activeGruKernel } from '../src/engine/backends/fastPaths/fusedBidirectionalGru';
import { ADAPTER_SIZE, BERT_MINI, LORA, type RunCase } from './benchCases';
import { bertMiniCheckpoint, writeBenchTabularCsv, writeLongTextCsv } from './benchData';
import { StepClock, type Mark } from './stepClock';

export interface CaseShape {
  /** Tokens per example (text models) or input width (tabular). */
  seq?: number;
  input?: number;
  vocab?: number;
  classes: number;
  trainRows: number;
  valRows: number;
}

export interface OursResult {
  bench: string;
  side: 'ours';
  backend: string | null;
  fastPaths: string[];
  gruKernel: string;
  /** Threads our backend computes with (tfjs-wasm in Node: one). */
  threads: number;
  batchSize: number;
  steps: number;
  msPerStep: number;
  cpuMsPerStep: number;
  examplesPerSecond: number;
  peakRssMB: number;
  trainableParams: number | null;
  shape: CaseShape;
  epochs?: number;
  endToEndSeconds?: number;
  endToEndCpuSeconds?: number;
  /** Step cases: seconds from the models being ready to the last timed step (a frozen-prefix cache's build included). */
  stepsEndToEndSeconds?: number;
  /** Seconds the run spent encoding the splits and computing the frozen-prefix cache, when it cached one. */
  prefixCacheSeconds?: number;
}

/** The run's log line when the frozen-prefix cache is built (executeRun.ts encodeSplits). */
const PREFIX_CACHED = /frozen prefix outputs computed once and cached in ([\d.]+) s/;

function datasetFor(c: RunCase, dir: string): { file: string; model: Partial<TrainConfig>; vocab?: number } {
  if (c.model === 'mlp') return { file: writeBenchTabularCsv(dir, c.rows), model: { model: 'mlp' } };
  const file = writeLongTextCsv(dir, c.rows);
  if (c.model === 'nn-sentiment') return { file, model: { model: 'nn-sentiment' } };
  const ckpt = bertMiniCheckpoint(dir);
  return { file, model: { model: ckpt.folder, maxSequenceLength: BERT_MINI.seq }, vocab: ckpt.vocab };
}

/** `workers`: the config's workers (data-parallel shards per step; null = the default, 'auto'). */
export async function runOursRunCase(c: RunCase, dir: string, backend: 'wasm' | 'cpu', workers: number | null = null): Promise<OursResult> {
  const data = datasetFor(c, dir);
  const store = new RunStore(path.join(dir, `runs-${process.pid}`));
  const config = makeTrainConfig(data.file, {
    ...data.model,
    technique: c.technique,
    cacheFeatures: c.uncached !== true,
    epochs: Math.max(1, c.epochs),
    batchSize: c.batchSize,
    backend,
    lora: { rank: LORA.rank, alpha: LORA.alpha, dropout: 0, targets: [] },
    adapter: { size: ADAPTER_SIZE, activation: 'relu', after: [] },
    split: { validation: 0.1, test: 0.1 },
    earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
    ...(workers === null ? {} : { workers }),
  });
  const run = await store.createRun(config);
  const clock = new StepClock(c.warmup);
  const stopAfter = c.epochs > 0 ? Number.POSITIVE_INFINITY : c.warmup + c.steps;
  const marks: { ready: Mark | null; validated: Mark | null; lastStep: Mark | null } = { ready: null, validated: null, lastStep: null };
  let prefixCacheSeconds: number | null = null;
  await executeRun(store, run.id, {
    resume: false,
    extraEpochs: 0,
    shouldStop: () => clock.count >= stopAfter,
    events: {
      started: () => {
        marks.ready = StepClock.now();
      },
      progress: () => undefined,
      metrics: (events) => {
        for (const e of events) {
          if (e.split === 'train' && e.name === 'loss') {
            clock.step(e.epoch);
            marks.lastStep = StepClock.now();
          }
          if (e.split === 'validation' && e.name === 'loss') marks.validated = StepClock.now();
        }
      },
      checkpointSaved: () => undefined,
      evaluated: () => undefined,
      log: (_level, message) => {
        const cached = PREFIX_CACHED.exec(message);
        if (cached !== null) prefixCacheSeconds = Number(cached[1]);
      },
    },
  });
  const record = await store.readRun(run.id);
  const pre = await readPreprocessing(store.runDir(run.id));
  const encoder = await restoreEncoder(pre.encoder, record.config);
  const split = record.dataset?.split ?? { train: 0, validation: 0 };
  const text = c.model !== 'mlp';
  const result: OursResult = {
    bench: c.name,
    side: 'ours',
    backend: record.backend?.name ?? null,
    fastPaths: record.backend?.fastPaths ?? [],
    gruKernel: activeGruKernel().name,
    // Data-parallel shards compute on as many threads (run.json backend.workers).
    threads: record.backend?.workers?.used ?? 1,
    batchSize: c.batchSize,
    ...clock.timings(c.batchSize),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    trainableParams: record.model?.trainableParams ?? null,
    shape: {
      ...(text ? { seq: encoder.width } : { input: encoder.width }),
      ...(data.vocab !== undefined ? { vocab: data.vocab } : {}),
      classes: pre.codec.classes.length,
      trainRows: split.train,
      valRows: split.validation,
    },
  };
  const { ready, validated: end, lastStep } = marks;
  if (prefixCacheSeconds !== null) result.prefixCacheSeconds = prefixCacheSeconds;
  if (c.epochs === 0 && ready !== null && lastStep !== null) result.stepsEndToEndSeconds = Math.round(lastStep.wall - ready.wall) / 1000;
  if (c.epochs > 0 && ready !== null && end !== null) {
    result.epochs = c.epochs;
    result.endToEndSeconds = Math.round(end.wall - ready.wall) / 1000;
    result.endToEndCpuSeconds = Math.round(end.cpu - ready.cpu) / 1000;
  }
  return result;
}
