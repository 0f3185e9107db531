import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainingSettings } from '../../../src/host/trainingSettings';
import { engineLaunchFor } from '../../../src/host/workerLaunch';
import { fastPathsEnabled } from '../../../src/engine/backends/fastPaths/fastPathsSwitch';
import { describeWorkerExit, lastLines } from '../../../src/host/workerExit';
import { LineSplitter } from '../../../src/host/lineSplitter';
import { copyCheckpointOver } from '../../../src/host/checkpointCopy';
import { runRefOf, runRefsOf, checkpointRefOf } from '../../../src/host/commands/commandArgs';
import { tempDir } from '../helpers/fixtures';

test('settings: defaults and clamping of bad values', () => {
  assert.deepEqual(parseTrainingSettings(() => undefined), { backend: 'auto', concurrentRuns: 1, nodePath: '', defaultTechnique: 'lora', allowSoftwareGpu: false, fastPaths: true, cpuThreads: 0 });
  const values: Record<string, unknown> = { backend: 'wasm', concurrentRuns: 40, nodePath: ' /usr/bin/node ', defaultTechnique: 'features', allowSoftwareGpu: true, fastPaths: false, cpuThreads: 2 };
  assert.deepEqual(parseTrainingSettings((k) => values[k]), { backend: 'wasm', concurrentRuns: 16, nodePath: '/usr/bin/node', defaultTechnique: 'features', allowSoftwareGpu: true, fastPaths: false, cpuThreads: 2 });
  const bad: Record<string, unknown> = { backend: 'tpu', concurrentRuns: 0, nodePath: 3, defaultTechnique: 'magic', allowSoftwareGpu: 'yes', fastPaths: 'no', cpuThreads: 2.5 };
  assert.deepEqual(parseTrainingSettings((k) => bad[k]), { backend: 'auto', concurrentRuns: 1, nodePath: '', defaultTechnique: 'lora', allowSoftwareGpu: false, fastPaths: true, cpuThreads: 0 });
});

test('engine launch: VS Code runtime as node, or the configured node; backend as FINETUNE_BACKEND', () => {
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '' }, '/vscode/electron'), {
    workerScript: '/x/worker.js', execPath: '/vscode/electron', runAsNode: true, env: {},
  });
  assert.deepEqual(engineLaunchFor('/x/cli.js', { backend: 'cpu', nodePath: '/n/node' }), {
    workerScript: '/x/cli.js', execPath: '/n/node', runAsNode: false, env: { FINETUNE_BACKEND: 'cpu' },
  });
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'webgpu', nodePath: '', allowSoftwareGpu: true }, '/e').env, {
    FINETUNE_BACKEND: 'webgpu', FINETUNE_WEBGPU_ALLOW_SOFTWARE: '1',
  });
});

test('engine launch: fineTune.fastPaths off sets FINETUNE_FAST_PATHS=0 for the child; on leaves it unset', () => {
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '', fastPaths: false }, '/e').env, { FINETUNE_FAST_PATHS: '0' });
  assert.deepEqual(engineLaunchFor('/x/cli.js', { backend: 'wasm', nodePath: '/n/node', fastPaths: false }).env, { FINETUNE_BACKEND: 'wasm', FINETUNE_FAST_PATHS: '0' });
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '', fastPaths: true }, '/e').env, {});
  const settings = parseTrainingSettings((k) => (k === 'fastPaths' ? false : undefined));
  const launch = engineLaunchFor('/x/worker.js', settings, '/e');
  assert.equal(launch.env?.FINETUNE_FAST_PATHS, '0');
  // What the worker then sees: the fast paths switched off.
  assert.equal(fastPathsEnabled({ ...launch.env }), false);
  assert.equal(fastPathsEnabled(engineLaunchFor('/x/worker.js', parseTrainingSettings(() => undefined), '/e').env ?? {}), true);
});

test('engine launch: fineTune.cpuThreads N ≥ 1 sets FINETUNE_WORKERS=N; 0 (automatic) leaves it unset', () => {
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '', cpuThreads: 1 }, '/e').env, { FINETUNE_WORKERS: '1' });
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '', cpuThreads: 4 }, '/e').env, { FINETUNE_WORKERS: '4' });
  assert.deepEqual(engineLaunchFor('/x/worker.js', { backend: 'auto', nodePath: '', cpuThreads: 0 }, '/e').env, {});
  assert.deepEqual(engineLaunchFor('/x/worker.js', parseTrainingSettings((k) => (k === 'cpuThreads' ? -3 : undefined)), '/e').env, {});
});

test('worker exit reasons: code or signal, and the last stderr lines', () => {
  assert.deepEqual(lastLines('a\n\nb\r\nc\n', 2), ['b', 'c']);
  assert.equal(describeWorkerExit({ code: 3, signal: null }, ''), 'The training process exited with code 3 before the run finished.');
  const killed = describeWorkerExit({ code: null, signal: 'SIGKILL' }, 'x\ny\n');
  assert.match(killed, /killed by signal SIGKILL \(often because the machine ran out of memory\)/);
  assert.match(killed, /Its last output: x \| y$/);
});

test('line splitter: whole lines across chunks, the rest on flush', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l));
  splitter.push('ab');
  splitter.push('c\nde\r\nf');
  assert.deepEqual(lines, ['abc', 'de']);
  splitter.flush();
  assert.deepEqual(lines, ['abc', 'de', 'f']);
});

test('copyCheckpointOver replaces last with a copy of best, renamed inside', async () => {
  const dir = tempDir('finetune-ckcopy-');
  for (const [name, step] of [['best', 4], ['last', 9]] as const) {
    fs.mkdirSync(path.join(dir, name, 'head'), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'state.json'), JSON.stringify({ name, step }));
    fs.writeFileSync(path.join(dir, name, 'head', 'model.json'), name);
  }
  await copyCheckpointOver(dir, 'best', 'last');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'last', 'state.json'), 'utf8')), { name: 'last', step: 4 });
  assert.equal(fs.readFileSync(path.join(dir, 'last', 'head', 'model.json'), 'utf8'), 'best');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['best', 'last']);
});

test('command arguments: RunRef, CheckpointRef, and multi-selection', () => {
  const a = { kind: 'run', runsDir: '/r', runId: 'a', record: {} };
  const b = { kind: 'run', runsDir: '/r', runId: 'b', record: {} };
  assert.deepEqual(runRefOf(a), { runsDir: '/r', runId: 'a' });
  assert.throws(() => runRefOf(undefined), /Runs view/);
  assert.deepEqual(runRefsOf(a, [a, b]), [{ runsDir: '/r', runId: 'a' }, { runsDir: '/r', runId: 'b' }]);
  assert.deepEqual(runRefsOf(a, [b]), [{ runsDir: '/r', runId: 'a' }], 'a click outside the selection acts on the clicked run');
  assert.deepEqual(checkpointRefOf({ runsDir: '/r', runId: 'a', checkpoint: 'best', info: {} }), { runsDir: '/r', runId: 'a', checkpoint: 'best' });
  assert.throws(() => checkpointRefOf(a), /Checkpoints view/);
});

test('dataset diagnostics: dataset files only, .json only as an array of objects, at most 50 MB', async () => {
  const { isDatasetPath, looksLikeArrayOfObjects, shouldInspect } = await import('../../../src/host/datasetDiagnosticsWatcher');
  assert.ok(isDatasetPath('/a/b.CSV'));
  assert.ok(!isDatasetPath('/a/b.txt'));
  assert.ok(looksLikeArrayOfObjects('\uFEFF  [\n  {"a": 1}'));
  assert.ok(!looksLikeArrayOfObjects('{"name": "package"}'));
  assert.ok(!looksLikeArrayOfObjects('[1, 2]'));
  const dir = tempDir('finetune-diag-');
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  assert.equal(await shouldInspect(write('rows.json', '[{"text":"a","label":"b"}]')), true);
  assert.equal(await shouldInspect(write('config.json', '{"compilerOptions":{}}')), false);
  assert.equal(await shouldInspect(write('data.csv', 'a,b\n1,2\n')), true);
  assert.equal(await shouldInspect(path.join(dir, 'missing.csv')), false);
  const big = path.join(dir, 'big.csv');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 50 * 1024 * 1024 + 1);
  assert.equal(await shouldInspect(big), false);
});

test('CLI failures: the CLI\'s own error line, else the exit status', async () => {
  const { cliFailureMessage } = await import('../../../src/host/cliProcess');
  assert.equal(cliFailureMessage('warming up\nerror: Run x was not found.\n(run with --verbose for details)\n', 1, null), 'Run x was not found.');
  assert.equal(cliFailureMessage('boom\n', null, 'SIGKILL'), 'The finetune command was killed by signal SIGKILL. boom');
});
