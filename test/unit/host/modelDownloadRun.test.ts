// A run of a Hugging Face model that is not on this machine, launched as the extension launches its
// workers (engineLaunchFor with the model cache and mirror settings): the worker downloads it from a
// 127.0.0.1 server into the cache the settings name, reports model/downloadProgressed while it does,
// then trains.

import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelDownloadProgress, WorkerMessage } from '../../../src/protocol/workerProtocol';
import { engineLaunchFor } from '../../../src/host/workerLaunch';
import { startWorker } from '../../../src/worker/workerClient';
import { RunStore } from '../../../src/storage/runStore';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { cachedModelDir } from '../../../src/engine/zoo/modelFolder';
import { FakeHub } from '../zoo/fakeHub';
import { makeTinyCheckpoint, writeTinyCheckpoint } from '../hf/tinyHfCheckpoint';
import { tempDir, writeTextCsv } from '../helpers/fixtures';
import { WORKER_JS, assertBuilt } from '../helpers/dist';

const REPO = 'test-org/tiny-bert';

test('a run of an uncached Hugging Face id downloads it into the extension cache with progress messages, then trains', async () => {
  assertBuilt();
  const dir = tempDir();
  const model = writeTinyCheckpoint(path.join(dir, 'source'), makeTinyCheckpoint({ architecture: 'bert', hidden: 16, layers: 1, heads: 2 }));
  const hub = new FakeHub();
  hub.add(REPO, 'main', Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt'].map((f) => [f, readFileSync(path.join(model, f))])));
  const mirror = await hub.start();
  try {
    const csv = writeTextCsv(dir, 60);
    const store = new RunStore(path.join(dir, 'runs'));
    const run = await store.createRun({ ...makeTrainConfig(csv, { model: REPO, technique: 'lora' }), epochs: 1, batchSize: 16, backend: 'cpu', maxSequenceLength: 16 });
    const cacheDir = path.join(dir, 'global-storage', 'models-cache');
    const launch = engineLaunchFor(WORKER_JS, { backend: 'auto', nodePath: '', allowSoftwareGpu: false, zoo: { cacheDir, mirror, offline: false } }, process.execPath);
    const messages: WorkerMessage[] = [];
    const handle = startWorker(
      { ...launch, runAsNode: false },
      (m) => {
        messages.push(m);
        if (m.type === 'worker/ready') handle.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId: run.id, resume: false, extraEpochs: 0 } });
      },
      () => undefined,
    );
    const exit = await handle.exited;
    assert.equal(exit.code, 0, JSON.stringify(messages.filter((m) => m.type === 'run/failed')));
    const downloads = messages.filter((m): m is { type: 'model/downloadProgressed'; payload: ModelDownloadProgress } => m.type === 'model/downloadProgressed').map((m) => m.payload);
    assert.ok(downloads.length >= 3, `progress for each file (${downloads.length} messages)`);
    assert.ok(downloads.every((p) => p.model === REPO));
    const weights = downloads.filter((p) => p.file === 'model.safetensors');
    const last = weights.at(-1);
    assert.ok(last?.done && last.fileIndex === last.fileCount - 1, 'the weights come last and their last report is done');
    assert.equal(last.bytes, readFileSync(path.join(model, 'model.safetensors')).length);
    const order = messages.map((m) => m.type);
    assert.ok(order.lastIndexOf('model/downloadProgressed') < order.indexOf('run/started'), 'downloaded before training starts');
    const finished = messages.find((m) => m.type === 'run/finished');
    assert.ok(finished?.type === 'run/finished' && finished.payload.status === 'completed');
    assert.ok(existsSync(path.join(cachedModelDir(cacheDir, REPO, 'main'), 'model.safetensors')), 'placed in the cache FINETUNE_CACHE names');
    assert.match(readFileSync(store.paths(run.id).log, 'utf8'), /test-org\/tiny-bert: model\.safetensors \(\d\/\d\) .* done/, 'the run log has the progress lines too');
  } finally {
    await hub.close();
  }
});
