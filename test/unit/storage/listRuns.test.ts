import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_SCHEMA_VERSION, type RunRecord } from '../../../src/protocol/runTypes';
import { RunStore } from '../../../src/storage/runStore';
import { removeDir, sampleConfig, tempDir } from './fixtures/runFixtures';

const RUNS = 1000;

test(`listRuns lists ${RUNS} runs correctly, newest first`, async () => {
  const dir = tempDir('list-many');
  try {
    const start = Date.UTC(2026, 0, 1);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const created = new Date(start + i * 60_000).toISOString();
      const id = `run-${String(i).padStart(4, '0')}`;
      const record: RunRecord = {
        schemaVersion: RUN_SCHEMA_VERSION,
        id,
        name: `run ${i}`,
        status: i % 3 === 0 ? 'completed' : 'failed',
        statusReason: null,
        createdAt: created,
        updatedAt: created,
        startedAt: null,
        finishedAt: null,
        config: sampleConfig(),
        dataset: null,
        model: null,
        backend: null,
        environment: null,
        gitCommit: null,
        pid: null,
        progress: null,
        best: null,
        trainingSeconds: i,
      };
      fs.mkdirSync(path.join(dir, id));
      fs.writeFileSync(path.join(dir, id, 'run.json'), JSON.stringify(record, null, 2));
      fs.writeFileSync(path.join(dir, id, 'metrics.jsonl'), '{}\n'.repeat(100)); // not read by listing
      ids.push(id);
    }
    const store = new RunStore(dir);
    const t0 = performance.now();
    const runs = await store.listRuns();
    const cold = performance.now() - t0;
    const t1 = performance.now();
    const again = await store.listRuns();
    const warm = performance.now() - t1;
    console.log(`listRuns: ${RUNS} runs in ${cold.toFixed(1)} ms (first call), ${warm.toFixed(1)} ms (second)`);
    assert.equal(again.length, RUNS);
    assert.equal(runs.length, RUNS);
    assert.deepEqual(runs.map((r) => r.id), [...ids].reverse());
    assert.equal(runs[0].trainingSeconds, RUNS - 1);
  } finally {
    removeDir(dir);
  }
});
