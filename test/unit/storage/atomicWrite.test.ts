import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isTempFileName,
  tempPathFor,
  writeFileAtomic,
  writeJsonAtomic,
  writeJsonAtomicSync,
} from '../../../src/storage/atomicWrite';
import { readJsonFile, readJsonFileOrNull } from '../../../src/storage/readJson';
import { JsonFileError } from '../../../src/storage/storageErrors';
import { hiddenEntries, removeDir, tempDir } from './fixtures/runFixtures';

function isCounter(value: unknown): value is { count: number } {
  return typeof value === 'object' && value !== null && 'count' in value && typeof value.count === 'number';
}

test('writeJsonAtomic writes, overwrites and leaves no temporary files', async () => {
  const dir = tempDir('atomic');
  try {
    const file = path.join(dir, 'run.json');
    await writeJsonAtomic(file, { count: 1 });
    await writeJsonAtomic(file, { count: 2 });
    assert.deepEqual(await readJsonFile(file, isCounter), { count: 2 });
    assert.deepEqual(fs.readdirSync(dir), ['run.json']);
    assert.ok(fs.readFileSync(file, 'utf8').endsWith('}\n'));
  } finally {
    removeDir(dir);
  }
});

test('writeJsonAtomicSync writes and leaves no temporary files', () => {
  const dir = tempDir('atomic-sync');
  try {
    const file = path.join(dir, 'state.json');
    writeJsonAtomicSync(file, { count: 1 });
    writeJsonAtomicSync(file, { count: 3 });
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { count: 3 });
    assert.deepEqual(fs.readdirSync(dir), ['state.json']);
  } finally {
    removeDir(dir);
  }
});

test('a crash between writing the temporary file and renaming it never corrupts the old file', async () => {
  const dir = tempDir('atomic-crash');
  try {
    const file = path.join(dir, 'run.json');
    await writeJsonAtomic(file, { count: 1 });
    // What a process that died mid-write leaves behind: a half-written temporary file, no rename.
    const temp = tempPathFor(file);
    fs.writeFileSync(temp, '{"count": 2, "tru');
    assert.ok(isTempFileName(path.basename(temp)));
    assert.deepEqual(await readJsonFile(file, isCounter), { count: 1 });
    // The next write succeeds regardless of the leftover.
    await writeJsonAtomic(file, { count: 3 });
    assert.deepEqual(await readJsonFile(file, isCounter), { count: 3 });
  } finally {
    removeDir(dir);
  }
});

test('a failed write removes its temporary file and keeps the old content', async () => {
  const dir = tempDir('atomic-fail');
  try {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target); // renaming a file over a folder fails
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    await assert.rejects(writeFileAtomic(target, 'data'));
    assert.deepEqual(fs.readdirSync(dir), ['taken']);
    assert.equal(fs.readFileSync(path.join(target, 'keep'), 'utf8'), 'x');
    assert.throws(() => writeJsonAtomicSync(target, { count: 1 }));
    assert.deepEqual(fs.readdirSync(dir), ['taken']);
  } finally {
    removeDir(dir);
  }
});

test('a writer killed at a random moment leaves a complete file', { timeout: 30_000 }, async () => {
  const dir = tempDir('atomic-kill');
  try {
    const file = path.join(dir, 'big.json');
    const fixture = path.join(__dirname, 'fixtures', 'writeLoop.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(file) && Date.now() < deadline) await sleep(20);
    await sleep(150);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const value = await readJsonFile(file);
    assert.ok(typeof value === 'object' && value !== null && 'version' in value && 'check' in value && 'payload' in value);
    assert.equal(typeof value.payload === 'string' ? value.payload.length : -1, value.check);
    assert.ok(typeof value.version === 'number' && value.version >= 1);
    // Only the target and, possibly, the temporary file of the interrupted write remain.
    for (const name of fs.readdirSync(dir)) assert.ok(name === 'big.json' || isTempFileName(name), name);
  } finally {
    removeDir(dir);
  }
});

test('readJsonFile reports missing and malformed files as JsonFileError', async () => {
  const dir = tempDir('read-json');
  try {
    const missing = path.join(dir, 'missing.json');
    await assert.rejects(readJsonFile(missing), (error: unknown) => error instanceof JsonFileError && error.reason === 'missing');
    assert.equal(await readJsonFileOrNull(missing, isCounter), null);

    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"count": ');
    await assert.rejects(readJsonFile(broken), (error: unknown) => error instanceof JsonFileError && error.reason === 'malformed');

    const wrong = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrong, '{"count": "one"}');
    assert.deepEqual(await readJsonFile(wrong), { count: 'one' });
    await assert.rejects(readJsonFile(wrong, isCounter), /expected fields/);
    assert.deepEqual(hiddenEntries(dir), []);
  } finally {
    removeDir(dir);
  }
});
