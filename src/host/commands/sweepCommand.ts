// finetune.dataset.sweep: "Run a Technique Sweep on This Dataset…". Pick techniques (all four
// checked) and optional grids (learning rates, LoRA ranks), queue every run with the same split
// and seed, each marked with the sweep id, show "Sweep: 2 of 4 runs done", keep
// <runsDir>/sweeps/<sweepId>.json and .md up to date, then open the comparison on the runs.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectDataset } from '../../engine/data/inspectDataset';
import { planSweep, type SweepPlanItem } from '../../engine/sweep/sweepPlan';
import { finishedSweep, newSweepRecord, refreshSweep, saveSweep, withRun } from '../../engine/sweep/sweepProgress';
import { defaultModelFor, makeTrainConfig } from '../../engine/training/trainDefaults';
import { describeError, UserError } from '../../engine/userError';
import type { SweepRecord } from '../../protocol/sweepTypes';
import type { RunStore } from '../../storage/runStore';
import { createSweepId, writeSweep } from '../../storage/sweepStore';
import type { RunRef } from '../extensionServices';
import { requireTrust } from '../workspaceTrust';
import type { CommandDeps } from './commandDeps';
import { datasetTarget } from './datasetTarget';
import { askSweepGrid, pickSweepTechniques } from './sweepInputs';
import { waitForRuns } from './sweepWatch';

const COMPARE_COMMAND = 'finetune.runs.compare';
/** Above this many runs, the sweep asks before queueing them. */
const CONFIRM_ABOVE = 8;
const OPEN_REPORT = 'Open Sweep Report';

interface QueuedSweep {
  runsDir: string;
  store: RunStore;
  record: SweepRecord;
  runIds: string[];
}

async function queueSweep(deps: CommandDeps, runsDir: string, plan: readonly SweepPlanItem[], initial: SweepRecord): Promise<QueuedSweep> {
  const store = deps.storeFor(runsDir);
  let record = initial;
  await saveSweep(runsDir, record);
  const runIds: string[] = [];
  try {
    for (const item of plan) {
      const runId = await deps.training.startRun(runsDir, item.config, item.name);
      runIds.push(runId);
      const run = await store.updateRun(runId, { sweepId: record.id });
      record = withRun(record, run, item.settings);
    }
  } catch (error) {
    // Runs already queued stay queued and in the record; the rest of the sweep is not started.
    await writeSweep(runsDir, finishedSweep(record, 'failed', `Could not queue every run: ${describeError(error)}`));
    for (const runId of runIds) deps.training.stopRun(runId);
    throw error;
  }
  await writeSweep(runsDir, record);
  return { runsDir, store, record, runIds };
}

/** Run ids whose run.json lost the sweep id (a worker wrote run.json at the same moment) get it again. */
async function reassertSweepId(store: RunStore, runIds: readonly string[], sweepId: string): Promise<void> {
  for (const runId of runIds) {
    await store.updateRun(runId, (run) => (run.sweepId === sweepId ? run : { ...run, sweepId })).catch(() => undefined);
  }
}

async function watchSweep(deps: CommandDeps, sweep: QueuedSweep, title: string): Promise<{ record: SweepRecord; cancelled: boolean }> {
  let record = sweep.record;
  let cancelled = false;
  let saving: Promise<void> = Promise.resolve();
  const save = (): void => {
    saving = saving
      .then(async () => {
        record = await refreshSweep(sweep.store, record);
        await saveSweep(sweep.runsDir, record);
      })
      .catch((error: unknown) => deps.services.output.appendLine(`[${record.id}] could not save the sweep: ${describeError(error)}`));
  };
  const total = sweep.runIds.length;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    token.onCancellationRequested(() => {
      cancelled = true;
      for (const runId of sweep.runIds) deps.training.stopRun(runId);
    });
    let reported = 0;
    await waitForRuns(deps.training, sweep.runIds, (done) => {
      progress.report({ message: `Sweep: ${done} of ${total} runs done`, increment: (100 * (done - reported)) / total });
      if (done > reported) save();
      reported = done;
    });
  });
  await saving;
  return { record, cancelled };
}

async function showResults(runsDir: string, record: SweepRecord, markdown: string): Promise<void> {
  const refs: RunRef[] = record.runs.filter((r) => r.status === 'completed').map((r) => ({ runsDir, runId: r.runId }));
  const canCompare = (await vscode.commands.getCommands(true)).includes(COMPARE_COMMAND);
  const best = record.runs.find((r) => r.rank === 1);
  const summary = best
    ? `best: ${best.name} (test ${record.metric.name} ${best.metric?.toFixed(4) ?? '?'})`
    : 'no run finished with a test evaluation';
  const done = record.runs.filter((r) => r.status === 'completed').length;
  void vscode.window
    .showInformationMessage(`Fine-Tune: sweep ${record.status}, ${done} of ${record.plannedRuns} runs completed; ${summary}.`, OPEN_REPORT)
    .then((choice) => {
      if (choice === OPEN_REPORT) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(markdown));
    });
  if (canCompare && refs.length >= 2) await vscode.commands.executeCommand(COMPARE_COMMAND, refs[0], refs);
  else await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(markdown));
}

export async function sweepDataset(deps: CommandDeps, arg: unknown): Promise<void> {
  if (!requireTrust('Training')) return;
  const target = await datasetTarget(arg, 'Run a technique sweep on a dataset', 'Sweep');
  if (!target) return;
  const runsDir = deps.services.runsDirFor(target);
  if (!runsDir) throw new UserError('Open a folder first: runs are stored in the workspace (setting fineTune.runsFolder, default .finetune/runs).');
  const file = target.fsPath;
  const base = path.basename(file);
  const inspection = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Inspecting ${base}` }, () => inspectDataset(file));
  if (!inspection.task || !inspection.label) {
    throw new UserError(`No label column could be chosen in ${base}: ${inspection.labelReason}`, {
      hint: 'Use the setup panel (Fine-tune a Model on This Dataset…) to choose the label column, or `finetune sweep --label COL`.',
    });
  }
  const title = `Technique sweep on ${base}: ${inspection.task}, label "${inspection.label}"`;
  const techniques = await pickSweepTechniques(`${title} (1/2)`);
  if (!techniques) return;
  const axes = await askSweepGrid(techniques, `${title} (2/2)`);
  if (!axes) return;
  const model = defaultModelFor(inspection.task);
  const plan = planSweep({ techniques, axes, configFor: (technique) => makeTrainConfig(file, { technique, model }) });
  if (plan.length > CONFIRM_ABOVE) {
    const go = `Train ${plan.length} Runs`;
    const answer = await vscode.window.showWarningMessage(`This sweep trains ${plan.length} runs one after another on ${base}.`, { modal: true }, go);
    if (answer !== go) return;
  }
  const now = new Date();
  const initial = newSweepRecord({ id: createSweepId(now), now, plan, axes, task: inspection.task });
  const sweep = await queueSweep(deps, runsDir, plan, initial);
  deps.services.output.appendLine(`[${initial.id}] sweep of ${plan.length} runs on ${file}: ${sweep.runIds.join(', ')}`);
  deps.refresh();
  const watched = await watchSweep(deps, sweep, `Fine-Tune sweep on ${base}`);
  await reassertSweepId(sweep.store, sweep.runIds, initial.id);
  const refreshed = await refreshSweep(sweep.store, watched.record);
  const failed = refreshed.runs.filter((r) => r.status === 'failed').length;
  const status = watched.cancelled ? 'stopped' : failed === refreshed.runs.length ? 'failed' : 'completed';
  const reason = watched.cancelled ? 'Cancelled from VS Code.' : failed > 0 ? `${failed} of ${refreshed.runs.length} runs failed.` : null;
  const record = finishedSweep(refreshed, status, reason);
  const files = await saveSweep(runsDir, record);
  deps.refresh();
  await showResults(runsDir, record, files.markdown);
}
