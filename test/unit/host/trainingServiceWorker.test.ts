// The training service with real worker processes (dist/worker.js) and the CLI child process of
// Try It / Evaluate (dist/cli.js), on a tiny tabular dataset with the cpu backend.

import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';
import { runCliCommand } from '../../../src/host/cliProcess';
import { evaluationHeadline, parseEvaluation, parsePrediction } from '../../../src/host/commands/cliOutput';
import { RunStores } from '../../../src/host/runStores';
import { TrainingService } from '../../../src/host/trainingService';
import type { RunActivity } from '../../../src/host/trainingServiceApi';
import { assertBuilt, CLI_JS, WORKER_JS } from '../helpers/dist';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { waitFor } from './fakeWorker';

const settings = { backend: 'cpu' as const, concurrentRuns: 1, nodePath: '' };

function service(stores: RunStores, activity: RunActivity[]): TrainingService {
  const training = new TrainingService({ workerScript: WORKER_JS, storeFor: (d) => stores.storeFor(d), settings: () => settings, log: () => undefined });
  training.onDidReceive((a) => activity.push(a));
  return training;
}

test('a run trains in a forked worker; predict and eval run as CLI child processes', { timeout: 120_000 }, async () => {
  assertBuilt();
  const dir = tempDir('finetune-host-worker-');
  const dataset = writeTabularCsv(dir);
  const runsDir = path.join(dir, 'runs');
  const stores = new RunStores();
  const activity: RunActivity[] = [];
  const training = service(stores, activity);
  const runId = await training.startRun(runsDir, makeTrainConfig(dataset, { model: 'mlp', technique: 'full', epochs: 2, batchSize: 16 }), 'tiny');
  await waitFor(() => training.activityOf(runId) === null, 60_000);
  const types = activity.filter((a) => a.runId === runId).map((a) => a.message.type);
  for (const type of ['worker/ready', 'run/started', 'run/progressed', 'run/checkpointSaved', 'run/evaluated', 'run/finished']) {
    assert.ok(types.includes(type as RunActivity['message']['type']), `${type} arrived`);
  }
  const store = stores.storeFor(runsDir);
  const record = await store.readRun(runId);
  assert.equal(record.status, 'completed');
  assert.equal(record.name, 'tiny');
  assert.equal(record.backend?.name, 'cpu');

  const cli = { cliScript: CLI_JS, settings, cwd: store.runDir(runId) };
  const predicted = parsePrediction(
    (await runCliCommand(cli, ['predict', '--json', '--checkpoint', 'best', '--runs-dir', runsDir, '--', runId, '{"f1":1,"f2":0.5,"f3":-1,"f4":0,"colour":"red"}'])).stdout,
  );
  assert.ok(predicted.prediction === 'yes' || predicted.prediction === 'no');
  assert.ok(predicted.probabilities && Math.abs(predicted.probabilities.yes + predicted.probabilities.no - 1) < 1e-3);

  const evaluation = parseEvaluation((await runCliCommand(cli, ['eval', '--json', '--dataset', dataset, '--checkpoint', 'best', '--runs-dir', runsDir, '--', runId])).stdout);
  assert.match(evaluationHeadline(evaluation), /^accuracy \d\.\d{3}, macro-F1/);
  assert.ok(fs.existsSync(path.join(store.runDir(runId), 'evaluations', 'tabular.csv.json')));

  await assert.rejects(runCliCommand(cli, ['predict', '--json', '--runs-dir', runsDir, '--', runId, '{"f1":1}']), /lacks the columns/);
});

test('Stop checkpoints the run; it resumes; a second Stop kills the worker', { timeout: 120_000 }, async () => {
  assertBuilt();
  const dir = tempDir('finetune-host-stop-');
  const runsDir = path.join(dir, 'runs');
  const stores = new RunStores();
  const activity: RunActivity[] = [];
  const training = service(stores, activity);
  const config = makeTrainConfig(writeTabularCsv(dir, 400), { model: 'mlp', technique: 'full', epochs: 200, batchSize: 8 });
  const runId = await training.startRun(runsDir, config);
  await waitFor(() => activity.some((a) => a.message.type === 'run/progressed'), 60_000);
  training.stopRun(runId);
  await waitFor(() => training.activityOf(runId) === null, 60_000);
  const store = stores.storeFor(runsDir);
  const stopped = await store.readRun(runId);
  assert.equal(stopped.status, 'stopped');
  assert.ok((await store.listCheckpoints(runId)).some((c) => c.name === 'last'));

  activity.length = 0;
  await training.resumeRun(runsDir, runId, 0);
  await waitFor(() => activity.some((a) => a.message.type === 'run/progressed'), 60_000);
  training.stopRun(runId);
  training.stopRun(runId);
  await waitFor(() => training.activityOf(runId) === null, 60_000);
  const killed = await store.readRun(runId);
  assert.equal(killed.status, 'stopped');
  assert.match(killed.statusReason ?? '', /Killed by a second Stop/);
  assert.equal(killed.pid, null);
  assert.match(fs.readFileSync(store.paths(runId).log, 'utf8'), /resuming from checkpoint/);
});

test('a fineTune.nodePath that does not exist fails the run with a hint', { timeout: 30_000 }, async () => {
  const dir = tempDir('finetune-host-nonode-');
  const runsDir = path.join(dir, 'runs');
  const stores = new RunStores();
  const training = new TrainingService({
    workerScript: WORKER_JS,
    storeFor: (d) => stores.storeFor(d),
    settings: () => ({ ...settings, nodePath: path.join(dir, 'no-such-node') }),
    log: () => undefined,
  });
  const runId = await training.startRun(runsDir, makeTrainConfig(writeTabularCsv(dir), { model: 'mlp' }));
  await waitFor(() => training.activityOf(runId) === null, 20_000);
  const record = await stores.storeFor(runsDir).readRun(runId);
  assert.equal(record.status, 'failed');
  assert.match(record.statusReason ?? '', /could not be started.*ENOENT.*fineTune\.nodePath/s);
});
