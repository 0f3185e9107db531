// node --import tsx bench/multiCoreProbe.ts [--batches 64,256] [--copies 2]: is there a second core
// for data-parallel training to use? Trains the MLP 256-512-512-10 step case (bench/benchCases.ts)
// alone, then `copies` identical processes at once, and prints per batch size: ms/step alone, ms/step
// with the copies running together, and the throughput scaling (copies × alone / together; 2.0 on
// two free cores, 1.0 when they share one). PyTorch's side: the same shape on 1 thread and on
// `copies` threads (torch.set_num_threads), when /usr/bin/python3 has torch. Data-parallel
// workers can gain at most what the copies show. A probe, not a test.

import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PYTHON, torchAvailability } from './torchBaseline';

const CASE = 'mlp-256-512-512-10/full';

function oursOnce(batch: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [...process.execArgv, path.join(__dirname, 'bench.ts'), '--case', CASE, '--batch', String(batch)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || last === '') reject(new Error(`${CASE} exited with ${code}`));
      else resolve((JSON.parse(last) as { msPerStep: number }).msPerStep);
    });
  });
}

function torchMs(batch: number, threads: number): number | null {
  const script = path.join(__dirname, 'torch_shapes.py');
  const args = [script, '--shape', 'mlp', '--input', '256', '--widths', '512,512', '--classes', '10', '--batch', String(batch), '--steps', '40', '--threads', String(threads)];
  const n = String(threads);
  const r = spawnSync(DEFAULT_PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n } });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  return r.status === 0 && last !== '' ? (JSON.parse(last) as { msPerStep: number }).msPerStep : null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { batches: { type: 'string' }, copies: { type: 'string' } } });
  const batches = (values.batches ?? '64,256').split(',').map(Number);
  const copies = Math.max(2, Number(values.copies ?? 2));
  const torch = torchAvailability(DEFAULT_PYTHON).ok;
  for (const batch of batches) {
    const alone = await oursOnce(batch);
    const together = await Promise.all(Array.from({ length: copies }, () => oursOnce(batch)));
    const meanTogether = together.reduce((a, b) => a + b, 0) / together.length;
    const line: Record<string, unknown> = {
      case: CASE,
      batch,
      copies,
      oursMsPerStepAlone: alone,
      oursMsPerStepTogether: Math.round(meanTogether * 100) / 100,
      oursThroughputScaling: Math.round(((copies * alone) / meanTogether) * 100) / 100,
    };
    if (torch) {
      const one = torchMs(batch, 1);
      const many = torchMs(batch, copies);
      line.torchMsPerStep1Thread = one;
      line[`torchMsPerStep${copies}Threads`] = many;
      if (one !== null && many !== null) line.torchSpeedup = Math.round((one / many) * 100) / 100;
    }
    console.log(JSON.stringify(line));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
