import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/fixtures';
import { CLI_JS, assertBuilt } from '../helpers/dist';
import { writeLeftRightFolder, writeTruncatedJpeg } from './imageFixtures';

function finetune(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_JS, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FINETUNE_BACKEND: 'wasm' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('finetune inspect <image folder> lists files, classes and unreadable images by path', async () => {
  assertBuilt();
  const dir = tempDir();
  const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 3, 8);
  await writeTruncatedJpeg(path.join(folder, 'left', 'broken.jpg'));
  const r = finetune(['inspect', folder], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /format image-folder \(one sub-folder per class\), 7 files, 1 skipped/);
  assert.match(r.stdout, /task: image-classification; label: label/);
  assert.match(r.stdout, /sides\/left\/broken\.jpg error unreadable-image: left\/broken\.jpg: it cannot be decoded/);
});

test('finetune train <image folder>: MobileNetV2 features by default, --image-size and --cut-layer reach the run, test accuracy reported', async () => {
  assertBuilt();
  const dir = tempDir();
  const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 8, 8);
  const runs = path.join(dir, 'runs');
  const r = finetune(['train', folder, '--runs-dir', runs, '--image-size', '32', '--cut-layer', 'block_12_add', '--epochs', '3', '--in-process'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /accuracy\s+\d\.\d{4}/);
  const [runId] = readdirSync(runs).filter((d) => d !== 'sweeps');
  const run = JSON.parse(readFileSync(path.join(runs, runId, 'run.json'), 'utf8')) as {
    config: { model: string; technique: string; image?: { size: number | null; cutLayer: string | null } };
    model: { trainableParams: number };
  };
  assert.equal(run.config.model, 'mobilenet_v2');
  assert.equal(run.config.technique, 'features');
  assert.deepEqual(run.config.image, { size: 32, cutLayer: 'block_12_add' });
  assert.equal(run.model.trainableParams, 96 * 2 + 2, 'a linear head on block_12_add (96 channels) for 2 classes');

  const bad = finetune(['train', folder, '--runs-dir', runs, '--cut-layer', 'nope', '--in-process'], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot cut MobileNetV2 at "nope"/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('finetune predict <run> <image file> predicts its class', async () => {
  assertBuilt();
  const dir = tempDir();
  const folder = await writeLeftRightFolder(path.join(dir, 'sides'), 8, 8);
  const runs = path.join(dir, 'runs');
  assert.equal(finetune(['train', folder, '--runs-dir', runs, '--image-size', '32', '--epochs', '2', '--in-process'], dir).code, 0);
  const image = path.join(folder, 'left', 'left-00.png');
  const r = finetune(['predict', 'latest', image, '--runs-dir', runs, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { prediction: string; probabilities: Record<string, number> };
  assert.ok(['left', 'right'].includes(line.prediction));
  assert.deepEqual(Object.keys(line.probabilities).sort(), ['left', 'right']);
  writeFileSync(path.join(dir, 'fake.png'), 'not a picture');
  const bad = finetune(['predict', 'latest', path.join(dir, 'fake.png'), '--runs-dir', runs], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /could not be decoded/);
});
