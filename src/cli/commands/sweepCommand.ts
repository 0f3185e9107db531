// finetune sweep <dataset> [--techniques full,features,adapter,lora] [--grid lr=1e-3,3e-3] [--grid rank=4,8]
//   [--metric NAME] [train options]
// Trains the techniques (× the grid) on the same split and seed, one run after another through the
// same worker path as `train`, then prints the trade-off table and writes
// <runsDir>/sweeps/<sweepId>.json and .md. Ctrl-C stops the current run (with a checkpoint) and the sweep.

import * as path from 'node:path';
import type { SweepParam, SweepRecord } from '../../protocol/sweepTypes';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { parseGridSpec, parseTechniques } from '../../engine/sweep/sweepGrid';
import { SWEEP_PARAMS } from '../../engine/sweep/sweepParams';
import { planSweep, type SweepPlanItem } from '../../engine/sweep/sweepPlan';
import { finishedSweep, newSweepRecord, refreshSweep, saveSweep, withRun } from '../../engine/sweep/sweepProgress';
import { tradeOffTable } from '../../engine/sweep/sweepReport';
import { defaultModelFor } from '../../engine/training/trainDefaults';
import { UserError } from '../../engine/userError';
import { createSweepId, writeSweep } from '../../storage/sweepStore';
import type { RunStore } from '../../storage/runStore';
import { flag, listOption, requirePositional, stringOption, type OptionName } from '../cliArgs';
import { printerOf, storeOf, type CliContext } from '../cliContext';
import { formatTable } from '../formatEvaluation';
import { runAndWatch, type WatchResult } from '../runAndWatch';
import { assertReadableFile, configFromCli, explicitModelOption } from './trainCommand';

const USAGE = 'finetune sweep <dataset> [--techniques full,features,adapter,lora] [--grid lr=1e-3,3e-3] [--grid rank=4,8] [train options]';

/** Sweep parameters the user fixed with their own option (sweeping one of those too is refused). */
const FIXED_OPTIONS: Record<SweepParam, OptionName> = {
  lr: 'lr',
  epochs: 'epochs',
  'batch-size': 'batch-size',
  rank: 'rank',
  alpha: 'alpha',
  'adapter-size': 'adapter-size',
};

interface SweepSetup {
  plan: SweepPlanItem[];
  record: SweepRecord;
}

async function setUp(ctx: CliContext, datasetPath: string): Promise<SweepSetup> {
  if (stringOption(ctx.cli, 'technique') !== undefined) {
    throw new UserError('A sweep takes --techniques (a list), not --technique.', { hint: `Usage: ${USAGE}` });
  }
  if (stringOption(ctx.cli, 'name') !== undefined) throw new UserError('A sweep names its runs itself (dataset · technique and grid values); drop --name.');
  const techniques = parseTechniques(stringOption(ctx.cli, 'techniques') ?? 'all');
  const axes = listOption(ctx.cli, 'grid').map(parseGridSpec);
  const inspection = await inspectDataset(datasetPath, { label: stringOption(ctx.cli, 'label') ?? null, text: stringOption(ctx.cli, 'text') ?? null });
  if (!inspection.task || !inspection.label) {
    throw new UserError(`No label column could be chosen in ${path.basename(datasetPath)}: ${inspection.labelReason}`, { where: datasetPath, hint: 'Name it with --label COL.' });
  }
  const model = explicitModelOption(ctx) ?? defaultModelFor(inspection.task);
  const fixed = SWEEP_PARAMS.map((spec) => spec.param).filter((param) => stringOption(ctx.cli, FIXED_OPTIONS[param]) !== undefined);
  const plan = planSweep({ techniques, axes, fixed, configFor: (technique) => configFromCli(ctx, datasetPath, model, technique) });
  const now = new Date();
  const record = newSweepRecord({ id: createSweepId(now), now, plan, axes, task: inspection.task, metric: stringOption(ctx.cli, 'metric') });
  return { plan, record };
}

function planSummary(plan: readonly SweepPlanItem[]): string {
  const counts = new Map<string, number>();
  for (const item of plan) counts.set(item.technique, (counts.get(item.technique) ?? 0) + 1);
  return [...counts.entries()].map(([technique, n]) => (n > 1 ? `${technique} ×${n}` : technique)).join(', ');
}

function sweepOutcome(results: readonly WatchResult[], planned: number, stopped: boolean): { status: SweepRecord['status']; reason: string | null; code: number } {
  const failed = results.filter((r) => r.status === 'failed').length;
  if (stopped) return { status: 'stopped', reason: `Stopped by the user after ${results.length} of ${planned} runs.`, code: 130 };
  if (failed === results.length && failed > 0) return { status: 'failed', reason: `Every run failed.`, code: 1 };
  if (failed > 0) return { status: 'completed', reason: `${failed} of ${planned} runs failed.`, code: 1 };
  return { status: 'completed', reason: null, code: 0 };
}

async function trainAll(ctx: CliContext, store: RunStore, setup: SweepSetup): Promise<{ record: SweepRecord; results: WatchResult[]; stopped: boolean }> {
  const json = flag(ctx.cli, 'json');
  let { record } = setup;
  const results: WatchResult[] = [];
  let stopped = false;
  const onSigint = (): void => {
    stopped = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (const [index, item] of setup.plan.entries()) {
      if (stopped) break;
      const created = await store.createRun(item.config, { name: item.name });
      const run = await store.updateRun(created.id, { sweepId: record.id });
      record = withRun(record, run, item.settings);
      await writeSweep(store.runsDir, record);
      if (!json) ctx.err(`\n[${index + 1}/${setup.plan.length}] run ${run.id}: ${item.name}\n`);
      const result = await runAndWatch(store, run.id, { resume: false, extraEpochs: 0, inProcess: flag(ctx.cli, 'in-process') }, printerOf(ctx), ctx.err);
      results.push(result);
      if (result.status === 'stopped') stopped = true;
      if (result.status === 'failed' && !json) ctx.err(`run ${run.id} failed: ${result.reason ?? 'unknown reason'}; the sweep goes on.\n`);
      record = await refreshSweep(store, record);
      await saveSweep(store.runsDir, record);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return { record, results, stopped };
}

export async function sweepCommand(ctx: CliContext): Promise<number> {
  const datasetPath = path.resolve(requirePositional(ctx.cli, 0, 'the dataset file', USAGE));
  await assertReadableFile(datasetPath, 'dataset');
  const setup = await setUp(ctx, datasetPath);
  const store = storeOf(ctx);
  await saveSweep(store.runsDir, setup.record);
  const json = flag(ctx.cli, 'json');
  if (!json) {
    ctx.err(
      `sweep ${setup.record.id}: ${setup.plan.length} run${setup.plan.length > 1 ? 's' : ''} on ${path.basename(datasetPath)} ` +
        `(${planSummary(setup.plan)}), seed ${setup.record.seed}, ranked by test ${setup.record.metric.name}\n`,
    );
  }
  const trained = await trainAll(ctx, store, setup);
  const outcome = sweepOutcome(trained.results, setup.plan.length, trained.stopped);
  const record = finishedSweep(await refreshSweep(store, trained.record), outcome.status, outcome.reason);
  const files = await saveSweep(store.runsDir, record);
  if (json) {
    ctx.out(`${JSON.stringify({ type: 'sweep/finished', payload: { sweep: record, files } })}\n`);
    return outcome.code;
  }
  const tradeOff = tradeOffTable(record, { runIds: true });
  ctx.out(`\nSweep ${record.id}: ${record.status}${record.statusReason ? ` (${record.statusReason})` : ''}\n`);
  ctx.out(`${formatTable([tradeOff.headers, ...tradeOff.rows])}\n`);
  ctx.out(`\n"best for its cost": no other run is at least as good with fewer trainable parameters (params) or in less training time (time).\n`);
  ctx.out(`Report: ${files.markdown}\nData:   ${files.json}\n`);
  if (trained.stopped) {
    const last = record.runs.find((r) => r.status === 'stopped');
    if (last) ctx.err(`run ${last.runId} stopped; continue it with: finetune resume ${last.runId}\n`);
  }
  return outcome.code;
}
