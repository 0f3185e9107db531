// The comparison session against run folders the tests create through the run store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CompareSession } from '../../../src/panels/compareSession';
import { RunStore } from '../../../src/storage/runStore';
import type { CompareDownMessage, CompareState } from '../../../src/protocol/comparePanelProtocol';
import { removeDir, tempDir } from '../storage/fixtures/runFixtures';
import { classification, completedRun, epochMetrics, prediction, writeRunFolder } from './compareFixtures';

async function workspace(): Promise<{ dir: string; runsDir: string; dataset: string }> {
  const dir = tempDir('compare');
  const dataset = path.join(dir, 'reviews.csv');
  const lines = ['text,label'];
  for (let i = 0; i < 8; i++) lines.push(`review number ${i},${i % 2 === 0 ? 'pos' : 'neg'}`);
  fs.writeFileSync(dataset, `${lines.join('\n')}\n`);
  return { dir, runsDir: path.join(dir, '.finetune', 'runs'), dataset };
}

function datasetSummary(file: string) {
  const fingerprint = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return { ...completedRun('x').dataset!, path: file, fingerprint };
}

const LABELS = ['pos', 'neg', 'pos', 'neg']; // lines 2..5
function predictions(predicted: readonly string[], lines = [2, 3, 4, 5]) {
  return lines.map((line, i) => prediction(line, LABELS[i], predicted[i]));
}

function lastState(sent: CompareDownMessage[]): CompareState {
  const last = sent[sent.length - 1];
  assert.ok(last, 'no state sent');
  return last.payload.state;
}

test('session: two technique runs side by side, fixed and broken rows with their inputs, then add, remove, sort, toggle', async () => {
  const ws = await workspace();
  try {
    const dataset = datasetSummary(ws.dataset);
    const features = await writeRunFolder(ws.runsDir, {
      config: { technique: 'features', datasetPath: ws.dataset },
      run: { name: 'features', dataset },
      metrics: epochMetrics([0.6, 0.5, 0.45], [0.6, 0.7, 0.72]),
      evaluation: classification(0.75),
      predictions: predictions(['pos', 'pos', 'neg', 'neg']), // right: 2, 5
      modelBytes: 1000,
    });
    const lora = await writeRunFolder(ws.runsDir, {
      config: { technique: 'lora', datasetPath: ws.dataset },
      run: { name: 'lora', dataset },
      metrics: epochMetrics([0.5, 0.4, 0.3], [0.7, 0.8, 0.9]),
      evaluation: classification(0.9),
      predictions: predictions(['pos', 'neg', 'pos', 'pos']), // right: 2, 3, 4
      modelBytes: 3000,
    });
    const sent: CompareDownMessage[] = [];
    const titles: number[] = [];
    const session = new CompareSession({
      refs: [{ runsDir: ws.runsDir, runId: features }, { runsDir: ws.runsDir, runId: lora }],
      post: (m) => sent.push(m),
      onRunsChanged: (refs) => titles.push(refs.length),
      pollMs: 600000,
      idlePollMs: 600000,
    });
    assert.equal(sent.length, 0, 'nothing goes down before ready');
    await session.attach();
    let state = lastState(sent);
    assert.deepEqual(state.runs.map((r) => r.name), ['features', 'lora']);
    assert.equal(state.onlyDifferences, true);
    const accuracy = state.metrics.find((r) => r.key === 'test/accuracy');
    assert.deepEqual(accuracy?.best, [1]);
    assert.deepEqual(state.metrics.find((r) => r.key === 'cost/modelBytes')?.values.map((v) => (v ?? 0) > 1000), [true, true]);
    assert.equal(state.config.find((r) => r.key === 'technique')?.differs, true);
    assert.equal(state.config.find((r) => r.key === 'epochs')?.differs, false);
    assert.equal(state.curves.length, 2);
    assert.ok(state.curveMetrics.some((m) => m.key === 'validation/loss'));
    assert.ok(state.confusionDifference);
    const examples = state.examples;
    assert.ok(examples && examples.kind === 'compared', JSON.stringify(examples));
    assert.deepEqual(examples.fixed.map((r) => [r.line, r.input, r.baseline.prediction, r.candidate.prediction]), [
      [3, 'review number 1', 'pos', 'neg'],
      [4, 'review number 2', 'neg', 'pos'],
    ]);
    assert.deepEqual(examples.broken.map((r) => r.line), [5]);
    assert.equal(examples.note, null);
    assert.equal(session.datasetPathOf({ runsDir: ws.runsDir, runId: lora }), ws.dataset);

    // A third run on another split: the pair of it is told apart.
    const seed2 = await writeRunFolder(ws.runsDir, {
      config: { technique: 'lora', seed: 2, datasetPath: ws.dataset },
      run: { name: 'lora seed 2', dataset },
      evaluation: classification(0.8),
      predictions: predictions(['pos', 'neg', 'pos', 'neg'], [2, 3, 6, 7]),
    });
    const seed2Ref = { runsDir: ws.runsDir, runId: seed2 };
    await session.addRuns([seed2Ref, { runsDir: ws.runsDir, runId: lora }]);
    state = lastState(sent);
    assert.equal(state.runs.length, 3);
    assert.deepEqual(titles, [3]);
    await session.setPair({ baseline: { runsDir: ws.runsDir, runId: lora }, candidate: seed2Ref });
    state = lastState(sent);
    assert.equal(state.examples?.kind, 'unavailable');
    assert.match(state.examples?.kind === 'unavailable' ? state.examples.message : '', /different test rows: 2 shared/);
    assert.match(state.confusionDifference?.note ?? '', /different test rows/);

    await session.setSort({ row: 'test/accuracy', bestFirst: true });
    state = lastState(sent);
    assert.deepEqual(state.runs.map((r) => r.name), ['lora', 'lora seed 2', 'features']);
    assert.deepEqual(state.runs.map((r) => r.color), [1, 2, 0]);

    await session.setOnlyDifferences(false);
    assert.equal(lastState(sent).onlyDifferences, false);

    await session.removeRun(seed2Ref);
    state = lastState(sent);
    assert.deepEqual(state.runs.map((r) => r.name), ['lora', 'features']);
    assert.deepEqual(titles, [3, 2]);
    assert.deepEqual(session.viewState().runs.map((r) => r.runId), [features, lora]);
    // The pair fell back to the first two runs shown.
    assert.equal(state.examples?.kind, 'compared');

    const csv = session.exportText('csv') ?? '';
    assert.match(csv, /^Group,Metric,lora,features\r\n/);
    assert.match(session.exportText('markdown') ?? '', /## Configuration differences/);
    session.dispose();
  } finally {
    removeDir(ws.dir);
  }
});

test('session: a run that cannot be read is reported, the others are shown; a deleted run disappears on refresh', async () => {
  const ws = await workspace();
  try {
    const a = await writeRunFolder(ws.runsDir, { config: { datasetPath: ws.dataset }, run: { name: 'a' }, evaluation: classification(0.8) });
    const b = await writeRunFolder(ws.runsDir, { config: { datasetPath: ws.dataset }, run: { name: 'b' }, evaluation: classification(0.7) });
    const sent: CompareDownMessage[] = [];
    const session = new CompareSession({
      refs: [{ runsDir: ws.runsDir, runId: a }, { runsDir: ws.runsDir, runId: b }, { runsDir: ws.runsDir, runId: 'missing-run' }],
      post: (m) => sent.push(m),
      pollMs: 600000,
      idlePollMs: 600000,
    });
    await session.attach();
    let state = lastState(sent);
    assert.equal(state.runs.length, 2);
    assert.match(state.problems.join(' '), /Run missing-run could not be read/);
    assert.equal(state.examples?.kind, 'unavailable', 'no predictions: explained');
    fs.rmSync(path.join(ws.runsDir, b), { recursive: true });
    await session.refresh();
    state = lastState(sent);
    assert.deepEqual(state.runs.map((r) => r.name), ['a']);
    assert.equal(state.pair, null);
    assert.match(state.problems.join(' '), new RegExp(`Run ${b} could not be read`));
    session.dispose();
  } finally {
    removeDir(ws.dir);
  }
});

test('session: a run still training is followed; a finished evaluation shows up', async () => {
  const ws = await workspace();
  try {
    const a = await writeRunFolder(ws.runsDir, { config: { datasetPath: ws.dataset }, run: { name: 'a', status: 'running', pid: process.pid } });
    const sent: CompareDownMessage[] = [];
    const session = new CompareSession({ refs: [{ runsDir: ws.runsDir, runId: a }], post: (m) => sent.push(m), pollMs: 30, idlePollMs: 600000 });
    await session.attach();
    assert.equal(lastState(sent).metrics.some((r) => r.key === 'test/accuracy'), false);
    const store = new RunStore(ws.runsDir);
    await store.writeEvaluation(a, classification(0.85));
    await store.updateRun(a, { status: 'completed', pid: null });
    for (let i = 0; i < 50 && !lastState(sent).metrics.some((r) => r.key === 'test/accuracy'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(lastState(sent).metrics.find((r) => r.key === 'test/accuracy')?.values[0], 0.85);
    session.dispose();
  } finally {
    removeDir(ws.dir);
  }
});
