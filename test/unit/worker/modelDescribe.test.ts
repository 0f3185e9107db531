import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import type { WorkerMessage } from '../../../src/protocol/workerProtocol';
import { RunStore } from '../../../src/storage/runStore';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { startWorker } from '../../../src/worker/workerClient';
import { describeInWorker, ModelDescriber } from '../../../src/panels/modelDescriber';
import { tempDir, writeTabularCsv, writeTextCsv } from '../helpers/fixtures';
import { WORKER_JS, assertBuilt } from '../helpers/dist';

const launch = { workerScript: WORKER_JS };

test('model/describe answers with the counts a run would report, speaks only the protocol, and exits', async () => {
  assertBuilt();
  const csv = writeTabularCsv(tempDir());
  const messages: WorkerMessage[] = [];
  const config = makeTrainConfig(csv, { model: 'mlp', technique: 'lora' });
  const handle = startWorker(
    launch,
    (m) => {
      messages.push(m);
      if (m.type === 'worker/ready') handle.send({ type: 'model/describe', payload: { config } });
    },
    () => undefined,
  );
  const exit = await handle.exited;
  assert.equal(exit.code, 0);
  assert.deepEqual(
    messages.map((m) => m.type),
    ['worker/ready', 'model/described', 'worker/exited'],
  );
  const described = messages[1];
  assert.ok(described.type === 'model/described');
  assert.equal(described.payload.technique, 'lora');
  assert.equal(described.payload.model, 'mlp');
  assert.ok(described.payload.trainableParams > 0);
  assert.ok(described.payload.trainableParams < described.payload.totalParams, 'LoRA trains a fraction of the weights');

  // A real run of the same config records the same counts in run.json.
  const store = new RunStore(path.join(path.dirname(csv), 'runs'));
  const run = await store.createRun({ ...config, epochs: 1 });
  const runner = startWorker(
    { ...launch, env: { FINETUNE_BACKEND: 'cpu' } },
    (m) => {
      if (m.type === 'worker/ready') runner.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId: run.id, resume: false, extraEpochs: 0 } });
    },
    () => undefined,
  );
  assert.equal((await runner.exited).code, 0);
  const record = await store.readRun(run.id);
  assert.equal(record.model?.totalParams, described.payload.totalParams);
  assert.equal(record.model?.trainableParams, described.payload.trainableParams);
});

test('the four techniques of the embedded text model: full trains everything, features only the head', async () => {
  assertBuilt();
  const csv = writeTextCsv(tempDir(), 60);
  const counts = new Map<string, { total: number; trainable: number }>();
  for (const technique of ['full', 'features', 'adapter', 'lora'] as const) {
    const outcome = await describeInWorker(launch, makeTrainConfig(csv, { model: 'nn-sentiment', technique }));
    assert.equal(outcome.kind, 'described', JSON.stringify(outcome));
    if (outcome.kind !== 'described') return;
    assert.equal(outcome.description.model, 'nn-sentiment');
    counts.set(technique, { total: outcome.description.totalParams, trainable: outcome.description.trainableParams });
  }
  const full = counts.get('full');
  const features = counts.get('features');
  const lora = counts.get('lora');
  const adapter = counts.get('adapter');
  assert.ok(full && features && lora && adapter);
  assert.equal(full.trainable, full.total);
  assert.ok(full.total > 1_000_000, `nn-sentiment has about 1.5 M parameters (${full.total})`);
  // Two classes, a new head on the base's features: only the head trains.
  assert.ok(features.trainable > 0 && features.trainable < 10_000, `features trains only the head (${features.trainable})`);
  assert.equal(features.total, full.total);
  for (const small of [lora, adapter]) {
    assert.ok(small.trainable > features.trainable && small.trainable < full.total / 10);
    assert.ok(small.total > full.total, 'LoRA and adapters add weights to the base');
  }
});

test('a config whose models cannot be built is answered with model/describeFailed and its reason', async () => {
  assertBuilt();
  const csv = writeTabularCsv(tempDir());
  const outcome = await describeInWorker(launch, makeTrainConfig(csv, { model: 'nn-sentiment', technique: 'lora' }));
  assert.equal(outcome.kind, 'failed');
  assert.ok(outcome.kind === 'failed' && outcome.definite);
  assert.match(outcome.kind === 'failed' ? outcome.reason : '', /reads text/);
});

test('the describer caches by key, runs one worker at a time, and skips what is no longer wanted', async () => {
  assertBuilt();
  const dir = tempDir();
  const csv = path.join(dir, 'small.csv');
  writeFileSync(csv, ['a,b,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 2 ? 'x' : 'y'}`)].join('\n'));
  let launches = 0;
  const describer = new ModelDescriber(() => {
    launches++;
    return launch;
  });
  const config = makeTrainConfig(csv, { model: 'mlp', technique: 'full' });
  const [first, again] = await Promise.all([describer.describe('k1', config), describer.describe('k1', config)]);
  assert.equal(first.kind, 'described');
  assert.deepEqual(again, first, 'a request in flight is shared');
  assert.deepEqual(await describer.describe('k1', config), first, 'and then cached');
  assert.equal(launches, 1);
  assert.deepEqual(describer.peek('k1'), first);
  const skipped = await describer.describe('k2', { ...config, technique: 'features' }, () => false);
  assert.equal(skipped.kind, 'skipped');
  assert.equal(launches, 1);
  describer.dispose();
});
