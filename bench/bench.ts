// npm run bench: training speed and memory of each benchmark shape (bench/benchCases.ts: MLP, an
// attention block, BERT-mini and nn-sentiment with each technique) on the active CPU backend and,
// where /usr/bin/python3 can import torch, the same shape in PyTorch on as many threads as our
// backend uses (bench/torch_shapes.py), with the ratio ours/PyTorch. One JSON line per case and
// repeat on stdout; with --repeat N a summary line per case (median, min, max); with --table the
// README's Markdown table at the end. Each of our cases runs in its own process, so peak RSS is
// that case's own. A benchmark, not a test.
// Options:
//   --backend wasm|cpu (default wasm)   --only a,b (case names, or a prefix such as bert-mini)
//   --all (the extra cases too: features without the cache)   --list (the case names)
//   --repeat N                          --table
//   --no-torch                          --python PATH (default /usr/bin/python3)
//   --torch-threads N (default: the threads our backend computes with, 1 on wasm)
//   --fast-paths both: our side only, each case with FINETUNE_FAST_PATHS=0 and =1 (the speed-ups)
//   --workers N: data-parallel training on N shards per step (the main thread + N−1 worker threads;
//                the mlp-256-512-512-10 step case through the worker pool, run cases with the
//                config's workers = N); 1 = the same code on one thread. PyTorch gets N threads.
//   --batch N: a step case's batch size (e.g. 256)
// tf.matMul alone, stock kernel against the fast path: node --import tsx bench/matMulMicro.ts

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { tempDir } from '../test/unit/helpers/fixtures';
import { CASES, type BenchCase } from './benchCases';
import { combine, markdownTable, summarise, type CaseLine, type CaseSummary } from './benchSummary';
import { runRepeats } from './fastPathRepeats';
import { runOursRunCase, type OursResult } from './oursRunCase';
import { runOursStepCase } from './oursStepCase';
import { runOursLstmCase } from './oursLstmCase';
import { runOursParallelStepCase } from './oursParallelStep';
import { DEFAULT_PYTHON, runTorch, torchAvailability, type TorchAvailability } from './torchBaseline';

/** Default: every case but the extras; --only: names or prefixes (extras by exact name); --all: every case. */
function selected(only: string | undefined, all: boolean): BenchCase[] {
  if (all) return [...CASES];
  if (only === undefined) return CASES.filter((c) => c.extra !== true);
  const wanted = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const chosen = CASES.filter((c) => wanted.some((w) => c.name === w || (c.extra !== true && c.name.startsWith(w))));
  if (chosen.length === 0) throw new Error(`--only ${only} matches no case; cases: ${CASES.map((c) => c.name).join(', ')}`);
  return chosen;
}

/** Runs our side of one case in a child process; its JSON line, or why it failed. */
function runOurs(c: BenchCase, backend: string, dir: string, workers: number | null = null, batch: number | null = null): OursResult | { error: string } {
  const extra = [...(workers === null ? [] : ['--workers', String(workers)]), ...(batch === null ? [] : ['--batch', String(batch)])];
  const args = [...process.execArgv, __filename, '--case', c.name, '--backend', backend, '--dir', dir, ...extra];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const last = (child.stdout ?? '').trim().split('\n').pop() ?? '';
  if (child.status !== 0 || last === '') {
    const why = (child.stderr ?? '').trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
    return { error: `exit ${child.status ?? child.signal}: ${why}` };
  }
  return JSON.parse(last) as OursResult;
}

/** The first line: when, where and on what the bench ran (for the README's table). */
function runHeader(backend: string, torch: TorchAvailability, repeats: number): Record<string, unknown> {
  const git = (args: string[]): string => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    benchRun: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) || null,
    changedFiles: git(['status', '--porcelain']).split('\n').filter((l) => l.trim() !== '').length,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.versions.node,
    backend,
    torch: torch.ok ? torch.version : null,
    repeats,
  };
}

/** Child mode: one case of ours; `batch` overrides a step case's batch size (bench/multiCoreProbe.ts). */
async function childMain(name: string, backend: 'wasm' | 'cpu', dir: string, batch: number | null, workers: number | null = null): Promise<void> {
  const found = CASES.find((x) => x.name === name);
  if (found === undefined) throw new Error(`unknown case ${name}`);
  const c = found.kind === 'step' && batch !== null ? { ...found, batchSize: batch } : found;
  const result =
    c.kind === 'run'
      ? await runOursRunCase(c, dir, backend, workers)
      : c.shape === 'bilstm'
        ? await runOursLstmCase(c, backend)
        : workers !== null
        ? await runOursParallelStepCase(c, backend, workers)
        : await runOursStepCase(c, backend);
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string' },
      only: { type: 'string' },
      case: { type: 'string' },
      dir: { type: 'string' },
      'fast-paths': { type: 'string' },
      repeat: { type: 'string' },
      table: { type: 'boolean' },
      'no-torch': { type: 'boolean' },
      python: { type: 'string' },
      'torch-threads': { type: 'string' },
      list: { type: 'boolean' },
      all: { type: 'boolean' },
      batch: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const backend = values.backend === 'cpu' ? 'cpu' : 'wasm';
  if (values.case !== undefined) {
    const own = values.dir === undefined ? tempDir('finetune-bench-') : null;
    try {
      await childMain(values.case, backend, values.dir ?? own ?? '', values.batch === undefined ? null : Number(values.batch), values.workers === undefined ? null : Number(values.workers));
    } finally {
      if (own !== null) rmSync(own, { recursive: true, force: true });
    }
    return;
  }
  if (values.list === true) {
    for (const c of CASES) console.log(c.extra === true ? `${c.name} (extra: only when named)` : c.name);
    return;
  }
  const cases = selected(values.only, values.all === true);
  const repeats = Math.max(1, Number(values.repeat ?? 1));
  // Generated data, the BERT-mini checkpoint and every case's run store (checkpoints included):
  // several hundred MB after a full bench, removed at the end.
  const dir = tempDir('finetune-bench-');
  try {
    await runCases(cases, repeats, backend, dir, values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CaseOptions {
  'fast-paths'?: string;
  'no-torch'?: boolean;
  python?: string;
  'torch-threads'?: string;
  table?: boolean;
  batch?: string;
  workers?: string;
}

async function runCases(cases: BenchCase[], repeats: number, backend: 'wasm' | 'cpu', dir: string, values: CaseOptions): Promise<void> {
  if (values['fast-paths'] === 'both') {
    for (const c of cases) runRepeats([...process.execArgv, __filename, '--case', c.name, '--backend', backend, '--dir', dir], c.name, repeats, ['0', '1']);
    return;
  }
  const python = values.python ?? DEFAULT_PYTHON;
  const torch: TorchAvailability = values['no-torch'] === true ? { ok: false, reason: '--no-torch' } : torchAvailability(python);
  console.log(JSON.stringify(runHeader(backend, torch, repeats)));
  const summaries: CaseSummary[] = [];
  // --batch: the step cases' batch size, on both sides.
  const batch = values.batch === undefined ? null : Number(values.batch);
  for (const listed of cases) {
    const c = listed.kind === 'step' && batch !== null ? { ...listed, batchSize: batch } : listed;
    const lines: CaseLine[] = [];
    for (let r = 0; r < repeats; r++) {
      const ours = runOurs(c, backend, dir, values.workers === undefined ? null : Number(values.workers), batch);
      if ('error' in ours) {
        console.log(JSON.stringify({ bench: c.name, error: ours.error }));
        continue;
      }
      const threads = values['torch-threads'] === undefined ? ours.threads : Math.max(1, Number(values['torch-threads']));
      const theirs = torch.ok ? runTorch(python, c, ours, threads) : null;
      const line = combine(ours, theirs, torch.ok ? null : torch.reason);
      lines.push(line);
      console.log(JSON.stringify(line));
    }
    if (lines.length === 0) continue;
    const summary = summarise(lines);
    summaries.push(summary);
    if (repeats > 1) console.log(JSON.stringify(summary));
  }
  console.log(JSON.stringify({ benchEnd: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) }));
  if (values.table === true) console.log(`\n${markdownTable(summaries)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
