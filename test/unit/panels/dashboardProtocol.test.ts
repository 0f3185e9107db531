import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isDashboardDownMessage,
  isDashboardUpMessage,
  isDashboardViewState,
  isExtraEpochs,
  isMetricColumns,
} from '../../../src/protocol/dashboardProtocol';
import { eventsToColumns } from '../../../src/panels/dashboardColumns';
import { sampleState, trainEvents, validationEvents } from './dashboardFixtures';

test('up messages: every imperative message with its payload passes', () => {
  for (const message of [
    { type: 'dashboard/ready', payload: {} },
    { type: 'dashboard/setAxis', payload: { axis: 'epoch' } },
    { type: 'run/stop', payload: {} },
    { type: 'run/resume', payload: {} },
    { type: 'run/extend', payload: { epochs: 3 } },
    { type: 'run/extend', payload: { epochs: null } },
    { type: 'run/openFolder', payload: {} },
    { type: 'run/compare', payload: {} },
    { type: 'log/open', payload: {} },
  ]) {
    assert.equal(isDashboardUpMessage(message), true, message.type);
  }
});

test('up messages: unknown types, missing payloads and bad fields are refused', () => {
  for (const message of [
    null,
    'run/stop',
    { type: 'run/stop' },
    { type: 'run/delete', payload: {} },
    { type: 'dashboard/setAxis', payload: { axis: 'time' } },
    { type: 'run/extend', payload: { epochs: 0 } },
    { type: 'run/extend', payload: { epochs: 2.5 } },
    { type: 'run/extend', payload: { epochs: '3' } },
    { type: 'run/extend', payload: { epochs: 1001 } },
    { type: 'run/extend', payload: {} },
    { type: 'run/stop', payload: [] },
  ]) {
    assert.equal(isDashboardUpMessage(message), false, JSON.stringify(message));
  }
});

test('extra epochs: whole numbers from 1 to 1000', () => {
  assert.equal(isExtraEpochs(1), true);
  assert.equal(isExtraEpochs(1000), true);
  assert.equal(isExtraEpochs(0), false);
  assert.equal(isExtraEpochs(Number.NaN), false);
  assert.equal(isExtraEpochs(-2), false);
});

test('view state: needs a run reference and an axis', () => {
  assert.equal(isDashboardViewState({ ref: { runsDir: '/r', runId: 'a' }, axis: 'step' }), true);
  assert.equal(isDashboardViewState({ ref: { runsDir: '/r', runId: '' }, axis: 'step' }), false);
  assert.equal(isDashboardViewState({ ref: { runsDir: '/r', runId: 'a' } }), false);
  assert.equal(isDashboardViewState(undefined), false);
});

test('metric columns: events round-trip into equal-length columns, NaN values dropped', () => {
  const events = [...trainEvents(1, 3), ...validationEvents(3, 0, 0.5, 0.8)];
  events.push({ step: 4, epoch: 0, split: 'train', name: 'loss', value: Number.NaN, time: 'not a time' });
  const cols = eventsToColumns(events);
  assert.equal(isMetricColumns(cols), true);
  assert.equal(cols.seriesIndex.length, events.length - 1);
  assert.deepEqual(cols.series, [
    { split: 'train', name: 'loss' },
    { split: 'train', name: 'learningRate' },
    { split: 'validation', name: 'loss' },
    { split: 'validation', name: 'accuracy' },
  ]);
  assert.equal(cols.time[0], Date.parse(events[0].time));
  const unreadable = eventsToColumns([{ step: 1, epoch: 0, split: 'train', name: 'loss', value: 1, time: 'nope' }]);
  assert.equal(unreadable.time[0], 0);
});

test('metric columns: ragged arrays and out-of-range series indices are refused', () => {
  const cols = eventsToColumns(trainEvents(1, 3));
  assert.equal(isMetricColumns({ ...cols, step: cols.step.slice(1) }), false);
  assert.equal(isMetricColumns({ ...cols, seriesIndex: cols.seriesIndex.map(() => 7) }), false);
  assert.equal(isMetricColumns({ ...cols, series: [{ split: 'dev', name: 'loss' }] }), false);
});

test('down messages: snapshot, deltas and unavailable pass; malformed ones do not', () => {
  const state = sampleState();
  const metrics = eventsToColumns(trainEvents(1, 5));
  assert.equal(isDashboardDownMessage({ type: 'dashboard/stateChanged', payload: { state, metrics } }), true);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/stateChanged', payload: { state, metrics: null } }), true);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/metricsAppended', payload: { metrics } }), true);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/logAppended', payload: { lines: ['a', 'b'] } }), true);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/unavailable', payload: { message: 'gone' } }), true);
  const progress = { epoch: 0, step: 3, totalSteps: 30, epochs: 3, loss: null, examplesPerSecond: 100, etaSeconds: null, phase: 'training', receivedAt: 1 };
  assert.equal(isDashboardDownMessage({ type: 'dashboard/progressed', payload: { progress } }), true);

  assert.equal(isDashboardDownMessage({ type: 'dashboard/stateChanged', payload: { state: { ...state, axis: 'time' }, metrics: null } }), false);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/stateChanged', payload: { state, metrics: { series: [] } } }), false);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/logAppended', payload: { lines: [1] } }), false);
  assert.equal(isDashboardDownMessage({ type: 'dashboard/progressed', payload: { progress: { step: 1 } } }), false);
  assert.equal(isDashboardDownMessage({ type: 'run/metricsAppended', payload: { events: [] } }), false);
});
