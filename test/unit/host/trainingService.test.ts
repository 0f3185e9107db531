import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import type { RunActivity } from '../../../src/host/trainingServiceApi';
import { TrainingService, WorkspaceUntrustedError } from '../../../src/host/trainingService';
import type { TrainingSettings } from '../../../src/host/trainingSettings';
import { RunStores } from '../../../src/host/runStores';
import { tempDir } from '../helpers/fixtures';
import { fakeStarter, waitFor } from './fakeWorker';

function setup(settings: Partial<TrainingSettings> = {}, trusted = true) {
  const runsDir = path.join(tempDir('finetune-host-'), 'runs');
  const stores = new RunStores();
  const { start, workers } = fakeStarter();
  const logs: string[] = [];
  const activity: RunActivity[] = [];
  const service = new TrainingService({
    workerScript: '/ext/dist/worker.js',
    storeFor: (dir) => stores.storeFor(dir),
    settings: () => ({ backend: 'auto', concurrentRuns: 1, nodePath: '', ...settings }),
    log: (line) => logs.push(line),
    isTrusted: () => trusted,
    startWorker: start,
  });
  service.onDidReceive((event) => activity.push(event));
  const store = stores.storeFor(runsDir);
  const config = makeTrainConfig('/data/reviews.csv', { technique: 'lora' });
  return { runsDir, store, service, workers, logs, activity, config };
}

test('one slot: the second run waits, visibly queued, and starts when the first ends', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const first = await service.startRun(runsDir, config, 'first');
  const second = await service.startRun(runsDir, config, 'second');
  assert.equal(workers.length, 1);
  assert.equal(service.activityOf(first), 'running');
  assert.equal(service.activityOf(second), 'queued');
  assert.equal((await store.readRun(second)).status, 'queued');
  assert.deepEqual(service.queuedRuns(), [{ runsDir, runId: second }]);

  workers[0].ready();
  assert.deepEqual(workers[0].sent, [{ type: 'run/start', payload: { runsDir, runId: first, resume: false, extraEpochs: 0 } }]);
  await store.updateRun(first, { status: 'completed' });
  workers[0].finish();
  await waitFor(() => workers.length === 2);
  assert.equal(service.activityOf(first), null);
  assert.equal(service.activityOf(second), 'running');
  assert.equal((await store.readRun(first)).status, 'completed');
});

test('concurrentRuns 2 runs two workers at once', async () => {
  const { runsDir, service, workers, config } = setup({ concurrentRuns: 2 });
  await service.startRun(runsDir, config);
  await service.startRun(runsDir, config);
  await service.startRun(runsDir, config);
  assert.equal(workers.length, 2);
  assert.equal(service.runningRuns().length, 2);
  assert.equal(service.queuedRuns().length, 1);
});

test('launch: VS Code runtime as node by default; nodePath and backend settings are passed', async () => {
  const a = setup();
  await a.service.startRun(a.runsDir, a.config);
  assert.equal(a.workers[0].launch.runAsNode, true);
  assert.equal(a.workers[0].launch.execPath, process.execPath);
  assert.equal(a.workers[0].launch.workerScript, '/ext/dist/worker.js');
  assert.equal(a.workers[0].launch.env?.FINETUNE_BACKEND, undefined);

  const b = setup({ nodePath: '/opt/node/bin/node', backend: 'wasm' });
  await b.service.startRun(b.runsDir, b.config);
  assert.equal(b.workers[0].launch.runAsNode, false);
  assert.equal(b.workers[0].launch.execPath, '/opt/node/bin/node');
  assert.equal(b.workers[0].launch.env?.FINETUNE_BACKEND, 'wasm');
});

test('stopping a queued run takes it off the queue and marks it stopped', async () => {
  const { runsDir, store, service, workers, config } = setup();
  await service.startRun(runsDir, config);
  const queued = await service.startRun(runsDir, config);
  service.stopRun(queued);
  assert.equal(service.activityOf(queued), null);
  await waitFor(async () => (await store.readRun(queued)).status === 'stopped');
  assert.equal(workers.length, 1);
});

test('first Stop is graceful (run/stop), a second Stop kills', async () => {
  const { runsDir, store, service, workers, config, activity } = setup();
  const id = await service.startRun(runsDir, config);
  workers[0].ready();
  service.stopRun(id);
  assert.deepEqual(workers[0].stops, ['Stopped from VS Code.']);
  assert.equal(workers[0].killed, false);
  assert.equal(service.isStopping(id), true);
  await store.updateRun(id, { status: 'running', pid: null });
  service.stopRun(id);
  assert.equal(workers[0].killed, true);
  await waitFor(() => service.activityOf(id) === null);
  const record = await store.readRun(id);
  assert.equal(record.status, 'stopped');
  assert.match(record.statusReason ?? '', /Killed by a second Stop/);
  assert.ok(activity.some((a) => a.runId === id && a.message.type === 'run/finished'));
});

test('Stop before the worker is ready kills it without starting the run and restores the status', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const id = await service.startRun(runsDir, config);
  service.stopRun(id);
  assert.equal(workers[0].killed, true);
  await waitFor(() => service.activityOf(id) === null);
  assert.equal(workers[0].sent.length, 0);
  assert.equal((await store.readRun(id)).status, 'stopped');
});

test('a worker that exits without run/finished or run/failed fails its run with code and last stderr lines', async () => {
  const { runsDir, store, service, workers, config, activity } = setup();
  const id = await service.startRun(runsDir, config);
  const second = await service.startRun(runsDir, config);
  workers[0].ready();
  await store.updateRun(id, { status: 'running', pid: workers[0].pid ?? null });
  workers[0].output('stderr', 'loading model\nRangeError: Array buffer allocation failed\n');
  workers[0].output('stdout', 'partial line without newline');
  workers[0].exit({ code: 134, signal: null });
  await waitFor(() => service.activityOf(id) === null);
  const record = await store.readRun(id);
  assert.equal(record.status, 'failed');
  assert.equal(record.pid, null);
  assert.match(record.statusReason ?? '', /exited with code 134/);
  assert.match(record.statusReason ?? '', /Array buffer allocation failed/);
  const failed = activity.find((a) => a.runId === id && a.message.type === 'run/failed');
  assert.ok(failed);
  const log = await import('node:fs').then((fs) => fs.readFileSync(store.paths(id).log, 'utf8'));
  assert.match(log, /stderr RangeError: Array buffer allocation failed/);
  assert.match(log, /stdout partial line without newline/);
  // The queue moves on.
  await waitFor(() => service.activityOf(second) === 'running');
});

test('a runtime that cannot be spawned fails the run with a hint about fineTune.nodePath', async () => {
  const { runsDir, store, service, workers, config } = setup({ nodePath: '/nowhere/node' });
  const id = await service.startRun(runsDir, config);
  workers[0].failToSpawn(new Error('spawn /nowhere/node ENOENT'));
  await waitFor(() => service.activityOf(id) === null);
  const record = await store.readRun(id);
  assert.equal(record.status, 'failed');
  assert.match(record.statusReason ?? '', /fineTune\.nodePath/);
});

test('a worker-reported outcome is left to the worker', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const id = await service.startRun(runsDir, config);
  workers[0].ready();
  await store.updateRun(id, { status: 'failed', statusReason: 'The dataset has no rows.' });
  workers[0].emit({ type: 'run/failed', payload: { reason: 'The dataset has no rows.', detail: null } });
  workers[0].exit({ code: 1, signal: null });
  await waitFor(() => service.activityOf(id) === null);
  assert.equal((await store.readRun(id)).statusReason, 'The dataset has no rows.');
});

test('resume queues a run to continue from its checkpoint; extend passes extra epochs', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const id = await service.startRun(runsDir, config);
  workers[0].ready();
  await store.writeCheckpointState(id, {
    name: 'last', epoch: 1, step: 10, batchInEpoch: 0, rngState: [1, 2, 3, 4], bestValue: null, bestEpoch: 0,
    badValidations: 0, metric: 'loss', value: null, time: new Date().toISOString(),
  });
  await store.updateRun(id, { status: 'completed' });
  workers[0].finish();
  await waitFor(() => service.activityOf(id) === null);

  await service.resumeRun(runsDir, id, 2);
  assert.equal(workers.length, 2);
  workers[1].ready();
  assert.deepEqual(workers[1].sent[0], { type: 'run/start', payload: { runsDir, runId: id, resume: true, extraEpochs: 2 } });
  await assert.rejects(service.resumeRun(runsDir, id, 0), /already running/);
});

test('a run resumed while the slot is taken waits as queued; stopping it restores its status', async () => {
  const { runsDir, store, service, config } = setup();
  const done = await store.createRun(config);
  await store.updateRun(done.id, { status: 'completed', statusReason: 'Early stopping.' });
  await service.startRun(runsDir, config);
  await service.resumeRun(runsDir, done.id, 3);
  assert.equal(service.activityOf(done.id), 'queued');
  assert.equal((await store.readRun(done.id)).status, 'queued');
  service.stopRun(done.id);
  await waitFor(async () => (await store.readRun(done.id)).status === 'completed');
  assert.equal((await store.readRun(done.id)).statusReason, 'Early stopping.');
});

test('a run without checkpoints starts again from the beginning when resumed', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const run = await store.createRun(config);
  await store.updateRun(run.id, { status: 'interrupted' });
  await service.resumeRun(runsDir, run.id, 0);
  workers[0].ready();
  assert.deepEqual(workers[0].sent[0], { type: 'run/start', payload: { runsDir, runId: run.id, resume: false, extraEpochs: 0 } });
});

test('untrusted workspaces refuse to train', async () => {
  const { runsDir, service, config, workers } = setup({}, false);
  await assert.rejects(service.startRun(runsDir, config), WorkspaceUntrustedError);
  await assert.rejects(service.resumeRun(runsDir, 'x', 0), WorkspaceUntrustedError);
  assert.equal(workers.length, 0);
});

test('shutdown asks running workers to stop and restores queued runs', async () => {
  const { runsDir, store, service, workers, config } = setup();
  const running = await service.startRun(runsDir, config);
  const queued = await service.startRun(runsDir, config);
  workers[0].ready();
  await service.shutdown();
  assert.deepEqual(workers[0].stops, ['VS Code is closing.']);
  assert.equal((await store.readRun(queued)).status, 'stopped');
  assert.equal(service.activityOf(running), 'running');
  workers[0].finish('stopped');
  await waitFor(() => service.activityOf(running) === null);
  assert.equal(workers.length, 1, 'no new worker starts while closing');
});
