import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fieldCounts, sniffDelimiter } from '../../../src/engine/data/delimiterSniffer';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { fixtureDir, sentence } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

function table(delimiter: string, rows: number): string {
  const lines = [['id', 'size', 'colour', 'kind'].join(delimiter)];
  for (let i = 0; i < rows; i++) lines.push([`${i}`, `${(i * 1.5).toFixed(1)}`, i % 3 === 0 ? 'red' : 'blue', i % 2 === 0 ? 'a' : 'b'].join(delimiter));
  return `${lines.join('\n')}\n`;
}

describe('delimiter sniffing', () => {
  for (const [name, delimiter] of [['comma', ','], ['semicolon', ';'], ['tab', '\t'], ['pipe', '|']] as const) {
    test(`finds the ${name} delimiter in a .csv file`, async () => {
      const path = dir.write(`sniff-${name}.csv`, table(delimiter, 12));
      const inspection = await inspectDataset(path, {});
      assert.equal(inspection.delimiter, delimiter);
      assert.equal(inspection.format, delimiter === '\t' ? 'tsv' : 'csv');
      assert.deepEqual(inspection.columns.map((c) => c.name), ['id', 'size', 'colour', 'kind']);
      assert.equal(inspection.rows, 12);
      assert.equal(inspection.skippedRows, 0);
    });
  }

  test('ignores delimiters inside quoted fields', () => {
    const sample = 'a;b\n"x, y, z";1\n"p, q";2\n"r,s,t,u";3\n';
    assert.equal(sniffDelimiter(sample, true, ','), ';');
    assert.deepEqual(fieldCounts(sample, ';', true), [2, 2, 2, 2]);
    assert.deepEqual(fieldCounts(sample, ',', true), [1, 1, 1, 1]);
  });

  test('prefers the most consistent delimiter, not the most frequent one', () => {
    const sample = 'text|label\nhello, world, again|x\nfoo|y\none, two|x\n';
    assert.equal(sniffDelimiter(sample, true, ','), '|');
  });

  test('a .tsv file with commas in its values is read as tab-separated', async () => {
    const path = dir.write('commas.tsv', 'text\tlabel\nred, green\tx\nblue\ty\nblack, white, grey\tx\n');
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.delimiter, '\t');
    assert.equal(inspection.format, 'tsv');
    assert.equal(inspection.rows, 3);
  });

  test('drops the last, cut record of a partial sample', () => {
    assert.deepEqual(fieldCounts('a,b\n1,2\n3', ',', false), [2, 2]);
    assert.deepEqual(fieldCounts('a,b\n1,2\n3', ',', true), [2, 2, 1]);
  });
});

describe('CSV encoding and lines', () => {
  test('strips a UTF-8 byte order mark from the first column name', async () => {
    const path = dir.write('bom.csv', `\uFEFFname,label\n${['alpha', 'beta', 'gamma', 'delta'].map((n, i) => `${n},${i % 2}`).join('\n')}\n`);
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.hasHeader, true);
    assert.equal(inspection.columns[0].name, 'name');
    assert.equal(inspection.label, 'label');
  });

  test('reads CRLF line endings without a stray carriage return', async () => {
    const path = dir.write('crlf.csv', 'x,label\r\n1,a\r\n2,b\r\n3,a\r\n4,b\r\n');
    const loaded = await loadDataset(path, {});
    assert.deepEqual(loaded.examples.map((e) => e.label), ['a', 'b', 'a', 'b']);
    assert.deepEqual(loaded.examples.map((e) => e.line), [2, 3, 4, 5]);
    assert.equal(loaded.examples[3].values.label, 'b');
  });

  test('reports the line where a record with embedded newlines starts, also across blank lines', async () => {
    const text = [
      'id,note,label', // 1
      '1,"first line', // 2
      'second line', // 3
      'third line",a', // 4
      '', // 5
      '', // 6
      '2,"he said ""hi""",b', // 7
      '3,"x\r\ny",a', // 8-9 (CRLF inside quotes)
      '4,plain,b', // 10
    ].join('\n');
    const path = dir.write('embedded.csv', `${text}\n`);
    const loaded = await loadDataset(path, { label: 'label' });
    assert.deepEqual(loaded.examples.map((e) => e.line), [2, 7, 8, 10]);
    assert.equal(loaded.examples[0].values.note, 'first line\nsecond line\nthird line');
    assert.equal(loaded.examples[1].values.note, 'he said "hi"');
    assert.equal(loaded.examples[2].values.note, 'x\r\ny');
    assert.equal(loaded.inspection.rows, 4);
  });

  test('reports start lines with CRLF files and blank lines between records', async () => {
    const text = 'id,label\r\n1,"a\r\nb"\r\n\r\n2,c\r\n\r\n\r\n3,d\r\n';
    const loaded = await loadDataset(dir.write('crlf-blank.csv', text), { label: 'label' });
    assert.deepEqual(loaded.examples.map((e) => e.line), [2, 5, 8]);
    assert.deepEqual(loaded.examples.map((e) => e.label), ['a\r\nb', 'c', 'd']);
  });

  test('counts a lone carriage return as a line end', async () => {
    const loaded = await loadDataset(dir.write('cr.csv', 'id,label\r1,a\r2,b\r\r3,a\r'), { label: 'label' });
    assert.deepEqual(loaded.examples.map((e) => e.line), [2, 3, 5]);
  });
});

describe('header detection', () => {
  test('a row of names above numbers is a header', async () => {
    const inspection = await inspectDataset(dir.write('header-num.csv', 'height,weight\n1.5,60\n1.8,80\n1.7,72\n'), {});
    assert.equal(inspection.hasHeader, true);
    assert.deepEqual(inspection.columns.map((c) => c.name), ['height', 'weight']);
    assert.equal(inspection.rows, 3);
  });

  test('a row of names above text rows is a header when the names do not recur below', async () => {
    const rows = Array.from({ length: 8 }, (_v, i) => `"${sentence(i)}",${i % 2 === 0 ? 'pos' : 'neg'}`);
    const inspection = await inspectDataset(dir.write('header-text.csv', `review,sentiment\n${rows.join('\n')}\n`), {});
    assert.equal(inspection.hasHeader, true);
    assert.deepEqual(inspection.columns.map((c) => c.name), ['review', 'sentiment']);
  });

  test('numbers in the first row mean there is no header: columns are col_1, col_2, ...', async () => {
    const inspection = await inspectDataset(dir.write('no-header.csv', '1,2,a\n3,4,b\n5,6,a\n7,8,b\n'), {});
    assert.equal(inspection.hasHeader, false);
    assert.deepEqual(inspection.columns.map((c) => c.name), ['col_1', 'col_2', 'col_3']);
    assert.equal(inspection.rows, 4);
    assert.equal(inspection.label, 'col_3');
  });

  test('a first row whose values recur in its columns is data, not a header', async () => {
    const inspection = await inspectDataset(dir.write('no-header-words.csv', 'red,small\nblue,large\nred,large\nblue,small\n'), {});
    assert.equal(inspection.hasHeader, false);
    assert.equal(inspection.rows, 4);
  });

  test('a short first line above headerless numeric rows is a wrong-field-count row (the scikit-learn quirk)', async () => {
    const lines = ['569,30,malignant,benign'];
    for (let i = 0; i < 40; i++) {
      const features = Array.from({ length: 30 }, (_v, j) => ((i * 31 + j * 7) % 97) / 10);
      lines.push([...features, i % 3 === 0 ? 0 : 1].join(','));
    }
    const path = dir.write('sklearn.csv', `${lines.join('\n')}\n`);
    const loaded = await loadDataset(path, {});
    const { inspection } = loaded;
    assert.equal(inspection.hasHeader, false);
    assert.equal(inspection.columns.length, 31);
    assert.equal(inspection.columns[30].name, 'col_31');
    assert.equal(inspection.label, 'col_31');
    assert.equal(inspection.task, 'tabular-classification');
    assert.deepEqual(inspection.problems.map((p) => [p.line, p.kind, p.severity]), [[1, 'wrong-field-count', 'error']]);
    assert.match(inspection.problems[0].message, /4 fields where 31 are expected/);
    assert.equal(inspection.rows, 41);
    assert.equal(inspection.skippedRows, 1);
    assert.equal(loaded.examples.length, 40);
    assert.equal(loaded.examples[0].line, 2);
    assert.equal(loaded.features.length, 30);
    assert.deepEqual(inspection.labelCounts, [{ label: '1', count: 26 }, { label: '0', count: 14 }]);
  });
});
