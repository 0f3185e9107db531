// The GPU proof benchmark (bundled as dist/gpu-check.js; scripts/gpu-check.sh runs it): trains
// the benchmark shapes for one epoch on each backend asked for, each case in its own process, and
// prints one JSON line per case: steady-state ms/step and examples/s (from the second reported
// step to the last, so shader compilation and warm-up are left out), the backend actually used
// and its device. A case whose backend cannot be used prints the reason instead of numbers.
// Usage: node dist/gpu-check.js [--backends webgpu,wasm] [--cases a,b] [--rows 640]
//        node dist/gpu-check.js --overhead [--backend webgpu]   (kernel-call cost, read latency, matMul rate)

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName, TrainConfig } from '../src/protocol/configTypes';
import { RunStore } from '../src/storage/runStore';
import { executeRun } from '../src/engine/runner/executeRun';
import { makeTrainConfig } from '../src/engine/training/trainDefaults';
import { tempDir, writeTabularCsv, writeTextCsv } from '../test/unit/helpers/fixtures';
import { selectBackend } from '../src/engine/backends/selectBackend';
import { measureOverhead } from './webgpuOverhead';
import { StepClock } from './stepClock';
import { makeTinyCheckpoint, TINY_WORDS, writeTinyCheckpoint } from '../test/unit/hf/tinyHfCheckpoint';

interface GpuCase {
  name: string;
  dataset: 'text' | 'tabular';
  choices: Partial<TrainConfig>;
  /** A random BERT-mini-shaped checkpoint (4 layers, hidden 256, 4 heads, FFN 1024) as the model. */
  bertMini?: boolean;
}

/** Words for the BERT-mini vocabulary: the fixture's words plus filler up to ~8,000 entries. */
const MINI_WORDS = [...TINY_WORDS, ...Array.from({ length: 8000 }, (_, i) => `w${i}`)];

const CASES: GpuCase[] = [
  { name: 'nn-sentiment/lora', dataset: 'text', choices: { technique: 'lora', batchSize: 32 } },
  { name: 'nn-sentiment/full', dataset: 'text', choices: { technique: 'full', batchSize: 32 } },
  { name: 'nn-sentiment/lora-b128', dataset: 'text', choices: { technique: 'lora', batchSize: 128 } },
  ...(['features', 'lora', 'adapter', 'full'] as const).map((technique) => ({
    name: `bert-mini/${technique}`,
    dataset: 'text' as const,
    choices: { technique, batchSize: 8, maxSequenceLength: 128 },
    bertMini: true,
  })),
  { name: 'mlp/full', dataset: 'tabular', choices: { technique: 'full', model: 'mlp', batchSize: 32 } },
  { name: 'mlp/full-b512', dataset: 'tabular', choices: { technique: 'full', model: 'mlp', batchSize: 512 } },
];

async function runCase(c: GpuCase, backend: BackendName, rows: number): Promise<Record<string, unknown>> {
  const dir = tempDir('finetune-gpu-check-');
  const file = c.dataset === 'text' ? writeTextCsv(dir, rows) : writeTabularCsv(dir, rows * 8);
  const store = new RunStore(path.join(dir, 'runs'));
  const model = c.bertMini
    ? { model: writeTinyCheckpoint(path.join(dir, 'bert-mini'), makeTinyCheckpoint({ architecture: 'bert', hidden: 256, layers: 4, heads: 4, intermediate: 1024, maxPositions: 512, words: MINI_WORDS, scale: 0.02, dropout: 0.1 })) }
    : {};
  const config = makeTrainConfig(file, {
    ...c.choices,
    ...model,
    epochs: 1,
    backend,
    split: { validation: 0.1, test: 0.1 },
    earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
  });
  const run = await store.createRun(config);
  // The first step (shader compilation, warm-up) is not timed.
  const clock = new StepClock(1);
  const result = await executeRun(store, run.id, {
    resume: false,
    extraEpochs: 0,
    shouldStop: () => false,
    events: {
      started: () => undefined,
      progress: () => undefined,
      metrics: (events) => {
        for (const e of events) if (e.split === 'train' && e.name === 'loss') clock.step(e.epoch);
      },
      checkpointSaved: () => undefined,
      evaluated: () => undefined,
      log: () => undefined,
    },
  });
  const record = await store.readRun(run.id);
  const used = record.backend?.name ?? null;
  const base = { bench: c.name, asked: backend, backend: used, device: record.backend?.device ?? null, batchSize: config.batchSize };
  if (used !== backend) {
    return { ...base, error: `${backend} not used: ${record.backend?.skipped.find((s) => s.name === backend)?.reason ?? result.status}` };
  }
  const { msPerStep } = clock.summary();
  return {
    ...base,
    steps: clock.count,
    msPerStep: Math.round(msPerStep * 10) / 10,
    examplesPerSecond: Math.round((config.batchSize * 1000) / msPerStep),
    trainingSeconds: record.trainingSeconds,
    trainableParams: record.model?.trainableParams,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { backends: { type: 'string' }, cases: { type: 'string' }, rows: { type: 'string' }, case: { type: 'string' }, backend: { type: 'string' }, overhead: { type: 'boolean' } } });
  const rows = Number(values.rows ?? 640);
  if (values.overhead === true) {
    const choice = await selectBackend((values.backend ?? 'webgpu') as BackendName, () => undefined);
    console.log(JSON.stringify({ overhead: true, flags: process.env.FINETUNE_TFJS_FLAGS ?? '', device: choice.device ?? null, ...(await measureOverhead()) }));
    return;
  }
  if (values.case !== undefined) {
    const c = CASES.find((x) => x.name === values.case);
    if (c === undefined) throw new Error(`unknown case ${values.case}`);
    console.log(JSON.stringify(await runCase(c, (values.backend ?? 'wasm') as BackendName, rows)));
    return;
  }
  const backends = (values.backends ?? 'webgpu,wasm').split(',');
  const only = values.cases === undefined ? null : new Set(values.cases.split(','));
  for (const c of CASES) {
    if (only !== null && !only.has(c.name)) continue;
    for (const backend of backends) {
      const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] ?? __filename, '--case', c.name, '--backend', backend, '--rows', String(rows)], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) console.log(JSON.stringify({ bench: c.name, asked: backend, error: `exit ${r.status}: ${(r.stderr ?? '').split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ')}` }));
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
