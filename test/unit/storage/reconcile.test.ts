import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunStore } from '../../../src/storage/runStore';
import { deadWorkerReason, isProcessAlive, reconcileRun } from '../../../src/storage/reconcileRun';
import { deadPid, removeDir, sampleConfig, tempDir } from './fixtures/runFixtures';

function rawRun(store: RunStore, id: string): { status: string; statusReason: string | null; pid: number | null } {
  return JSON.parse(fs.readFileSync(path.join(store.runDir(id), 'run.json'), 'utf8')) as {
    status: string;
    statusReason: string | null;
    pid: number | null;
  };
}

test('isProcessAlive: this process is alive, an exited child is not, nonsense pids are not', async () => {
  assert.equal(isProcessAlive(process.pid), true);
  assert.equal(isProcessAlive(await deadPid()), false);
  assert.equal(isProcessAlive(0), false);
  assert.equal(isProcessAlive(-1), false);
  assert.equal(isProcessAlive(1.5), false);
});

test('a running run whose worker died is read, listed and saved as interrupted', async () => {
  const dir = tempDir('reconcile');
  try {
    const store = new RunStore(dir);
    const pid = await deadPid();
    const run = await store.createRun(sampleConfig());
    await store.updateRun(run.id, { status: 'running', pid });
    const read = await store.readRun(run.id);
    assert.equal(read.status, 'interrupted');
    assert.equal(
      read.statusReason,
      `The training process (pid ${pid}) ended without finishing; resume the run to continue from its last checkpoint.`,
    );
    assert.equal(read.pid, null);
    const saved = rawRun(store, run.id);
    assert.equal(saved.status, 'interrupted', 'persisted');
    assert.equal(saved.pid, null);
    assert.equal(saved.statusReason, deadWorkerReason(pid));

    const other = await store.createRun(sampleConfig());
    await store.updateRun(other.id, { status: 'queued', pid });
    const listed = await store.listRuns();
    assert.equal(listed.find((r) => r.id === other.id)?.status, 'interrupted');
    assert.equal(rawRun(store, other.id).status, 'interrupted');
    assert.equal(rawRun(store, other.id).statusReason, deadWorkerReason(pid));
  } finally {
    removeDir(dir);
  }
});

test('runs with a live worker, queued runs without a pid and finished runs are left alone', async () => {
  const dir = tempDir('reconcile-alive');
  try {
    const store = new RunStore(dir);
    const live = await store.createRun(sampleConfig());
    await store.updateRun(live.id, { status: 'running', pid: process.pid });
    const queued = await store.createRun(sampleConfig());
    const done = await store.createRun(sampleConfig());
    await store.updateRun(done.id, { status: 'completed', pid: await deadPid() });
    const before = fs.readFileSync(path.join(store.runDir(done.id), 'run.json'), 'utf8');

    assert.equal((await store.readRun(live.id)).status, 'running');
    assert.equal((await store.readRun(queued.id)).status, 'queued');
    assert.equal((await store.readRun(done.id)).status, 'completed');
    assert.equal(fs.readFileSync(path.join(store.runDir(done.id), 'run.json'), 'utf8'), before, 'not rewritten');
  } finally {
    removeDir(dir);
  }
});

test('reconcileRun is pure and returns the same object when nothing changes', () => {
  {
    const now = new Date('2026-11-26T15:00:00.000Z');
    const base = {
      schemaVersion: 1,
      id: 'r',
      name: 'r',
      status: 'running' as const,
      statusReason: null,
      createdAt: '2026-11-26T14:00:00.000Z',
      updatedAt: '2026-11-26T14:00:00.000Z',
      startedAt: null,
      finishedAt: null,
      config: sampleConfig(),
      dataset: null,
      model: null,
      backend: null,
      environment: null,
      gitCommit: null,
      pid: 4242,
      progress: null,
      best: null,
      trainingSeconds: 0,
    };
    assert.equal(reconcileRun(base, now, () => true), base);
    const dead = reconcileRun(base, now, () => false);
    assert.notEqual(dead, base);
    assert.equal(dead.status, 'interrupted');
    assert.equal(dead.updatedAt, now.toISOString());
    assert.equal(base.status, 'running', 'input not mutated');
    const noPid = { ...base, pid: null };
    assert.equal(reconcileRun(noPid, now, () => false), noPid);
  }
});
