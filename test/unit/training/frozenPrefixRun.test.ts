// Whole runs (executeRun on a tiny text dataset, the embedded nn-sentiment model with an adapter
// after its GRU) with and without the frozen-prefix cache: the same training losses, validation
// metrics and test evaluation; the cache recorded in run.json and explained in the log; and
// resume across the two modes (a run stopped without the cache resumes with it, and vice versa).

import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { createAndRun, runById } from '../helpers/runHelpers';
import { assertSameMetrics, type StoredRun } from '../helpers/runMetrics';
import type { FrozenPrefixCacheMode } from '../../../src/protocol/configTypes';
import { FROZEN_PREFIX_FAST_PATH } from '../../../src/engine/training/frozenPrefixCache';

before(async () => {
  await tf.setBackend('cpu');
});

const COMMON = { technique: 'adapter', epochs: 2, batchSize: 16, learningRate: 0.01, split: { validation: 0.2, test: 0.2 } } as const;

async function assertSameResults(a: StoredRun, b: StoredRun): Promise<void> {
  await assertSameMetrics(a, b);
  const ea = await a.store.readEvaluation(a.runId);
  const eb = await b.store.readEvaluation(b.runId);
  assert.ok(ea && eb && ea.task === 'text-classification' && eb.task === 'text-classification');
  assert.equal(ea.accuracy, eb.accuracy);
  assert.deepEqual(ea.confusion, eb.confusion);
  assert.ok(Math.abs(ea.loss - eb.loss) <= 1e-4 * Math.max(1, ea.loss), `test loss ${ea.loss} vs ${eb.loss}`);
}

function logOf(o: StoredRun): string {
  return fs.readFileSync(path.join(o.store.runDir(o.runId), 'worker.log'), 'utf8');
}

test('a run with the frozen-prefix cache gives the metrics of a run without it, and says so', async () => {
  const dir = tempDir();
  const csv = writeTextCsv(dir, 96);
  const runs = path.join(dir, 'runs');
  const cached = await createAndRun(runs, csv, { ...COMMON, frozenPrefixCache: 'auto' });
  const plain = await createAndRun(runs, csv, { ...COMMON, frozenPrefixCache: 'off' });
  assert.equal(cached.result.status, 'completed');
  assert.equal(plain.result.status, 'completed');
  await assertSameResults(cached, plain);
  assert.ok((await cached.store.readRun(cached.runId)).backend?.fastPaths?.includes(FROZEN_PREFIX_FAST_PATH));
  assert.ok(!(await plain.store.readRun(plain.runId)).backend?.fastPaths?.includes(FROZEN_PREFIX_FAST_PATH));
  assert.match(logOf(cached), /frozen-prefix cache: 2 frozen layers up to 'bidirectional_1' computed once per example; cache \[\d+, 100, 40\] = [\d.]+ [KM]iB/);
  assert.match(logOf(plain), /frozen-prefix cache off \(frozenPrefixCache: off\)/);
});

async function resumeAcross(first: FrozenPrefixCacheMode, then: FrozenPrefixCacheMode): Promise<void> {
  const dir = tempDir();
  const csv = writeTextCsv(dir, 96);
  const runs = path.join(dir, 'runs');
  const straight = await createAndRun(runs, csv, { ...COMMON, frozenPrefixCache: then });
  const stopped = await createAndRun(runs, csv, { ...COMMON, frozenPrefixCache: first }, { stopAfterSteps: 5 });
  assert.equal(stopped.result.status, 'stopped');
  await stopped.store.updateRun(stopped.runId, (r) => ({ ...r, config: { ...r.config, frozenPrefixCache: then } }));
  const resumed = await runById(stopped.store, stopped.runId, { resume: true });
  assert.equal(resumed.status, 'completed');
  await assertSameResults(stopped, straight);
}

test('resume across modes: stopped without the cache, resumed with it', async () => {
  await resumeAcross('off', 'auto');
});

test('resume across modes: stopped with the cache, resumed without it', async () => {
  await resumeAcross('auto', 'off');
});
