import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadCompatibleDataset, missingColumns, requiredColumns } from '../../../src/engine/runner/compatibleDataset';
import { describeError, UserError } from '../../../src/engine/userError';
import type { DatasetSummary } from '../../../src/protocol/runTypes';
import { tempDir } from '../helpers/fixtures';

const TABULAR: DatasetSummary = {
  path: '/data/train.csv',
  fingerprint: 'ab'.repeat(32),
  task: 'tabular-classification',
  label: 'label',
  text: null,
  features: ['f1', 'f2', 'colour'],
  classes: ['no', 'yes'],
  usableRows: 100,
  skippedRows: 0,
  split: { train: 80, validation: 10, test: 10 },
};

const TEXT: DatasetSummary = { ...TABULAR, task: 'text-classification', label: 'sentiment', text: 'review', features: [], classes: ['bad', 'good'] };

function csv(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('required columns: the label, then the text column or the features', () => {
  assert.deepEqual(requiredColumns(TABULAR), ['label', 'f1', 'f2', 'colour']);
  assert.deepEqual(requiredColumns(TEXT), ['sentiment', 'review']);
  assert.deepEqual(missingColumns(TABULAR, ['colour', 'f2', 'label', 'extra']), ['f1']);
});

test('a file with the same columns (in any order, with extras) loads with the run label', async () => {
  const dir = tempDir();
  const file = csv(dir, 'other.csv', 'extra,colour,f2,f1,label\nx,red,1,2,yes\ny,blue,0,1,no\nz,red,3,1,yes\n');
  const { data, warnings } = await loadCompatibleDataset(file, 'run-1', TABULAR);
  assert.equal(data.examples.length, 3);
  assert.deepEqual(data.examples.map((e) => e.label), ['yes', 'no', 'yes']);
  assert.deepEqual(warnings, []);
});

test('a missing feature or label column is named, with the columns the file has', async () => {
  const dir = tempDir();
  const noFeature = csv(dir, 'nof1.csv', 'f2,colour,label\n1,red,yes\n2,blue,no\n');
  await assert.rejects(loadCompatibleDataset(noFeature, 'run-1', TABULAR), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.match(error.message, /nof1.csv lacks the column "f1" that run run-1 was trained on; it has "f2", "colour", "label"/);
    assert.match(error.hint ?? '', /same columns as \/data\/train.csv: "label", "f1", "f2", "colour"/);
    return true;
  });
  const noLabel = csv(dir, 'nolabel.csv', 'body,stars\ngreat stuff,5\nbad stuff,1\n');
  await assert.rejects(loadCompatibleDataset(noLabel, 'run-2', TEXT), (error: unknown) => {
    assert.match(describeError(error), /lacks the columns "sentiment \(label\)", "review \(text\)" that run run-2 was trained on; it has "body", "stars"/);
    return true;
  });
});

test('labels the run never saw are counted and said', async () => {
  const dir = tempDir();
  const file = csv(dir, 'new.csv', 'f1,f2,colour,label\n1,2,red,yes\n1,2,red,maybe\n3,1,blue,maybe\n0,0,red,unsure\n');
  const { warnings } = await loadCompatibleDataset(file, 'run-1', TABULAR);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^3 rows have labels the run never trained on \("maybe", "unsure"\); they count as wrong predictions. The run knows "no", "yes"./);
});
