import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  isOptionChange,
  isSetupPersistedState,
  isSetupRequest,
  isSetupUpdate,
  type SetupState,
} from '../../../src/protocol/setupPanelProtocol';
import { isParentMessage, isWorkerMessage } from '../../../src/protocol/workerProtocol';
import { defaultOptions } from '../../../src/panels/setupOptions';
import { makeTrainConfig } from '../../../src/engine/training/trainDefaults';

const options = defaultOptions({ task: 'text-classification', defaultTechnique: 'lora' });

test('requests from the webview are accepted only with a valid payload', () => {
  assert.ok(isSetupRequest({ type: 'setup/ready', payload: {} }));
  assert.ok(isSetupRequest({ type: 'setup/start', payload: {} }));
  assert.ok(isSetupRequest({ type: 'setup/openLine', payload: { line: 12 } }));
  assert.ok(isSetupRequest({ type: 'setup/showRows', payload: { offset: 50 } }));
  assert.ok(isSetupRequest({ type: 'setup/changeOptions', payload: { change: { field: 'number', name: 'epochs', value: '4' } } }));
  assert.ok(isSetupRequest({ type: 'setup/openDashboard', payload: { runsDir: '/r', runId: 'x' } }));
  for (const bad of [
    null,
    'setup/ready',
    { type: 'setup/ready' },
    { type: 'setup/unknown', payload: {} },
    { type: 'setup/openLine', payload: { line: 0 } },
    { type: 'setup/openLine', payload: { line: '3' } },
    { type: 'setup/showRows', payload: { offset: -1 } },
    { type: 'setup/showRows', payload: { offset: 1.5 } },
    { type: 'setup/changeOptions', payload: { change: { field: 'number', name: 'eval', value: '1' } } },
    { type: 'setup/changeOptions', payload: { change: { field: 'technique', value: 'magic' } } },
    { type: 'setup/changeOptions', payload: { change: { field: 'model', value: '' } } },
    { type: 'setup/changeOptions', payload: { change: { field: 'optimizer', value: 'sgd' } } },
    { type: 'setup/openDashboard', payload: { runId: 'x' } },
  ]) {
    assert.equal(isSetupRequest(bad), false, JSON.stringify(bad));
  }
});

test('option changes: each field with its own value type', () => {
  assert.ok(isOptionChange({ field: 'labelColumn', value: null }));
  assert.ok(isOptionChange({ field: 'textColumn', value: 'review' }));
  assert.ok(isOptionChange({ field: 'defaults' }));
  assert.ok(isOptionChange({ field: 'classWeights', value: 'balanced' }));
  assert.equal(isOptionChange({ field: 'labelColumn', value: 3 }), false);
  assert.equal(isOptionChange({ field: 'number', name: 'epochs', value: 'x'.repeat(5000) }), false);
});

test('the persisted state comes back only when it is whole', () => {
  assert.ok(isSetupPersistedState({ datasetPath: '/d.csv', options }));
  assert.equal(isSetupPersistedState({ datasetPath: '', options }), false);
  assert.equal(isSetupPersistedState({ datasetPath: '/d.csv', options: { ...options, technique: 'x' } }), false);
  assert.equal(isSetupPersistedState({ datasetPath: '/d.csv', options: { ...options, edited: ['nope'] } }), false);
  assert.equal(isSetupPersistedState(undefined), false);
});

test('the state snapshot passes the webview\'s guard', () => {
  const state: SetupState = {
    file: { path: '/d.csv', name: 'd.csv' },
    trusted: true,
    dataset: { status: 'loading' },
    inferred: null,
    preview: { status: 'loading' },
    options,
    models: [],
    params: { full: { status: 'computing' }, features: { status: 'computing' }, adapter: { status: 'computing' }, lora: { status: 'computing' } },
    device: { status: 'checking' },
    issues: [],
    startBlocked: 'Reading the dataset…',
    started: null,
  };
  assert.ok(isSetupUpdate({ type: 'setup/stateChanged', payload: { state } }));
  assert.equal(isSetupUpdate({ type: 'setup/stateChanged', payload: { state: { ...state, options: {} } } }), false);
});

test('worker protocol: model/describe carries a whole TrainConfig; its answers are worker messages', () => {
  const config = makeTrainConfig('/d.csv');
  assert.ok(isParentMessage({ type: 'model/describe', payload: { config } }));
  assert.equal(isParentMessage({ type: 'model/describe', payload: { config: { ...config, technique: 'magic' } } }), false);
  assert.equal(isParentMessage({ type: 'model/describe', payload: { config: { ...config, lora: null } } }), false);
  assert.equal(isParentMessage({ type: 'model/describe', payload: {} }), false);
  assert.ok(isWorkerMessage({ type: 'model/described', payload: { totalParams: 10, trainableParams: 2, technique: 'lora', model: 'mlp' } }));
  assert.ok(isWorkerMessage({ type: 'model/describeFailed', payload: { reason: 'x' } }));
});
