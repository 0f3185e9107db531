// Combines our side and PyTorch's side of a case into the line `npm run bench` prints (with the
// ratios ours/PyTorch), summarises repeats (median and spread), and renders the README table.

import type { OursResult } from './oursRunCase';
import type { TorchResult } from './torchBaseline';

export interface CaseLine extends Omit<OursResult, 'side' | 'shape'> {
  /** PyTorch's numbers for the same shape, or null (torchSkipped says why). */
  torch: TorchResult | null;
  torchSkipped?: string;
  /** ours/PyTorch of the mean wall ms per step (features: of the cached step against the plain loop's step). */
  ratio?: number;
  /** ours/PyTorch of CPU ms per step. */
  cpuRatio?: number;
  /** Features: ours/PyTorch of the end-to-end seconds over the epochs (wall, and CPU time). */
  endToEndRatio?: number;
  endToEndCpuRatio?: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function combine(ours: OursResult, torch: TorchResult | { error: string } | null, skipped: string | null): CaseLine {
  const { side: _side, shape: _shape, ...rest } = ours;
  const line: CaseLine = { ...rest, torch: null };
  if (torch === null || 'error' in torch) {
    line.torchSkipped = torch === null ? (skipped ?? 'not asked for') : torch.error;
    return line;
  }
  line.torch = torch;
  if (torch.msPerStep > 0) line.ratio = round2(ours.msPerStep / torch.msPerStep);
  if (torch.cpuMsPerStep > 0) line.cpuRatio = round2(ours.cpuMsPerStep / torch.cpuMsPerStep);
  if (ours.endToEndSeconds !== undefined && torch.endToEndSeconds !== undefined && torch.endToEndSeconds > 0) {
    line.endToEndRatio = round2(ours.endToEndSeconds / torch.endToEndSeconds);
  }
  if (ours.endToEndCpuSeconds !== undefined && torch.endToEndCpuSeconds !== undefined && torch.endToEndCpuSeconds > 0) {
    line.endToEndCpuRatio = round2(ours.endToEndCpuSeconds / torch.endToEndCpuSeconds);
  }
  return line;
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, min and max of one field over repeats. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: readonly (number | undefined)[]): Spread | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  return { median: round2(median(v)), min: round2(Math.min(...v)), max: round2(Math.max(...v)) };
}

export interface CaseSummary {
  bench: string;
  summary: true;
  repeats: number;
  batchSize: number;
  backend: string | null;
  fastPaths: string[];
  msPerStep: Spread | null;
  cpuMsPerStep: Spread | null;
  examplesPerSecond: Spread | null;
  peakRssMB: Spread | null;
  endToEndSeconds: Spread | null;
  endToEndCpuSeconds: Spread | null;
  torchMsPerStep: Spread | null;
  torchCpuMsPerStep: Spread | null;
  torchExamplesPerSecond: Spread | null;
  torchPeakRssMB: Spread | null;
  torchEndToEndSeconds: Spread | null;
  torchEndToEndCpuSeconds: Spread | null;
  ratio: Spread | null;
  cpuRatio: Spread | null;
  endToEndRatio: Spread | null;
  endToEndCpuRatio: Spread | null;
  /** Step cases: ready → last timed step; and the frozen-prefix cache's build, when the run cached one. */
  stepsEndToEndSeconds: Spread | null;
  prefixCacheSeconds: Spread | null;
  torchSkipped?: string;
}

export function summarise(lines: readonly CaseLine[]): CaseSummary {
  const first = lines[0];
  const t = (pick: (r: TorchResult) => number | undefined): Spread | null => spread(lines.map((l) => (l.torch ? pick(l.torch) : undefined)));
  const summary: CaseSummary = {
    bench: first.bench,
    summary: true,
    repeats: lines.length,
    batchSize: first.batchSize,
    backend: first.backend,
    fastPaths: first.fastPaths,
    msPerStep: spread(lines.map((l) => l.msPerStep)),
    cpuMsPerStep: spread(lines.map((l) => l.cpuMsPerStep)),
    examplesPerSecond: spread(lines.map((l) => l.examplesPerSecond)),
    peakRssMB: spread(lines.map((l) => l.peakRssMB)),
    endToEndSeconds: spread(lines.map((l) => l.endToEndSeconds)),
    endToEndCpuSeconds: spread(lines.map((l) => l.endToEndCpuSeconds)),
    torchMsPerStep: t((r) => r.msPerStep),
    torchCpuMsPerStep: t((r) => r.cpuMsPerStep),
    torchExamplesPerSecond: t((r) => r.examplesPerSecond),
    torchPeakRssMB: t((r) => r.peakRssMB),
    torchEndToEndSeconds: t((r) => r.endToEndSeconds),
    torchEndToEndCpuSeconds: t((r) => r.endToEndCpuSeconds),
    ratio: spread(lines.map((l) => l.ratio)),
    cpuRatio: spread(lines.map((l) => l.cpuRatio)),
    endToEndRatio: spread(lines.map((l) => l.endToEndRatio)),
    endToEndCpuRatio: spread(lines.map((l) => l.endToEndCpuRatio)),
    stepsEndToEndSeconds: spread(lines.map((l) => l.stepsEndToEndSeconds)),
    prefixCacheSeconds: spread(lines.map((l) => l.prefixCacheSeconds)),
  };
  const skipped = lines.find((l) => l.torchSkipped !== undefined)?.torchSkipped;
  if (skipped !== undefined) summary.torchSkipped = skipped;
  return summary;
}

function num(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** "m" alone for one repeat, else "m (min–max)". */
function cell(s: Spread | null, suffix = ''): string {
  if (s === null) return '–';
  return s.min === s.max ? `${num(s.median)}${suffix}` : `${num(s.median)}${suffix} (${num(s.min)}–${num(s.max)})`;
}

/**
 * The README's Markdown tables, medians with the spread over repeats: per step for every case (a
 * features step of ours trains the head on cached features while PyTorch's runs the frozen base
 * too, so their ratio is left out), then the features cases end to end.
 */
export function markdownTable(summaries: readonly CaseSummary[]): string {
  const rows = [
    '| case | batch | ours ms/step | ours ex/s | ours peak RSS MB | PyTorch ms/step | PyTorch ex/s | PyTorch peak RSS MB | ours/PyTorch (wall) | ours/PyTorch (CPU time) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    const stepRatio = (x: Spread | null): string => (s.endToEndSeconds === null ? cell(x, 'x') : 'n/a (cached)');
    rows.push(
      `| ${s.bench} | ${s.batchSize} | ${cell(s.msPerStep)} | ${cell(s.examplesPerSecond)} | ${cell(s.peakRssMB)} | ${cell(s.torchMsPerStep)} | ${cell(s.torchExamplesPerSecond)} | ${cell(s.torchPeakRssMB)} | ${stepRatio(s.ratio)} | ${stepRatio(s.cpuRatio)} |`,
    );
  }
  const prefixed = summaries.filter((s) => s.prefixCacheSeconds !== null);
  if (prefixed.length > 0) {
    rows.push('', '| frozen-prefix cache (steps from cached rows) | cache build s | ready → last timed step s |', '| --- | ---: | ---: |');
    for (const s of prefixed) rows.push(`| ${s.bench} | ${cell(s.prefixCacheSeconds)} | ${cell(s.stepsEndToEndSeconds)} |`);
  }
  const features = summaries.filter((s) => s.endToEndSeconds !== null);
  if (features.length === 0) return rows.join('\n');
  rows.push(
    '',
    '| features, 5 epochs end to end | ours s | ours CPU s | PyTorch plain loop s | PyTorch CPU s | ours/PyTorch (wall) | ours/PyTorch (CPU time) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of features) {
    rows.push(
      `| ${s.bench} | ${cell(s.endToEndSeconds)} | ${cell(s.endToEndCpuSeconds)} | ${cell(s.torchEndToEndSeconds)} | ${cell(s.torchEndToEndCpuSeconds)} | ${cell(s.endToEndRatio, 'x')} | ${cell(s.endToEndCpuRatio, 'x')} |`,
    );
  }
  return rows.join('\n');
}
