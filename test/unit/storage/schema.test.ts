import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_SCHEMA_VERSION } from '../../../src/protocol/runTypes';
import { RunStore, type RunStoreProblem } from '../../../src/storage/runStore';
import { JsonFileError, RunSchemaError } from '../../../src/storage/storageErrors';
import { removeDir, sampleConfig, steppingClock, tempDir } from './fixtures/runFixtures';

test('a run.json from a newer schema gives a clear error and is skipped by listRuns', async () => {
  const dir = tempDir('schema');
  try {
    const store = new RunStore(dir, { now: steppingClock() });
    const good = await store.createRun(sampleConfig());
    const future = await store.createRun(sampleConfig());
    const file = path.join(store.runDir(future.id), 'run.json');
    fs.writeFileSync(file, JSON.stringify({ ...future, schemaVersion: RUN_SCHEMA_VERSION + 1, shape: 'new' }));

    await assert.rejects(store.readRun(future.id), (error: unknown) => {
      assert.ok(error instanceof RunSchemaError);
      assert.match(error.message, /newer version of Fine-Tune/);
      assert.match(error.message, new RegExp(`schema ${RUN_SCHEMA_VERSION + 1}`));
      assert.match(error.message, /Update/);
      assert.equal(error.path, file);
      return true;
    });

    const problems: RunStoreProblem[] = [];
    const runs = await store.listRuns({ onProblem: (p) => problems.push(p) });
    assert.deepEqual(runs.map((r) => r.id), [good.id]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].runId, future.id);
    assert.ok(problems[0].error instanceof RunSchemaError);
  } finally {
    removeDir(dir);
  }
});

test('a malformed run.json does not break listRuns: it is skipped and reported', async () => {
  const dir = tempDir('malformed');
  try {
    const reported: RunStoreProblem[] = [];
    const store = new RunStore(dir, { now: steppingClock(), onProblem: (p) => reported.push(p) });
    const a = await store.createRun(sampleConfig());
    const broken = await store.createRun(sampleConfig());
    const b = await store.createRun(sampleConfig());
    const noFields = await store.createRun(sampleConfig());
    fs.writeFileSync(path.join(store.runDir(broken.id), 'run.json'), '{"schemaVersion": 1, "id": "x", "na');
    fs.writeFileSync(path.join(store.runDir(noFields.id), 'run.json'), '{"schemaVersion": 1}');
    fs.mkdirSync(path.join(dir, 'stray-folder'));

    const runs = await store.listRuns();
    assert.deepEqual(runs.map((r) => r.id), [b.id, a.id]);
    assert.deepEqual(reported.map((p) => p.runId).sort(), [broken.id, noFields.id, 'stray-folder'].sort());
    for (const problem of reported) assert.ok(problem.error instanceof JsonFileError, problem.message);
    assert.match(reported.find((p) => p.runId === broken.id)?.message ?? '', /not valid JSON/);

    const scan = await store.scanRuns();
    assert.equal(scan.runs.length, 2);
    assert.equal(scan.problems.length, 3);
    await assert.rejects(store.readRun(broken.id), JsonFileError);
  } finally {
    removeDir(dir);
  }
});
