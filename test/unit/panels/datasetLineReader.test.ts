import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { compareExamples, inputText } from '../../../src/panels/compareExamples';
import { readDatasetLines } from '../../../src/panels/datasetLineReader';
import type { RunRecord } from '../../../src/protocol/runTypes';
import { removeDir, tempDir } from '../storage/fixtures/runFixtures';
import { completedRun, prediction } from './compareFixtures';

function sha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

test('CSV: rows by the line where they start, quoted line breaks counted, header skipped', async () => {
  const dir = tempDir('lines');
  try {
    const file = path.join(dir, 'reviews.csv');
    fs.writeFileSync(file, 'text,label\n"great, really",pos\n\n"two\nlines",neg\nawful,neg\n');
    const { rows, fingerprint } = await readDatasetLines(file, [1, 2, 4, 6, 99]);
    assert.deepEqual([...rows.keys()].sort((a, b) => a - b), [2, 4, 6]);
    assert.equal(rows.get(2)?.get('text'), 'great, really');
    assert.equal(rows.get(4)?.get('text'), 'two\nlines');
    assert.equal(rows.get(6)?.get('label'), 'neg');
    assert.equal(fingerprint, sha(file));
  } finally {
    removeDir(dir);
  }
});

test('JSONL: values by key, at their line', async () => {
  const dir = tempDir('lines');
  try {
    const file = path.join(dir, 'data.jsonl');
    fs.writeFileSync(file, '{"a":1,"b":"x","label":"yes"}\n\n{"a":2.5,"b":"y","label":"no"}\n');
    const { rows } = await readDatasetLines(file, [3]);
    assert.equal(rows.get(3)?.get('a'), '2.5');
    assert.equal(rows.get(3)?.get('b'), 'y');
  } finally {
    removeDir(dir);
  }
});

test('input text: the text column of a text run; col=value of the features of a tabular run', () => {
  const values = new Map([['text', 'a  long\nreview'], ['label', 'pos'], ['f1', '0.5'], ['colour', 'red']]);
  assert.equal(inputText(completedRun('t'), values), 'a long review');
  const tabular: RunRecord = completedRun('x', {}, { dataset: { ...completedRun('y').dataset!, task: 'tabular-classification', text: null, features: ['f1', 'colour'] } });
  assert.equal(inputText(tabular, values), 'f1=0.5, colour=red');
  assert.ok(inputText(completedRun('t'), new Map([['text', 'x'.repeat(2000)]])).length <= 600);
});

test('examples: inputs read at the lines of the fixed and broken rows; a changed file is said', async () => {
  const dir = tempDir('examples');
  try {
    const file = path.join(dir, 'reviews.csv');
    fs.writeFileSync(file, 'text,label\ngood film,pos\nbad film,neg\nfine film,pos\n');
    const dataset = { ...completedRun('x').dataset!, path: file, fingerprint: sha(file) };
    const a = { run: completedRun('a', {}, { dataset }), predictions: [prediction(2, 'pos', 'neg'), prediction(3, 'neg', 'neg'), prediction(4, 'pos', 'pos')] };
    const b = { run: completedRun('b', {}, { dataset }), predictions: [prediction(2, 'pos', 'pos'), prediction(3, 'neg', 'pos'), prediction(4, 'pos', 'pos')] };
    const diff = await compareExamples(a, b);
    assert.equal(diff.kind, 'compared');
    if (diff.kind !== 'compared') return;
    assert.deepEqual(diff.fixed.map((r) => [r.line, r.input]), [[2, 'good film']]);
    assert.deepEqual(diff.broken.map((r) => [r.line, r.input]), [[3, 'bad film']]);
    assert.equal(diff.note, null);
    assert.equal(diff.datasetPath, file);
    fs.appendFileSync(file, 'new row,neg\n');
    const changed = await compareExamples(a, b);
    assert.match(changed.kind === 'compared' ? (changed.note ?? '') : '', /changed since these runs were trained/);
    fs.rmSync(file);
    const gone = await compareExamples(a, b);
    assert.ok(gone.kind === 'compared' && gone.fixed[0].input === null && /not shown/.test(gone.note ?? ''));
  } finally {
    removeDir(dir);
  }
});
