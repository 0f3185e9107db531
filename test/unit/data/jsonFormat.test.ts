import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DatasetError } from '../../../src/engine/data/datasetError';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { jsonArrayElementLines } from '../../../src/engine/data/jsonElementLines';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { fixtureDir, sentence } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

describe('JSON Lines', () => {
  test('reads one object per line, skipping blank lines, with each record line', async () => {
    const lines = [
      JSON.stringify({ text: sentence(1), label: 'pos', stars: 5 }), // 1
      '', // 2
      JSON.stringify({ text: sentence(2), label: 'neg', stars: 1, verified: true }), // 3
      '   ', // 4
      JSON.stringify({ text: sentence(3), label: 'pos', stars: 4, meta: { a: [1, 2] } }), // 5
      JSON.stringify({ text: sentence(4), label: 'neg', stars: null }), // 6
    ];
    const loaded = await loadDataset(dir.write('reviews.jsonl', `\uFEFF${lines.join('\r\n')}\r\n`), {});
    const { inspection, examples } = loaded;
    assert.equal(inspection.format, 'jsonl');
    assert.equal(inspection.delimiter, undefined);
    assert.deepEqual(inspection.columns.map((c) => c.name), ['text', 'label', 'stars', 'verified', 'meta']);
    assert.deepEqual(examples.map((e) => e.line), [1, 3, 5, 6]);
    assert.equal(examples[0].values.stars, '5');
    assert.equal(examples[1].values.verified, 'true');
    assert.equal(examples[0].values.verified, '');
    assert.equal(examples[2].values.meta, '{"a":[1,2]}');
    assert.equal(examples[3].values.stars, '');
    assert.equal(inspection.label, 'label');
    assert.equal(inspection.text, 'text');
    assert.equal(inspection.task, 'text-classification');
    // "verified" appears in one object only: the three others miss it.
    assert.equal(inspection.columns[3].missing, 3);
  });

  test('an invalid line or a line that is not an object is an unparsable record at its line', async () => {
    const lines = [
      JSON.stringify({ text: sentence(1), label: 'pos' }),
      '{"text": "broken", "label": ',
      JSON.stringify({ text: sentence(2), label: 'neg' }),
      '[1, 2, 3]',
      JSON.stringify({ text: sentence(3), label: 'pos' }),
    ];
    const inspection = await inspectDataset(dir.write('broken.jsonl', lines.join('\n')), {});
    const unparsable = inspection.problems.filter((p) => p.kind === 'unparsable-record');
    assert.deepEqual(unparsable.map((p) => [p.line, p.severity]), [[2, 'error'], [4, 'error']]);
    assert.match(unparsable[0].message, /not valid JSON/);
    assert.match(unparsable[1].message, /an array, not a JSON object/);
    assert.equal(inspection.rows, 5);
    assert.equal(inspection.skippedRows, 2);
  });
});

describe('JSON array', () => {
  test('reads an array of objects with the line where each object starts', async () => {
    const text = `[
  {"text": ${JSON.stringify(sentence(1))}, "label": "pos", "n": 1.5},
  {
    "text": ${JSON.stringify(sentence(2))},
    "label": "neg",
    "n": 2
  },

  {"text": ${JSON.stringify(sentence(3))}, "label": "pos", "n": 3, "tags": ["x", "y"]},
  {"text": "a } tricky ] \\" string {", "label": "neg", "n": 4}
]
`;
    const loaded = await loadDataset(dir.write('reviews.json', text), {});
    assert.equal(loaded.inspection.format, 'json');
    assert.deepEqual(loaded.examples.map((e) => e.line), [2, 3, 9, 10]);
    assert.equal(loaded.examples[0].values.n, '1.5');
    assert.equal(loaded.examples[2].values.tags, '["x","y"]');
    assert.equal(loaded.examples[3].values.text, 'a } tricky ] " string {');
  });

  test('element lines follow CRLF and nesting', () => {
    assert.deepEqual(jsonArrayElementLines('[\r\n{"a": [1,\r\n2]},\r\n{"a": 3}, 4\r\n]'), [2, 4, 4]);
    assert.deepEqual(jsonArrayElementLines('{"a": 1}'), []);
    assert.deepEqual(jsonArrayElementLines('[]'), []);
  });

  test('elements that are not objects are unparsable records at their line', async () => {
    const text = `[\n{"x": 1, "label": "a"},\n"oops",\n{"x": 2, "label": "b"},\n{"x": 3, "label": "a"}\n]`;
    const inspection = await inspectDataset(dir.write('mixed.json', text), {});
    const unparsable = inspection.problems.filter((p) => p.kind === 'unparsable-record');
    assert.deepEqual(unparsable.map((p) => p.line), [3]);
    assert.match(unparsable[0].message, /element 2 is a string, not an object/);
    assert.equal(inspection.skippedRows, 1);
  });

  test('invalid JSON is a DatasetError naming its line', async () => {
    const path = dir.write('invalid.json', '[\n{"a": 1},\n{"a": 2,,}\n]');
    await assert.rejects(inspectDataset(path, {}), (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.line, 3);
      assert.equal(err.path, path);
      assert.match(err.message, /not valid JSON/);
      return true;
    });
  });

  test('a JSON object instead of an array is a DatasetError saying what to write', async () => {
    const path = dir.write('object.json', '{"rows": []}');
    await assert.rejects(inspectDataset(path, {}), (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.match(err.message, /not an array of objects/);
      assert.match(err.hint, /array/);
      return true;
    });
  });
});
