import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_SCHEMA_VERSION, type CheckpointState, type MetricEvent, type RunRecord } from '../../../src/protocol/runTypes';
import { RunStore } from '../../../src/storage/runStore';
import { defaultRunsDir } from '../../../src/storage/runLayout';
import { InvalidRunNameError, RunBusyError, RunNotFoundError } from '../../../src/storage/storageErrors';
import { hiddenEntries, removeDir, sampleConfig, steppingClock, tempDir } from './fixtures/runFixtures';

function withStore(name: string, fn: (store: RunStore, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir(name);
    try {
      await fn(new RunStore(path.join(dir, 'runs'), { now: steppingClock() }), dir);
    } finally {
      removeDir(dir);
    }
  };
}

function event(epoch: number, step: number, split: MetricEvent['split'], name: string, value: number): MetricEvent {
  return { epoch, step, split, name, value, time: '2026-11-26T14:15:30.000Z' };
}

function checkpointState(name: string, step: number): CheckpointState {
  return {
    name,
    epoch: step,
    step,
    batchInEpoch: 0,
    rngState: [1, 2, 3, 4],
    bestValue: null,
    bestEpoch: 0,
    badValidations: 0,
    metric: 'loss',
    value: 0.5,
    time: '2026-11-26T14:15:30.000Z',
  };
}

test('defaultRunsDir is <workspace>/.finetune/runs', () => {
  assert.equal(defaultRunsDir('/ws'), path.join('/ws', '.finetune', 'runs'));
});

test(
  'createRun writes a queued run with a sortable id and a default name',
  withStore('create', async (store) => {
    const run = await store.createRun(sampleConfig({ datasetPath: '/data/reviews.csv', technique: 'lora' }));
    assert.match(run.id, /^20261126-141530-lora-[0-9a-f]{4}$/);
    assert.equal(run.name, 'reviews.csv · lora');
    assert.equal(run.status, 'queued');
    assert.equal(run.schemaVersion, RUN_SCHEMA_VERSION);
    assert.equal(run.createdAt, '2026-11-26T14:15:30.000Z');
    assert.equal(run.pid, null);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(store.runDir(run.id), 'run.json'), 'utf8')), run);
    assert.deepEqual(await store.readRun(run.id), run);

    const named = await store.createRun(sampleConfig({ technique: 'full' }), { name: 'My run' });
    assert.equal(named.name, 'My run');
    assert.match(named.id, /-full-[0-9a-f]{4}$/);
    assert.notEqual(named.id, run.id);
    assert.deepEqual(hiddenEntries(store.runsDir), []);
  }),
);

test(
  'ids stay unique when many runs are created in the same second',
  withStore('unique', async (store) => {
    const frozen = new RunStore(store.runsDir, { now: () => new Date(Date.UTC(2026, 0, 1)) });
    const runs = await Promise.all(Array.from({ length: 40 }, () => frozen.createRun(sampleConfig())));
    assert.equal(new Set(runs.map((r) => r.id)).size, 40);
    assert.equal(fs.readdirSync(store.runsDir).length, 40);
  }),
);

test(
  'updateRun applies a patch or a function atomically and sets updatedAt',
  withStore('update', async (store) => {
    const run = await store.createRun(sampleConfig());
    const patched = await store.updateRun(run.id, { status: 'running', pid: process.pid, startedAt: '2026-11-26T14:16:00.000Z' });
    assert.equal(patched.status, 'running');
    assert.equal(patched.pid, process.pid);
    assert.notEqual(patched.updatedAt, run.updatedAt);
    assert.equal(patched.createdAt, run.createdAt);

    const renamed = await store.updateRun(run.id, (r) => ({ ...r, name: `${r.name} (2)`, id: 'hijack' }));
    assert.equal(renamed.name, `${run.name} (2)`);
    assert.equal(renamed.id, run.id, 'the id cannot be changed');

    // Concurrent read-modify-write updates from one process are applied one after the other.
    await Promise.all(Array.from({ length: 25 }, () => store.updateRun(run.id, (r) => ({ ...r, trainingSeconds: r.trainingSeconds + 1 }))));
    assert.equal((await store.readRun(run.id)).trainingSeconds, 25);
    assert.deepEqual(hiddenEntries(store.runsDir), []);
  }),
);

test(
  'listRuns returns every run newest first',
  withStore('list', async (store) => {
    assert.deepEqual(await store.listRuns(), [], 'no runs folder yet');
    const a = await store.createRun(sampleConfig({ technique: 'full' }));
    const b = await store.createRun(sampleConfig({ technique: 'features' }));
    const c = await store.createRun(sampleConfig({ technique: 'adapter' }));
    fs.mkdirSync(path.join(store.runsDir, '.creating-leftover'));
    const runs = await store.listRuns();
    assert.deepEqual(runs.map((r) => r.id), [c.id, b.id, a.id]);
  }),
);

test(
  'resolveRun accepts an id, a unique prefix, a folder path, a file inside it, a name and "latest"',
  withStore('resolve', async (store, dir) => {
    const first = await store.createRun(sampleConfig({ technique: 'full' }), { name: 'baseline' });
    const second = await store.createRun(sampleConfig({ technique: 'lora' }));
    assert.equal((await store.resolveRun(first.id)).id, first.id);
    assert.equal((await store.resolveRun('latest')).id, second.id);
    assert.equal((await store.resolveRun(first.id.slice(0, 21))).id, first.id); // "20261126-141530-full-"
    assert.equal((await store.resolveRun(store.runDir(second.id))).id, second.id);
    assert.equal((await store.resolveRun(path.join(store.runDir(second.id), 'run.json'))).id, second.id);
    const ckpt = store.checkpointDir(second.id, 'best');
    fs.mkdirSync(ckpt, { recursive: true });
    assert.equal((await store.resolveRun(ckpt)).id, second.id);
    assert.equal((await store.resolveRun('Baseline')).id, first.id);

    await assert.rejects(store.resolveRun('20261126'), (error: unknown) => {
      assert.ok(error instanceof RunNotFoundError);
      assert.match(error.message, /matches 2 runs/);
      assert.deepEqual([...error.candidates].sort(), [first.id, second.id].sort());
      return true;
    });
    // A typo: near matches are listed.
    const typo = `${second.id.slice(0, 15)}-lroa`;
    await assert.rejects(store.resolveRun(typo), (error: unknown) => {
      assert.ok(error instanceof RunNotFoundError);
      assert.match(error.message, /Did you mean/);
      assert.ok(error.candidates.includes(second.id), error.message);
      return true;
    });
    await assert.rejects(store.resolveRun('zzzz'), /No run matches "zzzz".*Newest runs/);
    await assert.rejects(store.resolveRun(path.join(dir, 'nowhere')), /No run folder/);

    const other = new RunStore(path.join(dir, 'other-runs'));
    const foreign = await other.createRun(sampleConfig());
    await assert.rejects(store.resolveRun(other.runDir(foreign.id)), /another run store/);

    const empty = new RunStore(path.join(dir, 'empty'));
    await assert.rejects(empty.resolveRun('latest'), /no runs/);
  }),
);

test(
  'run ids and checkpoint names cannot escape the runs folder',
  withStore('names', async (store) => {
    assert.throws(() => store.runDir('../etc'), InvalidRunNameError);
    assert.throws(() => store.runDir('a/b'), InvalidRunNameError);
    assert.throws(() => store.checkpointDir('run', '..'), InvalidRunNameError);
    await assert.rejects(store.readRun('nope'), RunNotFoundError);
  }),
);

test(
  'metrics append as JSON lines and read back; a torn last line is skipped',
  withStore('metrics', async (store) => {
    const run = await store.createRun(sampleConfig());
    assert.deepEqual(await store.readMetrics(run.id), []);
    const batch1 = [event(1, 10, 'train', 'loss', 0.9), event(1, 10, 'validation', 'loss', 0.8)];
    const batch2 = [event(2, 20, 'train', 'loss', 0.5)];
    await store.appendMetrics(run.id, batch1);
    await store.appendMetrics(run.id, batch2);
    await store.appendMetrics(run.id, []);
    assert.deepEqual(await store.readMetrics(run.id), [...batch1, ...batch2]);

    // A crash mid-append leaves half a line at the end.
    const file = path.join(store.runDir(run.id), 'metrics.jsonl');
    fs.appendFileSync(file, '{"step":30,"epoch":3,"split":"tra');
    assert.deepEqual(await store.readMetrics(run.id), [...batch1, ...batch2]);

    // The next append starts on a fresh line, so its events are intact.
    const batch3 = [event(3, 30, 'train', 'loss', 0.3)];
    await store.appendMetrics(run.id, batch3);
    assert.deepEqual(await store.readMetrics(run.id), [...batch1, ...batch2, ...batch3]);
    await assert.rejects(store.appendMetrics('missing-run', batch3), RunNotFoundError);
  }),
);

test(
  'readMetricsSince follows a growing file by byte offset and waits for whole lines',
  withStore('metrics-tail', async (store) => {
    const run = await store.createRun(sampleConfig());
    let cursor = await store.readMetricsSince(run.id, 0);
    assert.deepEqual(cursor, { events: [], offset: 0 });
    const first = [event(1, 1, 'train', 'loss', 1), event(1, 2, 'train', 'lossé', 0.9)];
    await store.appendMetrics(run.id, first);
    cursor = await store.readMetricsSince(run.id, cursor.offset);
    assert.deepEqual(cursor.events, first);
    const file = path.join(store.runDir(run.id), 'metrics.jsonl');
    assert.equal(cursor.offset, fs.statSync(file).size);

    const partial = JSON.stringify(event(1, 3, 'train', 'loss', 0.8));
    fs.appendFileSync(file, partial.slice(0, 10));
    const waiting = await store.readMetricsSince(run.id, cursor.offset);
    assert.deepEqual(waiting, { events: [], offset: cursor.offset });
    fs.appendFileSync(file, `${partial.slice(10)}\n`);
    const done = await store.readMetricsSince(run.id, cursor.offset);
    assert.deepEqual(done.events, [event(1, 3, 'train', 'loss', 0.8)]);
  }),
);

test(
  'evaluation, predictions, report and log round-trip',
  withStore('artifacts', async (store) => {
    const run = await store.createRun(sampleConfig());
    assert.equal(await store.readEvaluation(run.id), null);
    assert.equal(await store.readPredictions(run.id), null);
    const evaluation = { task: 'tabular-regression' as const, checkpoint: 'best', rows: 3, loss: 1, mae: 0.5, rmse: 0.7, r2: 0.9 };
    await store.writeEvaluation(run.id, evaluation);
    assert.deepEqual(await store.readEvaluation(run.id), evaluation);

    function* rows(): Generator<{ line: number; label: string; prediction: string; probabilities: number[] }> {
      yield { line: 2, label: 'spam', prediction: 'ham', probabilities: [0.6, 0.4] };
      yield { line: 5, label: 'ham', prediction: 'ham', probabilities: [0.9, 0.1] };
    }
    await store.writePredictions(run.id, rows());
    assert.deepEqual(await store.readPredictions(run.id), [...rows()]);

    await store.writeReport(run.id, '# Report\n');
    assert.equal(fs.readFileSync(store.paths(run.id).report, 'utf8'), '# Report\n');

    await store.appendLog(run.id, 'started');
    await store.appendLog(run.id, 'epoch 1\n');
    assert.equal(fs.readFileSync(store.paths(run.id).log, 'utf8'), 'started\nepoch 1\n');
    assert.deepEqual(hiddenEntries(store.runsDir), []);
    await assert.rejects(store.writeEvaluation('missing-run', evaluation), RunNotFoundError);
  }),
);

test(
  'listCheckpoints reports state, the best one and sizes',
  withStore('checkpoints', async (store) => {
    const run = await store.createRun(sampleConfig());
    assert.deepEqual(await store.listCheckpoints(run.id), []);
    await store.writeCheckpointState(run.id, checkpointState('epoch-2', 20));
    await store.writeCheckpointState(run.id, checkpointState('epoch-1', 10));
    fs.writeFileSync(path.join(store.checkpointDir(run.id, 'epoch-1'), 'weights.bin'), Buffer.alloc(1000));
    fs.mkdirSync(store.checkpointDir(run.id, 'partial'));
    fs.mkdirSync(path.join(store.runDir(run.id), 'checkpoints', '.writing-epoch-3'));
    await store.updateRun(run.id, { best: { name: 'epoch-1', metric: 'loss', value: 0.4, epoch: 1, step: 10 } });

    const list = await store.listCheckpoints(run.id);
    assert.deepEqual(list.map((c) => c.name), ['epoch-1', 'epoch-2', 'partial']);
    assert.deepEqual(list.map((c) => c.isBest), [true, false, false]);
    assert.deepEqual(list[0].state, checkpointState('epoch-1', 10));
    assert.equal(list[2].state, null);
    const stateBytes = fs.statSync(path.join(store.checkpointDir(run.id, 'epoch-1'), 'state.json')).size;
    assert.equal(list[0].bytes, 1000 + stateBytes);
    assert.equal(list[2].bytes, 0);
    assert.deepEqual(await store.readCheckpointState(run.id, 'epoch-2'), checkpointState('epoch-2', 20));
  }),
);

test(
  'deleteRun removes the folder, and refuses a run whose worker is alive unless forced',
  withStore('delete', async (store) => {
    const done = await store.createRun(sampleConfig());
    await store.deleteRun(done.id);
    assert.equal(fs.existsSync(store.runDir(done.id)), false);
    await assert.rejects(store.deleteRun(done.id), RunNotFoundError);

    const live = await store.createRun(sampleConfig());
    await store.updateRun(live.id, { status: 'running', pid: process.pid });
    await assert.rejects(store.deleteRun(live.id), RunBusyError);
    await store.deleteRun(live.id, { force: true });

    const broken = await store.createRun(sampleConfig());
    fs.writeFileSync(path.join(store.runDir(broken.id), 'run.json'), '{ not json');
    await store.deleteRun(broken.id);
    assert.deepEqual(fs.readdirSync(store.runsDir), []);
  }),
);

test(
  'reading a run keeps unknown extra fields written by others',
  withStore('extra', async (store) => {
    const run = await store.createRun(sampleConfig());
    const file = path.join(store.runDir(run.id), 'run.json');
    const withExtra: RunRecord & { note: string } = { ...run, note: 'kept' };
    fs.writeFileSync(file, JSON.stringify(withExtra));
    const updated = await store.updateRun(run.id, { name: 'renamed' });
    assert.equal('note' in updated ? updated.note : undefined, 'kept');
  }),
);
