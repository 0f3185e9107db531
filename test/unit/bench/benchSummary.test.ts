// npm run bench's bookkeeping (bench/benchSummary.ts, bench/torchBaseline.ts): ratios ours/PyTorch,
// a missing torch reported instead of a ratio, medians and spreads over repeats, the README table,
// and the shape our run reported passed on to bench/torch_shapes.py.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combine, markdownTable, summarise } from '../../../bench/benchSummary';
import { torchArguments, type TorchResult } from '../../../bench/torchBaseline';
import { CASES } from '../../../bench/benchCases';
import type { OursResult } from '../../../bench/oursRunCase';

function ours(msPerStep: number, extra: Partial<OursResult> = {}): OursResult {
  return {
    bench: 'bert-mini/lora', side: 'ours', backend: 'wasm', fastPaths: ['x'], gruKernel: 'wasm-simd', threads: 1, batchSize: 8, steps: 8,
    msPerStep, cpuMsPerStep: msPerStep / 2, examplesPerSecond: 8000 / msPerStep, peakRssMB: 900, trainableParams: 33282,
    shape: { seq: 128, vocab: 8065, classes: 2, trainRows: 96, valRows: 12 }, ...extra,
  };
}

const torch = (msPerStep: number, extra: Partial<TorchResult> = {}): TorchResult => ({
  torch: '1.13.0', threads: 1, msPerStep, cpuMsPerStep: msPerStep, examplesPerSecond: 8000 / msPerStep, peakRssMB: 400, trainableParams: 33282, ...extra,
});

test('combine: ratios ours/PyTorch of wall and CPU time, and of end-to-end seconds', () => {
  const line = combine(ours(300, { endToEndSeconds: 6, endToEndCpuSeconds: 3 }), torch(100, { endToEndSeconds: 4, endToEndCpuSeconds: 4 }), null);
  assert.equal(line.ratio, 3);
  assert.equal(line.cpuRatio, 1.5);
  assert.equal(line.endToEndRatio, 1.5);
  assert.equal(line.endToEndCpuRatio, 0.75);
  assert.equal(line.torch?.msPerStep, 100);
  assert.ok(!('shape' in line) && !('side' in line));
});

test('combine: without torch, the reason and no ratio', () => {
  const missing = combine(ours(300), null, '/usr/bin/python3 cannot import torch');
  assert.equal(missing.torch, null);
  assert.equal(missing.torchSkipped, '/usr/bin/python3 cannot import torch');
  assert.equal(missing.ratio, undefined);
  const failed = combine(ours(300), { error: 'torch_shapes.py exited with 1' }, null);
  assert.equal(failed.torchSkipped, 'torch_shapes.py exited with 1');
  assert.equal(failed.ratio, undefined);
});

test('summarise and markdownTable: medians with min–max over repeats; features rows compare end to end', () => {
  const s = summarise([combine(ours(300), torch(100), null), combine(ours(200), torch(100), null), combine(ours(400), torch(80), null)]);
  assert.deepEqual(s.msPerStep, { median: 300, min: 200, max: 400 });
  assert.deepEqual(s.ratio, { median: 3, min: 2, max: 5 });
  assert.equal(s.repeats, 3);
  const features = summarise([combine(ours(3, { bench: 'bert-mini/features', endToEndSeconds: 20 }), torch(100, { endToEndSeconds: 25 }), null)]);
  const table = markdownTable([s, features]).split('\n');
  assert.equal(table.length, 8);
  assert.match(table[2], /^\| bert-mini\/lora \| 8 \| 300 \(200–400\) \|/);
  assert.match(table[2], /\| 3\.00x \(2\.00–5\.00\) \|/);
  assert.match(table[3], /\| n\/a \(cached\) \| n\/a \(cached\) \|$/);
  assert.match(table[7], /^\| bert-mini\/features \| 20\.0 \| – \| 25\.0 \| – \| 0\.80x \| – \|$/);
});

test('torchArguments: the case and the shape our run reported, on the same threads', () => {
  const lora = CASES.find((c) => c.name === 'bert-mini/lora');
  assert.ok(lora);
  const args = torchArguments(lora, ours(300), 1);
  const value = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  assert.equal(value('--shape'), 'bert');
  assert.equal(value('--technique'), 'lora');
  assert.equal(value('--vocab'), '8065');
  assert.equal(value('--seq'), '128');
  assert.equal(value('--hidden'), '256');
  assert.equal(value('--layers'), '4');
  assert.equal(value('--ffn'), '1024');
  assert.equal(value('--batch'), '8');
  assert.equal(value('--lora-rank'), '8');
  assert.equal(value('--threads'), '1');
  assert.equal(value('--train-rows'), '96');
  assert.ok(!args.includes('--epochs'));
  const features = CASES.find((c) => c.name === 'nn-sentiment/features');
  assert.ok(features);
  const fArgs = torchArguments(features, ours(3, { shape: { seq: 100, classes: 2, trainRows: 512, valRows: 64 } }), 1);
  assert.equal(fArgs[fArgs.indexOf('--epochs') + 1], '5');
  assert.equal(fArgs[fArgs.indexOf('--shape') + 1], 'nn-sentiment');
});
