import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DashboardDownMessage } from '../../../src/protocol/dashboardProtocol';
import { DashboardFeed } from '../../../src/panels/dashboardFeed';
import { readRunSnapshot } from '../../../src/panels/dashboardSnapshot';
import { RunStore } from '../../../src/storage/runStore';
import { removeDir, sampleConfig, tempDir } from '../storage/fixtures/runFixtures';
import { trainEvents, validationEvents } from './dashboardFixtures';

interface Setup {
  dir: string;
  store: RunStore;
  runId: string;
  sent: DashboardDownMessage[];
  feed: DashboardFeed;
  activity: { value: 'running' | 'queued' | null };
  stopping: { value: boolean };
}

async function setup(): Promise<Setup> {
  const dir = tempDir('dashboard');
  const store = new RunStore(dir);
  const run = await store.createRun(sampleConfig({ earlyStopping: { metric: 'loss', mode: 'min', patience: 2 } }), { name: 'feed test' });
  await store.updateRun(run.id, { status: 'running', pid: process.pid, progress: { epoch: 0, step: 0, totalSteps: 30, epochs: 3 } });
  await store.appendMetrics(run.id, trainEvents(1, 10));
  await store.appendLog(run.id, 'first line');
  await store.appendLog(run.id, 'second line');
  const sent: DashboardDownMessage[] = [];
  const activity: { value: 'running' | 'queued' | null } = { value: 'running' };
  const stopping = { value: false };
  const feed = new DashboardFeed({
    isStopping: () => stopping.value,
    store,
    runId: run.id,
    post: (m) => sent.push(m),
    activity: () => activity.value,
    canCompare: async () => true,
    pollMs: 60_000,
    idlePollMs: 60_000,
  });
  return { dir, store, runId: run.id, sent, feed, activity, stopping };
}

function metricCount(message: DashboardDownMessage | undefined): number {
  if (message?.type === 'dashboard/stateChanged') return message.payload.metrics?.seriesIndex.length ?? -1;
  if (message?.type === 'dashboard/metricsAppended') return message.payload.metrics.seriesIndex.length;
  return -1;
}

test('feed: nothing is sent before the webview is ready; ready gets one full snapshot', async () => {
  const { dir, store, runId, sent, feed } = await setup();
  try {
    await feed.pollNow();
    assert.equal(sent.length, 0, 'not attached: silent');
    await feed.attach();
    assert.equal(sent.length, 1);
    const first = sent[0];
    assert.equal(first.type, 'dashboard/stateChanged');
    if (first.type !== 'dashboard/stateChanged') return;
    assert.equal(metricCount(first), 11, '10 losses + 1 learning rate');
    assert.equal(first.payload.state.run.name, 'feed test');
    assert.deepEqual(first.payload.state.ref, { runsDir: store.runsDir, runId });
    assert.deepEqual(first.payload.state.log, ['first line', 'second line']);
    assert.equal(first.payload.state.canCompare, true);
    assert.equal(first.payload.state.activity, 'running');
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: polls send only what was appended since the last offsets', async () => {
  const { dir, store, runId, sent, feed } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    await feed.pollNow();
    assert.equal(sent.length, 0, 'nothing new: nothing sent');
    await store.appendMetrics(runId, [...trainEvents(11, 12), ...validationEvents(12, 0, 0.4, 0.8)]);
    await store.appendLog(runId, 'third line');
    await feed.pollNow();
    assert.deepEqual(sent.map((m) => m.type), ['dashboard/metricsAppended', 'dashboard/logAppended']);
    assert.equal(metricCount(sent[0]), 5, "2 losses, 1 learning rate, 2 validation metrics");
    assert.deepEqual(sent[1].type === 'dashboard/logAppended' && sent[1].payload.lines, ['third line']);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: a change of run.json sends a new state without curves; a second ready sends everything again', async () => {
  const { dir, store, runId, sent, feed, activity } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    await store.updateRun(runId, { status: 'stopped', statusReason: 'Stopped by the user.', pid: null });
    activity.value = null;
    await feed.pollNow();
    assert.equal(sent.length, 1);
    const state = sent[0];
    assert.ok(state.type === 'dashboard/stateChanged');
    assert.equal(state.payload.metrics, null);
    assert.equal(state.payload.state.run.status, 'stopped');
    assert.equal(state.payload.state.activity, null);
    assert.deepEqual(state.payload.state.log, []);
    sent.length = 0;
    feed.detach();
    await feed.attach();
    assert.equal(metricCount(sent[0]), 11);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: Stop once, and the state asks for Kill next; it clears when the run ends', async () => {
  const { dir, store, runId, sent, feed, activity } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    await feed.markStopRequested();
    const asked = sent.at(-1);
    assert.ok(asked?.type === 'dashboard/stateChanged' && asked.payload.state.stopRequested);
    await store.updateRun(runId, { status: 'stopped', pid: null });
    activity.value = null;
    await feed.pollNow();
    const after = sent.at(-1);
    assert.ok(after?.type === 'dashboard/stateChanged' && !after.payload.state.stopRequested);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: a Stop asked elsewhere (the tree) also turns the button into Kill', async () => {
  const { dir, sent, feed, stopping } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    stopping.value = true;
    await feed.pollNow();
    const state = sent.at(-1);
    assert.ok(state?.type === 'dashboard/stateChanged' && state.payload.state.stopRequested);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: live progress is forwarded (throttled) and carried in the next state', async () => {
  const { dir, sent, feed } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    const progress = { epoch: 0, step: 11, totalSteps: 30, epochs: 3, loss: Number.NaN, examplesPerSecond: 200, etaSeconds: 4, phase: 'training' };
    feed.onWorkerMessage({ type: 'run/progressed', payload: progress });
    feed.onWorkerMessage({ type: 'run/progressed', payload: { ...progress, step: 12 } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const forwarded = sent.filter((m) => m.type === 'dashboard/progressed');
    assert.equal(forwarded.length, 1, 'two reports within 250 ms: one message');
    assert.ok(forwarded[0].type === 'dashboard/progressed');
    assert.equal(forwarded[0].payload.progress.step, 12);
    assert.equal(forwarded[0].payload.progress.loss, null, 'NaN loss becomes null');
    await feed.markStopRequested();
    const state = sent.at(-1);
    assert.ok(state?.type === 'dashboard/stateChanged' && state.payload.state.live?.step === 12);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('feed: a deleted run is reported as unavailable', async () => {
  const { dir, store, runId, sent, feed } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    await store.deleteRun(runId, { force: true });
    await feed.pollNow();
    assert.equal(sent.length, 1);
    assert.ok(sent[0].type === 'dashboard/unavailable');
    assert.match(sent[0].payload.message, /not found/);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});

test('snapshot: checkpoints are placed by their state; a malformed evaluation is a problem, not a failure', async () => {
  const dir = tempDir('dashboard-snapshot');
  try {
    const store = new RunStore(dir);
    const run = await store.createRun(sampleConfig());
    await store.writeCheckpointState(run.id, {
      name: 'best', epoch: 2, step: 20, batchInEpoch: 0, rngState: [1], bestValue: 0.3, bestEpoch: 1, badValidations: 0, metric: 'loss', value: 0.3, time: '2026-11-26T14:16:00.000Z',
    });
    await store.updateRun(run.id, { best: { name: 'best', metric: 'loss', value: 0.3, epoch: 1, step: 20 } });
    fs.writeFileSync(path.join(store.runDir(run.id), 'evaluation.json'), '{ not json');
    const snapshot = await readRunSnapshot(store, run.id);
    assert.deepEqual(snapshot.checkpoints, [{ name: 'best', step: 20, epoch: 2, isBest: true, metric: 'loss', value: 0.3 }]);
    assert.equal(snapshot.evaluation, null);
    assert.equal(snapshot.problems.length, 1);
    assert.match(snapshot.problems[0], /test evaluation could not be read/);
  } finally {
    removeDir(dir);
  }
});

test('feed: the base model download is forwarded as it comes, carried in the next state, and over when its last file is done', async () => {
  const { dir, sent, feed } = await setup();
  try {
    await feed.attach();
    sent.length = 0;
    const p = { model: 'prajjwal1/bert-tiny', file: 'model.safetensors', fileIndex: 5, fileCount: 6, bytes: 8_000_000, total: 17_600_000, bytesPerSecond: 2_000_000, etaSeconds: 5, done: false };
    feed.onWorkerMessage({ type: 'model/downloadProgressed', payload: p });
    feed.onWorkerMessage({ type: 'worker/logged', payload: { level: 'info', message: 'a line' } });
    const forwarded = sent.filter((m) => m.type === 'dashboard/downloadProgressed');
    assert.equal(forwarded.length, 1, 'a log line does not end the download');
    assert.ok(forwarded[0].type === 'dashboard/downloadProgressed');
    assert.deepEqual(forwarded[0].payload.download, p);
    await feed.markStopRequested();
    const state = sent.at(-1);
    assert.ok(state?.type === 'dashboard/stateChanged');
    assert.deepEqual(state.payload.state.download, p);
    // An earlier file done is not the end; the last file done is.
    feed.onWorkerMessage({ type: 'model/downloadProgressed', payload: { ...p, fileIndex: 2, file: 'vocab.txt', done: true } });
    assert.ok(sent.at(-1)?.type === 'dashboard/downloadProgressed');
    feed.onWorkerMessage({ type: 'model/downloadProgressed', payload: { ...p, bytes: p.total, done: true } });
    const last = sent.at(-1);
    assert.ok(last?.type === 'dashboard/downloadProgressed' && last.payload.download === null);
    // A download cut short by the run's start (or end) is over too.
    feed.onWorkerMessage({ type: 'model/downloadProgressed', payload: p });
    feed.onWorkerMessage({ type: 'run/started', payload: { runId: 'x', backend: { name: 'wasm', skipped: [] }, totalParams: 1, trainableParams: 1 } });
    const ended = sent.filter((m) => m.type === 'dashboard/downloadProgressed').at(-1);
    assert.ok(ended?.type === 'dashboard/downloadProgressed' && ended.payload.download === null);
  } finally {
    feed.dispose();
    removeDir(dir);
  }
});
