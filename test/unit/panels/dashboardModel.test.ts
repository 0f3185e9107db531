import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LOG_LINES, initialModel, reduce } from '../../../webview/dashboard/dashboardModel';
import { columns, sampleState, trainEvents } from './dashboardFixtures';

test('reducer: a full snapshot sets state, axis and log', () => {
  const state = sampleState({ axis: 'epoch', log: ['a', 'b'] });
  const model = reduce(initialModel(), { type: 'dashboard/stateChanged', payload: { state, metrics: columns(trainEvents(1, 2)) } });
  assert.equal(model.state, state);
  assert.equal(model.axis, 'epoch');
  assert.deepEqual(model.log, ['a', 'b']);
  assert.equal(model.unavailable, null);
});

test('reducer: a state without metrics keeps the log and the local axis', () => {
  let model = reduce(initialModel(), { type: 'dashboard/stateChanged', payload: { state: sampleState({ log: ['a'] }), metrics: columns([]) } });
  model = reduce(model, { type: 'dashboard/logAppended', payload: { lines: ['b', 'c'] } });
  model = reduce(model, { type: 'local/setAxis', axis: 'epoch' });
  const next = sampleState({}, { status: 'stopped' });
  model = reduce(model, { type: 'dashboard/stateChanged', payload: { state: next, metrics: null } });
  assert.deepEqual(model.log, ['a', 'b', 'c']);
  assert.equal(model.axis, 'epoch');
  assert.equal(model.state?.run.status, 'stopped');
});

test('reducer: progress goes into the state; before any state it is dropped', () => {
  const progress = { epoch: 0, step: 3, totalSteps: 30, epochs: 3, loss: 0.5, examplesPerSecond: 90, etaSeconds: 12, phase: 'training', receivedAt: 5 };
  assert.equal(reduce(initialModel(), { type: 'dashboard/progressed', payload: { progress } }).state, null);
  const model = reduce(reduce(initialModel(), { type: 'dashboard/stateChanged', payload: { state: sampleState(), metrics: null } }), {
    type: 'dashboard/progressed',
    payload: { progress },
  });
  assert.deepEqual(model.state?.live, progress);
});

test('reducer: the log keeps its newest lines and says older ones are left out', () => {
  let model = initialModel();
  const lines = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => `line ${i}`);
  model = reduce(model, { type: 'dashboard/logAppended', payload: { lines } });
  assert.equal(model.log.length, MAX_LOG_LINES);
  assert.equal(model.log[0], 'line 5');
  assert.equal(model.logTruncated, true);
});

test('reducer: unavailable is shown until the next state', () => {
  let model = reduce(initialModel(), { type: 'dashboard/unavailable', payload: { message: 'Run x was not found.' } });
  assert.equal(model.unavailable, 'Run x was not found.');
  model = reduce(model, { type: 'dashboard/stateChanged', payload: { state: sampleState(), metrics: null } });
  assert.equal(model.unavailable, null);
});
