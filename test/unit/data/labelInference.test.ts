import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { fixtureDir, sentence } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

function csv(header: string[], rows: number, cell: (column: string, i: number) => string): string {
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) lines.push(header.map((h) => cell(h, i)).join(','));
  return `${lines.join('\n')}\n`;
}

describe('column kinds', () => {
  test('numeric, boolean, categorical, text and empty columns', async () => {
    const header = ['num', 'flag', 'bits', 'colour', 'note', 'blank', 'label'];
    const text = csv(header, 60, (h, i) => {
      switch (h) {
        case 'num': return `${i * 0.5}`;
        case 'flag': return i % 3 ? 'Yes' : 'no';
        case 'bits': return `${i % 2}`;
        case 'colour': return ['red', 'green', 'blue'][i % 3];
        case 'note': return `"${sentence(i)}"`;
        case 'blank': return '';
        default: return i % 2 ? 'a' : 'b';
      }
    });
    const inspection = await inspectDataset(dir.write('kinds.csv', text), { label: 'label' });
    const kinds = Object.fromEntries(inspection.columns.map((c) => [c.name, c.kind]));
    assert.deepEqual(kinds, { num: 'numeric', flag: 'boolean', bits: 'numeric', colour: 'categorical', note: 'text', blank: 'empty', label: 'categorical' });
    const blank = inspection.columns.find((c) => c.name === 'blank');
    assert.equal(blank?.missing, 60);
    assert.equal(blank?.labelCandidate, false);
    assert.equal(inspection.columns.find((c) => c.name === 'colour')?.distinct, 3);
    assert.equal(inspection.columns.find((c) => c.name === 'note')?.labelCandidate, false);
  });
});

describe('label, text and task', () => {
  test('a column with a usual label name wins over the last candidate', async () => {
    const text = csv(['Target', 'size', 'colour'], 10, (h, i) => (h === 'Target' ? `t${i % 2}` : h === 'size' ? `${i}` : ['red', 'blue'][i % 2]));
    const inspection = await inspectDataset(dir.write('named.csv', text), {});
    assert.equal(inspection.label, 'Target');
    assert.match(inspection.labelReason, /usual label name/);
    assert.equal(inspection.task, 'tabular-classification');
  });

  test('otherwise the last label candidate is the label', async () => {
    const text = csv(['a', 'b', 'note'], 10, (h, i) => (h === 'a' ? `${i}` : h === 'b' ? ['x', 'y'][i % 2] : `"${sentence(i)}"`));
    const inspection = await inspectDataset(dir.write('last.csv', text), {});
    assert.equal(inspection.label, 'b');
    assert.match(inspection.labelReason, /last column that can be a label/);
    assert.equal(inspection.text, 'note');
    assert.equal(inspection.task, 'text-classification');
  });

  test('the text column is the text column with the longest values', async () => {
    const text = csv(['title', 'body', 'label'], 30, (h, i) =>
      h === 'title' ? `"Title ${i} of something quite long to read here"` : h === 'body' ? `"${sentence(i)} ${sentence(i + 1)}"` : ['p', 'n'][i % 2]);
    const inspection = await inspectDataset(dir.write('two-texts.csv', text), {});
    assert.equal(inspection.text, 'body');
    const explicit = await inspectDataset(dir.path('two-texts.csv'), { text: 'title' });
    assert.equal(explicit.text, 'title');
  });

  test('a numeric label with more than 20 values is regression; with few values, classification', async () => {
    const many = csv(['x', 'y'], 50, (h, i) => (h === 'x' ? `${i % 7}` : `${(i * 1.37).toFixed(2)}`));
    const regression = await inspectDataset(dir.write('reg.csv', many), {});
    assert.equal(regression.label, 'y');
    assert.equal(regression.task, 'tabular-regression');
    assert.deepEqual(regression.labelCounts, []);
    const few = csv(['x', 'y'], 50, (h, i) => (h === 'x' ? `${i * 1.1}` : `${i % 4}`));
    const classification = await inspectDataset(dir.write('cls.csv', few), {});
    assert.equal(classification.task, 'tabular-classification');
    assert.equal(classification.labelCounts.length, 4);
  });

  test('a text column with a numeric rating label of few values is text classification', async () => {
    const text = csv(['review', 'rating'], 25, (h, i) => (h === 'review' ? `"${sentence(i)}"` : `${1 + (i % 5)}`));
    const inspection = await inspectDataset(dir.write('rating.csv', text), {});
    assert.equal(inspection.label, 'rating');
    assert.equal(inspection.text, 'review');
    assert.equal(inspection.task, 'text-classification');
  });

  test('an explicit label is used and said so', async () => {
    const text = csv(['a', 'b', 'c'], 10, (h, i) => `${h}${i % 3}`);
    const inspection = await inspectDataset(dir.write('explicit.csv', text), { label: 'a' });
    assert.equal(inspection.label, 'a');
    assert.match(inspection.labelReason, /asked for/);
  });
});

describe('features of tabular tasks', () => {
  const header = ['id', 'age', 'smoker', 'city', 'zip', 'blank', 'outcome'];
  const cell = (h: string, i: number): string => {
    switch (h) {
      case 'id': return `user-${i}`;
      case 'age': return `${20 + (i % 50)}`;
      case 'smoker': return i % 4 ? 'false' : 'true';
      case 'city': return ['paris', 'rome', 'oslo'][i % 3];
      case 'zip': return `z${i % 60}`;
      case 'note': return `"${sentence(i)}"`;
      case 'blank': return '';
      default: return i % 2 ? 'sick' : 'well';
    }
  };

  test('numeric, boolean and small categorical columns; never the label, empty, ID-like or many-valued columns', async () => {
    const table = await loadDataset(dir.write('features.csv', csv(header, 200, cell)), {});
    assert.equal(table.inspection.label, 'outcome');
    assert.equal(table.inspection.task, 'tabular-classification');
    assert.deepEqual(table.features, ['age', 'smoker', 'city']);
    assert.equal(table.examples.length, 200);
    assert.equal(table.examples[0].values.city, 'paris');
    assert.equal(table.examples[0].label, 'well');
  });

  test('a text task has no tabular features: its input is the text column', async () => {
    const loaded = await loadDataset(dir.write('features-text.csv', csv([...header, 'note'], 200, cell)), { label: 'outcome' });
    assert.equal(loaded.inspection.task, 'text-classification');
    assert.equal(loaded.inspection.text, 'note');
    assert.deepEqual(loaded.features, []);
  });
});
