// npm run bench: training speed and memory of each technique, as JSON lines on stdout.
// One line per case: examples/s, ms/step, peak RSS, backend. A benchmark, not a test.
// Options: --backend wasm|cpu (default wasm), --rows N (default 640), --only name,name,
// --fast-paths both (each case with FINETUNE_FAST_PATHS=0 and =1), --repeat N (with a summary
// line of medians per case). Each case runs in its own process, so peak RSS is that case's own.
// tf.matMul alone, stock kernel against the fast path: node --import tsx bench/matMulMicro.ts

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { TrainConfig } from '../src/protocol/configTypes';
import { RunStore } from '../src/storage/runStore';
import { executeRun } from '../src/engine/runner/executeRun';
import { makeTrainConfig } from '../src/engine/training/trainDefaults';
import { tempDir, writeTabularCsv, writeTextCsv } from '../test/unit/helpers/fixtures';
import { runRepeats } from './fastPathRepeats';
import { activeGruKernel } from '../src/engine/backends/fastPaths/fusedBidirectionalGru';

interface BenchCase {
  name: string;
  dataset: 'text' | 'tabular';
  choices: Partial<TrainConfig>;
}

const CASES: BenchCase[] = [
  { name: 'nn-sentiment/features-cached', dataset: 'text', choices: { technique: 'features', cacheFeatures: true } },
  { name: 'nn-sentiment/features-uncached', dataset: 'text', choices: { technique: 'features', cacheFeatures: false } },
  { name: 'nn-sentiment/lora', dataset: 'text', choices: { technique: 'lora' } },
  { name: 'nn-sentiment/adapter', dataset: 'text', choices: { technique: 'adapter' } },
  { name: 'nn-sentiment/full', dataset: 'text', choices: { technique: 'full' } },
  { name: 'mlp/full', dataset: 'tabular', choices: { technique: 'full', model: 'mlp' } },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      rows: { type: 'string' },
      only: { type: 'string' },
      case: { type: 'string' },
      'fast-paths': { type: 'string' },
      repeat: { type: 'string' },
    },
  });
  const repeats = Math.max(1, Number(values.repeat ?? 1));
  const modes = values['fast-paths'] === 'both' ? ['0', '1'] : [undefined];
  const backend = values.backend === 'cpu' ? 'cpu' : 'wasm';
  const rows = Number(values.rows ?? 640);
  const only = values.only ? new Set(values.only.split(',')) : null;
  if (values.case === undefined) {
    for (const c of CASES) {
      if (only && !only.has(c.name)) continue;
      const args = [...process.execArgv, __filename, '--case', c.name, '--backend', backend, '--rows', String(rows)];
      if (repeats > 1 || modes.length > 1) {
        runRepeats(args, c.name, repeats, modes);
        continue;
      }
      const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    return;
  }
  const dir = tempDir('finetune-bench-');
  const files = { text: writeTextCsv(dir, rows), tabular: writeTabularCsv(dir, rows * 4) };
  const store = new RunStore(path.join(dir, 'runs'));
  for (const c of CASES) {
    if (c.name !== values.case) continue;
    const config = makeTrainConfig(files[c.dataset], {
      ...c.choices,
      epochs: 1,
      batchSize: 32,
      backend,
      split: { validation: 0.1, test: 0.1 },
      earlyStopping: { metric: 'loss', mode: 'min', patience: 0 },
    });
    const run = await store.createRun(config);
    let peakRss = process.memoryUsage().rss;
    let steps = 0;
    // CPU time of this (single-threaded) process per training step, from the end of the first
    // reported steps (after warm-up and any feature caching) to the last: steadier than wall time
    // on a machine shared with other work.
    const cpuMs = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    let cpuAtFirstSteps: number | null = null;
    let cpuAtLastStep = 0;
    let stepsAfterFirst = 0;
    const started = Date.now();
    await executeRun(store, run.id, {
      resume: false,
      extraEpochs: 0,
      shouldStop: () => false,
      events: {
        started: () => undefined,
        progress: () => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
        metrics: (events) => {
          const n = events.filter((e) => e.split === 'train' && e.name === 'loss').length;
          steps += n;
          if (n === 0) return;
          if (cpuAtFirstSteps === null) {
            cpuAtFirstSteps = cpuMs();
            return;
          }
          stepsAfterFirst += n;
          cpuAtLastStep = cpuMs();
        },
        checkpointSaved: () => undefined,
        evaluated: () => undefined,
        log: () => undefined,
      },
    });
    const record = await store.readRun(run.id);
    const trainRows = record.dataset?.split.train ?? 0;
    const seconds = record.trainingSeconds;
    console.log(
      JSON.stringify({
        bench: c.name,
        backend: record.backend?.name,
        fastPaths: record.backend?.fastPaths ?? [],
        gruKernel: activeGruKernel().name,
        trainRows,
        steps,
        batchSize: config.batchSize,
        msPerStep: Math.round((seconds * 1000 * 10) / Math.max(1, steps)) / 10,
        cpuMsPerStep: Math.round(((cpuAtLastStep - (cpuAtFirstSteps ?? cpuAtLastStep)) * 10) / Math.max(1, stepsAfterFirst)) / 10,
        examplesPerSecond: Math.round((trainRows / Math.max(1e-9, seconds)) * 10) / 10,
        wallSeconds: Math.round((Date.now() - started) / 100) / 10,
        peakRssMB: Math.round(peakRss / 1048576),
        trainableParams: record.model?.trainableParams,
      }),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
