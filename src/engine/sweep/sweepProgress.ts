// A sweep's record as it goes: created from the plan, a run added when it is created, refreshed
// from the run store (status, metrics, parameters, time) and saved with its report after each run.
// Used by `finetune sweep` and by the extension's sweep command alike.

import * as path from 'node:path';
import type { TaskKind } from '../../protocol/datasetTypes';
import { SWEEP_SCHEMA_VERSION, type SweepAxis, type SweepMetric, type SweepRecord, type SweepStatus } from '../../protocol/sweepTypes';
import type { RunRecord } from '../../protocol/runTypes';
import type { RunStore } from '../../storage/runStore';
import { sweepPaths, writeSweep, writeSweepReport } from '../../storage/sweepStore';
import { renderSweepCharts } from './sweepCharts';
import type { SweepPlanItem, SweepSettings } from './sweepPlan';
import { renderSweepReport } from './sweepReport';
import { rankEntries, sweepEntry, sweepMetricFor } from './sweepSummary';

export interface NewSweep {
  id: string;
  now: Date;
  plan: readonly SweepPlanItem[];
  axes: readonly SweepAxis[];
  task: TaskKind;
  /** --metric, when asked for. */
  metric?: string;
}

export function newSweepRecord(sweep: NewSweep): SweepRecord {
  const first = sweep.plan[0].config;
  const metric: SweepMetric = sweepMetricFor(sweep.task, sweep.metric);
  const time = sweep.now.toISOString();
  const techniques = [...new Set(sweep.plan.map((item) => item.technique))];
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    id: sweep.id,
    createdAt: time,
    updatedAt: time,
    finishedAt: null,
    status: 'running',
    statusReason: null,
    datasetPath: first.datasetPath,
    model: first.model,
    seed: first.seed,
    split: first.split,
    techniques,
    axes: sweep.axes.map((axis) => ({ param: axis.param, values: [...axis.values] })),
    metric,
    plannedRuns: sweep.plan.length,
    runs: [],
  };
}

/** The record with a newly created run added (not yet trained). */
export function withRun(record: SweepRecord, run: RunRecord, settings: SweepSettings): SweepRecord {
  return { ...record, runs: [...record.runs, sweepEntry(run, null, settings, record.metric)] };
}

/** Every entry re-read from the run store and ranked; a deleted run keeps its last entry. */
export async function refreshSweep(store: RunStore, record: SweepRecord): Promise<SweepRecord> {
  const entries = await Promise.all(
    record.runs.map(async (entry) => {
      try {
        const run = await store.readRun(entry.runId);
        return sweepEntry(run, await store.readEvaluation(entry.runId).catch(() => null), entry.settings, record.metric);
      } catch {
        return entry;
      }
    }),
  );
  return { ...record, runs: rankEntries(entries, record.metric), updatedAt: new Date().toISOString() };
}

export function finishedSweep(record: SweepRecord, status: SweepStatus, reason: string | null): SweepRecord {
  return { ...record, status, statusReason: reason, finishedAt: new Date().toISOString() };
}

/** Writes `<sweepId>.json`, and the Markdown report with its two pictures; returns the paths. */
export async function saveSweep(runsDir: string, record: SweepRecord): Promise<{ json: string; markdown: string }> {
  const json = await writeSweep(runsDir, record);
  const paths = sweepPaths(runsDir, record.id);
  const hasResults = record.runs.some((r) => r.metric !== null);
  const charts = hasResults ? renderSweepCharts(record) : null;
  await writeSweepReport(runsDir, record.id, {
    markdown: renderSweepReport(record, charts ? { params: path.basename(paths.paramsSvg), time: path.basename(paths.timeSvg) } : {}),
    paramsSvg: charts?.params ?? null,
    timeSvg: charts?.time ?? null,
  });
  return { json, markdown: paths.markdown };
}
