import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlignedTable, lowerBound } from '../../../webview/dashboard/alignedTable';
import { CurveStore, chartOf, seriesLabel } from '../../../webview/dashboard/curveSeries';
import { ThroughputMeter } from '../../../webview/dashboard/throughputMeter';
import { PaceMeter } from '../../../webview/dashboard/paceMeter';
import { columns, trainEvents, validationEvents } from './dashboardFixtures';

test('aligned table: rows per distinct x, null where a series has no point', () => {
  const t = new AlignedTable();
  const a = t.column('train/loss', 'Training loss', false);
  const b = t.column('validation/loss', 'Validation loss', true);
  t.upsert(a, 1, 0.9);
  t.upsert(a, 2, 0.8);
  t.upsert(b, 2, 0.85);
  t.upsert(a, 3, 0.7);
  assert.deepEqual(t.x, [1, 2, 3]);
  assert.deepEqual(t.columns[0].values, [0.9, 0.8, 0.7]);
  assert.deepEqual(t.columns[1].values, [null, 0.85, null]);
  assert.deepEqual(t.last(1), { x: 2, value: 0.85 });
});

test('aligned table: an x out of order is inserted in place; a repeated x replaces the value', () => {
  const t = new AlignedTable();
  const a = t.column('k', 'k', false);
  t.upsert(a, 1, 1);
  t.upsert(a, 5, 5);
  t.upsert(a, 3, 3);
  t.upsert(a, 5, 50);
  assert.deepEqual(t.x, [1, 3, 5]);
  assert.deepEqual(t.columns[0].values, [1, 3, 50]);
  const c = t.column('late', 'late', true);
  assert.deepEqual(t.columns[c].values, [null, null, null]);
  t.truncateFrom(3);
  assert.deepEqual(t.x, [1]);
  assert.deepEqual(t.columns[c].values, [null]);
});

test('lowerBound finds the first index not below x', () => {
  assert.equal(lowerBound([], 3), 0);
  assert.equal(lowerBound([1, 3, 5], 3), 1);
  assert.equal(lowerBound([1, 3, 5], 4), 2);
  assert.equal(lowerBound([1, 3, 5], 9), 3);
});

test('series: labels and charts of the metrics the engine logs', () => {
  assert.equal(seriesLabel('train', 'loss'), 'Training loss');
  assert.equal(seriesLabel('validation', 'macroF1'), 'Macro-F1');
  assert.equal(seriesLabel('validation', 'r2'), 'R²');
  assert.equal(seriesLabel('train', 'gradNorm'), 'Training gradNorm');
  assert.equal(chartOf('train', 'loss'), 'loss');
  assert.equal(chartOf('validation', 'loss'), 'loss');
  assert.equal(chartOf('validation', 'accuracy'), 'metric');
  assert.equal(chartOf('validation', 'rmse'), 'metric');
  assert.equal(chartOf('train', 'learningRate'), 'learningRate');
  assert.equal(chartOf('test', 'accuracy'), null);
});

test('curve store: training and validation loss share the loss chart; metrics and learning rate have theirs', () => {
  const store = new CurveStore(32);
  const changed = store.ingest(columns([...trainEvents(1, 10), ...validationEvents(10, 0, 0.4, 0.75), ...trainEvents(11, 20), ...validationEvents(20, 1, 0.3, 0.8)]));
  assert.deepEqual([...changed].sort(), ['learningRate', 'loss', 'metric', 'throughput']);
  const loss = store.charts.loss;
  assert.deepEqual(loss.columns.map((c) => c.label), ['Training loss', 'Validation loss']);
  assert.equal(loss.x.length, 20);
  assert.equal(loss.columns[1].values.filter((v) => v !== null).length, 2);
  assert.equal(loss.columns[1].values[9], 0.4);
  assert.deepEqual(store.charts.metric.columns.map((c) => c.label), ['Accuracy']);
  assert.deepEqual(store.charts.learningRate.x, [1, 11]);
  assert.deepEqual(store.validation.get('loss')?.map((p) => p.value), [0.4, 0.3]);
  assert.equal(store.lastStep, 20);
});

test('curve store: deltas append to the same tables', () => {
  const store = new CurveStore(32);
  store.ingest(columns(trainEvents(1, 5)));
  store.ingest(columns(trainEvents(6, 8)));
  assert.deepEqual(store.charts.loss.x, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(store.charts.loss.columns.length, 1);
});

test('curve store: a step lower than one seen (resume from an earlier checkpoint) rewinds every curve', () => {
  const store = new CurveStore(32);
  store.ingest(columns([...trainEvents(1, 10), ...validationEvents(10, 0, 0.4, 0.7), ...trainEvents(11, 14)]));
  store.ingest(columns(trainEvents(11, 12)));
  assert.deepEqual(store.charts.loss.x, Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(store.lastStep, 12);
  store.ingest(columns(trainEvents(5, 6)));
  assert.deepEqual(store.charts.loss.x, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(store.validation.get('loss'), []);
});

test('throughput: examples/s from event times over windows of at least a second, validation excluded', () => {
  const meter = new ThroughputMeter();
  assert.equal(meter.onStep(1, 1000, 32), null);
  assert.equal(meter.onStep(2, 1500, 32), null);
  assert.equal(meter.onStep(3, 2000, 32), 64); // 2 steps × 32 in 1 s
  meter.reset();
  assert.equal(meter.onStep(4, 9000, 32), null);
  assert.equal(meter.onStep(6, 10000, 32), 64);
  assert.equal(meter.onStep(7, 10000 + 20 * 60 * 1000, 32), null, 'a long pause starts over');
  assert.equal(meter.onStep(8, 0, 32), null, 'unknown times are skipped');
  meter.onStep(10, 50_000, 32);
  meter.onStep(12, 50_400, 32);
  assert.deepEqual(meter.flush(32), { step: 12, value: 160 }, 'a validation closes a short window: 2 steps × 32 in 0.4 s');
  assert.equal(meter.flush(32), null, 'nothing open after a flush');
  meter.onStep(13, 60_000, 32);
  meter.onStep(14, 60_050, 32);
  assert.equal(meter.flush(32), null, 'under 100 ms means nothing');

  const store = new CurveStore(10);
  store.ingest(columns(trainEvents(1, 50, 100)));
  const t = store.charts.throughput;
  assert.ok(t.x.length >= 4);
  for (const v of t.columns[0].values) assert.ok(v !== null && Math.abs(v - 100) < 1e-9, `10 examples per 100 ms = 100/s, got ${v}`);
  assert.equal(store.lastThroughput(), 100);

  const short = new CurveStore(10);
  short.ingest(columns([...trainEvents(1, 5, 100), ...validationEvents(5, 0, 0.4, 0.8)]));
  assert.deepEqual(short.charts.throughput.x, [5], 'an epoch shorter than a second still gets a throughput point');
});

test('curve store: 100,000 steps ingest quickly', () => {
  const store = new CurveStore(32);
  const batch = columns(trainEvents(1, 100_000, 10, 1000));
  const started = performance.now();
  store.ingest(batch);
  const ms = performance.now() - started;
  assert.equal(store.charts.loss.x.length, 100_000);
  assert.ok(ms < 1500, `ingest took ${ms.toFixed(0)} ms`);
});

test('pace: seconds per step over the last minute, validation pauses included; a long gap starts over', () => {
  const pace = new PaceMeter();
  assert.equal(pace.secondsPerStep(), null);
  pace.add(1, 1000);
  assert.equal(pace.secondsPerStep(), null);
  for (let s = 2; s <= 10; s++) pace.add(s, 1000 + (s - 1) * 100);
  pace.add(11, 1900 + 1000); // a one-second validation before step 11
  assert.equal(pace.secondsPerStep(), 0.19, '10 steps in 1.9 s');
  for (let s = 12; s <= 1000; s++) pace.add(s, 2900 + (s - 11) * 100);
  assert.ok(Math.abs((pace.secondsPerStep() ?? 0) - 0.1) < 1e-9, 'only the last minute counts');
  pace.add(1001, 2900 + 989 * 100 + 11 * 60 * 1000);
  assert.equal(pace.secondsPerStep(), null, 'after a stop and a resume the pace is measured again');
  assert.ok(pace.lastTime() > 0);

  const store = new CurveStore(32);
  store.ingest(columns(trainEvents(1, 20, 50)));
  assert.ok(Math.abs((store.pace.secondsPerStep() ?? 0) - 0.05) < 1e-9);
});
