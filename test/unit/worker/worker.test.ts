import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { WorkerMessage } from '../../../src/protocol/workerProtocol';
import { RunStore } from '../../../src/storage/runStore';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { startWorker } from '../../../src/worker/workerClient';
import { resolveCheckpointDir, readCheckpointState } from '../../../src/engine/training/checkpointIo';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { WORKER_JS, assertBuilt } from '../helpers/dist';

function runWorker(
  store: RunStore,
  runId: string,
  options: { resume?: boolean; onMessage?: (m: WorkerMessage, kill: () => void) => void } = {},
): Promise<{ messages: WorkerMessage[]; code: number | null; signal: NodeJS.Signals | null }> {
  const messages: WorkerMessage[] = [];
  const handle = startWorker(
    { workerScript: WORKER_JS, env: { FINETUNE_BACKEND: 'cpu' } },
    (m) => {
      messages.push(m);
      if (m.type === 'worker/ready') handle.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId, resume: options.resume ?? false, extraEpochs: 0 } });
      options.onMessage?.(m, () => handle.child.kill('SIGKILL'));
    },
    () => undefined,
  );
  return handle.exited.then((exit) => ({ messages, ...exit }));
}

test('a forked worker trains a tiny model end to end and speaks only the protocol', async () => {
  assertBuilt();
  const dir = tempDir();
  const store = new RunStore(path.join(dir, 'runs'));
  const run = await store.createRun(makeTrainConfig(writeTabularCsv(dir), { technique: 'lora', epochs: 2, batchSize: 16 }));
  const { messages, code } = await runWorker(store, run.id);
  assert.equal(code, 0);
  const types = messages.map((m) => m.type);
  for (const t of ['worker/ready', 'run/started', 'run/progressed', 'run/metricsAppended', 'run/checkpointSaved', 'run/evaluated', 'run/finished', 'worker/exited']) {
    assert.ok(types.includes(t as WorkerMessage['type']), `${t} was sent`);
  }
  const started = messages.find((m) => m.type === 'run/started');
  assert.ok(started && started.type === 'run/started' && started.payload.backend.name === 'cpu');
  const record = await store.readRun(run.id);
  assert.equal(record.status, 'completed');
  assert.equal(record.pid, null);
  assert.ok(await store.readEvaluation(run.id));
  const losses = (await store.readMetrics(run.id)).filter((e) => e.split === 'train' && e.name === 'loss');
  assert.ok(record.progress && record.progress.step > 0);
  assert.equal(losses.length, record.progress.step, 'metrics.jsonl holds every step, written before the worker exits');
  assert.deepEqual(losses.map((e) => e.step), Array.from({ length: record.progress.step }, (_, i) => i + 1));
  const report = readFileSync(store.paths(run.id).report, 'utf8');
  assert.match(report, /\| 2 \|/, 'the report has a row for epoch 2');
});

test('a graceful stop saves a checkpoint, and resume completes the run', async () => {
  assertBuilt();
  const dir = tempDir();
  const store = new RunStore(path.join(dir, 'runs'));
  const run = await store.createRun(makeTrainConfig(writeTabularCsv(dir, 400), { technique: 'full', epochs: 50, batchSize: 8 }));
  let asked = false;
  const handle = startWorker(
    { workerScript: WORKER_JS, env: { FINETUNE_BACKEND: 'cpu' } },
    (m) => {
      if (m.type === 'worker/ready') handle.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId: run.id, resume: false, extraEpochs: 0 } });
      if (m.type === 'run/progressed' && m.payload.step >= 5 && !asked) {
        asked = true;
        handle.stop('test stop');
      }
    },
    () => undefined,
  );
  const exit = await handle.exited;
  assert.equal(exit.code, 0);
  const stopped = await store.readRun(run.id);
  assert.equal(stopped.status, 'stopped');
  const state = await readCheckpointState(await resolveCheckpointDir(store.paths(run.id).checkpoints, 'last'));
  assert.ok(state.step >= 5);
  await store.updateRun(run.id, (r) => ({ ...r, config: { ...r.config, epochs: 1 } }));
  const resumed = await runWorker(store, run.id, { resume: true });
  assert.equal(resumed.code, 0);
  assert.equal((await store.readRun(run.id)).status, 'completed');
});

test('a worker killed with SIGKILL while checkpointing leaves a readable run folder that resumes', async () => {
  assertBuilt();
  const dir = tempDir();
  const store = new RunStore(path.join(dir, 'runs'));
  const csv = writeTabularCsv(dir, 300);
  // Validate (and so checkpoint) after every step, and kill at staggered moments after a checkpoint starts.
  for (const delayMs of [0, 3, 8, 15]) {
    const run = await store.createRun(makeTrainConfig(csv, { technique: 'full', epochs: 3, batchSize: 16, validateEverySteps: 1, earlyStopping: { metric: 'loss', mode: 'min', patience: 0 } }));
    let armed = false;
    const result = await runWorker(store, run.id, {
      onMessage: (m, kill) => {
        if (m.type === 'run/checkpointSaved' && m.payload.step >= 2 && !armed) {
          armed = true;
          setTimeout(kill, delayMs);
        }
      },
    });
    assert.equal(result.signal, 'SIGKILL');
    const record = await store.readRun(run.id);
    assert.equal(record.status, 'interrupted', 'a dead worker is never shown as running');
    assert.match(record.statusReason ?? '', /ended without finishing/);
    await store.readMetrics(run.id);
    const checkpoints = await store.listCheckpoints(run.id);
    assert.ok(checkpoints.length > 0);
    const resumed = await runWorker(store, run.id, { resume: true });
    assert.equal(resumed.code, 0, `resume after a kill at +${delayMs} ms`);
    assert.equal((await store.readRun(run.id)).status, 'completed');
  }
});
