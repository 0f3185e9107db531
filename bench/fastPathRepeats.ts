// Runs one bench case several times in its own processes, with the CPU fast paths off and on
// (FINETUNE_FAST_PATHS=0 / 1, interleaved so drift of a shared machine hits both alike), prints
// each run's JSON line, then one summary line: median ms/step (wall and CPU) and examples/s of
// each, and the speed-ups. Used by bench.ts for --fast-paths both and --repeat N.

import { spawnSync } from 'node:child_process';
import { FAST_PATHS_ENV_VAR } from '../src/engine/backends/fastPaths/fastPathsSwitch';

interface CaseLine {
  bench: string;
  msPerStep: number;
  cpuMsPerStep?: number;
  examplesPerSecond: number;
}

function isCaseLine(value: unknown): value is CaseLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof CaseLine, unknown>>;
  return typeof v.bench === 'string' && typeof v.msPerStep === 'number' && typeof v.examplesPerSecond === 'number';
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Spawns `args` once per repeat and mode; `modes` are FINETUNE_FAST_PATHS values (undefined: inherit). */
export function runRepeats(args: string[], name: string, repeats: number, modes: ReadonlyArray<string | undefined>): void {
  const byMode = new Map<string | undefined, CaseLine[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < repeats; r++) {
    for (const mode of modes) {
      const env = mode === undefined ? process.env : { ...process.env, [FAST_PATHS_ENV_VAR]: mode };
      const child = spawnSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) process.exit(child.status ?? 1);
      const last = child.stdout.trim().split('\n').pop() ?? '';
      process.stdout.write(`${last}\n`);
      const parsed: unknown = JSON.parse(last);
      if (isCaseLine(parsed)) byMode.get(mode)?.push(parsed);
    }
  }
  const summary: Record<string, unknown> = { bench: name, summary: true, repeats };
  for (const [mode, lines] of byMode) {
    const key = mode === undefined ? 'inherited' : mode === '0' ? 'off' : 'on';
    summary[`${key}MsPerStep`] = median(lines.map((l) => l.msPerStep));
    summary[`${key}CpuMsPerStep`] = median(lines.map((l) => l.cpuMsPerStep ?? Number.NaN));
    summary[`${key}ExamplesPerSecond`] = median(lines.map((l) => l.examplesPerSecond));
  }
  const off = summary['offMsPerStep'];
  const on = summary['onMsPerStep'];
  if (typeof off === 'number' && typeof on === 'number' && on > 0) summary['speedup'] = Math.round((off / on) * 100) / 100;
  const offCpu = summary['offCpuMsPerStep'];
  const onCpu = summary['onCpuMsPerStep'];
  if (typeof offCpu === 'number' && typeof onCpu === 'number' && onCpu > 0) summary['cpuSpeedup'] = Math.round((offCpu / onCpu) * 100) / 100;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
