import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLogSince, readLogTail } from '../../../src/panels/logTail';
import { removeDir, tempDir } from '../storage/fixtures/runFixtures';

test('log tail: the last lines, then only complete lines appended since the offset', async () => {
  const dir = tempDir('logtail');
  try {
    const file = path.join(dir, 'worker.log');
    assert.deepEqual(await readLogTail(file, 10), { lines: [], offset: 0, truncated: false });
    fs.writeFileSync(file, 'a\nb\nc\nd\n');
    const tail = await readLogTail(file, 2);
    assert.deepEqual(tail.lines, ['c', 'd']);
    assert.equal(tail.truncated, true);
    fs.appendFileSync(file, 'e\npartial');
    const next = await readLogSince(file, tail.offset, 10);
    assert.deepEqual(next.lines, ['e']);
    fs.appendFileSync(file, ' line\n');
    const rest = await readLogSince(file, next.offset, 10);
    assert.deepEqual(rest.lines, ['partial line']);
    fs.writeFileSync(file, 'new\n');
    assert.deepEqual((await readLogSince(file, rest.offset, 10)).lines, ['new'], 'a shorter file starts over');
  } finally {
    removeDir(dir);
  }
});

test('log tail: a huge log is read from its end only', async () => {
  const dir = tempDir('logtail-big');
  try {
    const file = path.join(dir, 'worker.log');
    const line = 'x'.repeat(99);
    fs.writeFileSync(file, `${Array.from({ length: 20_000 }, (_, i) => `${i} ${line}`).join('\n')}\n`);
    const tail = await readLogTail(file, 5);
    assert.deepEqual(tail.lines.map((l) => l.split(' ')[0]), ['19995', '19996', '19997', '19998', '19999']);
    assert.equal(tail.offset, fs.statSync(file).size);
  } finally {
    removeDir(dir);
  }
});
