import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAMED_EVALUATION_SCHEMA_VERSION, type NamedEvaluation } from '../../../src/protocol/namedEvaluationTypes';
import type { Evaluation } from '../../../src/protocol/runTypes';
import type { SweepRecord } from '../../../src/protocol/sweepTypes';
import {
  InvalidEvaluationNameError,
  defaultEvaluationName,
  listNamedEvaluations,
  namedEvaluationPaths,
  readNamedEvaluation,
  readNamedPredictions,
  writeNamedEvaluation,
} from '../../../src/storage/evaluationsStore';
import { RunStore } from '../../../src/storage/runStore';
import { createSweepId, listSweepIds, readSweep, sweepPaths, writeSweep } from '../../../src/storage/sweepStore';
import { storedEvaluationName } from '../../../src/host/commands/cliOutput';
import { removeDir, sampleConfig, tempDir } from './fixtures/runFixtures';

const EVALUATION: Evaluation = { task: 'tabular-regression', checkpoint: 'best', rows: 2, loss: 0.1, mae: 1, rmse: 1.2, r2: 0.9 };

function named(runId: string, name: string, createdAt: string): NamedEvaluation {
  return {
    schemaVersion: NAMED_EVALUATION_SCHEMA_VERSION,
    name,
    runId,
    checkpoint: 'best',
    dataset: { path: `/data/${name}`, fingerprint: 'ff'.repeat(32), rows: 2, skippedRows: 1 },
    createdAt,
    evaluation: EVALUATION,
  };
}

async function withRun(fn: (store: RunStore, runId: string) => Promise<void>): Promise<void> {
  const dir = tempDir('evaluations');
  try {
    const store = new RunStore(path.join(dir, 'runs'));
    const run = await store.createRun(sampleConfig());
    await fn(store, run.id);
  } finally {
    removeDir(dir);
  }
}

test('default names come from the file name, as the extension expects them', () => {
  assert.equal(defaultEvaluationName('/data/holdout set.csv'), 'holdout_set.csv');
  assert.equal(defaultEvaluationName('C:\\data\\.hidden.csv'), 'hidden.csv');
  for (const file of ['/x/my file (2).jsonl', 'C:\\data\\.hidden.csv']) assert.equal(`${defaultEvaluationName(file)}.json`, storedEvaluationName(file));
});

test('named evaluations: written with predictions, read back, listed oldest first', () =>
  withRun(async (store, runId) => {
    const predictions = [
      { line: 2, label: 3, prediction: 3.5 },
      { line: 3, label: 4, prediction: 3.9 },
    ];
    const paths = await writeNamedEvaluation(store, named(runId, 'later.csv', '2026-11-26T15:00:00.000Z'), predictions);
    assert.equal(paths.json, path.join(store.runDir(runId), 'evaluations', 'later.csv.json'));
    assert.equal(paths.predictions, path.join(store.runDir(runId), 'evaluations', 'later.csv.predictions.jsonl'));
    await writeNamedEvaluation(store, named(runId, 'earlier', '2026-11-26T14:00:00.000Z'), []);
    const read = await readNamedEvaluation(store, runId, 'later.csv');
    assert.deepEqual(read, named(runId, 'later.csv', '2026-11-26T15:00:00.000Z'));
    assert.deepEqual(await readNamedPredictions(store, runId, 'later.csv'), predictions);
    assert.equal(await readNamedEvaluation(store, runId, 'missing'), null);
    assert.deepEqual(await readNamedPredictions(store, runId, 'missing'), []);
    const list = await listNamedEvaluations(store, runId);
    assert.deepEqual(list.map((e) => [e.name, e.datasetPath, e.hasPredictions]), [
      ['earlier', '/data/earlier', true],
      ['later.csv', '/data/later.csv', true],
    ]);
  }));

test('named evaluations of the first version (evaluation fields plus a dataset path) are still read', () =>
  withRun(async (store, runId) => {
    const { json } = namedEvaluationPaths(store, runId, 'old.csv');
    fs.mkdirSync(path.dirname(json), { recursive: true });
    fs.writeFileSync(json, JSON.stringify({ dataset: '/data/old.csv', ...EVALUATION }));
    const read = await readNamedEvaluation(store, runId, 'old.csv');
    assert.equal(read?.dataset.path, '/data/old.csv');
    assert.equal(read?.dataset.fingerprint, '');
    assert.deepEqual(read?.evaluation, EVALUATION);
    fs.writeFileSync(path.join(path.dirname(json), 'broken.json'), '{"task": 1}');
    const problems: string[] = [];
    const list = await listNamedEvaluations(store, runId, (file) => problems.push(path.basename(file)));
    assert.deepEqual(list.map((e) => [e.name, e.hasPredictions]), [['old.csv', false]]);
    assert.deepEqual(problems, ['broken.json']);
  }));

test('evaluation names cannot leave the evaluations folder', () =>
  withRun(async (store, runId) => {
    for (const bad of ['../x', '.hidden', 'a/b', '']) {
      assert.throws(() => namedEvaluationPaths(store, runId, bad), InvalidEvaluationNameError, bad);
    }
    assert.deepEqual(await listNamedEvaluations(store, runId), []);
  }));

test('sweeps: stored under runs/sweeps, listed newest first, never mistaken for a run', async () => {
  const dir = tempDir('sweeps');
  try {
    const runsDir = path.join(dir, 'runs');
    const store = new RunStore(runsDir);
    await store.createRun(sampleConfig());
    const id = createSweepId(new Date('2026-11-26T14:15:30Z'));
    assert.match(id, /^sweep-20261126-141530-[0-9a-f]{4}$/);
    const record: SweepRecord = {
      schemaVersion: 1,
      id,
      createdAt: '2026-11-26T14:15:30.000Z',
      updatedAt: '2026-11-26T14:15:30.000Z',
      finishedAt: null,
      status: 'running',
      statusReason: null,
      datasetPath: '/data/d.csv',
      model: 'mlp',
      seed: 42,
      split: { validation: 0.1, test: 0.1 },
      techniques: ['lora'],
      axes: [],
      metric: { name: 'accuracy', mode: 'max' },
      plannedRuns: 1,
      runs: [],
    };
    assert.equal(await writeSweep(runsDir, record), sweepPaths(runsDir, id).json);
    const older = { ...record, id: 'sweep-20250101-000000-0000' };
    await writeSweep(runsDir, older);
    assert.deepEqual(await readSweep(runsDir, id), record);
    assert.equal(await readSweep(runsDir, 'sweep-none'), null);
    assert.deepEqual(await listSweepIds(runsDir), [id, older.id]);
    const { runs, problems } = await store.scanRuns();
    assert.equal(runs.length, 1);
    assert.deepEqual(problems, [], 'the sweeps folder is not reported as a broken run');
    assert.throws(() => sweepPaths(runsDir, '../x'));
  } finally {
    removeDir(dir);
  }
});

test('run.json keeps the sweep id', () =>
  withRun(async (store, runId) => {
    assert.equal((await store.readRun(runId)).sweepId, undefined);
    await store.updateRun(runId, { sweepId: 'sweep-20261126-141530-abcd' });
    assert.equal((await store.readRun(runId)).sweepId, 'sweep-20261126-141530-abcd');
  }));
