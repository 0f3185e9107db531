import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { DatasetError } from '../../../src/engine/data/datasetError';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { fixtureDir, sentence } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

/** Asserts a DatasetError for the path whose message matches. */
function datasetError(path: string, pattern: RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
    assert.equal(err.path, path);
    assert.match(err.message, pattern);
    assert.ok(err.hint.length > 0);
    return true;
  };
}

describe('files that cannot be used', { timeout: 10_000 }, () => {
  test('an empty file: a no-usable-rows problem, and loading fails saying the file is empty', async () => {
    const path = dir.write('empty.csv', '');
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.rows, 0);
    assert.deepEqual(inspection.columns, []);
    assert.equal(inspection.label, null);
    assert.deepEqual(inspection.problems.map((p) => p.kind), ['no-usable-rows']);
    assert.match(inspection.problems[0].message, /empty/);
    assert.equal(inspection.bytes, 0);
    await assert.rejects(loadDataset(path, {}), datasetError(path, /The file is empty/));
  });

  test('an empty JSONL file and an empty JSON array fail to load', async () => {
    const jsonl = dir.write('empty.jsonl', '\n\n');
    const json = dir.write('empty.json', '[]');
    await assert.rejects(loadDataset(jsonl, {}), datasetError(jsonl, /no usable rows/));
    await assert.rejects(loadDataset(json, {}), datasetError(json, /no usable rows/));
  });

  test('a header without rows: the columns, and a problem saying there are no data rows', async () => {
    const path = dir.write('header-only.csv', 'review,sentiment\n');
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.hasHeader, true);
    assert.deepEqual(inspection.columns.map((c) => [c.name, c.kind]), [['review', 'empty'], ['sentiment', 'empty']]);
    assert.equal(inspection.rows, 0);
    assert.match(inspection.problems.find((p) => p.kind === 'no-usable-rows')?.message ?? '', /header but no data rows/);
    await assert.rejects(loadDataset(path, {}), datasetError(path, /header but no data rows/));
  });

  test('binary data with NUL bytes is refused as not a text file', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    const path = dir.write('garbage.csv', bytes);
    await assert.rejects(inspectDataset(path, {}), datasetError(path, /does not look like a text file/));
  });

  test('invalid UTF-8 without NUL bytes is refused as not a text file', async () => {
    const path = dir.write('latin.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x2c, 0x31, 0x0a]));
    await assert.rejects(inspectDataset(path, {}), datasetError(path, /not valid UTF-8/));
  });

  test('a UTF-16 file is refused with a hint to save it as UTF-8', async () => {
    const path = dir.write('utf16.csv', Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'));
    await assert.rejects(inspectDataset(path, {}), (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.match(err.message, /UTF-16/);
      assert.match(err.hint, /UTF-8/);
      return true;
    });
  });

  test('a UTF-8 character cut at the end of the first KB is still text', async () => {
    const text = `label,text\n${'a,é\n'.repeat(400)}`;
    const head = Buffer.from(text);
    const path = dir.write('accents.csv', head);
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.rows, 400);
  });

  test('a file truncated inside a quoted field: the cut record is an unparsable-record error at its start line', async () => {
    const lines = ['review,sentiment'];
    for (let i = 0; i < 6; i++) lines.push(`"${sentence(i)}",${i % 2 ? 'pos' : 'neg'}`);
    lines.push('"This review was cut in the mid');
    lines.push('dle of its second line');
    const path = dir.write('truncated.csv', lines.join('\n'));
    const loaded = await loadDataset(path, {});
    const unparsable = loaded.inspection.problems.filter((p) => p.kind === 'unparsable-record');
    assert.deepEqual(unparsable.map((p) => [p.line, p.severity]), [[8, 'error']]);
    assert.match(unparsable[0].message, /never closed/);
    assert.equal(loaded.inspection.rows, 7);
    assert.equal(loaded.inspection.skippedRows, 1);
    assert.equal(loaded.examples.length, 6);
  });

  test('a JSONL file cut in the middle of its last line reports that line', async () => {
    const lines = [0, 1, 2, 3].map((i) => JSON.stringify({ text: sentence(i), label: i % 2 ? 'a' : 'b' }));
    const path = dir.write('truncated.jsonl', `${lines.join('\n')}\n{"text": "cut he`);
    const inspection = await inspectDataset(path, {});
    assert.deepEqual(inspection.problems.filter((p) => p.kind === 'unparsable-record').map((p) => p.line), [5]);
    assert.equal(inspection.rows, 5);
  });

  test('an unknown extension is a DatasetError listing the formats', async () => {
    const path = dir.write('data.xlsx', 'a,b\n1,2\n');
    await assert.rejects(inspectDataset(path, {}), datasetError(path, /Unknown dataset format "\.xlsx".*\.csv/));
  });

  test('a missing file is a DatasetError', async () => {
    const path = dir.path('nowhere.csv');
    await assert.rejects(inspectDataset(path, {}), datasetError(path, /Cannot open the dataset/));
  });

  test('a folder is a DatasetError', async () => {
    const path = dir.path('folder.csv');
    mkdirSync(path);
    await assert.rejects(inspectDataset(path, {}), datasetError(path, /not a file/));
  });

  test('an explicit label that does not exist: an error naming the available columns', async () => {
    const path = dir.write('labels.csv', 'height,weight,kind\n1,2,a\n3,4,b\n5,6,a\n');
    await assert.rejects(
      inspectDataset(path, { label: 'Kind' }),
      datasetError(path, /label column "Kind" does not exist; the columns are "height", "weight", "kind"/),
    );
    await assert.rejects(inspectDataset(path, { text: 'body' }), datasetError(path, /text column "body" does not exist/));
  });

  test('a file without any label candidate loads with a DatasetError asking for the label', async () => {
    const rows = Array.from({ length: 5 }, (_v, i) => `"${sentence(i)}"`);
    const path = dir.write('only-text.csv', `review\n${rows.join('\n')}\n`);
    const inspection = await inspectDataset(path, {});
    assert.equal(inspection.label, null);
    assert.equal(inspection.task, null);
    assert.match(inspection.labelReason, /no column can be a label/);
    await assert.rejects(loadDataset(path, {}), datasetError(path, /No column can serve as the label/));
  });
});
