import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { fingerprintFile } from '../../../src/engine/data/fingerprint';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { fixtureDir } from './fixtures';

const dir = fixtureDir();
after(() => dir.remove());

const MB = 1024 * 1024;

/** Writes a CSV of about `megabytes` MB in 1 MB chunks; returns its row count. */
function writeLargeCsv(path: string, megabytes: number): number {
  writeFileSync(path, 'id,amount,ratio,city,comment,label\n');
  const cities = ['paris', 'rome', 'oslo', 'lima', 'kyiv', 'baku'];
  let rows = 0;
  let written = 0;
  while (written < megabytes * MB) {
    const chunk: string[] = [];
    let size = 0;
    while (size < MB) {
      const line = `${rows},${(rows * 0.37) % 1000},${(rows % 997) / 997},${cities[rows % 6]},"note ${rows % 5000}, kept short",${rows % 3 === 0 ? 'yes' : 'no'}\n`;
      chunk.push(line);
      size += line.length;
      rows++;
    }
    writeFileSync(path, chunk.join(''), { flag: 'a' });
    written += size;
  }
  return rows;
}

describe('streaming inspection', () => {
  test('a 50 MB CSV is inspected in bounded memory', { timeout: 60_000 }, async () => {
    const path = dir.path('large.csv');
    const rows = writeLargeCsv(path, 50);
    assert.ok(statSync(path).size >= 50 * MB);
    const start = process.memoryUsage().heapUsed;
    let peak = start;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    const began = Date.now();
    try {
      const inspection = await inspectDataset(path, {});
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      assert.equal(inspection.rows, rows);
      assert.equal(inspection.skippedRows, 0);
      assert.equal(inspection.label, 'label');
      assert.equal(inspection.task, 'tabular-classification');
      assert.deepEqual(inspection.labelCounts.map((c) => c.label), ['no', 'yes']);
      assert.equal(inspection.columns.find((c) => c.name === 'id')?.distinct, 1001);
      assert.equal(inspection.columns.find((c) => c.name === 'city')?.kind, 'categorical');
      assert.equal(inspection.bytes, statSync(path).size);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - began) / 1000;
    const grownMb = (peak - start) / MB;
    assert.ok(grownMb < 200, `heap grew by ${grownMb.toFixed(0)} MB while inspecting`);
    assert.ok(seconds < 30, `inspection took ${seconds.toFixed(1)} s`);
  });
});

describe('fingerprint', () => {
  test('fingerprintFile and the inspection give the sha256 of the file bytes', async () => {
    const content = '\uFEFFa,label\r\n1,x\r\n2,y\r\n3,x\r\n';
    const path = dir.write('small.csv', content);
    const expected = createHash('sha256').update(readFileSync(path)).digest('hex');
    assert.equal(await fingerprintFile(path), expected);
    assert.equal((await inspectDataset(path, {})).fingerprint, expected);
    const json = dir.write('small.json', '[{"a": 1, "label": "x"}, {"a": 2, "label": "y"}]');
    assert.equal((await inspectDataset(json, {})).fingerprint, createHash('sha256').update(readFileSync(json)).digest('hex'));
    const jsonl = dir.write('small.jsonl', '{"a": 1, "label": "x"}\n{"a": 2, "label": "y"}\n');
    assert.equal((await inspectDataset(jsonl, {})).fingerprint, await fingerprintFile(jsonl));
  });

  test('a one-byte change changes the fingerprint', async () => {
    const a = dir.write('fa.csv', 'x,label\n1,a\n');
    const b = dir.write('fb.csv', 'x,label\n1,b\n');
    assert.notEqual(await fingerprintFile(a), await fingerprintFile(b));
    assert.match(await fingerprintFile(a), /^[0-9a-f]{64}$/);
  });
});
