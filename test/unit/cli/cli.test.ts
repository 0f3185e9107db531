import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { tempDir, writeTabularCsv } from '../helpers/fixtures';
import { CLI_JS, assertBuilt } from '../helpers/dist';
import { loadLayersModelFromDir } from '../../../src/engine/models/fsModelIo';
import '../../../src/engine/models/customLayers';

function finetune(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI_JS, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FINETUNE_BACKEND: 'cpu' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('inspect --json prints rows, columns, label and problems with their lines', () => {
  assertBuilt();
  const dir = tempDir();
  const file = path.join(dir, 'd.csv');
  writeFileSync(file, 'text,label\n"good stuff",pos\n"bad stuff",neg\n"extra",pos,oops\n"",neg\n"fine",\n"good stuff",pos\n');
  const r = finetune(['inspect', file, '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { rows: number; columns: { name: string; kind: string }[]; label: string; problems: { line: number; kind: string; message: string }[] };
  assert.equal(out.label, 'label');
  assert.deepEqual(out.columns.map((c) => c.name), ['text', 'label']);
  assert.equal(out.rows, 6);
  const kinds = new Map(out.problems.map((p) => [p.line, p.kind]));
  assert.equal(kinds.get(4), 'wrong-field-count');
  assert.equal(kinds.get(6), 'missing-label');
  assert.equal(kinds.get(7), 'duplicate-row');
  for (const p of out.problems) assert.ok(p.message.length > 10);
});

test('bad input: non-zero exit, one clear message, no stack trace', () => {
  assertBuilt();
  const dir = tempDir();
  const cases: [string[], RegExp][] = [
    [['train', path.join(dir, 'missing.csv')], /does not exist/],
    [['train', writeTabularCsv(dir), '--technique', 'magic'], /--technique must be one of full, features, adapter, lora/],
    [['train', writeTabularCsv(dir), '--epochs', '0'], /--epochs must be an integer >= 1/],
    [['train', writeTabularCsv(dir), '--label', 'nope'], /nope/],
    [['inspect'], /Missing the dataset file/],
    [['frobnicate'], /unknown command/],
    [['train', writeTabularCsv(dir), '--bogus'], /bogus/],
    [['resume', 'no-such-run', '--runs-dir', path.join(dir, 'runs')], /no-such-run|No run/i],
  ];
  for (const [args, pattern] of cases) {
    const r = finetune(args, dir);
    assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
    assert.match(r.stderr, pattern, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .+\(.*:\d+:\d+\)/, `no stack trace for ${args.join(' ')}`);
  }
});

test('train, runs, predict, eval and export --merge work end to end', async () => {
  assertBuilt();
  const dir = tempDir();
  const csv = writeTabularCsv(dir);
  const train = finetune(['train', csv, '--technique', 'lora', '--epochs', '2', '--batch-size', '16', '--lr', '0.01'], dir);
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /Test evaluation/);
  assert.match(train.stdout, /accuracy/);
  const runs = JSON.parse(finetune(['runs', '--json'], dir).stdout) as { id: string; status: string }[];
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, 'completed');
  const id = runs[0].id;
  const predict = finetune(['predict', 'latest', '{"f1": 1.5, "f2": 0.5, "f3": -1, "f4": 0, "colour": "red"}', '--json'], dir);
  assert.equal(predict.code, 0, predict.stderr);
  const p = JSON.parse(predict.stdout.trim()) as { prediction: string; probabilities: Record<string, number> };
  assert.ok(['yes', 'no'].includes(p.prediction));
  assert.ok(Math.abs(p.probabilities.yes + p.probabilities.no - 1) < 1e-3);
  const evaluation = finetune(['eval', id.slice(0, 12), '--json'], dir);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  assert.ok((JSON.parse(evaluation.stdout) as { accuracy: number }).accuracy > 0.5);
  const out = path.join(dir, 'exported');
  const exp = finetune(['export', id, '--format', 'tfjs', '--merge', '--out', out], dir);
  assert.equal(exp.code, 0, exp.stderr);
  await tf.setBackend('cpu');
  const model = await loadLayersModelFromDir(out);
  assert.ok(!model.layers.some((l) => l.getClassName() === 'LoraDense'), 'merged export has no LoRA layers');
  const unmerged = path.join(dir, 'exported-lora');
  assert.equal(finetune(['export', id, '--format', 'tfjs', '--out', unmerged], dir).code, 0);
  const lora = await loadLayersModelFromDir(unmerged);
  const x = tf.randomNormal([5, model.inputs[0].shape[1] ?? 1], 0, 1, 'float32', 1);
  const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, lora.predict(x) as tf.Tensor))).dataSync()[0];
  assert.ok(diff < 1e-5, `merged and LoRA exports agree (max diff ${diff})`);
});
