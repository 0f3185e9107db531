import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkImageFolder, folderPreviewRows, inspectImageFolder, parseInspection } from '../../../src/panels/imageFolderData';
import { listImageFolder } from '../../../src/engine/data/images/imageFolder';
import { runCliCommand } from '../../../src/host/cliProcess';
import { tempDir } from '../helpers/fixtures';
import { CLI_JS, assertBuilt } from '../helpers/dist';
import { writeImage, writeDamagedPng, solid } from '../images/imageFixtures';
import { imageFolderInspection } from './setupFixtures';

function touch(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'x');
}

test('an image folder is one with class sub-folders holding images (at most two levels down); anything else says how it should look', async () => {
  const dir = tempDir();
  touch(path.join(dir, 'pets', 'cats', '1.jpg'));
  touch(path.join(dir, 'pets', 'dogs', 'puppies', '2.PNG'));
  touch(path.join(dir, 'pets', '.hidden', '3.png'));
  touch(path.join(dir, 'pets', 'notes', 'readme.txt'));
  assert.deepEqual(await checkImageFolder(path.join(dir, 'pets')), { ok: true, classes: ['cats', 'dogs'] });

  touch(path.join(dir, 'flat', 'a.jpg'));
  const flat = await checkImageFolder(path.join(dir, 'flat'));
  assert.equal(flat.ok, false);
  assert.match(flat.ok ? '' : flat.reason, /^flat has no class sub-folders with images \(\.jpg, \.jpeg, \.png, \.webp\)\. An image dataset is a folder with one sub-folder per class, e\.g\. cats\/1\.jpg and dogs\/2\.jpg\.$/);
  touch(path.join(dir, 'deep', 'a', 'b', 'c', 'd.jpg'));
  assert.equal((await checkImageFolder(path.join(dir, 'deep'))).ok, false, 'deeper than two levels below the class folder is not looked at');
  const missing = await checkImageFolder(path.join(dir, 'nope'));
  assert.match(missing.ok ? '' : missing.reason, /cannot be read \(ENOENT\)/);
});

test('preview rows of a folder: the file inside the folder and its class, line n being the n-th file of the listing', async () => {
  const dir = tempDir();
  for (const f of ['cats/1.jpg', 'cats/2.jpg', 'dogs/3.jpg', 'stray.jpg']) touch(path.join(dir, f));
  const listing = await listImageFolder(dir);
  assert.deepEqual(folderPreviewRows(listing, 0, 2), {
    rows: [
      { line: 1, cells: ['cats/1.jpg', 'cats'] },
      { line: 2, cells: ['cats/2.jpg', 'cats'] },
    ],
    atEnd: false,
  });
  assert.deepEqual(folderPreviewRows(listing, 2, 2), {
    rows: [
      { line: 3, cells: ['dogs/3.jpg', 'dogs'] },
      { line: 4, cells: ['stray.jpg', '(no class folder)'] },
    ],
    atEnd: true,
  });
});

test('the inspection printed by the CLI is read back; garbage and other shapes are clear errors', () => {
  const inspection = imageFolderInspection();
  assert.deepEqual(parseInspection(JSON.stringify(inspection), '/data/pets'), JSON.parse(JSON.stringify(inspection)));
  assert.throws(() => parseInspection('warning: something\n{', '/data/pets'), /Reading \/data\/pets gave no inspection that could be read/);
  assert.throws(() => parseInspection(JSON.stringify({ path: '/x' }), '/data/pets'), /an inspection of an unexpected shape/);
});

test('an image folder is inspected by the built CLI in a child process: classes, a damaged image as a problem with its line', async () => {
  assertBuilt();
  const dir = tempDir();
  for (const [cls, rgb] of [
    ['red', [220, 20, 20]],
    ['blue', [20, 20, 220]],
  ] as const) {
    for (let i = 0; i < 3; i++) await writeImage(path.join(dir, cls, `${i}.png`), solid(8, 8, [...rgb]), 8, 8);
  }
  await writeDamagedPng(path.join(dir, 'red', 'broken.png'));
  const inspection = await inspectImageFolder((args) => runCliCommand({ cliScript: CLI_JS, settings: { backend: 'auto', nodePath: '', allowSoftwareGpu: false } }, args), dir);
  assert.equal(inspection.format, 'image-folder');
  assert.equal(inspection.task, 'image-classification');
  assert.deepEqual(inspection.labelCounts.map((c) => [c.label, c.count]).sort(), [
    ['blue', 3],
    ['red', 3],
  ]);
  assert.equal(inspection.skippedRows, 1);
  const listing = await listImageFolder(dir);
  const problem = inspection.problems.find((p) => p.severity === 'error');
  assert.ok(problem, 'the damaged image is a problem');
  assert.equal(listing[problem.line - 1].relativePath, 'red/broken.png', 'the problem line is the file of the listing the preview shows');
});
