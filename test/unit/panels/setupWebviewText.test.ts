import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadNotice } from '../../../webview/setup/modelSection';
import { deviceText } from '../../../webview/setup/startSection';
import { NN_SENTIMENT } from './setupFixtures';

test('the model picker says what choosing an uncached catalog model means; nothing for a model on this machine', () => {
  const tiny = { ...NN_SENTIMENT, value: 'prajjwal1/bert-tiny', title: 'prajjwal1/bert-tiny', source: 'catalog' as const, tag: 'download ≈17.8 MB', download: { approxBytes: 17_775_680, from: 'https://huggingface.co', into: '/gs/models-cache' } };
  assert.equal(
    downloadNotice(tiny),
    'prajjwal1/bert-tiny is not on this machine yet: it will be downloaded (≈17.8 MB) from https://huggingface.co when the run starts, into /gs/models-cache, and reused after that. The run\'s dashboard and a notification show the download\'s progress.',
  );
  assert.equal(downloadNotice(NN_SENTIMENT), '');
  assert.equal(downloadNotice(undefined), '');
});

test('the device line: checking, the device with why not the GPU, or the check that failed', () => {
  assert.equal(deviceText({ status: 'checking' }), 'checking which device runs will train on…');
  assert.equal(deviceText({ status: 'ready', kind: 'gpu', text: 'GPU — NVIDIA H100 80GB HBM3 (WebGPU)', reason: null }), 'GPU — NVIDIA H100 80GB HBM3 (WebGPU)');
  assert.equal(
    deviceText({ status: 'ready', kind: 'cpu', text: 'CPU (WebAssembly)', reason: 'no GPU backend usable: only a software WebGPU adapter was found' }),
    'CPU (WebAssembly) — no GPU backend usable: only a software WebGPU adapter was found',
  );
  assert.equal(deviceText({ status: 'failed', reason: 'The finetune command exited with code 1.' }), 'unknown: the GPU check failed (The finetune command exited with code 1.)');
});
