import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerView, patienceView, stepsPerEpoch } from '../../../webview/dashboard/headerModel';
import { formatDuration, formatRate, formatValue } from '../../../webview/dashboard/format';
import { sampleRun, sampleState } from './dashboardFixtures';

const NOW = Date.parse('2026-11-26T14:16:30.000Z');
/** 15 steps done, 0.1 s per step, the last one 1 s ago. */
const facts = { lastStep: 15, throughput: 320, secondsPerStep: 0.1, lastTime: NOW - 1000 };

test('header: a running run offers Stop, shows progress, elapsed, backend and parameters', () => {
  const view = headerView(sampleState(), facts, NOW);
  assert.equal(view.statusLabel, 'Running');
  assert.equal(view.statusReason, '');
  assert.deepEqual(view.buttons, { stop: 'Stop', resume: false, extend: false, compare: false });
  assert.equal(view.progress, 0.5);
  assert.equal(view.progressText, 'Epoch 2 of 3 · step 15 of 30 · 50%');
  assert.equal(view.elapsed, '42 s', '12 s stored + 30 s since run.json was written');
  assert.equal(view.eta, '1 s', '15 steps left at 0.1 s per step, measured 1 s ago');
  assert.equal(view.throughput, '320 examples/s');
  assert.equal(view.backend, 'wasm');
  assert.match(view.device, /^CPU \(WebAssembly\), 16 cores/);
  assert.deepEqual(view.skipped, ['tensorflow-gpu: not installed']);
  assert.equal(view.parameters, '3,200 of 1,500,000 (0.21%)');
  assert.equal(view.technique, 'LoRA (rank 8, alpha 16)');
});

test('header: after the first Stop the button says Kill', () => {
  assert.equal(headerView(sampleState({ stopRequested: true }), facts, NOW).buttons.stop, 'Kill');
});

test('header: the pace of the last minute gives the ETA; the worker ETA is the fallback and counts down', () => {
  const live = { epoch: 1, step: 20, totalSteps: 300, epochs: 3, loss: 0.4, examplesPerSecond: 100, etaSeconds: 90, phase: 'training', receivedAt: NOW - 10_000 };
  const paced = headerView(sampleState({ live }), { ...facts, secondsPerStep: 1 }, NOW);
  assert.equal(paced.eta, '4 min 39 s', '280 steps left at 1 s per step, minus the second since the last step');
  assert.equal(paced.throughput, '320 examples/s', 'metric-based throughput wins over the worker window');
  const fallback = headerView(sampleState({ live }), { lastStep: 15, throughput: null, secondsPerStep: null, lastTime: 0 }, NOW);
  assert.equal(fallback.eta, '1 min 20 s');
  assert.equal(fallback.throughput, '100 examples/s');
});

test('header: stopped, interrupted and failed runs offer Resume; completed ones Extend', () => {
  for (const status of ['stopped', 'interrupted', 'failed'] as const) {
    const view = headerView(sampleState({ activity: null }, { status, statusReason: 'Why.' }), facts, NOW);
    assert.deepEqual(view.buttons, { stop: null, resume: true, extend: false, compare: false }, status);
    assert.equal(view.statusReason, 'Why.');
    assert.equal(view.elapsed, '12 s');
  }
  const done = headerView(sampleState({ activity: null, canCompare: true }, { status: 'completed', progress: { epoch: 2, step: 20, totalSteps: 30, epochs: 3 } }), facts, NOW);
  assert.deepEqual(done.buttons, { stop: null, resume: false, extend: true, compare: true });
  assert.equal(done.progress, 1);
  assert.match(done.progressText, /stopped early at epoch 2 of 3/);
  assert.equal(done.eta, 'done');
});

test('header: a queued run waits, with no total known yet', () => {
  const view = headerView(sampleState({ activity: 'queued' }, { status: 'queued', dataset: null, progress: null, trainingSeconds: 0, backend: null, model: null }), { lastStep: 0, throughput: null, secondsPerStep: null, lastTime: 0 }, NOW);
  assert.equal(view.statusLabel, 'Queued');
  assert.equal(view.progress, null);
  assert.equal(view.progressText, 'Waiting for a free slot');
  assert.equal(view.elapsed, '—');
  assert.equal(view.backend, 'not chosen yet');
  assert.equal(view.buttons.stop, 'Stop');
});

test('steps per epoch: from the split and batch size, else from the progress', () => {
  assert.equal(stepsPerEpoch(sampleRun()), 10);
  assert.equal(stepsPerEpoch(sampleRun({ dataset: null })), 10);
  assert.equal(stepsPerEpoch(sampleRun({ dataset: null, progress: null })), null);
});

test('patience: validations since the best value of the watched metric', () => {
  const history = [
    { step: 10, epoch: 0, value: 0.5 },
    { step: 20, epoch: 1, value: 0.3 },
    { step: 30, epoch: 2, value: 0.35 },
  ];
  const p = patienceView({ metric: 'loss', mode: 'min', patience: 2 }, history);
  assert.equal(p.waited, 1);
  assert.equal(p.best?.step, 20);
  assert.equal(p.text, 'Early stopping: 1 of 2 validations without improvement in validation loss (best 0.3000 at step 20, epoch 2).');
  const max = patienceView({ metric: 'macroF1', mode: 'max', patience: 0 }, history);
  assert.equal(max.best?.step, 10);
  assert.match(max.text, /^Early stopping is off; watching validation macro-F1/);
  assert.match(patienceView({ metric: 'loss', mode: 'min', patience: 3 }, []).text, /no validation yet/);
});

test('formats: values, durations, rates', () => {
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(0.00002), '2.00e-5');
  assert.equal(formatValue(12.3456), '12.346');
  assert.equal(formatValue(Number.NaN), '—');
  assert.equal(formatDuration(3725), '1 h 02 min');
  assert.equal(formatDuration(65), '1 min 05 s');
  assert.equal(formatRate(12.345), '12.3 examples/s');
  assert.equal(formatRate(0), '—');
});

test('header: a backend that names its device (the WebGPU adapter) shows it', () => {
  const state = sampleState();
  const run = { ...state.run, backend: { name: 'webgpu' as const, skipped: [], device: 'nvidia: nvidia-h100-80gb-hbm3' } };
  const view = headerView({ ...state, run }, facts, NOW);
  assert.equal(view.backend, 'webgpu');
  assert.equal(view.device, 'GPU (WebGPU): nvidia: nvidia-h100-80gb-hbm3');
});

test('header: while the base model downloads, the progress bar and its text follow the download', () => {
  const download = { model: 'prajjwal1/bert-tiny', file: 'model.safetensors', fileIndex: 5, fileCount: 6, bytes: 8_000_000, total: 16_000_000, bytesPerSecond: 2_000_000, etaSeconds: 4, done: false };
  const facts = { lastStep: 0, throughput: null, secondsPerStep: null, lastTime: 0 };
  const view = headerView(sampleState({ download }, { status: 'running' }), facts, Date.now());
  assert.equal(view.progress, 0.5);
  assert.equal(view.progressText, 'Downloading the base model prajjwal1/bert-tiny: model.safetensors (6 of 6), 8.0 MB of 16.0 MB · 50% · 2.0 MB/s · 4 s left');
  const unknownSize = headerView(sampleState({ download: { ...download, total: null, bytesPerSecond: 0, etaSeconds: null } }, { status: 'running' }), facts, Date.now());
  assert.equal(unknownSize.progress, null);
  assert.equal(unknownSize.progressText, 'Downloading the base model prajjwal1/bert-tiny: model.safetensors (6 of 6), 8.0 MB');
  // Once training reports progress, the download is no longer what the bar shows.
  const live = { epoch: 0, step: 3, totalSteps: 30, epochs: 3, loss: 0.5, examplesPerSecond: 10, etaSeconds: 9, phase: 'training', receivedAt: Date.now() };
  assert.match(headerView(sampleState({ download, live }, { status: 'running' }), facts, Date.now()).progressText, /^Epoch \d of 3 · step/);
});
