// finetune compare <run> <run> ... [--out FILE] [--all-settings] [--evaluation NAME]
// A Markdown comparison of runs: metrics side by side (best in bold), the settings that differ, and
// the learning curves overlaid as SVG pictures written beside FILE. Without --out the Markdown goes
// to stdout, without pictures. --evaluation NAME compares a named evaluation (finetune eval --dataset)
// instead of the test split.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { renderComparisonReport, type ComparisonInput } from '../../engine/evaluation/comparisonReport';
import { UserError } from '../../engine/userError';
import type { RunRecord } from '../../protocol/runTypes';
import { writeFileAtomic } from '../../storage/atomicWrite';
import { listNamedEvaluations, readNamedEvaluation } from '../../storage/evaluationsStore';
import type { RunStore } from '../../storage/runStore';
import { flag, stringOption } from '../cliArgs';
import { storeOf, type CliContext } from '../cliContext';

const USAGE = 'finetune compare <run> <run> ... [--out FILE] [--all-settings] [--evaluation NAME]';

async function resolveRuns(store: RunStore, refs: readonly string[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const ref of refs) {
    const run = await store.resolveRun(ref);
    if (!runs.some((r) => r.id === run.id)) runs.push(run);
  }
  return runs;
}

async function evaluationOf(store: RunStore, run: RunRecord, name: string | undefined): Promise<ComparisonInput['evaluation']> {
  if (name === undefined) return store.readEvaluation(run.id);
  const named = await readNamedEvaluation(store, run.id, name);
  if (named) return named.evaluation;
  const have = (await listNamedEvaluations(store, run.id)).map((e) => e.name);
  throw new UserError(`Run ${run.id} has no evaluation named "${name}".`, {
    hint: have.length > 0 ? `It has ${have.map((n) => `"${n}"`).join(', ')}.` : `Make one with: finetune eval ${run.id} --dataset FILE --name ${name}`,
  });
}

export async function compareCommand(ctx: CliContext): Promise<number> {
  if (ctx.cli.positionals.length < 2) throw new UserError('Give at least two runs to compare.', { hint: `Usage: ${USAGE}` });
  const store = storeOf(ctx);
  const runs = await resolveRuns(store, ctx.cli.positionals);
  if (runs.length < 2) throw new UserError('Those refer to the same run; give at least two different runs.', { hint: `Usage: ${USAGE}` });
  const evaluationName = stringOption(ctx.cli, 'evaluation');
  const inputs: ComparisonInput[] = await Promise.all(
    runs.map(async (run) => ({ run, evaluation: await evaluationOf(store, run, evaluationName), metrics: await store.readMetrics(run.id) })),
  );
  const out = stringOption(ctx.cli, 'out');
  const title = evaluationName ? `Comparison of ${runs.length} runs on evaluation "${evaluationName}"` : undefined;
  const onlyDifferences = !flag(ctx.cli, 'all-settings');
  if (!out) {
    ctx.out(renderComparisonReport(inputs, { onlyDifferences, imageBase: null, title }).markdown);
    return 0;
  }
  const file = path.resolve(out);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const imageBase = path.basename(file, path.extname(file));
  const report = renderComparisonReport(inputs, { onlyDifferences, imageBase, title, generatedAt: new Date().toISOString() });
  for (const [name, svg] of Object.entries(report.svgs)) await writeFileAtomic(path.join(dir, name), svg);
  await writeFileAtomic(file, report.markdown);
  const pictures = Object.keys(report.svgs);
  ctx.err(`Wrote ${file}${pictures.length > 0 ? ` and ${pictures.length} picture${pictures.length > 1 ? 's' : ''} beside it (${pictures.join(', ')})` : ''}.\n`);
  return 0;
}
