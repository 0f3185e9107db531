import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSweepCharts } from '../../../src/engine/sweep/sweepCharts';
import { renderSweepReport, tradeOffTable } from '../../../src/engine/sweep/sweepReport';
import { paretoFront, rankEntries, sweepMetricFor } from '../../../src/engine/sweep/sweepSummary';
import { UserError } from '../../../src/engine/userError';
import type { TechniqueName } from '../../../src/protocol/configTypes';
import type { SweepRecord, SweepRunEntry } from '../../../src/protocol/sweepTypes';
import { findAll, parseXml } from '../helpers/xmlCheck';

function entry(runId: string, technique: TechniqueName, metric: number | null, params: number | null, seconds: number | null, settings: SweepRunEntry['settings'] = {}): SweepRunEntry {
  return {
    runId,
    name: `d.csv · ${technique}`,
    technique,
    settings,
    status: metric === null ? 'failed' : 'completed',
    metric,
    testMetrics: metric === null ? {} : { accuracy: metric },
    trainableParams: params,
    totalParams: params === null ? null : 10_000,
    trainingSeconds: seconds,
    rank: null,
    paretoParams: false,
    paretoTime: false,
  };
}

test('metric: accuracy or R² by default, checked against the task', () => {
  assert.deepEqual(sweepMetricFor('text-classification'), { name: 'accuracy', mode: 'max' });
  assert.deepEqual(sweepMetricFor('tabular-regression'), { name: 'r2', mode: 'max' });
  assert.deepEqual(sweepMetricFor('tabular-regression', 'rmse'), { name: 'rmse', mode: 'min' });
  assert.throws(() => sweepMetricFor('tabular-classification', 'rmse'), (e: unknown) => e instanceof UserError && /accuracy, macroF1, loss/.test(e.hint ?? ''));
});

test('Pareto front: no other run at least as good for at most the cost', () => {
  const front = paretoFront(
    [
      { value: 0.9, cost: 100 }, // front: cheapest of the 0.9s
      { value: 0.9, cost: 200 }, // dominated by the first
      { value: 0.95, cost: 1000 }, // front: best
      { value: 0.6, cost: 10 }, // front: cheapest
      { value: 0.5, cost: 50 }, // dominated
      { value: null, cost: 5 }, // no value: never on the front
    ],
    'max',
  );
  assert.deepEqual(front, [true, false, true, true, false, false]);
  assert.deepEqual(paretoFront([{ value: 0.2, cost: 5 }, { value: 0.1, cost: 9 }, { value: 0.3, cost: 9 }], 'min'), [true, true, false], 'lower is better for errors');
});

test('ranking: best first, ties share a rank and go to the cheaper run, failures last', () => {
  const ranked = rankEntries(
    [entry('a', 'full', 0.9, 3000, 9), entry('b', 'lora', 0.95, 700, 4), entry('c', 'features', null, 60, 1), entry('d', 'adapter', 0.9, 1100, 6)],
    { name: 'accuracy', mode: 'max' },
  );
  assert.deepEqual(ranked.map((e) => [e.runId, e.rank]), [['b', 1], ['d', 2], ['a', 2], ['c', null]]);
  assert.deepEqual(ranked.map((e) => e.paretoParams), [true, false, false, false]);
  const rmse = rankEntries([entry('x', 'full', 3, 1, 1), entry('y', 'lora', 2, 1, 1)], { name: 'rmse', mode: 'min' });
  assert.deepEqual(rmse.map((e) => e.runId), ['y', 'x']);
});

function record(): SweepRecord {
  const runs = rankEntries(
    [entry('run-full', 'full', 0.9, 3000, 9, { lr: 0.001 }), entry('run-lora', 'lora', 0.95, 700, 4, { lr: 0.001, rank: 4 }), entry('run-feat', 'features', 0.6, 60, 1, { lr: 0.001 }), entry('run-bad', 'adapter', null, null, null, { lr: 0.001 })],
    { name: 'accuracy', mode: 'max' },
  );
  return {
    schemaVersion: 1,
    id: 'sweep-20261126-120000-abcd',
    createdAt: '2026-11-26T12:00:00.000Z',
    updatedAt: '2026-11-26T12:10:00.000Z',
    finishedAt: '2026-11-26T12:10:00.000Z',
    status: 'completed',
    statusReason: '1 of 4 runs failed.',
    datasetPath: '/data/d.csv',
    model: 'nn-sentiment',
    seed: 42,
    split: { validation: 0.1, test: 0.1 },
    techniques: ['full', 'features', 'adapter', 'lora'],
    axes: [{ param: 'lr', values: [0.001] }, { param: 'rank', values: [4] }],
    metric: { name: 'accuracy', mode: 'max' },
    plannedRuns: 4,
    runs,
  };
}

test('trade-off table: ranked rows with grid values, metric, parameters, time and front', () => {
  const t = tradeOffTable(record());
  assert.deepEqual(t.headers, ['#', 'technique', 'lr', 'rank', 'test accuracy', 'trainable params', 'training time', 'best for its cost']);
  assert.deepEqual(t.rows[0], ['1', 'lora', '0.001', '4', '0.9500', '700', '4.00s', 'params, time']);
  assert.deepEqual(t.rows[2], ['3', 'features', '0.001', '·', '0.6000', '60', '1.00s', 'params, time']);
  assert.deepEqual(t.rows[3].slice(0, 5), ['-', 'adapter', '0.001', '·', 'failed']);
  assert.equal(tradeOffTable(record(), { runIds: true }).rows[0][1], 'run-lora');
});

test('sweep report: Markdown with the table, the two cost views and the pictures', () => {
  const md = renderSweepReport(record(), { params: 'sweep-params.svg', time: 'sweep-time.svg' });
  assert.match(md, /^# Technique sweep sweep-20261126-120000-abcd/);
  assert.match(md, /learning rate ∈ \{0.001\} × LoRA rank ∈ \{4\}/);
  assert.match(md, /3 of 4 planned runs completed. Status: \*\*completed\*\* \(1 of 4 runs failed.\)/);
  assert.match(md, /\| 1 \| `run-lora` \| lora \| 0.001 \| 4 \| 0.9500 \| 700 \| 4.00s \| params, time \|/);
  assert.match(md, /!\[Test accuracy against trainable parameters\]\(sweep-params.svg\)/);
  assert.match(md, /!\[Test accuracy against training time\]\(sweep-time.svg\)/);
  const byParams = md.slice(md.indexOf('| Trainable parameters |'));
  assert.ok(byParams.indexOf('| 60 |') < byParams.indexOf('| 700 |'), 'sorted by parameters');
  assert.match(md, /## Runs without a result\n\n- `run-bad` d.csv · adapter: failed/);
});

test('sweep charts: one scatter series per technique, parameters on a log axis', () => {
  const charts = renderSweepCharts(record());
  const params = parseXml(charts.params);
  const legend = findAll(params, 'g').filter((g) => g.attributes.class === 'legend-item').map((g) => findAll(g, 'text')[0].text);
  assert.deepEqual(legend, ['full', 'features', 'adapter', 'lora']);
  assert.ok(findAll(params, 'text').some((t) => t.text === 'trainable parameters (log scale)'));
  const series = findAll(params, 'g').filter((g) => g.attributes.class === 'series');
  assert.deepEqual(series.map((g) => findAll(g, 'circle').length), [1, 1, 0, 1], 'the failed adapter run has no point');
  parseXml(charts.time);
});
