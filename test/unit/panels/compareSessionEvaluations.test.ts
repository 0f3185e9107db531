// The comparison session switching to a named evaluation every run has, on run folders the tests create.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CompareSession } from '../../../src/panels/compareSession';
import { RunStore } from '../../../src/storage/runStore';
import { writeNamedEvaluation } from '../../../src/storage/evaluationsStore';
import type { CompareDownMessage, CompareState } from '../../../src/protocol/comparePanelProtocol';
import type { PredictionRecord } from '../../../src/protocol/runTypes';
import { removeDir, tempDir } from '../storage/fixtures/runFixtures';
import { classification, completedRun, prediction, writeRunFolder } from './compareFixtures';

function csv(file: string, rows: number): string {
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) lines.push(`row ${i},${i % 2 === 0 ? 'pos' : 'neg'}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function last(sent: CompareDownMessage[]): CompareState {
  const message = sent[sent.length - 1];
  assert.ok(message, 'no state sent');
  return message.payload.state;
}

async function named(runsDir: string, runId: string, name: string, file: string, fingerprint: string, accuracy: number, predictions: PredictionRecord[]): Promise<void> {
  await writeNamedEvaluation(
    new RunStore(runsDir),
    {
      schemaVersion: 1,
      name,
      runId,
      checkpoint: 'best',
      dataset: { path: file, fingerprint, rows: predictions.length, skippedRows: 0 },
      createdAt: '2026-11-26T10:00:00.000Z',
      evaluation: classification(accuracy),
    },
    predictions,
  );
}

test('session: the Evaluation choice switches metrics, confusions, per-example rows and the file lines open in', async () => {
  const dir = tempDir('compare-eval');
  try {
    const train = path.join(dir, 'train.csv');
    const holdout = path.join(dir, 'holdout.csv');
    const trainPrint = csv(train, 8);
    const holdoutPrint = csv(holdout, 6);
    const runsDir = path.join(dir, '.finetune', 'runs');
    const dataset = { ...completedRun('x').dataset!, path: train, fingerprint: trainPrint };
    const testPredictions = [prediction(2, 'pos', 'pos'), prediction(3, 'neg', 'neg')];
    const a = await writeRunFolder(runsDir, { config: { technique: 'features', datasetPath: train }, run: { name: 'features', dataset }, evaluation: classification(0.7), predictions: testPredictions });
    const b = await writeRunFolder(runsDir, { config: { technique: 'lora', datasetPath: train }, run: { name: 'lora', dataset }, evaluation: classification(0.8), predictions: testPredictions });
    // Lines 5 and 6 of holdout.csv: row 3 (neg) and row 4 (pos).
    await named(runsDir, a, 'holdout', holdout, holdoutPrint, 0.5, [prediction(5, 'neg', 'pos'), prediction(6, 'pos', 'pos')]);
    await named(runsDir, b, 'holdout', holdout, holdoutPrint, 1, [prediction(5, 'neg', 'neg'), prediction(6, 'pos', 'pos')]);
    await named(runsDir, a, 'only-a', holdout, holdoutPrint, 0.5, []);
    const sent: CompareDownMessage[] = [];
    const refs = [{ runsDir, runId: a }, { runsDir, runId: b }];
    const session = new CompareSession({ refs, post: (m) => sent.push(m), pollMs: 600000, idlePollMs: 600000 });
    await session.attach();
    let state = last(sent);
    assert.deepEqual(state.evaluations.map((e) => e.name), ['holdout'], 'only the evaluations every run has');
    assert.equal(state.evaluation, null);
    assert.deepEqual(state.metrics.find((r) => r.key === 'test/accuracy')?.values, [0.7, 0.8]);
    assert.equal(state.examples?.kind === 'compared' ? state.examples.fixedCount : -1, 0);
    assert.equal(session.datasetPathOf(refs[0]), train);
    assert.equal(state.tradeoff?.points.length, 2);

    await session.setEvaluation('holdout');
    state = last(sent);
    assert.equal(state.evaluation, 'holdout');
    assert.deepEqual(state.metrics.find((r) => r.key === 'test/accuracy')?.values, [0.5, 1]);
    assert.equal(state.metrics.find((r) => r.key === 'test/accuracy')?.group, 'Evaluation "holdout"');
    assert.deepEqual(state.tradeoff?.points.map((p) => p.metric), [0.5, 1]);
    const examples = state.examples;
    assert.ok(examples && examples.kind === 'compared', JSON.stringify(examples));
    assert.equal(examples.datasetPath, holdout);
    assert.deepEqual(examples.fixed.map((r) => [r.line, r.input]), [[5, 'row 3']]);
    assert.equal(examples.note, null);
    assert.equal(session.datasetPathOf(refs[0]), holdout, 'open line opens the evaluated file');
    assert.equal(session.viewState().evaluation, 'holdout');
    const report = session.comparisonInputs();
    assert.deepEqual(report?.inputs.map((i) => (i.evaluation?.task === 'text-classification' ? i.evaluation.accuracy : null)), [0.5, 1]);
    assert.equal(report?.evaluation, 'holdout');
    assert.ok(state.config.every((r) => r.key !== 'dataset.path' || r.values.every((v) => !v.includes('holdout'))), 'the configuration stays the training one');

    await session.setEvaluation('only-a');
    state = last(sent);
    assert.equal(state.evaluation, null, 'an evaluation not every run has falls back to the test split');
    assert.deepEqual(state.metrics.find((r) => r.key === 'test/accuracy')?.values, [0.7, 0.8]);
    session.dispose();
  } finally {
    removeDir(dir);
  }
});
