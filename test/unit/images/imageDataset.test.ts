import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from '../../../src/engine/data/datasetError';
import { inspectDataset } from '../../../src/engine/data/inspectDataset';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { splitDataset } from '../../../src/engine/data/split';
import { tempDir } from '../helpers/fixtures';
import { noise, solid, writeDamagedPng, writeImage, writeTruncatedJpeg } from './imageFixtures';

/**
 * cats/ a.png b.jpg c.webp broken.jpg(truncated)   dogs/ d.png e.webp f.png notes.txt   stray.png
 * sorted listing (= line numbers): 1 cats/a.png, 2 cats/b.jpg, 3 cats/broken.jpg, 4 cats/c.webp,
 * 5 dogs/d.png, 6 dogs/e.webp, 7 dogs/f.png, 8 dogs/notes.txt, 9 stray.png
 */
async function writeMixedFolder(): Promise<string> {
  const root = path.join(tempDir(), 'pets');
  await writeImage(path.join(root, 'cats', 'a.png'), noise(12, 10, 1), 12, 10, 'png');
  await writeImage(path.join(root, 'cats', 'b.jpg'), noise(20, 20, 2), 20, 20, 'jpeg');
  await writeImage(path.join(root, 'cats', 'c.webp'), noise(8, 8, 3), 8, 8, 'webp');
  await writeTruncatedJpeg(path.join(root, 'cats', 'broken.jpg'));
  await writeImage(path.join(root, 'dogs', 'd.png'), noise(16, 16, 5), 16, 16, 'png');
  await writeImage(path.join(root, 'dogs', 'e.webp'), noise(16, 16, 6), 16, 16, 'webp');
  await writeImage(path.join(root, 'dogs', 'f.png'), noise(16, 16, 7), 16, 16, 'png');
  writeFileSync(path.join(root, 'dogs', 'notes.txt'), 'not a picture\n');
  writeFileSync(path.join(root, '.DS_Store'), 'system litter, never listed');
  await writeImage(path.join(root, 'stray.png'), noise(4, 4, 9), 4, 4, 'png');
  return root;
}

test('an image folder: class sub-folders are labels; unreadable, non-image and unfiled files are problems with their path, skipped and counted', async () => {
  const root = await writeMixedFolder();
  const inspection = await inspectDataset(root);
  assert.equal(inspection.format, 'image-folder');
  assert.equal(inspection.task, 'image-classification');
  assert.equal(inspection.label, 'label');
  assert.equal(inspection.image, 'image');
  assert.equal(inspection.rows, 9, 'every listed file is a row; the dot-file is not listed');
  assert.equal(inspection.skippedRows, 3);
  assert.deepEqual(inspection.labelCounts, [
    { label: 'cats', count: 3 },
    { label: 'dogs', count: 3 },
  ]);
  assert.equal(inspection.problemCounts['unreadable-image'], 3);
  const byPath = new Map(inspection.problems.filter((p) => p.path).map((p) => [path.relative(root, p.path ?? ''), p]));
  const broken = byPath.get(path.join('cats', 'broken.jpg'));
  assert.ok(broken, 'the truncated JPEG is reported with its path');
  assert.equal(broken.line, 3);
  assert.equal(broken.severity, 'error');
  assert.match(broken.message, /cats\/broken\.jpg: it cannot be decoded as an image/);
  const notes = byPath.get(path.join('dogs', 'notes.txt'));
  assert.ok(notes && notes.line === 8 && /not an image file/.test(notes.message));
  const stray = byPath.get('stray.png');
  assert.ok(stray && stray.line === 9 && /not inside a class sub-folder/.test(stray.message));
  assert.deepEqual(inspection.imageSize, { medianWidth: 16, medianHeight: 16 });
  assert.match(inspection.fingerprint, /^[0-9a-f]{64}$/);

  const loaded = await loadDataset(root);
  assert.deepEqual(loaded.features, ['image']);
  assert.deepEqual(
    loaded.examples.map((e) => [e.line, e.label, e.values['image'], e.file]),
    [
      [1, 'cats', 'cats/a.png', path.join(root, 'cats', 'a.png')],
      [2, 'cats', 'cats/b.jpg', path.join(root, 'cats', 'b.jpg')],
      [4, 'cats', 'cats/c.webp', path.join(root, 'cats', 'c.webp')],
      [5, 'dogs', 'dogs/d.png', path.join(root, 'dogs', 'd.png')],
      [6, 'dogs', 'dogs/e.webp', path.join(root, 'dogs', 'e.webp')],
      [7, 'dogs', 'dogs/f.png', path.join(root, 'dogs', 'f.png')],
    ],
  );
  const split = splitDataset(loaded.examples, 'image-classification', { validation: 0.2, test: 0.2 }, 1, null, loaded.features);
  assert.equal(split.train.length + split.validation.length + split.test.length, 6);
  assert.ok(split.test.some((e) => e.label === 'cats') && split.test.some((e) => e.label === 'dogs'), 'stratified by class');
});

test('an image folder: identical pictures are duplicate warnings, the fingerprint follows the image bytes', async () => {
  const root = path.join(tempDir(), 'dups');
  await writeImage(path.join(root, 'a', '1.png'), solid(6, 6, [10, 20, 30]), 6, 6);
  await writeImage(path.join(root, 'b', '2.png'), solid(6, 6, [10, 20, 30]), 6, 6);
  await writeImage(path.join(root, 'b', '3.png'), solid(6, 6, [90, 20, 30]), 6, 6);
  const first = await inspectDataset(root);
  assert.equal(first.skippedRows, 0);
  const dup = first.problems.find((p) => p.kind === 'duplicate-row');
  assert.ok(dup && dup.severity === 'warning' && dup.path === path.join(root, 'b', '2.png') && /same picture as a\/1\.png/.test(dup.message));
  await writeImage(path.join(root, 'b', '3.png'), solid(6, 6, [91, 20, 30]), 6, 6);
  assert.notEqual((await inspectDataset(root)).fingerprint, first.fingerprint);
});

test('an image folder with nothing usable: a summary problem, and loading says what to do', async () => {
  const root = path.join(tempDir(), 'flat');
  await writeImage(path.join(root, 'x.png'), solid(4, 4, [1, 2, 3]), 4, 4);
  const inspection = await inspectDataset(root);
  assert.equal(inspection.problems[0].kind, 'no-usable-rows');
  assert.match(inspection.problems[0].message, /inside a class sub-folder/);
  await assert.rejects(loadDataset(root), (e: unknown) => e instanceof DatasetError && /no usable rows/.test(e.message));
  await assert.rejects(inspectDataset(root, { label: 'species' }), (e: unknown) => e instanceof DatasetError && /sub-folders/.test(e.message));
});

test('a CSV with an image-path column: paths relative to the CSV, missing, empty and corrupt images skipped at their line', async () => {
  const dir = tempDir();
  await writeImage(path.join(dir, 'img', 'one.png'), noise(10, 10, 11), 10, 10, 'png');
  await writeImage(path.join(dir, 'img', 'two.jpg'), noise(10, 10, 12), 10, 10, 'jpeg');
  await writeImage(path.join(dir, 'img', 'three.webp'), noise(10, 10, 13), 10, 10, 'webp');
  await writeDamagedPng(path.join(dir, 'img', 'bad.png'));
  const absolute = await writeImage(path.join(tempDir(), 'elsewhere.png'), noise(10, 10, 14), 10, 10, 'png');
  const csv = path.join(dir, 'photos.csv');
  writeFileSync(
    csv,
    ['file,caption,label', 'img/one.png,first,cat', 'img/two.jpg,second,dog', 'img/missing.png,gone,cat', ',empty,dog', 'img/bad.png,broken,cat', 'img/three.webp,third,dog', `${absolute},far,cat`].join('\n') + '\n',
  );
  const inspection = await inspectDataset(csv);
  assert.equal(inspection.format, 'csv');
  assert.equal(inspection.task, 'image-classification');
  assert.equal(inspection.image, 'file');
  assert.equal(inspection.label, 'label');
  assert.equal(inspection.text, null);
  assert.equal(inspection.rows, 7);
  assert.equal(inspection.skippedRows, 3);
  const problems = inspection.problems.filter((p) => p.kind === 'unreadable-image').map((p) => [p.line, p.path ?? null]);
  assert.deepEqual(problems, [
    [5, null],
    [4, path.join(dir, 'img', 'missing.png')],
    [6, path.join(dir, 'img', 'bad.png')],
  ]);
  assert.match(inspection.problems.find((p) => p.line === 4)?.message ?? '', /Line 4: image "img\/missing\.png": the file does not exist/);
  const loaded = await loadDataset(csv);
  assert.deepEqual(loaded.features, ['file']);
  assert.deepEqual(
    loaded.examples.map((e) => [e.line, e.label, e.file]),
    [
      [2, 'cat', path.join(dir, 'img', 'one.png')],
      [3, 'dog', path.join(dir, 'img', 'two.jpg')],
      [7, 'dog', path.join(dir, 'img', 'three.webp')],
      [8, 'cat', absolute],
    ],
  );
});

test('a JSONL with an image column is read the same way; a file without image paths stays tabular', async () => {
  const dir = tempDir();
  await writeImage(path.join(dir, 'a.png'), noise(6, 6, 21), 6, 6);
  await writeImage(path.join(dir, 'b.png'), noise(6, 6, 22), 6, 6);
  const jsonl = path.join(dir, 'rows.jsonl');
  writeFileSync(jsonl, `${JSON.stringify({ picture: 'a.png', kind: 'x' })}\n${JSON.stringify({ picture: 'b.png', kind: 'y' })}\n`);
  const loaded = await loadDataset(jsonl, { label: 'kind' });
  assert.equal(loaded.inspection.task, 'image-classification');
  assert.equal(loaded.inspection.image, 'picture');
  assert.deepEqual(loaded.examples.map((e) => e.file), [path.join(dir, 'a.png'), path.join(dir, 'b.png')]);
  const tabular = path.join(dir, 'plain.csv');
  writeFileSync(tabular, 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n');
  const plain = await inspectDataset(tabular);
  assert.equal(plain.task, 'tabular-classification');
  assert.equal(plain.image, undefined);
});
