import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ModelDownloadProgress, WorkerMessage } from '../../../src/protocol/workerProtocol';
import { hostZooSettings, mirrorProblem, modelCacheDir, parseModelZooSettings, zooEnvironment } from '../../../src/host/modelZooSettings';
import { engineLaunchFor } from '../../../src/host/workerLaunch';
import { downloadMessage, endsDownload } from '../../../src/host/modelDownloadNotifications';
import { runEventsToMessages } from '../../../src/worker/runEventsToMessages';
import { resolveZooSettings } from '../../../src/engine/zoo/zooSettings';

const STORAGE = '/home/u/.config/Code/User/globalStorage/fine-tune.fine-tune';

test('zoo settings: the cache lives in the global storage; mirror trimmed; offline only when true', () => {
  assert.deepEqual(parseModelZooSettings(() => undefined, STORAGE), { cacheDir: path.join(STORAGE, 'models-cache'), mirror: '', offline: false });
  const values: Record<string, unknown> = { modelMirror: ' http://mirror.local/hf/ ', offline: true };
  assert.deepEqual(parseModelZooSettings((k) => values[k], STORAGE), { cacheDir: modelCacheDir(STORAGE), mirror: 'http://mirror.local/hf/', offline: true });
  const bad: Record<string, unknown> = { modelMirror: 42, offline: 'yes' };
  assert.deepEqual(parseModelZooSettings((k) => bad[k], STORAGE), { cacheDir: modelCacheDir(STORAGE), mirror: '', offline: false });
});

test('zoo settings become FINETUNE_CACHE / FINETUNE_MODEL_MIRROR / FINETUNE_OFFLINE for workers and CLI children, which the engine reads back', () => {
  const zoo = { cacheDir: '/gs/models-cache', mirror: 'http://127.0.0.1:8080', offline: true };
  assert.deepEqual(zooEnvironment(zoo), { FINETUNE_CACHE: '/gs/models-cache', FINETUNE_MODEL_MIRROR: 'http://127.0.0.1:8080', FINETUNE_OFFLINE: '1' });
  assert.deepEqual(zooEnvironment({ ...zoo, mirror: '', offline: false }), { FINETUNE_CACHE: '/gs/models-cache' }, 'unset settings leave the environment its own');
  const launch = engineLaunchFor('/ext/dist/worker.js', { backend: 'wasm', nodePath: '', allowSoftwareGpu: false, zoo }, '/electron');
  assert.deepEqual(launch.env, { FINETUNE_BACKEND: 'wasm', FINETUNE_CACHE: '/gs/models-cache', FINETUNE_MODEL_MIRROR: 'http://127.0.0.1:8080', FINETUNE_OFFLINE: '1' });
  assert.deepEqual(engineLaunchFor('/ext/dist/cli.js', { backend: 'auto', nodePath: '', allowSoftwareGpu: false }, '/electron').env, {}, 'no zoo settings: nothing added');
  // What a child resolves from that environment (src/engine/zoo/zooSettings.ts).
  const child = resolveZooSettings({ env: launch.env, homeDir: '/home/u' });
  assert.equal(child.cacheDir, '/gs/models-cache');
  assert.equal(child.mirror, 'http://127.0.0.1:8080');
  assert.equal(child.offline, true);
});

test('the host looks for cached models as a child would; a mirror that is not a URL is a problem, not a crash', () => {
  const host = hostZooSettings({ cacheDir: '/gs/models-cache', mirror: '', offline: true }, { HF_ENDPOINT: 'http://hf.local' });
  assert.equal(host.cacheDir, '/gs/models-cache');
  assert.equal(host.mirror, 'http://hf.local');
  assert.equal(host.offline, true);
  assert.equal(host.offlineReason, 'the setting fineTune.offline');
  const badMirror = { cacheDir: '/gs/models-cache', mirror: 'mirror.local', offline: false };
  assert.equal(hostZooSettings(badMirror, {}).mirror, 'https://huggingface.co');
  assert.match(mirrorProblem(badMirror) ?? '', /The model mirror "mirror\.local" \(the setting fineTune\.modelMirror\) is not a URL/);
  assert.equal(mirrorProblem({ ...badMirror, mirror: 'http://mirror.local' }), null);
});

const P: ModelDownloadProgress = { model: 'prajjwal1/bert-tiny', file: 'model.safetensors', fileIndex: 5, fileCount: 6, bytes: 8_000_000, total: 17_600_000, bytesPerSecond: 2_000_000, etaSeconds: 4.2, done: false };

test('download notification: its message, and which worker messages end it', () => {
  assert.equal(downloadMessage(P), 'model.safetensors (file 6 of 6): 8.0 MB of 17.6 MB (45%), 2.0 MB/s, 5 s left');
  assert.equal(downloadMessage({ ...P, total: null, bytesPerSecond: 0, etaSeconds: null }), 'model.safetensors (file 6 of 6): 8.0 MB');
  const progress: WorkerMessage = { type: 'model/downloadProgressed', payload: P };
  assert.equal(endsDownload(progress), false);
  assert.equal(endsDownload({ type: 'model/downloadProgressed', payload: { ...P, fileIndex: 1, done: true } }), false, 'an earlier file done');
  assert.equal(endsDownload({ type: 'model/downloadProgressed', payload: { ...P, bytes: P.total ?? 0, done: true } }), true, 'the last file done');
  assert.equal(endsDownload({ type: 'worker/logged', payload: { level: 'info', message: 'x' } }), false);
  assert.equal(endsDownload({ type: 'run/failed', payload: { reason: 'offline', detail: null } }), true);
  assert.equal(endsDownload({ type: 'run/started', payload: { runId: 'r', backend: { name: 'wasm', skipped: [] }, totalParams: 1, trainableParams: 1 } }), true);
});

test('the worker forwards download progress: each file\'s first and last report, at most one per interval in between', () => {
  const sent: WorkerMessage[] = [];
  const events = runEventsToMessages('run-1', (m) => sent.push(m), 60_000);
  const report = (p: Partial<ModelDownloadProgress>): void => events.downloadProgressed?.({ ...P, received: 0, ...p } as ModelDownloadProgress & { received: number });
  report({ fileIndex: 4, bytes: 10, done: true });
  report({ bytes: 1000 });
  report({ bytes: 2000 });
  report({ bytes: 3000 });
  report({ bytes: 3000, done: true });
  assert.deepEqual(
    sent.map((m) => (m.type === 'model/downloadProgressed' ? [m.payload.fileIndex, m.payload.bytes, m.payload.done] : m.type)),
    [
      [4, 10, true],
      [5, 1000, false],
      [5, 3000, true],
    ],
  );
  const first = sent[0];
  assert.ok(first.type === 'model/downloadProgressed');
  assert.equal('received' in first.payload, false, 'only the protocol fields travel');
});
