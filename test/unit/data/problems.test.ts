import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { DatasetInspection, ProblemKind } from '../../../src/protocol/datasetTypes';
import { DatasetError } from '../../../src/engine/data/datasetError';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { fixtureDir, sentence } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

function problemsOf(inspection: DatasetInspection, kind: ProblemKind): [number, string][] {
  return inspection.problems.filter((p) => p.kind === kind).map((p) => [p.line, p.severity]);
}

/** A text dataset: header on line 1, record i on line i + 2. */
function reviews(count: number, edit: (i: number) => string | null = () => null): string {
  const lines = ['review,sentiment'];
  for (let i = 0; i < count; i++) lines.push(edit(i) ?? `"${sentence(i)}",${i % 2 === 0 ? 'pos' : 'neg'}`);
  return `${lines.join('\n')}\n`;
}

describe('problems at their lines', () => {
  test('wrong field count: an error, the row skipped, expected and found in the message', async () => {
    const path = dir.write('fields.csv', reviews(10, (i) => (i === 3 ? `"${sentence(i)}",pos,extra` : null)));
    const loaded = await loadDataset(path, {});
    assert.deepEqual(problemsOf(loaded.inspection, 'wrong-field-count'), [[5, 'error']]);
    assert.match(loaded.inspection.problems[0].message, /3 fields where 2 are expected/);
    assert.equal(loaded.inspection.rows, 10);
    assert.equal(loaded.inspection.skippedRows, 1);
    assert.equal(loaded.examples.length, 9);
    assert.ok(!loaded.examples.some((e) => e.line === 5));
  });

  test('missing label: an error naming the label column, the row skipped', async () => {
    const path = dir.write('nolabel.csv', reviews(10, (i) => (i === 2 ? `"${sentence(i)}",  ` : null)));
    const inspection = await inspectDataset(path, {});
    assert.deepEqual(problemsOf(inspection, 'missing-label'), [[4, 'error']]);
    assert.match(inspection.problems.find((p) => p.kind === 'missing-label')?.message ?? '', /label column "sentiment"/);
    assert.equal(inspection.skippedRows, 1);
    assert.equal(inspection.problemCounts['missing-label'], 1);
  });

  test('empty input text in a text task: an error, the row skipped', async () => {
    const path = dir.write('notext.csv', reviews(10, (i) => (i === 6 ? '"   ",pos' : null)));
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.task, 'text-classification');
    assert.deepEqual(problemsOf(inspection, 'empty-text'), [[8, 'error']]);
    assert.equal(inspection.skippedRows, 1);
  });

  test('a few non-numbers in a numeric column are warnings, and the rows are kept', async () => {
    const lines = ['age,colour,label'];
    for (let i = 0; i < 40; i++) lines.push(`${i === 10 ? 'n/a' : 20 + i},${i % 2 ? 'red' : 'blue'},${i % 2 ? 'x' : 'y'}`);
    const loaded = await loadDataset(dir.write('numeric.csv', `${lines.join('\n')}\n`), {});
    const { inspection } = loaded;
    assert.equal(inspection.columns[0].kind, 'numeric');
    assert.deepEqual(problemsOf(inspection, 'non-numeric-value'), [[12, 'warning']]);
    assert.match(inspection.problems[0].message, /"age" is "n\/a"/);
    assert.equal(inspection.skippedRows, 0);
    assert.equal(loaded.examples.length, 40);
  });

  test('a non-number label of a regression task is an error, and the row is skipped', async () => {
    const lines = ['size,price'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${i === 7 ? 'unknown' : (100 + i * 3.5).toFixed(2)}`);
    const loaded = await loadDataset(dir.write('regression.csv', `${lines.join('\n')}\n`), {});
    assert.equal(loaded.inspection.task, 'tabular-regression');
    assert.equal(loaded.inspection.label, 'price');
    assert.deepEqual(problemsOf(loaded.inspection, 'non-numeric-value'), [[9, 'error']]);
    assert.equal(loaded.examples.length, 39);
    assert.deepEqual(loaded.inspection.labelCounts, []);
  });

  test('duplicate rows: a warning at the later line naming the first one', async () => {
    const path = dir.write('dups.csv', reviews(10, (i) => (i === 7 ? `"${sentence(2)}",pos` : null)));
    const loaded = await loadDataset(path, {});
    assert.deepEqual(problemsOf(loaded.inspection, 'duplicate-row'), [[9, 'warning']]);
    assert.match(loaded.inspection.problems.find((p) => p.kind === 'duplicate-row')?.message ?? '', /repeats line 4/);
    assert.equal(loaded.examples.length, 10);
  });

  test('classes with too few examples and severe imbalance: warnings at line 0', async () => {
    const path = dir.write('balance.csv', reviews(42, (i) => `"${sentence(i)}",${i < 40 ? 'common' : 'rare'}`));
    const inspection = await inspectDataset(path, {});
    assert.deepEqual(inspection.labelCounts, [{ label: 'common', count: 40 }, { label: 'rare', count: 2 }]);
    assert.deepEqual(problemsOf(inspection, 'too-few-examples'), [[0, 'warning']]);
    assert.match(inspection.problems.find((p) => p.kind === 'too-few-examples')?.message ?? '', /"rare".*only 2 examples/);
    assert.deepEqual(problemsOf(inspection, 'class-imbalance'), [[0, 'warning']]);
    assert.match(inspection.problems.find((p) => p.kind === 'class-imbalance')?.message ?? '', /20x/);
  });

  test('no imbalance warning below a 10x ratio', async () => {
    const path = dir.write('balanced.csv', reviews(30, (i) => `"${sentence(i)}",${i < 27 ? 'a' : 'b'}`));
    const inspection = await inspectDataset(path, {});
    assert.deepEqual(problemsOf(inspection, 'class-imbalance'), []);
    assert.deepEqual(problemsOf(inspection, 'too-few-examples'), []);
  });

  test('no usable rows: a problem from inspection, a DatasetError from loading', async () => {
    const path = dir.write('unusable.csv', reviews(5, (i) => `"${sentence(i)}",`));
    const inspection = await inspectDataset(path, { label: 'sentiment' });
    assert.equal(inspection.skippedRows, 5);
    assert.deepEqual(problemsOf(inspection, 'no-usable-rows'), [[0, 'error']]);
    await assert.rejects(loadDataset(path, { label: 'sentiment' }), (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.match(err.message, /no usable rows/);
      assert.match(err.message, /5 missing-label/);
      assert.equal(err.path, path);
      return true;
    });
  });

  test('problems are capped at maxProblems while the counts stay complete', async () => {
    const path = dir.write('many.csv', reviews(30, (i) => (i % 2 === 0 ? `"${sentence(i)}",` : null)));
    const inspection = await inspectDataset(path, { maxProblems: 5 });
    assert.equal(inspection.problems.length, 5);
    assert.equal(inspection.problemsTruncated, true);
    assert.equal(inspection.problemCounts['missing-label'], 15);
    assert.equal(inspection.skippedRows, 15);
    assert.equal(inspection.rows, 30);
  });

  test('whole-file problems stay visible when the cap is reached', async () => {
    const path = dir.write('capped-unusable.csv', reviews(20, (i) => `"${sentence(i)}",`));
    const inspection = await inspectDataset(path, { maxProblems: 3, label: 'sentiment' });
    assert.equal(inspection.problems.length, 3);
    assert.equal(inspection.problems[0].kind, 'no-usable-rows');
    assert.equal(inspection.problemCounts['missing-label'], 20);
    assert.equal(inspection.problemCounts['no-usable-rows'], 1);
  });
});
