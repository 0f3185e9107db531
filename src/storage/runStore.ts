// The run store: one folder per run under `runsDir` (see DESIGN.md, "Run store").
//   <runsDir>/<runId>/run.json, metrics.jsonl, checkpoints/<name>/state.json, evaluation.json,
//   predictions.jsonl, report.md, worker.log
// Every JSON file is written atomically; metrics and the log are append-only. Reading a run
// reconciles it with reality: a run whose worker died is shown (and saved) as interrupted.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TrainConfig } from '../protocol/configTypes';
import {
  RUN_SCHEMA_VERSION,
  type CheckpointState,
  type Evaluation,
  type MetricEvent,
  type PredictionRecord,
  type RunRecord,
} from '../protocol/runTypes';
import { appendLines, asLine } from './appendText';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { dirSize } from './dirSize';
import { parseJsonLines, toJsonLines } from './jsonLines';
import { KeyedQueue } from './keyedQueue';
import { mapLimit } from './mapLimit';
import { readJsonFileOrNull } from './readJson';
import { claimsLiveWorker, isProcessAlive, reconcileRun, type ProcessProbe } from './reconcileRun';
import { isCheckpointState, isEvaluation, isMetricEvent, isPredictionRecord } from './recordGuards';
import { loadRunRecord } from './runRecordFile';
import {
  CHECKPOINTS_DIR,
  CHECKPOINT_STATE_FILE,
  EVALUATION_FILE,
  METRICS_FILE,
  PREDICTIONS_FILE,
  REPORT_FILE,
  RUN_FILE,
  SWEEPS_DIR,
  WORKER_LOG_FILE,
} from './runLayout';
import { assertCheckpointName, assertRunId, createRunId, defaultRunName, isSafeName } from './runNames';
import { matchRunRef } from './runRefMatch';
import { JsonFileError, RunBusyError, RunNotFoundError, RunSchemaError, errorCode } from './storageErrors';

/** A run folder that could not be read; listing skips it and reports it. */
export interface RunStoreProblem {
  /** The folder name under runsDir. */
  runId: string;
  path: string;
  message: string;
  error: Error;
}

export interface RunStoreOptions {
  /** Clock, for tests. */
  now?: () => Date;
  /** Liveness check of worker pids, for tests. */
  isAlive?: ProcessProbe;
  /** Called for each unreadable run folder met while listing (also for failed reconciliation writes). */
  onProblem?: (problem: RunStoreProblem) => void;
  /** How many run.json files are read at once while listing. */
  listConcurrency?: number;
}

export interface CheckpointInfo {
  name: string;
  /** state.json of the checkpoint; null when absent or unreadable (e.g. being written). */
  state: CheckpointState | null;
  /** True for the checkpoint named by run.json `best.name`. */
  isBest: boolean;
  /** Bytes of all files in the checkpoint folder. */
  bytes: number;
}

/** Every file of one run, for watchers and for code that writes model files. */
export interface RunPaths {
  dir: string;
  run: string;
  metrics: string;
  checkpoints: string;
  evaluation: string;
  predictions: string;
  report: string;
  log: string;
}

const CREATE_ATTEMPTS = 8;
const DEFAULT_LIST_CONCURRENCY = 64;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function newestFirst(a: RunRecord, b: RunRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export class RunStore {
  readonly runsDir: string;
  private readonly now: () => Date;
  private readonly isAlive: ProcessProbe;
  private readonly onProblem: ((problem: RunStoreProblem) => void) | undefined;
  private readonly listConcurrency: number;
  private readonly queue = new KeyedQueue();

  /** `runsDir` is usually `defaultRunsDir(workspaceRoot)`: `<workspace>/.finetune/runs`. */
  constructor(runsDir: string, options: RunStoreOptions = {}) {
    this.runsDir = path.resolve(runsDir);
    this.now = options.now ?? (() => new Date());
    this.isAlive = options.isAlive ?? isProcessAlive;
    this.onProblem = options.onProblem;
    this.listConcurrency = options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY;
  }

  // ── Paths ────────────────────────────────────────────────────────────────────────────────

  runDir(id: string): string {
    assertRunId(id);
    return path.join(this.runsDir, id);
  }

  paths(id: string): RunPaths {
    const dir = this.runDir(id);
    return {
      dir,
      run: path.join(dir, RUN_FILE),
      metrics: path.join(dir, METRICS_FILE),
      checkpoints: path.join(dir, CHECKPOINTS_DIR),
      evaluation: path.join(dir, EVALUATION_FILE),
      predictions: path.join(dir, PREDICTIONS_FILE),
      report: path.join(dir, REPORT_FILE),
      log: path.join(dir, WORKER_LOG_FILE),
    };
  }

  /** The folder of checkpoint `name` (not created). Model files go here next to state.json. */
  checkpointDir(id: string, name: string): string {
    assertCheckpointName(name);
    return path.join(this.runDir(id), CHECKPOINTS_DIR, name);
  }

  // ── run.json ─────────────────────────────────────────────────────────────────────────────

  /**
   * Creates a queued run. The folder appears complete or not at all: it is assembled under a
   * hidden name and renamed into place.
   */
  async createRun(config: TrainConfig, options: { name?: string } = {}): Promise<RunRecord> {
    await fs.promises.mkdir(this.runsDir, { recursive: true });
    const now = this.now();
    const time = now.toISOString();
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const id = createRunId(config, now);
      const finalDir = path.join(this.runsDir, id);
      if (fs.existsSync(finalDir)) continue;
      const record: RunRecord = {
        schemaVersion: RUN_SCHEMA_VERSION,
        id,
        name: options.name?.trim() || defaultRunName(config),
        status: 'queued',
        statusReason: null,
        createdAt: time,
        updatedAt: time,
        startedAt: null,
        finishedAt: null,
        config,
        dataset: null,
        model: null,
        backend: null,
        environment: null,
        gitCommit: null,
        pid: null,
        progress: null,
        best: null,
        trainingSeconds: 0,
      };
      const staging = path.join(this.runsDir, `.creating-${id}-${randomBytes(4).toString('hex')}`);
      await fs.promises.mkdir(staging);
      try {
        await writeJsonAtomic(path.join(staging, RUN_FILE), record);
        await fs.promises.rename(staging, finalDir);
        return record;
      } catch (error) {
        await fs.promises.rm(staging, { recursive: true, force: true });
        const code = errorCode(error);
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw error;
      }
    }
    throw new Error(`Could not create a new run folder in ${this.runsDir}: every id tried was taken.`);
  }

  /**
   * Reads run.json, reconciled: a run whose worker died comes back (and is saved) as interrupted.
   * Throws RunNotFoundError, RunSchemaError (newer version) or JsonFileError (malformed).
   */
  async readRun(id: string): Promise<RunRecord> {
    const record = await this.readRawRun(id);
    return this.reconciled(record);
  }

  /**
   * Changes run.json atomically and sets updatedAt. Updates of one run from this process are
   * applied one after the other. The id and schemaVersion cannot be changed.
   */
  async updateRun(id: string, patch: Partial<RunRecord> | ((record: RunRecord) => RunRecord)): Promise<RunRecord> {
    const updated = await this.modifyRun(id, (record) =>
      typeof patch === 'function' ? patch(record) : { ...record, ...patch },
    );
    return updated ?? this.readRawRun(id);
  }

  /**
   * Every readable run, newest first, reconciled. Unreadable folders (malformed run.json, newer
   * schema) are skipped and reported to `onProblem` (this call's, else the store's).
   */
  async listRuns(options: { onProblem?: (problem: RunStoreProblem) => void } = {}): Promise<RunRecord[]> {
    const { runs, problems } = await this.scanRuns();
    const report = options.onProblem ?? this.onProblem;
    if (report) for (const problem of problems) report(problem);
    return runs;
  }

  /** `listRuns` that returns the problems instead of reporting them. */
  async scanRuns(): Promise<{ runs: RunRecord[]; problems: RunStoreProblem[] }> {
    const ids = await this.runFolderNames();
    const problems: RunStoreProblem[] = [];
    const loaded = await mapLimit(ids, this.listConcurrency, async (id) => {
      const file = path.join(this.runsDir, id, RUN_FILE);
      try {
        return await loadRunRecord(file, id);
      } catch (error) {
        const err = asError(error);
        problems.push({ runId: id, path: file, message: err.message, error: err });
        return null;
      }
    });
    const runs: RunRecord[] = [];
    for (const record of loaded) if (record) runs.push(record);
    // Only runs that claim a live worker need a liveness check (and maybe a write).
    const reconciled = await mapLimit(runs, this.listConcurrency, async (record) =>
      claimsLiveWorker(record) ? this.reconciled(record, problems) : record,
    );
    reconciled.sort(newestFirst);
    return { runs: reconciled, problems };
  }

  /**
   * Finds a run from what a user typed: an id, a unique id prefix, a run folder path (or a file
   * inside it), 'latest', or a unique run name. Throws RunNotFoundError listing near or ambiguous
   * matches otherwise.
   */
  async resolveRun(ref: string): Promise<RunRecord> {
    const wanted = ref.trim();
    if (wanted === '') throw new RunNotFoundError(ref, 'No run given: pass a run id, a unique id prefix, a run folder, or "latest".');
    if (wanted === 'latest') {
      const [latest] = await this.listRuns();
      if (!latest) throw new RunNotFoundError(ref, `There are no runs in ${this.runsDir} yet.`);
      return latest;
    }
    if (isSafeName(wanted) && fs.existsSync(path.join(this.runsDir, wanted, RUN_FILE))) return this.readRun(wanted);
    if (wanted.includes('/') || wanted.includes('\\') || path.isAbsolute(wanted)) return this.resolvePath(wanted);

    const runs = await this.listRuns();
    const match = matchRunRef(wanted, runs);
    const hint = 'Give a run id, a unique prefix of one, a run folder, or "latest".';
    switch (match.kind) {
      case 'match':
        return this.readRun(match.id);
      case 'ambiguous': {
        const shown = match.ids.slice(0, 8).join(', ');
        const more = match.ids.length > 8 ? ` and ${match.ids.length - 8} more` : '';
        throw new RunNotFoundError(ref, `"${wanted}" matches ${match.ids.length} runs: ${shown}${more}. Type more of the id.`, match.ids);
      }
      case 'none': {
        if (runs.length === 0) throw new RunNotFoundError(ref, `No run matches "${wanted}": there are no runs in ${this.runsDir} yet.`);
        const suggestions = match.near.length > 0 ? match.near : runs.slice(0, 5).map((run) => run.id);
        const label = match.near.length > 0 ? 'Did you mean' : 'Newest runs';
        throw new RunNotFoundError(
          ref,
          `No run matches "${wanted}" in ${this.runsDir}. ${label}: ${suggestions.join(', ')}? ${hint}`,
          suggestions,
        );
      }
    }
  }

  /**
   * Deletes the run folder. The folder is first renamed to a hidden name, so readers never see a
   * half-deleted run. Refuses a run whose worker is alive unless `force` is set. A run whose
   * run.json is malformed or from a newer version can still be deleted.
   */
  async deleteRun(id: string, options: { force?: boolean } = {}): Promise<void> {
    const dir = this.runDir(id);
    if (!fs.existsSync(dir)) throw this.notFound(id);
    try {
      const record = await this.readRun(id);
      if (!options.force && claimsLiveWorker(record) && record.pid !== null && this.isAlive(record.pid)) {
        throw new RunBusyError(id, record.pid, 'delete it');
      }
    } catch (error) {
      if (!(error instanceof JsonFileError) && !(error instanceof RunSchemaError)) throw error;
    }
    const doomed = path.join(this.runsDir, `.deleting-${id}-${randomBytes(4).toString('hex')}`);
    await fs.promises.rename(dir, doomed);
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  // ── metrics.jsonl ────────────────────────────────────────────────────────────────────────

  /** Appends events to metrics.jsonl in one write (a torn line left by a crash is closed first). */
  async appendMetrics(id: string, events: readonly MetricEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.appendToRunFile(id, METRICS_FILE, toJsonLines(events));
  }

  /** Every metric event; a torn or malformed line (from a crash mid-append) is skipped. */
  async readMetrics(id: string): Promise<MetricEvent[]> {
    const text = await this.readRunText(id, METRICS_FILE);
    return text === null ? [] : parseJsonLines(text, isMetricEvent).records;
  }

  /**
   * Events appended since byte `offset` (0 = from the start), for following a live run. Only
   * complete lines are consumed; pass the returned offset next time.
   */
  async readMetricsSince(id: string, offset: number): Promise<{ events: MetricEvent[]; offset: number }> {
    const file = path.join(this.runDir(id), METRICS_FILE);
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        if (!fs.existsSync(this.runDir(id))) throw this.notFound(id);
        return { events: [], offset: 0 };
      }
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const start = size < offset ? 0 : offset; // the file was replaced: start over
      const buffer = Buffer.alloc(size - start);
      if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, start);
      const end = buffer.lastIndexOf(0x0a) + 1; // newline bytes never occur inside UTF-8 sequences
      const { records } = parseJsonLines(buffer.subarray(0, end).toString('utf8'), isMetricEvent);
      return { events: records, offset: start + end };
    } finally {
      await handle.close();
    }
  }

  // ── evaluation.json, predictions.jsonl, report.md, worker.log ────────────────────────────

  async writeEvaluation(id: string, evaluation: Evaluation): Promise<void> {
    await this.requireRunDir(id);
    await writeJsonAtomic(path.join(this.runDir(id), EVALUATION_FILE), evaluation);
  }

  /** evaluation.json, or null when the run has none yet. Throws JsonFileError when malformed. */
  async readEvaluation(id: string): Promise<Evaluation | null> {
    await this.requireRunDir(id);
    return readJsonFileOrNull(path.join(this.runDir(id), EVALUATION_FILE), isEvaluation);
  }

  /** Writes predictions.jsonl atomically, one line per row. */
  async writePredictions(id: string, rows: Iterable<PredictionRecord>): Promise<void> {
    await this.requireRunDir(id);
    await writeFileAtomic(path.join(this.runDir(id), PREDICTIONS_FILE), toJsonLines(rows));
  }

  /** The prediction rows, or null when the run has none yet; malformed lines are skipped. */
  async readPredictions(id: string): Promise<PredictionRecord[] | null> {
    const text = await this.readRunText(id, PREDICTIONS_FILE);
    return text === null ? null : parseJsonLines(text, isPredictionRecord).records;
  }

  async writeReport(id: string, markdown: string): Promise<void> {
    await this.requireRunDir(id);
    await writeFileAtomic(path.join(this.runDir(id), REPORT_FILE), markdown);
  }

  /** Appends a line (as given, plus a newline) to worker.log. */
  async appendLog(id: string, line: string): Promise<void> {
    await this.appendToRunFile(id, WORKER_LOG_FILE, asLine(line));
  }

  // ── checkpoints ──────────────────────────────────────────────────────────────────────────

  /** Writes checkpoints/<state.name>/state.json atomically, creating the folder. */
  async writeCheckpointState(id: string, state: CheckpointState): Promise<void> {
    await this.requireRunDir(id);
    const dir = this.checkpointDir(id, state.name);
    await fs.promises.mkdir(dir, { recursive: true });
    await writeJsonAtomic(path.join(dir, CHECKPOINT_STATE_FILE), state);
  }

  /** state.json of a checkpoint, or null when absent. Throws JsonFileError when malformed. */
  async readCheckpointState(id: string, name: string): Promise<CheckpointState | null> {
    return readJsonFileOrNull(path.join(this.checkpointDir(id, name), CHECKPOINT_STATE_FILE), isCheckpointState);
  }

  /**
   * The checkpoints of a run, oldest step first (those without a readable state.json last, by
   * name). Hidden folders (a checkpoint being assembled) are skipped.
   */
  async listCheckpoints(id: string): Promise<CheckpointInfo[]> {
    const record = await this.readRun(id);
    const root = path.join(this.runDir(id), CHECKPOINTS_DIR);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(root, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const names = entries.filter((entry) => entry.isDirectory() && isSafeName(entry.name)).map((entry) => entry.name);
    const infos = await mapLimit(names, 16, async (name): Promise<CheckpointInfo> => {
      const dir = path.join(root, name);
      const state = await readJsonFileOrNull(path.join(dir, CHECKPOINT_STATE_FILE), isCheckpointState).catch(() => null);
      return { name, state, isBest: record.best?.name === name, bytes: await dirSize(dir) };
    });
    return infos.sort((a, b) => {
      if (a.state && b.state && a.state.step !== b.state.step) return a.state.step - b.state.step;
      if (a.state && !b.state) return -1;
      if (!a.state && b.state) return 1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  private notFound(id: string): RunNotFoundError {
    return new RunNotFoundError(id, `Run ${id} was not found in ${this.runsDir}.`);
  }

  private async requireRunDir(id: string): Promise<void> {
    try {
      const stat = await fs.promises.stat(this.runDir(id));
      if (stat.isDirectory()) return;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    throw this.notFound(id);
  }

  private async readRawRun(id: string): Promise<RunRecord> {
    const file = path.join(this.runDir(id), RUN_FILE);
    try {
      return await loadRunRecord(file, id);
    } catch (error) {
      if (error instanceof JsonFileError && error.reason === 'missing') throw this.notFound(id);
      throw error;
    }
  }

  /** Read-modify-write of run.json, one at a time per run. `change` returning the same object skips the write. */
  private modifyRun(id: string, change: (record: RunRecord) => RunRecord): Promise<RunRecord | null> {
    return this.queue.run(`run:${id}`, async () => {
      const current = await this.readRawRun(id);
      const changed = change(current);
      if (changed === current) return null;
      const next: RunRecord = {
        ...changed,
        id: current.id,
        schemaVersion: current.schemaVersion,
        updatedAt: this.now().toISOString(),
      };
      await writeJsonAtomic(path.join(this.runDir(id), RUN_FILE), next);
      return next;
    });
  }

  /** The record reconciled with the liveness of its worker; a change is saved (re-checked on a fresh read). */
  private async reconciled(record: RunRecord, problems?: RunStoreProblem[]): Promise<RunRecord> {
    const shown = reconcileRun(record, this.now(), this.isAlive);
    if (shown === record) return record;
    try {
      const saved = await this.modifyRun(record.id, (fresh) => reconcileRun(fresh, this.now(), this.isAlive));
      return saved ?? (await this.readRawRun(record.id));
    } catch (error) {
      const err = asError(error);
      const problem: RunStoreProblem = {
        runId: record.id,
        path: path.join(this.runDir(record.id), RUN_FILE),
        message: `Could not save that run ${record.id} was interrupted: ${err.message}`,
        error: err,
      };
      if (problems) problems.push(problem);
      else this.onProblem?.(problem);
      return shown;
    }
  }

  /** Names of the run folders (hidden folders, being created or deleted, are left out). */
  private async runFolderNames(): Promise<string[]> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(this.runsDir, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    return entries.filter((entry) => entry.isDirectory() && isSafeName(entry.name) && entry.name !== SWEEPS_DIR).map((entry) => entry.name);
  }

  private async readRunText(id: string, file: string): Promise<string | null> {
    try {
      return await fs.promises.readFile(path.join(this.runDir(id), file), 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      await this.requireRunDir(id);
      return null;
    }
  }

  private async appendToRunFile(id: string, file: string, text: string): Promise<void> {
    await this.queue.run(`${file}:${id}`, async () => {
      try {
        await appendLines(path.join(this.runDir(id), file), text);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') throw this.notFound(id);
        throw error;
      }
    });
  }

  private async resolvePath(ref: string): Promise<RunRecord> {
    let dir = path.resolve(ref);
    try {
      dir = await fs.promises.realpath(dir);
      if ((await fs.promises.stat(dir)).isFile()) dir = path.dirname(dir);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      throw new RunNotFoundError(ref, `No run folder at ${dir}.`);
    }
    const runsDir = await fs.promises.realpath(this.runsDir).catch(() => this.runsDir);
    // Walk up, so a path inside a run (a checkpoint folder, a file) finds the run.
    for (let current = dir; path.dirname(current) !== current; current = path.dirname(current)) {
      if (path.dirname(current) === runsDir) return this.readRun(path.basename(current));
      if (fs.existsSync(path.join(current, RUN_FILE))) {
        throw new RunNotFoundError(
          ref,
          `${current} is a run of another run store (${path.dirname(current)}), not of ${this.runsDir}; ` +
            'open it from its own workspace.',
        );
      }
    }
    throw new RunNotFoundError(ref, `${dir} is not a run folder: it has no ${RUN_FILE}.`);
  }
}
