import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlignedTable } from '../../../webview/dashboard/alignedTable';
import { decimatedRows, stepToAxis, toPlotData } from '../../../webview/dashboard/plotData';

function table(n: number, value: (i: number) => number, sparseEvery = 0): AlignedTable {
  const t = new AlignedTable();
  const a = t.column('train/loss', 'Training loss', false);
  const b = sparseEvery > 0 ? t.column('validation/loss', 'Validation loss', true) : -1;
  for (let i = 1; i <= n; i++) {
    t.upsert(a, i, value(i));
    if (b >= 0 && i % sparseEvery === 0) t.upsert(b, i, value(i) + 1);
  }
  return t;
}

test('plot data: small tables are drawn as they are, x in steps or epochs', () => {
  const t = table(10, (i) => i);
  const steps = toPlotData(t, { axis: 'step', stepsPerEpoch: 5, maxRows: 100 });
  assert.deepEqual(steps.x, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const epochs = toPlotData(t, { axis: 'epoch', stepsPerEpoch: 5, maxRows: 100 });
  assert.deepEqual(epochs.x, [0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2]);
  assert.deepEqual(toPlotData(t, { axis: 'epoch', stepsPerEpoch: null, maxRows: 100 }).x, steps.x, 'unknown epoch length: steps');
  assert.equal(stepToAxis(10, { axis: 'epoch', stepsPerEpoch: 4 }), 2.5);
  steps.x.push(99);
  assert.equal(t.x.length, 10, 'the drawn arrays are copies');
});

test('plot data: 100,000 rows are decimated below the limit, keeping every spike and the ends', () => {
  const n = 100_000;
  const t = table(n, (i) => (i === 54_321 ? 50 : i === 77_777 ? -50 : Math.sin(i / 1000)), 1000);
  const rows = decimatedRows(t, 6000);
  assert.ok(rows !== null);
  assert.ok(rows.length <= 6000, `${rows.length} rows`);
  const data = toPlotData(t, { axis: 'step', stepsPerEpoch: null, maxRows: 6000 });
  assert.equal(data.x.length, rows.length);
  assert.ok(data.x.includes(54_321) && data.x.includes(77_777), 'spikes kept');
  assert.equal(data.x[0], 1);
  assert.equal(data.x[data.x.length - 1], n);
  for (let i = 1; i < data.x.length; i++) assert.ok(data.x[i] > data.x[i - 1], 'x stays sorted');
  assert.ok(Math.max(...(data.series[0] as number[])) === 50);
  const validation = data.series[1].filter((v) => v !== null).length;
  assert.equal(validation, 100, 'sparse validation points all kept');
});

test('plot data: decimation of 100,000 rows is fast enough for a redraw per second', () => {
  const t = table(100_000, (i) => 1 / i, 500);
  const started = performance.now();
  toPlotData(t, { axis: 'epoch', stepsPerEpoch: 150, maxRows: 6000 });
  const ms = performance.now() - started;
  assert.ok(ms < 200, `${ms.toFixed(0)} ms`);
});
