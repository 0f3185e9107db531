// Feeds one comparison webview from the run store: the runs it shows (added and removed by the
// user), their data read from their folders, the view options that live on the host (Only
// Differences, sort, pair), and a state snapshot after each change. Runs still training are
// followed by polling their folders. No vscode here, so unit tests drive it against run folders
// they create.

import * as path from 'node:path';
import {
  sameRef,
  type ComparePair,
  type CompareDownMessage,
  type CompareRunRef,
  type CompareState,
  type CompareViewState,
  type ExampleDiff,
  type EvaluationChoice,
  type ExportFormat,
  type TableSort,
} from '../protocol/comparePanelProtocol';
import type { ComparisonInput } from '../engine/evaluation/comparisonReport';
import { readNamedEvaluation, readNamedPredictions } from '../storage/evaluationsStore';
import { RunStore } from '../storage/runStore';
import { evaluatedDatasetPath, evaluatedRun, resolveEvaluation, sharedEvaluations, withNamedEvaluation } from './compareEvaluations';
import { compareExamples, type LineReader } from './compareExamples';
import { tableToCsv, tableToMarkdown } from './compareExport';
import { loadCompareRun, runStamp, type CompareRunData } from './compareRunData';
import { buildCompareState, resolvePair } from './compareSnapshot';

export interface CompareSessionOptions {
  refs: readonly CompareRunRef[];
  onlyDifferences?: boolean;
  sort?: TableSort | null;
  pair?: ComparePair | null;
  /** The named evaluation shown; null/absent: the test split. */
  evaluation?: string | null;
  post(message: CompareDownMessage): void;
  /** Called after the set of runs changed (the panel's title counts them). */
  onRunsChanged?(refs: readonly CompareRunRef[]): void;
  onError?(error: unknown): void;
  /** For tests: reads dataset lines. */
  readLines?: LineReader;
  /** Poll period while a run is queued or running. */
  pollMs?: number;
  /** Poll period otherwise (a run resumed elsewhere is noticed). */
  idlePollMs?: number;
}

interface Entry {
  ref: CompareRunRef;
  color: number;
}

const DEFAULT_POLL_MS = 2000;
const DEFAULT_IDLE_POLL_MS = 10000;

function keyOf(ref: CompareRunRef): string {
  return `${path.resolve(ref.runsDir)}\u0000${ref.runId}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isActive(data: CompareRunData): boolean {
  return data.run.status === 'running' || data.run.status === 'queued';
}

export class CompareSession {
  private readonly options: CompareSessionOptions;
  private entries: Entry[] = [];
  private nextColor = 0;
  private readonly data = new Map<string, CompareRunData>();
  private readonly stores = new Map<string, RunStore>();
  /** Runs that could not be read, by key: their sentence. */
  private readonly unreadable = new Map<string, string>();
  private onlyDifferences: boolean;
  private sort: TableSort | null;
  private pair: ComparePair | null;
  private evaluation: string | null;
  /** Runs with the chosen named evaluation in place, by key (stamp and name tell when to read again). */
  private readonly named = new Map<string, { stamp: string; name: string; data: CompareRunData }>();
  /** The runs as last shown (with the evaluation shown), in column order. */
  private lastRuns: CompareRunData[] = [];
  private examples: { key: string; value: ExampleDiff } | null = null;
  private curvesVersion = 0;
  private lastState: CompareState | null = null;
  private attached = false;
  private disposed = false;
  private chain: Promise<void> = Promise.resolve();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: CompareSessionOptions) {
    this.options = options;
    this.onlyDifferences = options.onlyDifferences ?? true;
    this.sort = options.sort ?? null;
    this.pair = options.pair ?? null;
    this.evaluation = options.evaluation ?? null;
    this.add(options.refs);
  }

  /** The runs of the panel, in the order they were added. */
  get refs(): CompareRunRef[] {
    return this.entries.map((e) => ({ ...e.ref }));
  }

  /** What the webview saves for the serializer (it adds its own chart controls). */
  viewState(): Omit<CompareViewState, 'curves'> {
    return { runs: this.refs, onlyDifferences: this.onlyDifferences, sort: this.sort, pair: this.pair, evaluation: this.evaluation };
  }

  /** The webview is ready: read every run and send the state, then follow the runs. */
  attach(): Promise<void> {
    this.attached = true;
    return this.serial(async () => {
      await this.load();
      await this.send();
      this.schedulePoll();
    });
  }

  /** The webview is gone (hidden): send nothing until the next attach. */
  detach(): void {
    this.attached = false;
    this.clearPoll();
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
  }

  /** Adds runs (those already shown are skipped) and sends the new state. */
  addRuns(refs: readonly CompareRunRef[]): Promise<void> {
    return this.serial(async () => {
      if (this.add(refs) === 0) return;
      this.options.onRunsChanged?.(this.refs);
      await this.load();
      await this.send();
    });
  }

  removeRun(ref: CompareRunRef): Promise<void> {
    return this.serial(async () => {
      const before = this.entries.length;
      this.entries = this.entries.filter((e) => !sameRef(e.ref, ref));
      if (this.entries.length === before) return;
      this.data.delete(keyOf(ref));
      this.unreadable.delete(keyOf(ref));
      this.options.onRunsChanged?.(this.refs);
      this.curvesVersion++;
      await this.send();
    });
  }

  setOnlyDifferences(on: boolean): Promise<void> {
    return this.serial(async () => {
      this.onlyDifferences = on;
      await this.send();
    });
  }

  setSort(sort: TableSort | null): Promise<void> {
    return this.serial(async () => {
      this.sort = sort;
      await this.send();
    });
  }

  setPair(pair: ComparePair): Promise<void> {
    return this.serial(async () => {
      this.pair = pair;
      await this.send();
    });
  }

  /** Shows a named evaluation of every run (null: the test split). */
  setEvaluation(name: string | null): Promise<void> {
    return this.serial(async () => {
      this.evaluation = name;
      await this.send();
    });
  }

  /** What "Save Comparison" writes: the runs as shown (order, evaluation), null before the first state. */
  comparisonInputs(): { inputs: ComparisonInput[]; onlyDifferences: boolean; evaluation: string | null } | null {
    if (!this.lastState || this.lastRuns.length === 0) return null;
    return {
      inputs: this.lastRuns.map((r) => ({ run: r.run, evaluation: r.evaluation, metrics: r.metrics })),
      onlyDifferences: this.onlyDifferences,
      evaluation: this.lastState.evaluation,
    };
  }

  /** Reads the runs again now (after a worker message about one of them). */
  refresh(): Promise<void> {
    return this.serial(async () => {
      if (await this.load()) await this.send();
    });
  }

  /** Whether the run is shown in this panel. */
  has(ref: CompareRunRef): boolean {
    return this.entries.some((e) => sameRef(e.ref, ref));
  }

  /** The dataset file of a run of the panel (for opening a line); null when the run is not shown. */
  datasetPathOf(ref: CompareRunRef): string | null {
    const data = this.lastRuns.find((r) => sameRef(r.ref, ref)) ?? this.data.get(keyOf(ref));
    if (!data) return null;
    return evaluatedDatasetPath(data);
  }

  /** The metrics table as last sent, as CSV or Markdown; null before the first state. */
  exportText(format: ExportFormat): string | null {
    const state = this.lastState;
    if (!state) return null;
    return format === 'csv' ? tableToCsv(state.runs, state.metrics) : tableToMarkdown(state.runs, state.metrics, state.config);
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  private add(refs: readonly CompareRunRef[]): number {
    let added = 0;
    for (const ref of refs) {
      if (this.entries.some((e) => sameRef(e.ref, ref))) continue;
      this.entries.push({ ref: { runsDir: ref.runsDir, runId: ref.runId }, color: this.nextColor++ });
      added++;
    }
    return added;
  }

  private storeFor(runsDir: string): RunStore {
    const key = path.resolve(runsDir);
    let store = this.stores.get(key);
    if (!store) {
      store = new RunStore(runsDir);
      this.stores.set(key, store);
    }
    return store;
  }

  /** Reads the runs not read yet or changed since; returns whether anything changed. */
  private async load(): Promise<boolean> {
    let changed = false;
    for (const { ref } of this.entries) {
      const key = keyOf(ref);
      const store = this.storeFor(ref.runsDir);
      const known = this.data.get(key);
      try {
        if (known && (await runStamp(store, ref.runId)) === known.stamp) continue;
        this.data.set(key, await loadCompareRun(store, ref.runId));
        this.unreadable.delete(key);
        changed = true;
      } catch (error) {
        const sentence = `Run ${ref.runId} could not be read: ${message(error)}`;
        if (this.unreadable.get(key) !== sentence || known) changed = true;
        this.data.delete(key);
        this.unreadable.set(key, sentence);
      }
    }
    if (changed) this.curvesVersion++;
    return changed;
  }

  private shown(): { runs: CompareRunData[]; colors: number[] } {
    const runs: CompareRunData[] = [];
    const colors: number[] = [];
    for (const entry of this.entries) {
      const data = this.data.get(keyOf(entry.ref));
      if (!data) continue;
      runs.push(data);
      colors.push(entry.color);
    }
    return { runs, colors };
  }

  private async examplesFor(pair: ComparePair | null, runs: readonly CompareRunData[]): Promise<ExampleDiff | null> {
    if (!pair) return null;
    const a = runs.find((r) => sameRef(r.ref, pair.baseline));
    const b = runs.find((r) => sameRef(r.ref, pair.candidate));
    if (!a || !b) return null;
    const key = `${keyOf(a.ref)}|${a.stamp}|${keyOf(b.ref)}|${b.stamp}|${a.evaluatedDataset?.path ?? ''}|${b.evaluatedDataset?.path ?? ''}`;
    if (this.examples?.key === key) return this.examples.value;
    const side = (r: CompareRunData): { run: CompareRunData['run']; predictions: CompareRunData['predictions'] } => ({ run: evaluatedRun(r), predictions: r.predictions });
    const value = await compareExamples(side(a), side(b), this.options.readLines);
    this.examples = { key, value };
    return value;
  }

  /** The runs with the named evaluation `name` in place; a run whose evaluation cannot be read keeps its test split (and says so). */
  private async withEvaluation(runs: readonly CompareRunData[], name: string): Promise<{ runs: CompareRunData[]; problems: string[] }> {
    const out: CompareRunData[] = [];
    const problems: string[] = [];
    for (const data of runs) {
      const key = keyOf(data.ref);
      const cached = this.named.get(key);
      if (cached && cached.stamp === data.stamp && cached.name === name) {
        out.push(cached.data);
        continue;
      }
      try {
        const store = this.storeFor(data.ref.runsDir);
        const named = await readNamedEvaluation(store, data.ref.runId, name);
        if (!named) throw new Error('it is missing.');
        const info = data.namedEvaluations?.find((e) => e.name === name);
        const predictions = info?.hasPredictions === false ? null : await readNamedPredictions(store, data.ref.runId, name);
        const value = withNamedEvaluation(data, named, predictions);
        this.named.set(key, { stamp: data.stamp, name, data: value });
        out.push(value);
      } catch (error) {
        problems.push(`The evaluation "${name}" of run "${data.run.name}" could not be read: ${message(error)}`);
        out.push(data);
      }
    }
    return { runs: out, problems };
  }

  private async send(): Promise<void> {
    if (!this.attached || this.disposed) return;
    const shown = this.shown();
    const colors = shown.colors;
    const evaluations: EvaluationChoice[] = sharedEvaluations(shown.runs);
    const evaluation = resolveEvaluation(this.evaluation, evaluations);
    const chosen = evaluation === null ? { runs: shown.runs, problems: [] } : await this.withEvaluation(shown.runs, evaluation);
    const runs = chosen.runs;
    const pair = resolvePair(this.pair, runs);
    const examples = await this.examplesFor(pair, runs);
    const state = buildCompareState({
      runs,
      colors,
      onlyDifferences: this.onlyDifferences,
      sort: this.sort,
      pair,
      examples,
      curvesVersion: this.curvesVersion,
      problems: [...this.unreadable.values(), ...chosen.problems],
      evaluations,
      evaluation,
    });
    this.lastState = state;
    this.lastRuns = state.runs.flatMap((column) => runs.filter((r) => sameRef(r.ref, column.ref)));
    if (this.attached && !this.disposed) this.options.post({ type: 'compare/stateChanged', payload: { state } });
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task).catch((error: unknown) => this.options.onError?.(error));
    this.chain = next;
    return next;
  }

  private schedulePoll(): void {
    this.clearPoll();
    if (!this.attached || this.disposed) return;
    const active = this.shown().runs.some(isActive);
    const delay = active ? (this.options.pollMs ?? DEFAULT_POLL_MS) : (this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.serial(async () => {
        if (await this.load()) await this.send();
        this.schedulePoll();
      });
    }, delay);
  }

  private clearPoll(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }
}
