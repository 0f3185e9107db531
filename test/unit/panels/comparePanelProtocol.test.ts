import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_CURVE_VIEW,
  isCompareDownMessage,
  isCompareUpMessage,
  isCompareViewState,
  type CompareState,
} from '../../../src/protocol/comparePanelProtocol';
import { buildCompareState, resolvePair } from '../../../src/panels/compareSnapshot';
import { classification, completedRun, epochMetrics, prediction, runData } from './compareFixtures';

const ref = { runsDir: '/ws/.finetune/runs', runId: 'a' };
const other = { runsDir: '/ws/.finetune/runs', runId: 'b' };

test('up messages: every imperative message with its payload passes', () => {
  for (const message of [
    { type: 'compare/ready', payload: {} },
    { type: 'compare/addRuns', payload: {} },
    { type: 'compare/removeRun', payload: { ref } },
    { type: 'compare/setOnlyDifferences', payload: { on: false } },
    { type: 'compare/sortBy', payload: { sort: { row: 'test/accuracy', bestFirst: true } } },
    { type: 'compare/sortBy', payload: { sort: null } },
    { type: 'compare/exportTable', payload: { format: 'csv' } },
    { type: 'compare/exportTable', payload: { format: 'markdown' } },
    { type: 'compare/openLine', payload: { ref, line: 12 } },
    { type: 'compare/pickPair', payload: { pair: { baseline: ref, candidate: other } } },
    { type: 'compare/openDashboard', payload: { ref } },
    { type: 'compare/setEvaluation', payload: { name: 'holdout.csv' } },
    { type: 'compare/setEvaluation', payload: { name: null } },
    { type: 'compare/saveComparison', payload: {} },
  ]) {
    assert.equal(isCompareUpMessage(message), true, message.type);
  }
});

test('up messages: unknown types, missing payloads and bad fields are refused', () => {
  for (const message of [
    null,
    'compare/ready',
    { type: 'compare/ready' },
    { type: 'compare/delete', payload: {} },
    { type: 'compare/removeRun', payload: { ref: { runsDir: '', runId: 'a' } } },
    { type: 'compare/setOnlyDifferences', payload: { on: 'yes' } },
    { type: 'compare/sortBy', payload: { sort: { row: '', bestFirst: true } } },
    { type: 'compare/exportTable', payload: { format: 'xlsx' } },
    { type: 'compare/openLine', payload: { ref, line: 0 } },
    { type: 'compare/openLine', payload: { ref, line: 2.5 } },
    { type: 'compare/openLine', payload: { line: 3 } },
    { type: 'compare/pickPair', payload: { pair: { baseline: ref, candidate: ref } } },
    { type: 'compare/addRuns', payload: [] },
    { type: 'compare/setEvaluation', payload: { name: '' } },
    { type: 'compare/setEvaluation', payload: {} },
  ]) {
    assert.equal(isCompareUpMessage(message), false, JSON.stringify(message));
  }
});

test('view state: runs, options and the chart controls', () => {
  const state = { runs: [ref, other], onlyDifferences: true, sort: null, pair: null, curves: DEFAULT_CURVE_VIEW };
  assert.equal(isCompareViewState(state), true);
  assert.equal(isCompareViewState({ ...state, runs: [{ runsDir: '/r' }] }), false);
  assert.equal(isCompareViewState({ ...state, curves: { ...DEFAULT_CURVE_VIEW, smoothing: 2 } }), false);
  assert.equal(isCompareViewState(undefined), false);
  assert.equal(isCompareViewState({ ...state, evaluation: 'holdout' }), true);
  assert.equal(isCompareViewState({ ...state, evaluation: null }), true);
  assert.equal(isCompareViewState({ ...state, evaluation: 3 }), false);
});

function sampleState(): CompareState {
  const a = runData(completedRun('a', { technique: 'lora' }), {
    evaluation: classification(0.8),
    metrics: epochMetrics([0.6, 0.4], [0.7, 0.8]),
    predictions: [prediction(2, 'pos', 'neg')],
  });
  const b = runData(completedRun('b', { technique: 'full' }), { evaluation: classification(0.9), metrics: epochMetrics([0.5, 0.3], [0.8, 0.9]) });
  const runs = [a, b];
  return buildCompareState({
    runs,
    colors: [0, 1],
    onlyDifferences: true,
    sort: null,
    pair: resolvePair(null, runs),
    examples: { kind: 'unavailable', message: 'x' },
    curvesVersion: 1,
    problems: [],
  });
}

test('down message: a state built from runs passes the webview’s check; a broken one does not', () => {
  const state = sampleState();
  assert.equal(isCompareDownMessage({ type: 'compare/stateChanged', payload: { state } }), true);
  assert.equal(state.pair?.baseline.runId, 'a');
  assert.ok(state.confusionDifference);
  const broken = { ...state, metrics: [{ ...state.metrics[0], values: [1] }] };
  assert.equal(isCompareDownMessage({ type: 'compare/stateChanged', payload: { state: broken } }), false);
  assert.equal(isCompareDownMessage({ type: 'compare/stateChanged', payload: { state: { ...state, curves: [] } } }), false);
  assert.equal(isCompareDownMessage({ type: 'compare/other', payload: { state } }), false);
  assert.equal(state.tradeoff?.points.length, 2);
  const badPoint = { ...state, tradeoff: state.tradeoff && { ...state.tradeoff, points: [{ ...state.tradeoff.points[0], run: 5 }] } };
  assert.equal(isCompareDownMessage({ type: 'compare/stateChanged', payload: { state: badPoint } }), false);
  assert.equal(isCompareDownMessage({ type: 'compare/stateChanged', payload: { state: { ...state, evaluations: [{ name: 'x' }] } } }), false);
});

test('snapshot: a sort orders every part by the same columns; colours stay with their runs', () => {
  const a = runData(completedRun('a'), { evaluation: classification(0.8) });
  const b = runData(completedRun('b'), { evaluation: classification(0.9) });
  const state = buildCompareState({
    runs: [a, b],
    colors: [0, 1],
    onlyDifferences: true,
    sort: { row: 'test/accuracy', bestFirst: true },
    pair: null,
    examples: null,
    curvesVersion: 1,
    problems: [],
  });
  assert.deepEqual(state.runs.map((r) => [r.ref.runId, r.color]), [['b', 1], ['a', 0]]);
  assert.deepEqual(state.metrics.find((r) => r.key === 'test/accuracy')?.values, [0.9, 0.8]);
  assert.deepEqual(state.metrics.find((r) => r.key === 'test/accuracy')?.best, [0]);
});

test('pair: the one asked for while both runs are shown, else the first two', () => {
  const runs = ['a', 'b', 'c'].map((id) => runData(completedRun(id)));
  const ask = { baseline: runs[2].ref, candidate: runs[1].ref };
  assert.deepEqual(resolvePair(ask, runs), ask);
  assert.deepEqual(resolvePair(ask, runs.slice(0, 2)), { baseline: runs[0].ref, candidate: runs[1].ref });
  assert.equal(resolvePair(null, runs.slice(0, 1)), null);
});
