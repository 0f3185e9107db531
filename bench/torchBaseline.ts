// The PyTorch baseline of `npm run bench`: finds a Python that can import torch (default
// /usr/bin/python3, i.e. Debian's python3-torch), turns a case and the shape our run reported
// into bench/torch_shapes.py's arguments, runs it on the same number of threads and reads its
// JSON line back.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ADAPTER_SIZE, BERT_MINI, LORA, LSTM_TEXT, NN_SENTIMENT, STEP_SHAPES, TABULAR_MLP_WIDTHS, type BenchCase } from './benchCases';
import type { OursResult } from './oursRunCase';

export const DEFAULT_PYTHON = '/usr/bin/python3';

export interface TorchResult {
  torch: string;
  threads: number;
  msPerStep: number;
  cpuMsPerStep: number;
  examplesPerSecond: number;
  peakRssMB: number;
  trainableParams: number;
  endToEndSeconds?: number;
  endToEndCpuSeconds?: number;
}

export type TorchAvailability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether `python` can import torch; the reason when it cannot. */
export function torchAvailability(python: string): TorchAvailability {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${python} could not be run (${r.error.message}); install python3-torch and libopenblas0-pthread (Debian) for the PyTorch column` };
  if (r.status !== 0) {
    const last = (r.stderr ?? '').trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${python} cannot import torch (${last}); install python3-torch and libopenblas0-pthread (Debian) for the PyTorch column` };
  }
  return { ok: true, version: r.stdout.trim() };
}

function technique(c: BenchCase): string {
  return c.kind === 'run' ? c.technique : (c.technique ?? 'full');
}

/** torch_shapes.py's arguments for the case, with the shape our side reported. */
export function torchArguments(c: BenchCase, ours: OursResult, threads: number): string[] {
  const s = ours.shape;
  const common = ['--batch', String(c.batchSize), '--warmup', String(c.warmup), '--steps', String(c.steps), '--threads', String(threads), '--technique', technique(c)];
  const rows = ['--train-rows', String(s.trainRows), '--val-rows', String(s.valRows)];
  const epochs = c.kind === 'run' && c.epochs > 0 ? ['--epochs', String(c.epochs)] : [];
  const adapted = ['--lora-rank', String(LORA.rank), '--lora-alpha', String(LORA.alpha), '--adapter-size', String(ADAPTER_SIZE)];
  if (c.kind === 'step') {
    if (c.shape === 'mlp') {
      const m = STEP_SHAPES.mlp;
      return ['--shape', 'mlp', '--input', String(m.input), '--widths', m.widths.join(','), '--classes', String(m.classes), ...common];
    }
    if (c.shape === 'bilstm') {
      const l = LSTM_TEXT;
      return ['--shape', 'lstm-text', '--vocab', String(l.vocab), '--embed', String(l.embed), '--units', String(l.units), '--seq', String(l.seq), '--classes', String(l.classes), ...adapted, ...common];
    }
    const a = STEP_SHAPES.attention;
    return ['--shape', 'attention', '--seq', String(a.seq), '--hidden', String(a.hidden), '--heads', String(a.heads), ...common];
  }
  const classes = ['--classes', String(s.classes)];
  switch (c.model) {
    case 'mlp':
      return ['--shape', 'mlp', '--input', String(s.input ?? 0), '--widths', TABULAR_MLP_WIDTHS.join(','), ...classes, ...common, ...rows, ...epochs];
    case 'nn-sentiment':
      return [
        '--shape', 'nn-sentiment', '--vocab', String(NN_SENTIMENT.vocab), '--embed', String(NN_SENTIMENT.embed), '--units', String(NN_SENTIMENT.units),
        '--seq', String(s.seq ?? NN_SENTIMENT.seq), ...classes, ...adapted, ...common, ...rows, ...epochs,
      ];
    case 'bert-mini': {
      const b = BERT_MINI;
      return [
        '--shape', 'bert', '--hidden', String(b.hidden), '--layers', String(b.layers), '--heads', String(b.heads), '--ffn', String(b.ffn),
        '--max-positions', String(b.maxPositions), '--vocab', String(s.vocab ?? 0), '--seq', String(s.seq ?? b.seq), '--dropout', String(b.dropout),
        ...classes, ...adapted, ...common, ...rows, ...epochs,
      ];
    }
  }
}

function isTorchResult(value: unknown): value is TorchResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.torch === 'string' && typeof v.msPerStep === 'number' && typeof v.cpuMsPerStep === 'number';
}

/** Runs the PyTorch side of the case; an error line instead of numbers when it fails. */
export function runTorch(python: string, c: BenchCase, ours: OursResult, threads: number): TorchResult | { error: string } {
  const script = path.join(__dirname, 'torch_shapes.py');
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const r = spawnSync(python, [script, ...torchArguments(c, ours, threads)], { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || last === '') {
    const why = (r.stderr ?? '').trim().split('\n').slice(-2).join(' | ');
    return { error: `torch_shapes.py exited with ${r.status ?? r.signal}: ${why}` };
  }
  const parsed: unknown = JSON.parse(last);
  return isTorchResult(parsed) ? parsed : { error: `unexpected output: ${last}` };
}
