import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MAX_CELL_CHARS, readPreviewRows, type PreviewRequest } from '../../../src/panels/previewReader';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { fixtureDir } from '../data/fixtures';

async function requestFor(file: string, offset: number, count: number): Promise<PreviewRequest> {
  const inspection = await inspectDataset(file);
  return {
    path: file,
    format: inspection.format,
    ...(inspection.delimiter === undefined ? {} : { delimiter: inspection.delimiter }),
    hasHeader: inspection.hasHeader,
    columns: inspection.columns.map((c) => c.name),
    offset,
    count,
  };
}

test('CSV pages: header skipped, lines counted as the engine counts them (quoted line breaks, blank lines)', async () => {
  const dir = fixtureDir();
  const rows = ['text,label', '"first review, with a comma",good', '', '"a review on', 'two lines",bad', ...Array.from({ length: 30 }, (_, i) => `review ${i} is long enough to read,${i % 2 ? 'good' : 'bad'}`)];
  const file = dir.write('reviews.csv', `${rows.join('\r\n')}\r\n`);
  const first = await readPreviewRows(await requestFor(file, 0, 3));
  assert.deepEqual(
    first.rows.map((r) => r.line),
    [2, 4, 6],
  );
  assert.deepEqual(first.rows[0].cells, ['first review, with a comma', 'good']);
  assert.deepEqual(first.rows[1].cells, ['a review on\r\ntwo lines', 'bad']);
  assert.equal(first.atEnd, false);
  const last = await readPreviewRows(await requestFor(file, 30, 10));
  assert.equal(last.rows.length, 2);
  assert.equal(last.rows[1].line, rows.length);
  assert.equal(last.atEnd, true);
  const exact = await readPreviewRows(await requestFor(file, 0, 32));
  assert.equal(exact.rows.length, 32);
  assert.equal(exact.atEnd, true, 'a page that ends with the file says so');
  dir.remove();
});

test('only the rows up to the page are read: a page near the start of a large file is fast', async () => {
  const dir = fixtureDir();
  const line = `${'word '.repeat(40)},yes\n`;
  const file = dir.write('big.csv', `text,label\n${line.repeat(100_000)}`);
  const request: PreviewRequest = { path: file, format: 'csv', delimiter: ',', hasHeader: true, columns: ['text', 'label'], offset: 0, count: 50 };
  const started = Date.now();
  const page = await readPreviewRows(request);
  assert.equal(page.rows.length, 50);
  assert.equal(page.atEnd, false);
  assert.ok(Date.now() - started < 1000, `read in ${Date.now() - started} ms`);
  dir.remove();
});

test('JSONL and JSON: cells by column name, invalid lines left out, lines of the records', async () => {
  const dir = fixtureDir();
  const jsonl = dir.write('d.jsonl', ['{"text": "one", "label": "a"}', 'not json', '', '{"label": "b", "text": "two", "extra": 3}', '[1,2]', '{"text": "three", "label": "a"}'].join('\n'));
  const page = await readPreviewRows({ path: jsonl, format: 'jsonl', hasHeader: true, columns: ['text', 'label', 'extra'], offset: 1, count: 5 });
  assert.deepEqual(page.rows, [
    { line: 4, cells: ['two', 'b', '3'] },
    { line: 6, cells: ['three', 'a', ''] },
  ]);
  assert.equal(page.atEnd, true);
  const json = dir.write('d.json', '[\n  {"text": "one", "label": "a"},\n  {"text": "two", "label": "b"}\n]\n');
  const jpage = await readPreviewRows({ path: json, format: 'json', hasHeader: true, columns: ['text', 'label'], offset: 0, count: 1 });
  assert.deepEqual(jpage.rows, [{ line: 2, cells: ['one', 'a'] }]);
  assert.equal(jpage.atEnd, false);
  dir.remove();
});

test('long cells are clipped; TSV without a header uses positional columns', async () => {
  const dir = fixtureDir();
  const file = dir.write('d.tsv', `${'x'.repeat(5000)}\t1\nshort\t2\n`);
  const page = await readPreviewRows({ path: file, format: 'tsv', delimiter: '\t', hasHeader: false, columns: ['col_1', 'col_2'], offset: 0, count: 10 });
  assert.equal(page.rows.length, 2);
  assert.equal(page.rows[0].cells[0].length, MAX_CELL_CHARS);
  assert.ok(page.rows[0].cells[0].endsWith('…'));
  assert.deepEqual(page.rows[1], { line: 2, cells: ['short', '2'] });
  dir.remove();
});
